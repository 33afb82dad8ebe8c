"""The requester portal's API: anyone files a request for public information without an account, gets a reference
and a private tracking token, and follows the request; the office works it as a `PI` case with channel `portal`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.models import PortalRequest, ProcessInstance
from tests.cases import complete, events, inbox
from tests.conftest import BISHKEK, deploy_shipped

FILED = {"requester_kind": "person", "requester_name": "Aibek Toktogulov",
         "contact": {"email": "aibek@example.kg", "phone": "+996 555 123456"}, "subject": "Playground repairs",
         "question": "How much did the city spend on playground repairs in 2025?"}


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


def file(app: Any, body: Any = FILED, address: str = "198.51.100.7", **changes: Any) -> Any:
    return app.test_client().post("/public/requests", json={**body, **changes} if isinstance(body, dict) else body,
                                  environ_base={"REMOTE_ADDR": address})


def track(app: Any, reference: str, token: str) -> Any:
    return app.test_client().get(f"/public/requests/{reference}", query_string={"token": token})


def test_a_person_files_a_request_and_follows_it_with_the_private_token(app: Any, as_: Any) -> None:
    response = file(app)
    assert response.status_code == 201, response.get_json()
    filed = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"  # the token is shown once, and kept by no cache
    assert filed["reference"] == "PI-2026-000001"
    assert filed["due_at"] == "2026-03-16T18:00:00+06:00"  # KG: 10 working days from Mon 2 March
    assert len(filed["tracking_token"]) >= 32
    seen = track(app, filed["reference"], filed["tracking_token"])
    assert seen.status_code == 200 and seen.headers["Cache-Control"] == "no-store"
    body = seen.get_json()
    assert body["status"] == "open" and body["due_at"] == filed["due_at"]
    assert body["received_at"] == "2026-03-02T09:00:00+06:00"
    assert "answer" not in body and "refusal" not in body
    assert [letter["kind"] for letter in body["letters"]] == ["registered"]
    assert "PI-2026-000001" in body["letters"][0]["body"]


def test_the_office_sees_it_in_its_inbox_as_a_portal_case(app: Any, as_: Any, sessions: Any) -> None:
    filed = file(app).get_json()
    (triage,) = inbox(as_, "pr", track_case_id(as_, filed["reference"]))
    assert triage["bpmn_id"] == "triage" and triage["business_key"] == filed["reference"]
    case = as_("pr").get(f"/api/v1/process-instances/{triage['instance_id']}").get_json()
    assert case["data"]["channel"] == "portal" and case["data"]["requester_kind"] == "person"
    assert case["started_by"] is None
    (started,) = events(as_, case["id"], "instance.started")
    assert started["actor"] == "portal"
    with sessions() as session:
        stored = session.scalars(select(PortalRequest)).one()
        assert filed["tracking_token"] not in (stored.token_hash, stored.address)  # only its hash is kept


def test_the_answer_and_a_refusal_show_once_sent(app: Any, as_: Any) -> None:
    answered, refused = file(app).get_json(), file(app).get_json()
    for filed, prepared in ((answered, {"answer": "4.2 million som.", "refuse": False}),
                            (refused, {"refuse": True, "refusal_ground": "State secret (Law on state secrets)"})):
        case_id = track_case_id(as_, filed["reference"])
        complete(as_, "pr", case_id, "triage", decision="answer", handler="pr_department", contributors=[])
        complete(as_, "pr", case_id, "prepare_answer", confirm_no_confidential=True, partly_refuse=False, **prepared)
        before = track(app, filed["reference"], filed["tracking_token"]).get_json()
        assert before["status"] == "open" and "answer" not in before and "refusal" not in before
        complete(as_, "pr", case_id, "send_answer", sent_via="email")
    done = track(app, answered["reference"], answered["tracking_token"]).get_json()
    assert done["status"] == "answered" and done["answer"] == "4.2 million som."
    no = track(app, refused["reference"], refused["tracking_token"]).get_json()
    assert no["status"] == "refused" and "answer" not in no
    assert no["refusal"]["ground"] == "State secret (Law on state secrets)"
    assert no["refusal"]["appeal"] == "Баш тартууга жогору турган органга же сотко даттанса болот."
    assert [letter["kind"] for letter in no["letters"]] == ["registered", "answered"]


def track_case_id(as_: Any, reference: str) -> int:
    cases = as_("pr").get(f"/api/v1/process-instances?business_key={reference}").get_json()["items"]
    return int(cases[0]["id"])


def test_a_wrong_token_or_reference_is_not_found_alike(app: Any) -> None:
    filed = file(app).get_json()
    wrong_token = track(app, filed["reference"], "x" * 32)
    wrong_reference = track(app, "PI-2026-000099", filed["tracking_token"])
    assert wrong_token.status_code == wrong_reference.status_code == 404
    assert wrong_token.get_json()["detail"] == wrong_reference.get_json()["detail"]
    assert app.test_client().get(f"/public/requests/{filed['reference']}").status_code == 422  # no token at all


def test_an_address_may_file_five_an_hour_then_waits(app: Any, clock: Any, sessions: Any) -> None:
    for _ in range(5):
        assert file(app).status_code == 201
    refused = file(app)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert file(app, address="203.0.113.9").status_code == 201  # another address is not held back
    # The same IPv6 network is one client, whatever address it takes in its /64.
    for n in range(5):
        assert file(app, address=f"2001:db8:1:2::{n + 1}").status_code == 201
    assert file(app, address="2001:db8:1:2:ffff::1").status_code == 429
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK) + timedelta(hours=1, seconds=1))
    assert file(app).status_code == 201
    with sessions() as session:
        assert len(session.scalars(select(ProcessInstance)).all()) == 12  # nothing half-written by a refusal


@pytest.mark.parametrize(("change", "field"), [
    ({"requester_kind": "robot"}, "requester_kind"),
    ({"requester_name": ""}, "requester_name"),
    ({"contact": {}}, "contact"),
    ({"contact": {"email": "not an address"}}, "contact.email"),
    ({"subject": "x" * 301}, "subject"),
    ({"urgent": True}, "urgent_reason"),
    ({"channel": "phone"}, "channel"),
    ({"unit": "transport"}, "unit"),
])
def test_bad_input_names_the_field_and_files_nothing(app: Any, sessions: Any, change: dict[str, Any],
                                                     field: str) -> None:
    response = file(app, **change)
    assert response.status_code == 422, response.get_json()
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert field in fields
    with sessions() as session:
        assert session.scalars(select(ProcessInstance)).all() == []
        assert session.scalars(select(PortalRequest)).all() == []


def test_a_missing_field_and_a_body_that_is_not_an_object_are_refused(app: Any) -> None:
    missing = file(app, {k: v for k, v in FILED.items() if k != "question"})
    assert missing.status_code == 422 and "question" in [e["field"] for e in missing.get_json()["errors"]]
    assert file(app, ["not", "an", "object"]).status_code == 422
    huge = app.test_client().post("/public/requests", data=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                                  content_type="application/json")
    assert huge.status_code == 413
