"""The auditors' pages: searching events and cases, a case's timeline, export, verification; all read only."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from api.views.audit import CSV_FIELDS
from db.models import AuditEvent, HumanTask
from engine.audit import checkpoints, keys, offline
from engine.people.accounts import user_by_username
from engine.runtime import operations
from tests.conftest import BISHKEK, CAST, REQUEST, seal_audit
from tests.web.conftest import text

pytestmark = pytest.mark.usefixtures("deployed")

AUDIT_PAGES = ("/audit/events", "/audit/cases", "/audit/verify", "/audit/events/export.csv",
               "/audit/events/export.json")
SEQ = re.compile(r'data-seq="(\d+)"')
POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*>', re.IGNORECASE)


# -- driving cases through the engine, as the staff's pages would ------------------------------------------

def start(sessions: Any, ctx: Any, username: str = "pr", process_key: str = "information_request",
          **data: Any) -> tuple[int, str]:
    with sessions.begin() as session:
        actor = user_by_username(session, username)
        instance = operations.start(session, ctx, actor, process_key, (REQUEST if process_key ==
                                                                    "information_request" else {}) | data)
        return instance.id, instance.business_key


def complete(sessions: Any, ctx: Any, username: str, instance_id: int, bpmn_id: str, **data: Any) -> None:
    with sessions.begin() as session:
        task_id = session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.bpmn_id == bpmn_id, HumanTask.status == "open")).first()
        assert task_id is not None, f"no open {bpmn_id} in case {instance_id}"
        operations.complete_task(session, ctx, user_by_username(session, username), task_id, data)


def answer(sessions: Any, ctx: Any, instance_id: int) -> None:
    """The PR department answers the request itself: triage, prepare, send; past its deadline the PR head also
    deals with the escalation, which keeps the case open until then."""
    complete(sessions, ctx, "pr", instance_id, "triage", handler="pr_department", contributors=[])
    complete(sessions, ctx, "pr", instance_id, "prepare_answer", answer="No change.", confirm_no_confidential=True,
             refuse=False)
    complete(sessions, ctx, "pr", instance_id, "send_answer", sent_via="email")
    with sessions() as session:
        escalated = session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.bpmn_id == "escalate_overdue", HumanTask.status == "open"))
    if escalated:
        complete(sessions, ctx, "prhead", instance_id, "escalate_overdue", action_taken="Asked for the answer.")


def seqs(sessions: Any, **where: Any) -> list[int]:
    """The seqs of the events matching plain column filters, straight from the table."""
    with sessions() as session:
        query = select(AuditEvent.seq).order_by(AuditEvent.seq)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return list(session.scalars(query))


def shown(response: Any) -> list[int]:
    return [int(s) for s in SEQ.findall(text(response))]


@pytest.fixture
def two_cases(cast: Any, sessions: Any, ctx: Any, clock: Any) -> dict[str, Any]:
    """Case 1 by pr on Monday 2 March (answered); case 2 by the transport press secretary on Thursday 5 March at
    00:30 office time, still the 4th in UTC."""
    first_id, first_key = start(sessions, ctx, "pr")
    answer(sessions, ctx, first_id)
    clock.set(datetime(2026, 3, 5, 0, 30, tzinfo=BISHKEK))
    second_id, second_key = start(sessions, ctx, "ps_transport", unit="transport")
    seal_audit(sessions)  # as the sweep would: the pages show each event's place in the chain
    return {"first": (first_id, first_key), "second": (second_id, second_key)}


# -- who may see them -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("username", sorted(set(CAST) - {"auditor"}))
def test_the_audit_pages_are_for_auditors_only(page_as: Any, two_cases: Any, username: str) -> None:
    web = page_as(username)
    for path in (*AUDIT_PAGES, f"/audit/cases/{two_cases['first'][0]}"):
        assert web.get(path).status_code == 403, path


def test_an_auditor_opens_every_audit_page(page_as: Any, two_cases: Any) -> None:
    web = page_as("auditor")
    for path in (*AUDIT_PAGES, f"/audit/cases/{two_cases['first'][0]}"):
        assert web.get(path).status_code == 200, path


def test_a_stranger_is_sent_to_sign_in(page_as: Any) -> None:
    response = page_as(None).get("/audit/events")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_audit_pages_offer_no_form_that_changes_anything(page_as: Any, two_cases: Any) -> None:
    web = page_as("auditor")
    for path in ("/audit/events", "/audit/cases", "/audit/verify", f"/audit/cases/{two_cases['first'][0]}"):
        forms = POST_FORM.findall(text(web.get(path)))
        # Only base.html's language switcher and sign-out remain.
        assert all('action="/language"' in f or 'action="/sign-out"' in f for f in forms), (path, forms)
        assert len(forms) == 2
    for path in (*AUDIT_PAGES, f"/audit/cases/{two_cases['first'][0]}"):
        assert web.post(path, {"type": "x"}).status_code == 405, path


# -- searching events ------------------------------------------------------------------------------------------

def test_with_no_filter_every_event_shows_with_its_type_and_changes(page_as: Any, two_cases: Any,
                                                                   sessions: Any) -> None:
    response = page_as("auditor").get("/audit/events")
    assert response.status_code == 200
    every = seqs(sessions)
    assert shown(response) == every[:50]
    body = text(response)
    assert "Task completed" in body and "Instance started" in body
    # What the triage changed: the handler chosen, by the form's words (not `handler: pr_department`).
    assert "The PR department" in body and "<th scope=\"row\">Who prepares the answer</th>" in body
    assert "pr_department" not in body


def test_events_filter_by_actor(page_as: Any, two_cases: Any, sessions: Any) -> None:
    response = page_as("auditor").get("/audit/events?actor=ps_transport")
    assert shown(response) == seqs(sessions, actor="ps_transport") != []
    assert not set(shown(response)) & set(seqs(sessions, actor="pr"))


def test_events_filter_by_type(page_as: Any, two_cases: Any, sessions: Any) -> None:
    response = page_as("auditor").get("/audit/events?type=instance.started")
    assert shown(response) == seqs(sessions, type="instance.started")
    assert len(shown(response)) == 2


def test_events_filter_by_case_and_procedure(page_as: Any, two_cases: Any, sessions: Any) -> None:
    second_id, second_key = two_cases["second"]
    web = page_as("auditor")
    by_case = web.get(f"/audit/events?case={second_key}")
    assert shown(by_case) == seqs(sessions, instance_id=second_id) != []
    by_procedure = web.get("/audit/events?procedure=information_request")
    instance_events = [s for s in seqs(sessions) if s not in seqs(sessions, instance_id=None)]
    assert shown(by_procedure) == instance_events[:50]
    # The deploy, the users and the units belong to no case.
    assert not set(shown(by_procedure)) & set(seqs(sessions, type="user.created"))
    assert shown(web.get("/audit/events?case=IR-1999-000001")) == []


def test_events_filter_by_office_local_dates(page_as: Any, two_cases: Any, sessions: Any) -> None:
    second_id, _key = two_cases["second"]
    web = page_as("auditor")
    # 00:30 on 5 March in Bishkek is 4 March in UTC: the office's day counts.
    on_the_fifth = web.get("/audit/events?from=2026-03-05&to=2026-03-05")
    assert shown(on_the_fifth) == seqs(sessions, instance_id=second_id)
    assert shown(web.get("/audit/events?from=2026-03-03&to=2026-03-04")) == []
    up_to_the_second = shown(web.get("/audit/events?to=2026-03-02"))
    assert up_to_the_second and not set(up_to_the_second) & set(seqs(sessions, instance_id=second_id))


def test_events_are_paged_and_the_pages_keep_the_filters(page_as: Any, two_cases: Any, sessions: Any,
                                                         ctx: Any) -> None:
    for _ in range(12):
        start(sessions, ctx, "pr")
    seal_audit(sessions)
    every = seqs(sessions)
    assert len(every) > 50
    web = page_as("auditor")
    first = web.get("/audit/events")
    assert shown(first) == every[:50]
    assert 'href="/audit/events?page=2"' in text(first)
    assert shown(web.get("/audit/events?page=2")) == every[50:100]
    filtered = web.get("/audit/events?actor=pr&type=task.created")
    assert shown(filtered) == seqs(sessions, actor="pr", type="task.created")
    assert shown(web.get("/audit/events?page=99")) == []


# -- bad input ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-13-01", "from"), ("to=yesterday", "to"), ("from=2026-03-05&to=2026-03-01", "to"),
    ("from=0001-01-01", "from"), ("to=9999-12-31", "to"),
    ("procedure=no_such_procedure", "procedure"), ("actor=" + "x" * 65, "actor"),
])
def test_bad_event_filters_are_named_and_nothing_is_listed(page_as: Any, two_cases: Any, query: str,
                                                           field: str) -> None:
    web = page_as("auditor")
    for path in ("/audit/events", "/audit/events/export.csv"):
        response = web.get(f"{path}?{query}")
        assert response.status_code == 422, path
        body = text(response)
        assert f'id="f-{field}"' in body and 'aria-invalid="true"' in body
        assert f'aria-describedby="f-{field}-error"' in body
        assert shown(response) == []


@pytest.mark.parametrize("page_number", ["0", "-1", "two", "99999999999"])
def test_a_bad_page_number_is_refused(page_as: Any, two_cases: Any, page_number: str) -> None:
    for path in ("/audit/events", "/audit/cases"):
        response = page_as("auditor").get(f"{path}?page={page_number}")
        assert response.status_code == 422
        assert "The page must be a whole number from 1." in text(response)


def test_bad_case_filters_are_named(page_as: Any, two_cases: Any) -> None:
    web = page_as("auditor")
    for query, field in (("status=lost", "status"), ("unit=mars", "unit"), ("from=03/05/2026", "from")):
        response = web.get(f"/audit/cases?{query}")
        assert response.status_code == 422
        assert f'aria-describedby="f-{field}-error"' in text(response)


def test_an_unknown_case_is_not_found(page_as: Any, two_cases: Any) -> None:
    assert page_as("auditor").get("/audit/cases/999999").status_code == 404


# -- export ------------------------------------------------------------------------------------------------------

def test_the_exports_hold_exactly_the_selection(page_as: Any, two_cases: Any, sessions: Any) -> None:
    web = page_as("auditor")
    query = "actor=pr&type=task.completed"
    expected = seqs(sessions, actor="pr", type="task.completed")
    assert len(expected) == 3
    assert shown(web.get(f"/audit/events?{query}")) == expected

    as_csv = web.get(f"/audit/events/export.csv?{query}")
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert as_csv.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(text(as_csv))))
    assert rows[0] == CSV_FIELDS
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [int(r["seq"]) for r in records] == expected
    assert {r["actor"] for r in records} == {"pr"} and {r["type"] for r in records} == {"task.completed"}

    as_json = web.get(f"/audit/events/export.json?{query}")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert as_json.headers["Content-Disposition"].startswith("attachment")
    items = json.loads(text(as_json))
    assert [e["seq"] for e in items] == expected
    with sessions() as session:
        stored = {e.seq: e for e in session.scalars(select(AuditEvent).where(AuditEvent.seq.in_(expected)))}
    for item in items:
        assert item["hash"] == stored[item["seq"]].hash and item["prev_hash"] == stored[item["seq"]].prev_hash
        assert item["after"] == stored[item["seq"]].after
        assert item["business_key"] == two_cases["first"][1]


def test_the_export_is_the_whole_selection_not_one_page(page_as: Any, two_cases: Any, sessions: Any,
                                                        ctx: Any) -> None:
    for _ in range(12):
        start(sessions, ctx, "pr")
    seal_audit(sessions)
    items = json.loads(text(page_as("auditor").get("/audit/events/export.json?page=2")))
    assert [e["seq"] for e in items] == seqs(sessions)



def test_the_events_page_offers_an_export_with_proofs_that_verifies_offline(page_as: Any, two_cases: Any,
                                                                             sessions: Any, ctx: Any) -> None:
    with sessions.begin() as session:
        signed = checkpoints.create(session, ctx.settings, ctx.now())
    web = page_as("auditor")
    page = text(web.get("/audit/events?actor=pr"))
    assert "proofs=true" in page and "proofs=checkpoints" in page
    body = json.loads(text(web.get("/audit/events/export.json?actor=pr&proofs=true")))
    assert body["proofs"]["checkpoint"]["size"] == signed.size and body["proofs"]["complete"] is False
    assert {e["actor"] for e in body["items"]} == {"pr"} and all(e["proof"] for e in body["items"])
    report = offline.verify([offline.from_json("audit.json", body)], signed.note, keys.public_key(ctx.settings))
    assert report.events == len(body["items"]) and report.size == signed.size


# -- cases and a case's timeline ---------------------------------------------------------------------------------

def test_cases_filter_by_procedure_status_unit_and_start_date(page_as: Any, two_cases: Any) -> None:
    first_key, second_key = two_cases["first"][1], two_cases["second"][1]
    web = page_as("auditor")

    def keys(query: str) -> set[str]:
        return set(re.findall(r"IR-\d{4}-\d{6}", text(web.get(f"/audit/cases?{query}"))))

    assert keys("") == {first_key, second_key}
    assert keys("procedure=information_request") == {first_key, second_key}
    assert keys("status=completed") == {first_key}
    assert keys("status=running") == {second_key}
    assert keys("unit=transport") == {second_key}
    assert keys("unit=health") == set()
    assert keys("from=2026-03-05") == {second_key}
    assert keys("to=2026-03-04") == {first_key}


def test_a_case_timeline_shows_every_event_in_order_with_changes_and_hashes(page_as: Any, two_cases: Any,
                                                                           sessions: Any, ctx: Any) -> None:
    first_id, first_key = two_cases["first"]
    response = page_as("auditor").get(f"/audit/cases/{first_id}")
    body = text(response)
    assert first_key in body
    assert shown(response) == seqs(sessions, instance_id=first_id)
    with sessions() as session:
        for event in session.scalars(select(AuditEvent).where(AuditEvent.instance_id == first_id)):
            assert event.hash in body
    # The answer sent, as the send_answer task stored it (in its form's words), and the outcome.
    assert "Sent by" in body and "sent_via" not in body and "Instance completed" in body


def test_the_timeline_shows_data_before_and_after_a_change(page_as: Any, two_cases: Any, sessions: Any,
                                                           ctx: Any) -> None:
    """A draft sent back and rewritten: the answer's old and new text stand side by side."""
    case_id, _key = start(sessions, ctx, "pr")
    complete(sessions, ctx, "pr", case_id, "triage", handler="press_secretary", unit="health", contributors=[])
    draft = {"confirm_no_confidential": True, "refuse": False}
    complete(sessions, ctx, "ps_health", case_id, "prepare_answer", answer="First draft.", **draft)
    complete(sessions, ctx, "pr", case_id, "approve_answer", decision="rework", comment="Cite the decree.")
    complete(sessions, ctx, "ps_health", case_id, "prepare_answer", answer="Per decree No. 5.", **draft)
    body = text(page_as("auditor").get(f"/audit/cases/{case_id}"))
    assert re.search(r"<del>First draft\.</del>\s*</td>\s*<td[^>]*><ins>Per decree No\. 5\.</ins>", body)


