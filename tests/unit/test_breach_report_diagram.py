"""The `breach_report` diagram run in memory (no database), through both branches: no breach (closed with its
reasons) and a breach (reported to leadership, who record the measure taken); with the real sandbox and the KG
business calendar.

Every step goes through a serialize/deserialize round trip, because our workers reload an instance between
steps; the data a test submits is first checked against the task's form by the engine's own form validation,
defaults filled in. The second half checks the files themselves: forms, form keys, lanes, and that every element
of the diagram cites its clause of the Regulation (seeds/002) or says it is a design choice."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from engine.core.settings import ROLES
from engine.procedures.definitions import validate
from engine.procedures.forms import is_decision
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    CAMUNDA,
    CAMUNDA_FORM_KEY,
    DI_NS,
    WORKFLOWS,
    DiagramRun,
    assert_forms_used,
    assert_refused,
    bounds,
    check_form,
    check_form_file,
    diagram_root,
    form_files,
    inside,
    load_form,
)

# The regulations' short titles as the documentation cites them (docs/diagrams.md, "How the documentation cites").
MEDIA = "Regulation on interaction with the media"

KEY = "breach_report"
DIAGRAM = WORKFLOWS / f"{KEY}.bpmn"
FORM_FILES = form_files(KEY)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BISHKEK)  # Mon 2 March 2026, 10:00 in Bishkek
START_DATA = {
    "official": "B. Asanov, head of the bus depot",
    "occurred_at": "2026-02-27T18:30:00+06:00",
    "outlet": "Kaktus Media, evening stream",
    "what": "Announced a fare rise that was never decided, without the PR department's agreement.",
    "evidence": "https://kaktus.example/stream/2026-02-27",
    "unit": "transport",
}
REPORT = "The depot head spoke to the press without authorisation (002 §3) and announced an undecided fare rise."
REASONS = "He was authorised by the PR department for this stream and said nothing confidential."
MEASURE = "A reprimand; the head of transport briefs unit heads on the Regulation."
# Every element of the process and the clause its documentation cites: a paragraph of 002 or a design choice.
CITATIONS = {
    "breach_report": f"{MEDIA}, §7",
    "start": f"{MEDIA}, §7",
    "review_breach": f"{MEDIA}, §7",
    "finding_is": f"{MEDIA}, §7",
    "Flow_breach": f"{MEDIA}, §7",
    "Flow_no_breach": "Design choice",
    "note_no_breach": "Design choice",
    "closed_no_breach": "Design choice",
    "record_measure": f"{MEDIA}, §7",
    "note_measure_recorded": "Design choice",
    "measure_recorded": f"{MEDIA}, §7",
}
USER_TASKS = {"review_breach": "pr_head", "record_measure": "leadership"}
STAFF = ("pr_department", "press_secretary", "unit_head", "pr_head", "leadership", "legal")


# --- running the diagram (the fixtures `specs`, `clock`, `engine` and `start`: tests/unit/conftest.py) ------
class Run(DiagramRun):
    """One instance of the procedure, reloaded from its serialization after every step."""

    key = KEY

    def lane_of(self, name: str) -> str:
        return self.task(name).task_spec.lane


# --- the branches ------------------------------------------------------------------------------------
def test_a_reported_breach_goes_to_the_head_of_the_pr_department(start: Any) -> None:
    run = start()
    assert run.ready() == ["review_breach"]
    assert run.lane_of("review_breach") == "pr_head"
    assert run.waiting() == {}
    # The review sees the report; nothing of its own decision is there yet.
    data = run.open_data("review_breach")
    assert (data["official"], data["unit"], data["evidence"]) == \
        (START_DATA["official"], "transport", START_DATA["evidence"])
    assert "finding" not in data and "outcome" not in data


def test_no_breach_ends_the_case_with_its_reasons(start: Any) -> None:
    run = start()
    run.complete("review_breach", {"finding": "no_breach", "reasons": REASONS})
    assert run.wf.is_completed() and run.ready() == []
    data = run.data
    assert (data["outcome"], data["finding"], data["reasons"]) == ("no_breach", "no_breach", REASONS)
    assert "report_to_leadership" not in data and "measure" not in data
    assert run.completed == ["review_breach"]


def test_a_breach_is_reported_to_leadership_who_record_the_measure(start: Any) -> None:
    run = start()
    run.complete("review_breach", {"finding": "breach", "report_to_leadership": REPORT})
    assert run.ready() == ["record_measure"]
    assert run.lane_of("record_measure") == "leadership"
    assert not run.wf.is_completed()
    # Leadership reads the report in the case when recording the measure.
    assert run.open_data("record_measure")["report_to_leadership"] == REPORT
    assert "outcome" not in run.open_data("record_measure")
    run.complete("record_measure", {"measure": MEASURE})
    data = run.data
    assert (data["outcome"], data["finding"], data["report_to_leadership"], data["measure"]) == \
        ("measure_recorded", "breach", REPORT, MEASURE)
    assert run.completed == ["review_breach", "record_measure"]


@pytest.mark.parametrize("without_unit", [{"drop": ("unit", "evidence")}, {"unit": None}], ids=["absent", "null"])
def test_a_report_without_unit_or_evidence_runs_the_same(start: Any, without_unit: dict[str, Any]) -> None:
    run = start(**without_unit)
    assert run.open_data("review_breach")["unit"] is None  # the start form's default
    run.complete("review_breach", {"finding": "breach", "report_to_leadership": REPORT})
    run.complete("record_measure", {"measure": MEASURE})
    assert run.data["outcome"] == "measure_recorded"


# --- who gets each task ------------------------------------------------------------------------------
def test_user_tasks_and_their_lanes(specs: tuple[Any, dict[str, Any]]) -> None:
    spec, _ = specs
    assert {n: spec.task_specs[n].lane for n in USER_TASKS} == USER_TASKS
    assert {n for n, t in spec.task_specs.items() if t.manual} == set(USER_TASKS)
    assert all(not spec.task_specs[n].extensions for n in USER_TASKS)  # no role or unit expression: the lanes


def test_the_deploy_validation_accepts_the_diagram_with_every_staff_role_as_starter() -> None:
    _root, meta = validate(DIAGRAM.read_bytes())
    assert (meta["key"], meta["name"], meta["business_key_prefix"]) == (KEY, "Breach report", "BR")
    assert meta["starters"] == list(STAFF)
    # Every role of the office but those who administer and audit it.
    assert set(meta["starters"]) == set(ROLES) - {"admin", "auditor"}
    assert meta["start_form"] == f"{KEY}/start" and meta["start_timers"] == [] and meta["called"] == []
    assert {name: task["lane"] for name, task in meta["tasks"].items()} == USER_TASKS


# --- forms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, KEY)
    assert len(FORM_FILES) == 3


def test_the_finding_is_a_decision_never_preset_nor_carried() -> None:
    finding = load_form(f"{KEY}/review_breach")["properties"]["finding"]
    assert is_decision("finding")
    assert "default" not in finding and not finding.get("x-carry")
    assert check_form(f"{KEY}/review_breach", {"finding": "no_breach", "reasons": REASONS}, NOW) == \
        {"finding": "no_breach", "reasons": REASONS}  # nothing filled in beside what was given


@pytest.mark.parametrize(
    ("key", "data", "field", "message"),
    [
        ("start", {k: v for k, v in START_DATA.items() if k != "official"}, "official", "is required"),
        ("start", {**START_DATA, "official": ""}, "official", "should be non-empty"),
        ("start", {k: v for k, v in START_DATA.items() if k != "occurred_at"}, "occurred_at", "is required"),
        ("start", {**START_DATA, "occurred_at": "2026-03-02T10:00:01+06:00"}, "occurred_at",
         "must not be in the future"),
        ("start", {**START_DATA, "occurred_at": "yesterday"}, "occurred_at", "is not a 'date-time'"),
        ("start", {**START_DATA, "occurred_at": "2026-02-27T18:30:00"}, "occurred_at", "is not a 'date-time'"),
        ("start", {k: v for k, v in START_DATA.items() if k != "outlet"}, "outlet", "is required"),
        ("start", {k: v for k, v in START_DATA.items() if k != "what"}, "what", "is required"),
        ("start", {**START_DATA, "evidence": ""}, "evidence", "should be non-empty"),
        ("start", {**START_DATA, "official": "  "}, "official", "must not be blank"),
        ("start", {**START_DATA, "what": "\n\t "}, "what", "must not be blank"),
        ("start", {**START_DATA, "unit": "nowhere"}, "unit", "is not a known unit"),
        ("start", {**START_DATA, "witness": "A. Usenova"}, "witness", "is not a field of this form"),
        ("review_breach", {}, "finding", "is required"),
        ("review_breach", {"finding": "maybe"}, "finding", "must be one of"),
        ("review_breach", {"finding": "breach"}, "report_to_leadership", "is required"),
        ("review_breach", {"finding": "breach", "reasons": REASONS}, "report_to_leadership", "is required"),
        ("review_breach", {"finding": "breach", "report_to_leadership": ""}, "report_to_leadership",
         "should be non-empty"),
        ("review_breach", {"finding": "breach", "report_to_leadership": "   "}, "report_to_leadership",
         "must not be blank"),
        ("review_breach", {"finding": "no_breach"}, "reasons", "is required"),
        ("review_breach", {"finding": "no_breach", "reasons": " "}, "reasons", "must not be blank"),
        ("review_breach", {"finding": "no_breach", "report_to_leadership": REPORT}, "reasons", "is required"),
        ("record_measure", {}, "measure", "is required"),
        ("record_measure", {"measure": ""}, "measure", "should be non-empty"),
        ("record_measure", {"measure": "   "}, "measure", "must not be blank"),
    ],
)
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], field: str, message: str) -> None:
    assert_refused(f"{KEY}/{key}", data, NOW, field, message)


def test_forms_accept_complete_data_and_fill_defaults() -> None:
    assert check_form(f"{KEY}/start", START_DATA, NOW) == START_DATA
    required = {k: START_DATA[k] for k in ("official", "occurred_at", "outlet", "what")}
    assert check_form(f"{KEY}/start", required, NOW) == {**required, "unit": None}
    assert check_form(f"{KEY}/start", {**required, "occurred_at": NOW.isoformat()}, NOW)["occurred_at"] == \
        NOW.isoformat()  # the present moment is not the future
    breach = {"finding": "breach", "report_to_leadership": REPORT}
    assert check_form(f"{KEY}/review_breach", breach, NOW) == breach
    assert check_form(f"{KEY}/record_measure", {"measure": MEASURE}, NOW) == {"measure": MEASURE}


# --- the diagram file ----------------------------------------------------------------------------------
def _documented(root: etree._Element) -> dict[str, str]:
    """Each element of the process with an id (the process itself, its nodes and flows) -> its documentation."""
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    elements = [process, *process.xpath(".//*[@id][not(self::bpmn:lane or self::bpmn:laneSet)]", namespaces=NS)]
    return {e.get("id"): e.findtext("bpmn:documentation", default="", namespaces=NS) for e in elements}


@pytest.mark.parametrize(("element", "citation"), CITATIONS.items())
def test_each_element_cites_its_clause(element: str, citation: str) -> None:
    documentation = _documented(diagram_root(DIAGRAM))[element]
    assert citation in documentation, f"{element} should cite {citation!r}: {documentation!r}"


def test_every_node_and_conditional_flow_is_documented() -> None:
    root = diagram_root(DIAGRAM)
    documented = _documented(root)
    nodes = {e.get("id") for e in root.xpath("//bpmn:process/*[bpmn:incoming or bpmn:outgoing]", namespaces=NS)}
    conditional = {f.get("id") for f in root.xpath("//bpmn:sequenceFlow[bpmn:conditionExpression]", namespaces=NS)}
    assert nodes | conditional | {KEY} == set(CITATIONS)
    for element in nodes | conditional:
        text = documented[element]
        assert f"{MEDIA}, §" in text or "Design choice" in text, f"{element}: {text!r}"


def test_process_attributes_and_documentation() -> None:
    root = diagram_root(DIAGRAM)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    assert (process.get("id"), process.get("isExecutable"), process.get("name")) == (KEY, "true", "Breach report")
    assert process.get(f"{CAMUNDA}candidateStarterGroups") == ",".join(STAFF)
    props = process.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == {"businessKeyPrefix": "BR"}
    (participant,) = root.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert participant.get("processRef") == KEY
    documentation = process.findtext("bpmn:documentation", namespaces=NS)
    for clause in (f"{MEDIA}, §7", f"{MEDIA}, §3", f"{MEDIA}, §5", f"{MEDIA}, §6", "Design choices",
                   "administrators and auditors do not",
                   "outcome: no breach", "outcome: measure recorded"):
        assert clause in documentation
    (start_event,) = root.xpath("//bpmn:process/bpmn:startEvent", namespaces=NS)
    assert start_event.get(CAMUNDA_FORM_KEY) == f"{KEY}/start"
    scripts = {s.get("id"): s.findtext("bpmn:script", namespaces=NS)
               for s in root.xpath("//bpmn:scriptTask", namespaces=NS)}
    assert scripts == {"note_no_breach": 'outcome = "no_breach"',
                       "note_measure_recorded": 'outcome = "measure_recorded"'}
    conditions = {f.get("id"): f.findtext("bpmn:conditionExpression", namespaces=NS)
                  for f in root.xpath("//bpmn:sequenceFlow[bpmn:conditionExpression]", namespaces=NS)}
    assert conditions == {"Flow_no_breach": 'finding == "no_breach"', "Flow_breach": 'finding == "breach"'}


def test_lanes_are_role_keys_and_match_the_drawing() -> None:
    root = diagram_root(DIAGRAM)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert [lane.get("name") for lane in lanes] == ["pr_head", "leadership"]
    assert all(lane.get("name") in ROLES and lane.get("id") == f"Lane_{lane.get('name')}" for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    refs = [(lane, ref.text) for lane in lanes for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)]
    flow_nodes = {e.get("id") for e in root.xpath("//bpmn:process/*[bpmn:incoming or bpmn:outgoing]", namespaces=NS)}
    assert sorted(ref for _, ref in refs) == sorted(flow_nodes), "each node in one lane"
    for lane, ref in refs:
        assert inside(shapes[ref], shapes[lane.get("id")]), f"{ref} is not drawn in {lane.get('name')}"
