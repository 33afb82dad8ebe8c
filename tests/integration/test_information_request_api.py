"""The media information request, driven through the REST API with users of the right roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.cases import complete, open_ids, start, task_of
from tests.conftest import BISHKEK, REQUEST

pytestmark = pytest.mark.usefixtures("deployed")

ANSWER = {"answer": "Fares stay as they are in 2027.", "confirm_no_confidential": True, "refuse": False}


def test_a_registered_request_gets_a_number_a_deadline_and_a_triage_task(as_: Any) -> None:
    case = start(as_, received_at="2026-03-02T08:30:00+06:00")
    assert case["business_key"] == "IR-2026-000001"
    assert case["status"] == "running"
    assert case["started_by"] == "pr"
    # 14 working days after Mon 2 March 2026 in KG: 8 March is a Sunday, 20 March (Eid al-Fitr) is a
    # holiday: 3-6 (4), 9-13 (9), 16-19 (13), 23 March (14).
    assert datetime.fromisoformat(case["due_at"]) == datetime(2026, 3, 23, 18, 0, tzinfo=BISHKEK)
    assert open_ids(case) == ["triage"]
    assert case["tasks"][0]["due_at"] == case["due_at"]
    assert [t["bpmn_id"] for t in case["timers"]] == ["deadline_reached"]
    second = start(as_)
    assert second["business_key"] == "IR-2026-000002"


def test_the_pr_department_answers_itself(as_: Any) -> None:
    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    after = complete(as_, "pr", case["id"], "prepare_answer", **ANSWER)
    assert open_ids(after) == ["send_answer"]
    done = complete(as_, "pr", case["id"], "send_answer", sent_via="email")
    assert done["status"] == "completed"
    assert done["data"]["outcome"] == "answered"
    assert done["tasks"] == [] and done["timers"] == []


def test_a_unit_press_secretary_answers_and_the_pr_department_approves(as_: Any) -> None:
    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="press_secretary", unit="transport", contributors=[])
    prepare = task_of(as_, "ps_transport", case["id"], "prepare_answer")
    assert prepare["role"] == "press_secretary" and prepare["unit"] == "transport"
    # The health press secretary is not among the candidates.
    assert as_("ps_health").get(f"/api/v1/tasks?instance_id={case['id']}").get_json()["items"] == []
    assert as_("ps_health").post(f"/api/v1/tasks/{prepare['id']}/complete", json={"data": ANSWER}).status_code == 403
    complete(as_, "ps_transport", case["id"], "prepare_answer", **ANSWER)
    complete(as_, "pr", case["id"], "approve_answer", decision="approve", confirm_no_confidential=True)
    done = complete(as_, "ps_transport", case["id"], "send_answer", sent_via="email")
    assert done["status"] == "completed" and done["data"]["outcome"] == "answered"


def test_several_units_contribute_in_parallel_before_the_answer(as_: Any) -> None:
    case = start(as_)
    after = complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=["transport", "health"])
    assert open_ids(after) == ["contribute", "contribute"]
    assert {t["unit"] for t in after["tasks"]} == {"transport", "health"}
    after = complete(as_, "head_health", case["id"], "contribute", contribution="Health: no change.")
    assert open_ids(after) == ["contribute"]
    after = complete(as_, "head_transport", case["id"], "contribute", contribution="Transport: fares fixed.")
    assert open_ids(after) == ["prepare_answer"]
    assert after["data"]["contributions"] == ["Transport: fares fixed.", "Health: no change."]


def test_a_draft_sent_back_for_rework_comes_back_to_the_press_secretary(as_: Any) -> None:
    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="press_secretary", unit="health", contributors=[])
    complete(as_, "ps_health", case["id"], "prepare_answer", **ANSWER)
    after = complete(as_, "pr", case["id"], "approve_answer", decision="rework", comment="Cite the decree.")
    assert open_ids(after) == ["prepare_answer"]
    assert after["data"]["comment"] == "Cite the decree."
    complete(as_, "ps_health", case["id"], "prepare_answer", **(ANSWER | {"answer": "Per decree No. 5: no change."}))
    complete(as_, "pr", case["id"], "approve_answer", decision="approve", confirm_no_confidential=True)
    done = complete(as_, "ps_health", case["id"], "send_answer", sent_via="email")
    assert done["data"]["answer"] == "Per decree No. 5: no change." and done["data"]["outcome"] == "answered"


def test_a_refusal_keeps_its_legal_ground_in_the_data_and_the_history(as_: Any) -> None:
    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    ground = "State secret: Law on State Secrets, art. 5"
    complete(as_, "pr", case["id"], "prepare_answer", confirm_no_confidential=True, refuse=True, refusal_ground=ground)
    done = complete(as_, "pr", case["id"], "send_answer", sent_via="letter")
    assert done["data"]["outcome"] == "refused" and done["data"]["refusal_ground"] == ground
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    assert any(e["type"] == "task.completed" and (e["after"] or {}).get("refusal_ground") == ground for e in history)


def test_approving_needs_the_confidentiality_confirmation(as_: Any) -> None:
    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="press_secretary", unit="transport", contributors=[])
    complete(as_, "ps_transport", case["id"], "prepare_answer", **ANSWER)
    task = task_of(as_, "pr", case["id"], "approve_answer")
    response = as_("pr").post(f"/api/v1/tasks/{task['id']}/complete",
                              json={"data": {"decision": "approve", "confirm_no_confidential": False}})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["confirm_no_confidential"]
    still = as_("pr").get(f"/api/v1/tasks/{task['id']}").get_json()
    assert still["status"] == "open"


def test_a_request_without_contact_details_is_refused_at_start(as_: Any) -> None:
    for contact in ({}, None):
        data = REQUEST | {"contact": contact}
        response = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request",
                                                                     "data": data})
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == "contact"
    without = {k: v for k, v in REQUEST.items() if k != "contact"}
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request",
                                                                 "data": without})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "contact"
    assert as_("admin").get("/api/v1/process-instances").get_json()["total"] == 0


def test_form_errors_list_every_failing_field(as_: Any, clock: Any) -> None:
    data = REQUEST | {"channel": "pigeon", "contact": {"email": "not-an-email"},
                      "received_at": "2030-01-01T00:00:00+06:00", "unit": "nowhere", "extra": 1}
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request", "data": data})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"channel", "contact.email", "received_at", "unit", "extra"} <= fields


def test_an_empty_start_names_each_missing_field_itself_once(as_: Any) -> None:
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request", "data": {}})
    assert response.status_code == 422
    assert sorted((e["field"], e["message"]) for e in response.get_json()["errors"]) == [
        (name, "is required") for name in ("channel", "contact", "outlet", "question", "requester_name", "subject")]


def test_clarification_waits_for_the_message_then_returns_to_triage(as_: Any) -> None:
    case = start(as_)
    after = complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[],
                     needs_clarification=True, clarification_question="Which routes?")
    assert open_ids(after) == []
    # The deadline is paused while the requester is asked: its timer is held, the clarification's runs.
    assert {t["bpmn_id"] for t in after["timers"]} == {"clarification_timeout"}
    wrong = as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages", json={"name": "nonsense", "data": {}})
    assert wrong.status_code == 409
    response = as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages",
                              json={"name": "clarification", "data": {"text": "Routes 1 to 10"}})
    assert response.status_code == 200, response.get_json()
    back = response.get_json()
    assert open_ids(back) == ["triage"]
    assert back["data"]["clarification"] == {"text": "Routes 1 to 10"}
    again = as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages",
                           json={"name": "clarification", "data": {"text": "again"}})
    assert again.status_code == 409


def test_cancel_closes_the_case_its_tasks_and_its_timers(as_: Any) -> None:
    case = start(as_)
    assert as_("pr").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "dup"}).status_code == 403
    response = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "Duplicate"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "cancelled" and body["tasks"] == [] and body["timers"] == []
    again = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "Duplicate"})
    assert again.status_code == 409
