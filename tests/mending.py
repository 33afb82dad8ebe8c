"""What the tests of mending failed cases share: a procedure whose script fails on the case's data, and moving a
case to another version of its procedure the way a migration would (the other helper's bulk migration does it in
engine/; this stays a test's tool, for the path "deploy a fixed version, move the failed case, retry")."""

from __future__ import annotations

from typing import Any

from db.models import ProcessInstance
from engine.procedures.definitions import definition_version
from engine.runtime import loading
from engine.spiff import serializer


def mend_diagram(script: str = "share = total / count", *, key: str = "mend") -> str:
    """A review by the PR department, a script `work` ("Work out the share"), a check by the PR department."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
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
</bpmn:definitions>
"""


def deploy(as_: Any, diagram: str) -> dict[str, Any]:
    response = as_("admin").post("/api/v1/process-definitions", data=diagram.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def move_to_version(sessions: Any, ctx: Any, instance_id: int, version: int) -> None:
    """The case moved to `version` of its procedure as a migration moves it: its row names the version, and its
    workflow, read with the new version's spec (task specs are found by element id), is stored again."""
    with sessions.begin() as session:
        instance = session.get(ProcessInstance, instance_id)
        target = definition_version(session, instance.process_key, version)
        instance.definition_id, instance.version = target.id, target.version
        _definition, wf = loading.load(session, ctx, instance)
        instance.state = serializer.dump(wf)
