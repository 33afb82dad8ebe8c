"""A script that tries to escape the sandbox at run time fails the case, recorded, and never runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="escape_attempt" name="Escape attempt" isExecutable="true"
      camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="attempt"/>
    <bpmn:scriptTask id="attempt" name="Attempt">
      <bpmn:script>handle = open(CANARY, "w")
handle.write("escaped")</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="attempt" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_script_reaching_for_open_fails_the_case_and_writes_nothing(as_: Any, tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    deployed = as_("admin").post("/api/v1/process-definitions", data=DIAGRAM.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert deployed.status_code == 201, deployed.get_json()
    response = as_("pr").post("/api/v1/process-instances",
                              json={"process_key": "escape_attempt", "data": {"CANARY": str(canary)}})
    assert response.status_code == 201
    case = response.get_json()
    assert case["status"] == "failed"
    assert case["failure"].startswith("attempt:")
    assert not canary.exists()
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    failed = [e for e in history if e["type"] == "instance.failed"]
    assert len(failed) == 1 and failed[0]["after"]["element_id"] == "attempt"


DATES = DIAGRAM.replace('id="escape_attempt" name="Escape attempt"', 'id="dates" name="Dates"').replace(
    '''<bpmn:script>handle = open(CANARY, "w")
handle.write("escaped")</bpmn:script>''',
    "<bpmn:script>noted = now()\nlater = date(2026, 3, 2) + timedelta(days=3)</bpmn:script>")


def test_a_script_may_leave_dates_in_the_case_data(as_: Any) -> None:
    deployed = as_("admin").post("/api/v1/process-definitions", data=DATES.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert deployed.status_code == 201, deployed.get_json()
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "dates", "data": {}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "completed" and body["data"]["later"] == "2026-03-05"


ZONE = DATES.replace('id="dates" name="Dates"', 'id="zone" name="Zone"').replace(
    "<bpmn:script>noted = now()\nlater = date(2026, 3, 2) + timedelta(days=3)</bpmn:script>",
    "<bpmn:script>zone = timezone(timedelta(hours=6))</bpmn:script>")


def test_a_script_leaving_a_value_that_cannot_be_stored_changes_nothing(as_: Any) -> None:
    assert as_("admin").post("/api/v1/process-definitions", data=ZONE.encode(),
                             headers={"Content-Type": "application/xml"}).status_code == 201
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "zone", "data": {}})
    assert response.status_code == 422 and "cannot be stored" in response.get_json()["detail"]
    assert as_("admin").get("/api/v1/process-instances?process_key=zone").get_json()["total"] == 0
