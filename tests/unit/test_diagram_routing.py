"""Every user task must reach someone: a deploy names the task that would reach nobody."""

from __future__ import annotations

import pytest

from engine.core.errors import InvalidDiagram
from engine.procedures.validation import validate

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="routing" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="orphan"/>
    <bpmn:userTask id="orphan" name="Nobody's task" camunda:formKey="information_request/contribute">{props}
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="orphan" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
ROLE = """
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="role" value="'pr_department'"/>
      </camunda:properties></bpmn:extensionElements>"""


def test_a_user_task_in_no_lane_and_without_a_role_is_refused_with_its_line() -> None:
    with pytest.raises(InvalidDiagram) as caught:
        validate(DIAGRAM.format(props="").encode())
    assert [(p.element_id, p.line) for p in caught.value.problems] == [("orphan", 7)]


def test_a_role_expression_is_enough_to_route_a_task_without_a_lane() -> None:
    _root, meta = validate(DIAGRAM.format(props=ROLE).encode())
    assert meta["tasks"]["orphan"]["role"] == "'pr_department'"
