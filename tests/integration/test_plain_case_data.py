"""Case data is plain JSON in and plain JSON out: data sent to start a case, complete a task or deliver a
message that has the shape of SpiffWorkflow's typed-value encoding (`{"typename": "datetime", ...}`) stays
the dict that was sent, and the case goes on (its next step, its timers, its cancellation all load it again);
data nested too deep or too large is refused with 422 naming the value, and nothing is written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, ProcessInstance
from engine.background.sweeper import fire_due
from tests.conftest import REQUEST

pytestmark = pytest.mark.usefixtures("deployed")

# A procedure whose start event has no form: its start data is whatever the starter sends.
NOTES = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="notes" name="Notes" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="pr_department">
      <bpmn:flowNodeRef>read</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="read"/>
    <bpmn:userTask id="read" name="Read the note" camunda:formKey="information_request/contribute"/>
    <bpmn:sequenceFlow id="f2" sourceRef="read" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
CLARIFY = {"handler": "pr_department", "contributors": [], "needs_clarification": True,
           "clarification_question": "Which bus lines?"}
TRIAGE = {"handler": "pr_department", "contributors": []}

# Each has the shape SpiffWorkflow's serializer revives: by a name it registered, or one it does not know.
SHAPES = {
    "a datetime that is none": {"typename": "datetime", "value": "not-a-date"},
    "a datetime that is one": {"typename": "datetime", "value": "2026-03-02T09:00:00+06:00"},
    "a timedelta of 10**12 days": {"typename": "timedelta", "days": 10**12, "seconds": 0},
    "a task spec": {"typename": "UserTask", "name": "read", "bpmn_id": "read"},
    "a workflow": {"typename": "BpmnWorkflow", "spec": "notes"},
    "a name nobody registered": {"typename": "nonsense", "inner": {"typename": "date", "value": "2026-13-01"}},
    "the engine's own envelope": {"typename": "jarchy_plain_dict", "dict": {"typename": "datetime"}},
    "typed values in a list": [{"typename": "date", "value": "2026-03-02"}, {"typename": "UUID", "value": "x"}],
}


def deploy_notes(as_: Any) -> None:
    response = as_("admin").post("/api/v1/process-definitions", data=NOTES.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert response.status_code == 201, response.get_json()


def start_request(as_: Any) -> dict[str, Any]:
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request",
                                                                  "data": REQUEST})
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def waiting_for_clarification(as_: Any) -> dict[str, Any]:
    case = start_request(as_)
    done = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": CLARIFY})
    assert done.status_code == 200, done.get_json()
    return case


def written(sessions: Any) -> tuple[int, int]:
    with sessions() as session:
        return (session.scalar(select(func.count()).select_from(ProcessInstance)),
                session.scalar(select(func.count()).select_from(AuditEvent)))


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_a_typed_value_shape_started_with_stays_the_plain_dict_sent(as_: Any, shape: Any) -> None:
    deploy_notes(as_)
    started = as_("pr").post("/api/v1/process-instances", json={"process_key": "notes", "data": {"note": shape}})
    assert started.status_code == 201, started.get_json()
    case = started.get_json()
    assert case["data"]["note"] == shape
    # Completing the next task loads the stored state again: the value is still the dict sent.
    done = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": {"contribution": "Read."}})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["instance"]["status"] == "completed"
    assert done.get_json()["instance"]["data"]["note"] == shape


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_a_typed_value_shape_in_a_message_stays_the_plain_dict_and_the_case_goes_on(
        as_: Any, sessions: Any, ctx: Any, shape: Any) -> None:
    case = waiting_for_clarification(as_)
    other = start_request(as_)
    sent = as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages",
                          json={"name": "clarification", "data": {"text": shape}})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["data"]["clarification"] == {"text": shape}
    triage = [t for t in sent.get_json()["tasks"] if t["bpmn_id"] == "triage"]
    done = as_("pr").post(f"/api/v1/tasks/{triage[0]['id']}/complete", json={"data": TRIAGE})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["instance"]["data"]["clarification"] == {"text": shape}
    # The deadline timers of both cases fire: the sweep loads the state too.
    due = max(datetime.fromisoformat(c["due_at"]) for c in (done.get_json()["instance"], other))
    assert fire_due(sessions, ctx, due + timedelta(days=30)) == 2
    assert as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel",
                              json={"reason": "Answered by phone"}).status_code == 200
    assert as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()["status"] == "cancelled"


def nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


OUT_OF_BOUNDS = {
    "a list nested 600 deep": nested(600),
    "a list nested 33 deep": nested(33),
    "a text of 100 001 characters": "x" * 100_001,
    "a list of 1001 items": list(range(1001)),
    "an integer beyond 2**53": 2**53 + 1,
    "an object of 1001 fields": {f"f{i}": i for i in range(1001)},
}


def _refused(response: Any, field: str) -> None:
    body = response.get_json()
    assert response.status_code == 422, (response.status_code, json.dumps(body)[:300])
    assert response.mimetype == "application/problem+json"
    named = [e.get("field", "") for e in body["errors"]]
    assert any(n == field or n.startswith(f"{field}.") for n in named), named


@pytest.mark.parametrize("value", OUT_OF_BOUNDS.values(), ids=OUT_OF_BOUNDS.keys())
def test_data_beyond_the_bounds_is_refused_naming_the_value_whichever_way_it_comes(
        as_: Any, sessions: Any, value: Any) -> None:
    deploy_notes(as_)
    case = waiting_for_clarification(as_)
    fresh = start_request(as_)
    before = written(sessions)
    _refused(as_("pr").post("/api/v1/process-instances", json={"process_key": "notes", "data": {"note": value}}),
             "note")
    _refused(as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages",
                            json={"name": "clarification", "data": {"text": value}}), "text")
    _refused(as_("pr").post(f"/api/v1/tasks/{fresh['tasks'][0]['id']}/complete",
                            json={"data": TRIAGE | {"clarification_question": value}}), "clarification_question")
    assert written(sessions) == before


def test_data_larger_than_half_a_mebibyte_as_a_whole_is_refused(as_: Any, sessions: Any) -> None:
    deploy_notes(as_)
    before = written(sessions)
    large = {f"part{i}": "x" * 90_000 for i in range(6)}
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "notes", "data": large})
    _refused(response, "(data)")
    assert written(sessions) == before
    within = as_("pr").post("/api/v1/process-instances", json={"process_key": "notes", "data": {"part": "x" * 90_000}})
    assert within.status_code == 201, within.get_json()
