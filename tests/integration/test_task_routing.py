"""Who gets a task: a lane's role, or a role expression; an expression that fails does not lose the task."""

from __future__ import annotations

from typing import Any

from tests.cases import start

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="routing" name="Routing" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_ps" name="press_secretary"><bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="Work" camunda:formKey="information_request/contribute"
        camunda:dueDate="deadline">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="unit" value="assigned_unit"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def deploy_and_start(as_: Any, **data: Any) -> dict[str, Any]:
    """DIAGRAM deployed, then a case of it started by the PR department with `data`."""
    deployed = as_("admin").post("/api/v1/process-definitions", data=DIAGRAM.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert deployed.status_code in (200, 201), deployed.get_json()
    return start(as_, "routing", data)


def test_a_unit_expression_routes_the_lane_role_to_that_unit_with_the_due_date_expression(as_: Any) -> None:
    case = deploy_and_start(as_, assigned_unit="health", deadline="2026-03-10T18:00:00+06:00")
    task = case["tasks"][0]
    assert (task["role"], task["unit"], task["due_at"]) == ("press_secretary", "health", "2026-03-10T18:00:00+06:00")
    assert [t["id"] for t in as_("ps_health").get("/api/v1/tasks").get_json()["items"]] == [task["id"]]
    assert as_("ps_transport").get("/api/v1/tasks").get_json()["items"] == []


def test_a_failing_unit_expression_leaves_the_task_visible_to_those_who_assign_and_says_why(as_: Any) -> None:
    case = deploy_and_start(as_)  # neither assigned_unit nor deadline exists
    assert case["status"] == "running"
    task = case["tasks"][0]
    assert (task["role"], task["unit"], task["due_at"]) == ("press_secretary", None, None)
    assert as_("prhead").get(f"/api/v1/tasks/{task['id']}").status_code == 200
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    failures = [e for e in history if e["type"] == "task.routing_failed"]
    assert len(failures) == 1 and "assigned_unit" in failures[0]["after"]["message"]
    # Nobody is a candidate of a task without its unit, so nobody can be given it: it is sent to a unit first.
    refused = as_("prhead").post(f"/api/v1/tasks/{task['id']}/assign", json={"username": "ps_health"})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "username"
    routed = as_("prhead").post(f"/api/v1/tasks/{task['id']}/route", json={"role": "press_secretary", "unit": "health"})
    assert routed.status_code == 200 and (routed.get_json()["role"], routed.get_json()["unit"]) == \
        ("press_secretary", "health")
    assert [t["id"] for t in as_("ps_health").get("/api/v1/tasks").get_json()["items"]] == [task["id"]]
    done = as_("ps_health").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contribution": "Done."}})
    assert done.status_code == 200 and done.get_json()["instance"]["status"] == "completed"
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    (rerouted,) = [e for e in history if e["type"] == "task.rerouted"]
    assert (rerouted["actor"], rerouted["before"]["unit"], rerouted["after"]["unit"]) == ("prhead", None, "health")


def test_routing_a_task_names_a_real_role_and_a_unit_only_where_the_role_acts_for_one(as_: Any) -> None:
    case = deploy_and_start(as_)
    task_id = case["tasks"][0]["id"]
    for body, field in (({"role": "chief_of_everything"}, "role"), ({"role": "press_secretary"}, "unit"),
                        ({"role": "press_secretary", "unit": "nowhere"}, "unit"),
                        ({"role": "pr_department", "unit": "health"}, "unit")):
        refused = as_("prhead").post(f"/api/v1/tasks/{task_id}/route", json=body)
        assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == field, body
    for outsider in ("pr", "ps_health", "auditor"):
        assert as_(outsider).post(f"/api/v1/tasks/{task_id}/route",
                                  json={"role": "pr_department"}).status_code == 403
    task = as_("auditor").get(f"/api/v1/tasks/{task_id}").get_json()
    assert (task["role"], task["unit"]) == ("press_secretary", None)  # nothing changed


CHOSEN_ROLE = DIAGRAM.replace('<camunda:property name="unit" value="assigned_unit"/>',
                              '<camunda:property name="role" value="chosen_role"/>'
                              '<camunda:property name="unit" value="assigned_unit"/>').replace(
    'id="routing" name="Routing"', 'id="chosen" name="Chosen"')


def start_chosen(as_: Any, **data: Any) -> dict[str, Any]:
    deployed = as_("admin").post("/api/v1/process-definitions", data=CHOSEN_ROLE.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert deployed.status_code in (200, 201), deployed.get_json()
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "chosen", "data": data})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_role_or_unit_an_expression_makes_up_is_a_routing_failure_said_in_the_history(as_: Any) -> None:
    """What an expression gives is checked like input: a 100-character role is no role (nor, on PostgreSQL,
    a value its column holds), a 100-character unit no unit key; the task stays where those who assign see it."""
    for data, wrong in (({"chosen_role": "r" * 100, "assigned_unit": "health"}, "is not a role"),
                        ({"chosen_role": "press_secretary", "assigned_unit": "u" * 100}, "is not a unit key"),
                        ({"chosen_role": "no_such_role", "assigned_unit": "health"}, "is not a role")):
        case = start_chosen(as_, **data)
        assert case["status"] == "running"
        task = case["tasks"][0]
        assert (task["role"], task["unit"]) == ("press_secretary", None), task
        history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
        failures = [e["after"]["message"] for e in history if e["type"] == "task.routing_failed"]
        assert len(failures) == 1 and wrong in failures[0], failures
        assert as_("prhead").get(f"/api/v1/tasks/{task['id']}").status_code == 200
