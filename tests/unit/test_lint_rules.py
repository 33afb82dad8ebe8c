"""Jarchy's bpmnlint rules (assets/lint/bpmnlint-plugin-jarchy), run in Node as the deploy runs them
(engine.procedures.lint): each reports the problem at the offending element, and leaves a clean element alone."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from engine.procedures import lint

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs bpmnlint")

OPTIONS = {"roles": ["pr_department", "press_secretary"], "forms": ["information_request/triage"]}


def diagram(body: str, lanes: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:jarchy="http://jarchy.org/schema/1.0/bpmn"
    id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="p" name="P" isExecutable="true">
    {lanes}
    <bpmn:startEvent id="start" name="Start"><bpmn:documentation>§ 1: it starts.</bpmn:documentation></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    {body}
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end" name="End"><bpmn:documentation>Design choice: it ends.</bpmn:documentation></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>""".encode()


def reports(data: bytes, options: dict[str, Any] | None = None) -> list[tuple[str | None, str, str]]:
    return [(r.element_id, r.rule, r.category) for r in lint.lint(data, OPTIONS if options is None else options)]


def task(documentation: str = "§ 9: the work.", extra: str = "", form: str = "information_request/triage") -> str:
    return (f'<bpmn:userTask id="work" name="Work" camunda:formKey="{form}">'
            f"<bpmn:documentation>{documentation}</bpmn:documentation>{extra}</bpmn:userTask>")


LANES = """<bpmn:laneSet id="ls"><bpmn:lane id="lane_a" name="{a}"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
<bpmn:flowNodeRef>work</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"""


def test_a_clean_diagram_has_nothing_reported() -> None:
    assert reports(diagram(task(), LANES.format(a="pr_department"))) == []


def test_a_lane_that_is_no_known_role_is_an_error_at_the_lane() -> None:
    found = lint.lint(diagram(task(), LANES.format(a="Press office")), OPTIONS)
    assert [(r.element_id, r.rule, r.category, r.code) for r in found] == [
        ("lane_a", "jarchy/lane-is-role", "error", "lane_not_a_role")]
    assert found[0].params["lane"] == "Press office"


def test_the_roles_come_from_the_options() -> None:
    assert reports(diagram(task(), LANES.format(a="auditor")), OPTIONS | {"roles": ["auditor"]}) == []


def test_a_form_the_server_does_not_know_is_an_error_at_the_task() -> None:
    assert reports(diagram(task(form="information_request/nothing"))) == [("work", "jarchy/form-exists", "error")]


def test_a_user_task_with_no_form_is_an_error_at_the_task() -> None:
    body = '<bpmn:userTask id="work" name="Work"><bpmn:documentation>§ 9</bpmn:documentation></bpmn:userTask>'
    assert reports(diagram(body)) == [("work", "jarchy/form-exists", "error")]


@pytest.mark.parametrize("documentation", [
    "Regulation on interaction with the media, §9: the PR department answers.",
    "Law of Ukraine No. 2939-VI, art. 20 part 1: the answer is due.",
    "Tasks of the information service, item 11: the unit submits the draft.",
    "Design choice: the PR department names the units.",
    "Положение о взаимодействии со СМИ, п. 7: о нарушении сообщается.",
    "Закон України № 2939-VI, ст. 20: відповідь.",
    "ЖМК менен өз ара аракеттенүү жөнүндө жобо, 7-п.: бузуу.",
    "ОАВ билан ҳамкорлик тўғрисидаги низом, 7-банд: бузилиш.",
    "Проектное решение: дело завершается.",
])
def test_a_citation_in_any_of_the_shipped_forms_satisfies_cites_clause(documentation: str) -> None:
    assert reports(diagram(task(documentation))) == []


def test_documentation_citing_no_clause_is_a_warning_at_the_element() -> None:
    found = lint.lint(diagram(task("The PR department answers.")), OPTIONS)
    assert [(r.element_id, r.rule, r.category, r.code) for r in found] == [
        ("work", "jarchy/cites-clause", "warn", "cites_no_clause")]


def test_an_element_with_no_documentation_is_a_warning_at_the_element() -> None:
    body = '<bpmn:userTask id="work" name="Work" camunda:formKey="information_request/triage"/>'
    assert reports(diagram(body)) == [("work", "jarchy/cites-clause", "warn")]


def test_a_translation_that_drops_the_citation_is_a_warning_naming_its_language() -> None:
    extra = ('<bpmn:extensionElements><jarchy:documentation lang="ru">Отдел отвечает.</jarchy:documentation>'
             '<jarchy:documentation lang="uk">Положення, п. 9: відділ відповідає.</jarchy:documentation>'
             "</bpmn:extensionElements>")
    found = lint.lint(diagram(task(extra=extra)), OPTIONS)
    assert [(r.element_id, r.rule, r.params) for r in found] == [("work", "jarchy/cites-clause", {"language": "ru"})]


def test_a_joining_gateway_needs_no_citation_but_a_deciding_one_does() -> None:
    data = diagram("""<bpmn:exclusiveGateway id="decide" name="Which?"/>
    <bpmn:sequenceFlow id="a" name="a" sourceRef="decide" targetRef="join">
      <bpmn:conditionExpression>x</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="b" name="b" sourceRef="decide" targetRef="join">
      <bpmn:conditionExpression>not x</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:exclusiveGateway id="join"/>
    <bpmn:sequenceFlow id="c" sourceRef="join" targetRef="work"/>""" + task()).replace(
        b'sourceRef="start" targetRef="work"', b'sourceRef="start" targetRef="decide"')
    assert reports(data) == [("decide", "jarchy/cites-clause", "warn")]


def test_the_servers_script_verdict_is_reported_where_the_element_still_is() -> None:
    problems = {"current": [{"element_id": "work", "message": "Imports are not allowed", "code": "script_import",
                             "params": {"name": "os"}},
                            {"element_id": "gone", "message": "x", "code": "script_syntax"}]}
    found = lint.lint(diagram(task()), OPTIONS | {"problems": problems})
    assert [(r.element_id, r.rule, r.category, r.code) for r in found] == [
        ("work", "jarchy/script-compiles", "error", "script_import")]


def test_a_recommended_rule_still_applies_and_bpmndi_is_not_required() -> None:
    data = diagram(task() + '<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end2"/>'
                   '<bpmn:endEvent id="end2" name="Also"><bpmn:documentation>§ 2</bpmn:documentation></bpmn:endEvent>')
    assert reports(data) == [("work", "no-implicit-split", "error")]
