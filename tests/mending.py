"""What the tests of mending failed cases share: a procedure whose script fails on the case's data, and moving a
failed case to a fixed version of its procedure with the administrator's migration (the path "deploy a fixed
version, move the failed case, retry")."""

from __future__ import annotations

from typing import Any


def mend_diagram(script: str = "share = total / count", *, key: str = "mend") -> str:
    """A review by the PR department, a script `work` ("Work out the share"), a check by the PR department; drawn
    (BPMNDI), so that a page's viewer shows it."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="{key}" name="Mend" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_pr" name="pr_department"><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>check</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Review" camunda:formKey="information_request/contribute"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="work"/>
    <bpmn:scriptTask id="work" name="Work out the share">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="check"/>
    <bpmn:userTask id="check" name="Check" camunda:formKey="information_request/contribute"/>
    <bpmn:sequenceFlow id="f4" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="{key}">
      <bpmndi:BPMNShape id="lane_pr_di" bpmnElement="lane_pr" isHorizontal="true">
        <dc:Bounds x="120" y="40" width="760" height="160"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="170" y="102" width="36" height="36"/>
        </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="250" y="80" width="100" height="80"/>
        </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="work_di" bpmnElement="work"><dc:Bounds x="400" y="80" width="100" height="80"/>
        </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="check_di" bpmnElement="check"><dc:Bounds x="550" y="80" width="100" height="80"/>
        </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="702" y="102" width="36" height="36"/>
        </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="206" y="120"/><di:waypoint x="250" y="120"/>
        </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="350" y="120"/><di:waypoint x="400" y="120"/>
        </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f3_di" bpmnElement="f3"><di:waypoint x="500" y="120"/><di:waypoint x="550" y="120"/>
        </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f4_di" bpmnElement="f4"><di:waypoint x="650" y="120"/><di:waypoint x="702" y="120"/>
        </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def deploy(as_: Any, diagram: str) -> dict[str, Any]:
    response = as_("admin").post("/api/v1/process-definitions", data=diagram.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def move_to_version(as_: Any, case: dict[str, Any], version: int) -> None:
    """The failed case moved to `version` of its procedure by the administrator's migration (docs/migrations.md):
    the plan finds it movable and the move is made, as for any running case."""
    response = as_("admin").post(f"/api/v1/process-definitions/{case['process_key']}/migrations",
                                 json={"from_version": case["version"], "to_version": version, "cases": [case["id"]]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["movable"], body["moved"], body["blocked"]) == (1, 1, []), body
