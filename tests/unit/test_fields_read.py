"""Deploy refuses a diagram whose conditions, scripts, timers or routing expressions read a name that no form or
script of the diagram provides, nor a procedure it calls, nor the engine (docs/forms.md): the first case to get
there would fail. Names a script assigns, builtins and the sandbox's functions are not case data."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from engine.core.errors import Code, InvalidDiagram
from engine.procedures.deployed_forms import check_form
from engine.procedures.forms import load_form
from engine.procedures.validation import validate

START = {"type": "object", "properties": {"subject": {"type": "string"}}}
DECIDE = {"type": "object", "properties": {"approved": {"type": "boolean"}}}


def diagram(condition: str, script: str = "note = subject.upper()", start_form: bool = True) -> bytes:
    form = ' camunda:formKey="t/start"' if start_form else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="t" name="T" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="pr_department">
      <bpmn:flowNodeRef>decide</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"{form}/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:scriptTask id="prepare" scriptFormat="python"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="decide"/>
    <bpmn:userTask id="decide" name="Decide" camunda:formKey="t/decide"/>
    <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="gate"/>
    <bpmn:exclusiveGateway id="gate" default="no"/>
    <bpmn:sequenceFlow id="yes" sourceRef="gate" targetRef="end">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="no" sourceRef="gate" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def forms(key: str) -> dict[str, Any] | None:
    return {"t/start": START, "t/decide": DECIDE}.get(key)


def refused(data: bytes) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidDiagram) as caught:
        validate(data, form_schema=forms)
    return [(p.element_id, p.params.get("field")) for p in caught.value.problems if p.code == Code.FIELD_NOT_PROVIDED]


def test_a_condition_reading_a_name_nothing_provides_is_refused_naming_element_and_field() -> None:
    assert refused(diagram("approved and priority == 'high'")) == [("yes", "priority")]
    with pytest.raises(InvalidDiagram) as caught:
        validate(diagram("priority == 'high'"), form_schema=forms)
    (entry,) = [e for e in caught.value.errors if e["code"] == Code.FIELD_NOT_PROVIDED]
    assert entry["field"] == "priority" and entry["element_id"] == "yes"
    assert entry["message"] == "The condition reads `priority`, which no form or script of the diagram provides."


def test_a_script_reading_a_name_nothing_provides_is_refused() -> None:
    assert refused(diagram("approved", script="note = urgency + 1")) == [("prepare", "urgency")]


def test_names_from_forms_scripts_builtins_and_the_sandbox_are_provided() -> None:
    _, meta = validate(diagram("approved and len(note) > 0 and is_working_day(date.today()) and "
                               "all(x for x in [subject])"), form_schema=forms)
    assert {"subject", "approved", "note"} <= set(meta["provides"])


def test_a_name_the_engine_writes_is_provided() -> None:
    validate(diagram("approved and channel == 'portal'"), form_schema=forms)


def test_a_diagram_without_a_start_form_takes_any_start_data_and_is_not_checked() -> None:
    validate(diagram("priority == 'high'", start_form=False), form_schema=forms)


@pytest.mark.parametrize("name", sorted(p.name for p in resources.files("workflows").iterdir()
                                        if p.name.endswith(".bpmn")))
def test_every_shipped_diagram_and_form_passes_the_checks(name: str) -> None:
    keys = {p.name.removesuffix(".bpmn") for p in resources.files("workflows").iterdir() if p.name.endswith(".bpmn")}
    _, meta = validate((resources.files("workflows") / name).read_bytes(), known_process_keys=keys)
    for key in [meta["start_form"], *(t["form"] for t in meta["tasks"].values())]:
        if key:
            assert check_form(load_form(key), key) == [], key
