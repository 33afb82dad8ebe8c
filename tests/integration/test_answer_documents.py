"""An information request's answer may carry documents (issue 13, point 6), in both request procedures: whoever
prepares the answer chooses files of the case (`documents`); they are carried to whoever approves it (who may leave
one out, not add one) and to whoever sends it, and what was sent is what the case records. A requester who filed on
the portal sees the documents sent (names, types, sizes) once the answer is sent and downloads each with the same
private token; anything else (a wrong token or reference, another case's file, a file not sent, any file before
the answer) is 404, alike. The letter that tells them the answer is ready names the documents."""

from __future__ import annotations

from typing import Any

import pytest

from tests import cases
from tests.cases import attach, complete, events, submit, task_of
from tests.conftest import deploy_shipped
from tests.files import docx, png

CITIZEN = {
    "requester_kind": "person",
    "requester_name": "Aibek Toktogulov",
    "contact": {"email": "aibek@example.kg"},
    "channel": "letter",
    "subject": "Playground repairs",
    "question": "How much did the city spend on playground repairs in 2025?",
    "received_at": "2026-03-02T09:00:00+06:00",
    "urgent": False,
}
STARTS = {"information_request": {}, "public_information_request": CITIZEN}
PREPARED = {"answer": "4.2 million som, in 31 playgrounds; the contracts are attached.",
            "confirm_no_confidential": True, "refuse": False}
FILED = {"requester_kind": "person", "requester_name": "Aibek Toktogulov", "contact": {"email": "aibek@example.kg"},
         "subject": "Playground repairs", "question": "How much did the city spend on playground repairs in 2025?"}