# -- verification --------------------------------------------------------------------------------------------------

def test_verify_shows_an_intact_chain_then_the_first_edited_event(page_as: Any, two_cases: Any,
                                                                  sessions: Any) -> None:
    web = page_as("auditor")
    every = seqs(sessions)
    intact = text(web.get("/audit/verify"))
    assert "Intact" in intact and f"{len(every)} events checked: the chain is intact." in intact
    edited = every[len(every) // 2]
    with sessions.begin() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == edited).values(actor="mallory"))
    response = web.get("/audit/verify")
    assert response.status_code == 200
    body = text(response)
    assert "Broken" in body and f"The chain is broken at event No. {edited}." in body
    assert "Its content was changed after it was written." in body
    assert f"{edited - 1} events before it checked intact." in body


def test_verify_names_a_deleted_event(page_as: Any, two_cases: Any, sessions: Any) -> None:
    every = seqs(sessions)
    with sessions.begin() as session:
        session.execute(AuditEvent.__table__.delete().where(AuditEvent.seq == every[3]))
    body = text(page_as("auditor").get("/audit/verify"))
    assert f"The chain is broken at event No. {every[3]}." in body and "they were deleted" in body


def test_browsing_the_audit_pages_writes_nothing(page_as: Any, two_cases: Any, sessions: Any) -> None:
    web = page_as("auditor")
    before = seqs(sessions)
    for path in (*AUDIT_PAGES, f"/audit/cases/{two_cases['first'][0]}"):
        web.get(path)
    assert seqs(sessions) == before