@pytest.fixture(autouse=True)
def _both_request_procedures(deployed: None, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


def prepared(process_key: str) -> dict[str, Any]:
    """What prepare_answer takes in the procedure (the request for public information also asks about a part)."""
    return PREPARED | ({"partly_refuse": False} if process_key == "public_information_request" else {})


def start(as_: Any, process_key: str) -> dict[str, Any]:
    return cases.start(as_, process_key, **({"data": STARTS[process_key]} if STARTS[process_key] else {}))


def by_a_unit(as_: Any, process_key: str) -> tuple[dict[str, Any], list[str]]:
    """A request triaged to the transport unit's press secretary, with three files attached to it."""
    case = start(as_, process_key)
    triage = {"decision": "answer"} if process_key == "public_information_request" else {}
    complete(as_, "pr", case["id"], "triage", handler="press_secretary", unit="transport", contributors=[], **triage)
    files = [attach(as_, "ps_transport", case["id"], name=name) for name in ("contracts-2025.pdf", "budget.pdf")]
    files.append(attach(as_, "ps_transport", case["id"], docx(), "internal-memo.docx"))
    return case, files


@pytest.mark.parametrize("process_key", list(STARTS))
def test_the_documents_prepared_go_to_the_approver_and_the_sender_and_the_case_records_those_sent(
        as_: Any, process_key: str) -> None:
    case, (contracts, budget, memo) = by_a_unit(as_, process_key)
    complete(as_, "ps_transport", case["id"], "prepare_answer", **prepared(process_key), documents=[contracts, budget])
    approve = task_of(as_, "pr", case["id"], "approve_answer")
    assert approve["data"]["documents"] == [contracts, budget]  # carried: the approver's form starts with them
    assert approve["form"]["schema"]["properties"]["documents"]["x-attachment"] is True
    # The approver may leave one out, not add one (the memo was attached, not prepared).
    refused = submit(as_, "pr", approve["id"], decision="approve", confirm_no_confidential=True,
                     documents=[contracts, memo])
    assert refused.status_code == 422, refused.get_json()
    assert [e["field"] for e in refused.get_json()["errors"]] == ["documents"]
    assert task_of(as_, "pr", case["id"], "approve_answer")["status"] == "open"
    complete(as_, "pr", case["id"], "approve_answer", decision="approve", confirm_no_confidential=True,
             documents=[contracts, budget])
    send = task_of(as_, "ps_transport", case["id"], "send_answer")
    assert send["data"]["documents"] == [contracts, budget]
    assert submit(as_, "ps_transport", send["id"], sent_via="email", documents=[memo]).status_code == 422
    done = complete(as_, "ps_transport", case["id"], "send_answer", sent_via="email", documents=[contracts])
    assert done["status"] == "completed" and done["data"]["outcome"] == "answered"
    assert done["data"]["documents"] == [contracts]  # what was sent
    (sent,) = [e for e in events(as_, case["id"], "task.completed") if e["subject"] == "send_answer"]
    assert sent["after"]["documents"] == [contracts] and sent["actor"] == "ps_transport"


@pytest.mark.parametrize("process_key", list(STARTS))
def test_the_documents_are_left_as_they_are_when_a_form_leaves_them_out(as_: Any, process_key: str) -> None:
    case, (contracts, budget, _memo) = by_a_unit(as_, process_key)
    complete(as_, "ps_transport", case["id"], "prepare_answer", **prepared(process_key), documents=[contracts, budget])
    complete(as_, "pr", case["id"], "approve_answer", decision="approve", confirm_no_confidential=True)
    done = complete(as_, "ps_transport", case["id"], "send_answer", sent_via="email")
    assert done["data"]["documents"] == [contracts, budget]  # an API client that knows nothing of them sends them all


@pytest.mark.parametrize("process_key", list(STARTS))
def test_a_file_of_another_case_or_a_refusal_with_documents_is_refused_naming_documents(
        as_: Any, process_key: str) -> None:
    case, (contracts, _budget, _memo) = by_a_unit(as_, process_key)
    other, (theirs, *_) = by_a_unit(as_, process_key)
    task = task_of(as_, "ps_transport", case["id"], "prepare_answer")
    for wrong in ({**prepared(process_key), "documents": [contracts, theirs]},
                  {**prepared(process_key), "documents": ["no-such-file"]},
                  {**prepared(process_key), "answer": None, "refuse": True, "refusal_ground": "State secret",
                   "documents": [contracts]}):
        response = submit(as_, "ps_transport", task["id"], **{k: v for k, v in wrong.items() if v is not None})
        assert response.status_code == 422, response.get_json()
        assert [e["field"] for e in response.get_json()["errors"]] == ["documents"]
    assert task_of(as_, "ps_transport", case["id"], "prepare_answer")["status"] == "open"


@pytest.mark.parametrize("process_key", list(STARTS))
def test_a_refusal_by_the_approver_sends_no_documents(as_: Any, process_key: str) -> None:
    case, (contracts, _budget, _memo) = by_a_unit(as_, process_key)
    complete(as_, "ps_transport", case["id"], "prepare_answer", **prepared(process_key), documents=[contracts])
    ground = "state_secret" if process_key == "public_information_request" else "State secret"
    complete(as_, "pr", case["id"], "approve_answer", decision="refuse", refusal_ground=ground)
    send = task_of(as_, "ps_transport", case["id"], "send_answer")
    assert send["data"].get("documents") == []  # nothing to send with a refusal
    assert submit(as_, "ps_transport", send["id"], sent_via="email", documents=[contracts]).status_code == 422
    done = complete(as_, "ps_transport", case["id"], "send_answer", sent_via="email")
    assert done["data"]["outcome"] == "refused" and done["data"]["documents"] == []


# -- the portal ----------------------------------------------------------------------------------------------

def file(app: Any) -> dict[str, Any]:
    response = app.test_client().post("/public/requests", json=FILED, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def case_of(as_: Any, reference: str) -> int:
    return int(as_("pr").get(f"/api/v1/process-instances?business_key={reference}").get_json()["items"][0]["id"])


def track(app: Any, reference: str, token: str) -> dict[str, Any]:
    response = app.test_client().get(f"/public/requests/{reference}", query_string={"token": token})
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def download(app: Any, reference: str, attachment_id: str, token: str) -> Any:
    return app.test_client().get(f"/public/requests/{reference}/documents/{attachment_id}",
                                 query_string={"token": token})


def answered_on_the_portal(app: Any, as_: Any, *, send: bool = True, **prepared: Any) -> dict[str, Any]:
    """A request filed on the portal, answered by the PR department with two of the case's three files."""
    filed = file(app)
    case_id = case_of(as_, filed["reference"])
    complete(as_, "pr", case_id, "triage", decision="answer", handler="pr_department", contributors=[])
    contracts = attach(as_, "pr", case_id, name="contracts-2025.pdf")
    photo = attach(as_, "pr", case_id, png(64, 48), "playground.png")
    kept = attach(as_, "pr", case_id, name="internal-note.pdf")
    complete(as_, "pr", case_id, "prepare_answer", **(PREPARED | {"partly_refuse": False} | prepared),
             documents=[contracts, photo])
    if send:
        complete(as_, "pr", case_id, "send_answer", sent_via="portal")
    return filed | {"case_id": case_id, "sent": [contracts, photo], "kept": kept}


def test_the_requester_sees_the_documents_sent_and_downloads_each_with_the_token(app: Any, as_: Any) -> None:
    filed = answered_on_the_portal(app, as_)
    seen = track(app, filed["reference"], filed["tracking_token"])
    assert seen["status"] == "answered"
    assert [(d["id"], d["filename"], d["content_type"]) for d in seen["documents"]] == [
        (filed["sent"][0], "contracts-2025.pdf", "application/pdf"), (filed["sent"][1], "playground.png", "image/png")]
    assert all(d["size"] > 0 for d in seen["documents"]) and set(seen["documents"][0]) == {
        "id", "filename", "content_type", "size"}
    for document in seen["documents"]:
        got = download(app, filed["reference"], document["id"], filed["tracking_token"])
        assert got.status_code == 200
        assert got.headers["Content-Disposition"] == f"attachment; filename={document['filename']}"
        assert got.headers["Content-Type"] == document["content_type"]
        assert int(got.headers["Content-Length"]) == document["size"] == len(got.data)
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert got.headers["Cache-Control"] == "no-store"
    assert download(app, filed["reference"], filed["sent"][0], filed["tracking_token"]).data.startswith(b"%PDF")


def test_the_letter_that_tells_the_answer_names_the_documents(app: Any, as_: Any) -> None:
    filed = answered_on_the_portal(app, as_)
    letters = track(app, filed["reference"], filed["tracking_token"])["letters"]
    answered = next(letter for letter in letters if letter["kind"] == "answered")
    assert answered["body"].startswith(PREPARED["answer"])
    assert "- contracts-2025.pdf\n- playground.png" in answered["body"]
    assert "internal-note.pdf" not in answered["body"]
    # KG's first publication language is Kyrgyz: the heading is the profile's words.
    assert "Жоопко тиркелген документтер" in answered["body"]
    (written,) = [e for e in events(as_, filed["case_id"], "letter.written") if e["after"]["kind"] == "answered"]
    assert "contracts-2025.pdf" in written["after"]["body"]


def test_no_document_is_seen_or_served_before_the_answer_is_sent(app: Any, as_: Any) -> None:
    filed = answered_on_the_portal(app, as_, send=False)
    assert track(app, filed["reference"], filed["tracking_token"])["documents"] == []
    for attachment_id in filed["sent"]:
        assert download(app, filed["reference"], attachment_id, filed["tracking_token"]).status_code == 404


def test_anything_but_a_document_sent_with_its_own_token_is_not_found_alike(app: Any, as_: Any) -> None:
    filed = answered_on_the_portal(app, as_)
    other = answered_on_the_portal(app, as_)
    sent, token = filed["sent"][0], filed["tracking_token"]
    refusals = [
        download(app, filed["reference"], sent, "x" * 43),  # a wrong token
        download(app, filed["reference"], sent, other["tracking_token"]),  # another request's token
        download(app, "PI-2026-000099", sent, token),  # a wrong reference
        download(app, other["reference"], sent, token),  # this file under another request
        download(app, filed["reference"], other["sent"][0], token),  # a file of another case
        download(app, filed["reference"], filed["kept"], token),  # a file of this case that was not sent
        download(app, filed["reference"], "no-such-file", token),
    ]
    assert [r.status_code for r in refusals] == [404] * len(refusals)
    details = {r.get_json()["detail"] for r in refusals}
    assert details == {"no request has this reference and token"}  # nothing tells one refusal from another
    assert all("Content-Disposition" not in r.headers for r in refusals)
    no_token = app.test_client().get(f"/public/requests/{filed['reference']}/documents/{sent}")
    assert no_token.status_code == 422


def test_a_refusal_as_a_whole_shows_and_serves_no_document(app: Any, as_: Any) -> None:
    filed = file(app)
    case_id = case_of(as_, filed["reference"])
    complete(as_, "pr", case_id, "triage", decision="answer", handler="pr_department", contributors=[])
    kept = attach(as_, "pr", case_id, name="contracts-2025.pdf")
    complete(as_, "pr", case_id, "prepare_answer", confirm_no_confidential=True, refuse=True, partly_refuse=False,
             refusal_ground="state_secret")
    complete(as_, "pr", case_id, "send_answer", sent_via="portal")
    seen = track(app, filed["reference"], filed["tracking_token"])
    assert seen["status"] == "refused" and seen["documents"] == []
    assert download(app, filed["reference"], kept, filed["tracking_token"]).status_code == 404


def test_a_partial_answer_carries_its_documents(app: Any, as_: Any) -> None:
    filed = answered_on_the_portal(app, as_, partly_refuse=True, refusal_ground="state_secret",
                                   withheld="The security contractor's name.")
    seen = track(app, filed["reference"], filed["tracking_token"])
    assert seen["status"] == "partly_refused" and [d["id"] for d in seen["documents"]] == filed["sent"]
    assert download(app, filed["reference"], filed["sent"][1], filed["tracking_token"]).status_code == 200
