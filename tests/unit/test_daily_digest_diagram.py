"""The `daily_digest` diagram run in memory (no database): the PR department plans the day's monitoring,
each unit's press secretary registers publications in parallel, the PR department compiles the digest
and leadership reads it; plus the start timer's schedule on the KG business calendar.

Every step goes through a serialize/deserialize round trip, because our workers reload an instance
between steps; the data a test submits is first checked by the engine's form validator, with defaults
filled in. The second half checks the files themselves: forms, form keys, lanes, and the diagram
interchange (shapes, edges, labels, no overlaps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.context import EngineContext
from engine.core.settings import ROLES, Settings
from engine.procedures.definitions import validate
from engine.procedures.schedules import evaluate, next_occurrence, start_timer_events
from engine.spiff.clock import FrozenClock, using
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    CAMUNDA,
    DI_NS,
    WORKFLOWS,
    DiagramRun,
    assert_each_element_cites,
    assert_forms_used,
    assert_refused,
    bounds,
    check_form,
    check_form_file,
    diagram_root,
    form_files,
    inside,
)

# The regulations' short titles as the documentation cites them (docs/diagrams.md, "How the documentation cites").
MEDIA = "Regulation on interaction with the media"
POLICY_STATUTE = "Statute of the Information Policy Department"
PR_STATUTE = "Statute of the Public Relations Department"
TASKS_UA = "Tasks of the information department"

KEY = "daily_digest"
DIAGRAM = WORKFLOWS / f"{KEY}.bpmn"
FORM_FILES = form_files(KEY)

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)  # the occurrence the case was started for
NOW = MONDAY + timedelta(seconds=1)  # the clock, as the case starts
END_OF_MONDAY = "2026-03-02T18:00:00+06:00"
CYCLE = '"R/2026-01-05T09:00:00+06:00/P1D"'
PIECE = {"medium": "online", "published_at": "2026-03-01T18:00:00+06:00", "needs_response": False}
BUS = PIECE | {"outlet": "Kaktus Media", "url": "https://kaktus.media/1", "tone": "negative",
               "summary": "Buses are late."}
CLINIC = PIECE | {"outlet": "24.kg", "url": "https://24.kg/2", "tone": "positive", "summary": "A new clinic opens."}
WARD = {"outlet": "Azattyk TV", "medium": "tv", "published_at": "2026-03-01T20:00:00+06:00", "needs_response": False,
        "tone": "neutral", "summary": "A ward is renovated."}  # a broadcast piece has no link


# --- running the diagram (the fixtures `specs`, `clock`, `engine` and `start`: tests/unit/conftest.py) ------
class Run(DiagramRun):
    """One digest, started as the scheduler starts it (no form: `scheduled_for`), reloaded after every step."""

    key = KEY
    match_prefix = True

    def _start_data(self, start: dict[str, Any]) -> dict[str, Any]:
        return {"scheduled_for": MONDAY.isoformat()}

    def evaluate(self, task: Any, expression: str) -> Any:
        with using(self.clock):
            return self.engine.evaluate(task, expression)


@pytest.fixture
def ctx(clock: FrozenClock) -> EngineContext:
    return EngineContext(Settings(), clock)


@pytest.fixture
def run(start: Any) -> Run:
    return start()


# --- the path ----------------------------------------------------------------------------------------
def test_a_digest_begins_with_planning_by_the_pr_department(run: Run) -> None:
    assert run.ready() == ["plan_monitoring"]
    plan = run.task("plan_monitoring")
    assert plan.task_spec.lane == "pr_department"
    # open_digest: the digest is due at the end of the working day it opens.
    assert plan.data == {"scheduled_for": MONDAY.isoformat(), "due_at": END_OF_MONDAY, "digest_date": "2026-03-02"}


def test_a_digest_opened_late_is_due_the_day_it_opens(specs: tuple[Any, dict[str, Any]], clock: FrozenClock,
                                                      ctx: EngineContext) -> None:
    clock.set(datetime(2026, 3, 4, 23, 30, tzinfo=UTC))  # 05:30 on Thursday 5 March in Bishkek
    late = Run(specs, clock, ctx.script_engine)
    assert (late.task("plan_monitoring").data["due_at"], late.task("plan_monitoring").data["digest_date"]) == \
        ("2026-03-05T18:00:00+06:00", "2026-03-05")


def test_each_unit_monitors_in_parallel_then_the_digest_is_compiled_and_read(run: Run) -> None:
    run.complete("plan_monitoring", {"units": ["transport", "health"], "instructions": "Watch the bus fares."})
    children = run.tasks("monitor")
    assert [t.task_spec.name for t in children] == ["monitor [child]", "monitor [child]"]
    assert sorted(t.data["unit"] for t in children) == ["health", "transport"]
    for child in children:
        assert child.task_spec.lane == "press_secretary"
        assert run.evaluate(child, child.task_spec.extensions["unit"]) == child.data["unit"]
    # Completed in the reverse order of `units`: registered[i] still belongs to units[i].
    run.complete("monitor", {"publications": [CLINIC, WARD]}, unit="health")
    assert run.ready() == ["monitor [child]"]  # the digest waits for every unit
    run.complete("monitor", {"publications": [BUS]}, unit="transport")
    assert run.ready() == ["compile_digest"]
    compile_data = run.task("compile_digest").data
    assert compile_data["units"] == ["transport", "health"]
    assert compile_data["registered"] == [[BUS], [CLINIC, WARD]]
    assert "unit" not in compile_data and "publications" not in compile_data
    run.complete("compile_digest", {"digest": "Buses late; a new clinic.", "highlights": ["Bus delays"]})
    assert run.ready() == ["brief_leadership"]
    assert run.task("brief_leadership").task_spec.lane == "leadership"
    run.complete("brief_leadership", {"acknowledged": True, "instructions": "Answer on the buses by noon."})
    data = run.data
    assert (data["digest"], data["highlights"], data["acknowledged"]) == \
        ("Buses late; a new clinic.", ["Bus delays"], True)
    assert data["registered"] == [[BUS], [CLINIC, WARD]]
    assert run.completed == ["plan_monitoring", "monitor", "monitor", "compile_digest", "brief_leadership"]


def test_a_quiet_day_for_one_unit(run: Run) -> None:
    run.complete("plan_monitoring", {"units": ["education"]})
    assert run.ready() == ["monitor [child]"]
    run.complete("monitor", {})  # nothing relevant appeared: the list defaults to empty
    assert run.task("compile_digest").data["registered"] == [[]]
    run.complete("compile_digest", {"digest": "Nothing of note."})
    run.complete("brief_leadership", {"acknowledged": True})
    assert (run.data["registered"], run.data["highlights"]) == ([[]], [])


def test_every_task_carries_the_deadline_of_the_day(run: Run) -> None:
    dues = []
    for step, data in (("plan_monitoring", {"units": ["transport"]}), ("monitor", {}),
                       ("compile_digest", {"digest": "Quiet."}), ("brief_leadership", {"acknowledged": True})):
        task = run.task(step)
        assert task.task_spec.extensions.get("dueDate") is None  # the case's due_at, not an expression
        dues.append(task.data["due_at"])
        run.complete(step, data)
    assert dues == [END_OF_MONDAY] * 4
    assert run.data["due_at"] == END_OF_MONDAY


# --- the start timer ---------------------------------------------------------------------------------
def test_the_start_event_is_a_working_day_cycle_at_nine(ctx: EngineContext) -> None:
    ((event_id, kind, expression, working),) = start_timer_events(DIAGRAM.read_text(encoding="utf-8"))
    assert (event_id, kind, expression, working) == ("every_working_day", "timeCycle", CYCLE, True)
    occurrences = evaluate(ctx, kind, expression, MONDAY)
    assert occurrences.first == datetime(2026, 1, 5, 9, 0, tzinfo=BISHKEK)
    assert (occurrences.every, occurrences.count) == (timedelta(days=1), None)


@pytest.mark.parametrize(
    ("after", "next_at"),
    [
        ((2026, 3, 2, 8, 0), (2026, 3, 2)),  # Monday morning: today at 09:00
        ((2026, 3, 2, 9, 0), (2026, 3, 3)),  # Monday's has started: Tuesday
        ((2026, 3, 6, 9, 0), (2026, 3, 9)),  # after Friday: Saturday 7 and Sunday 8 March are skipped
        ((2026, 3, 19, 9, 0), (2026, 3, 23)),  # Fri 20 Eid al-Fitr, Sat 21 Nooruz, Sun 22
        ((2026, 4, 30, 9, 0), (2026, 5, 11)),  # 1-10 May: Labour Day, the May holidays, Victory Day
    ],
)
def test_the_schedule_skips_what_the_calendar_says_is_not_a_working_day(
        ctx: EngineContext, after: tuple[int, ...], next_at: tuple[int, ...]) -> None:
    occurrences = evaluate(ctx, "timeCycle", CYCLE, MONDAY)
    moment = datetime(*after, tzinfo=BISHKEK)
    expected = datetime(*next_at, 9, 0, tzinfo=BISHKEK)
    assert next_occurrence(occurrences, moment, ctx.cal, strictly_after=moment) == expected
    every_day = next_occurrence(occurrences, moment, None, strictly_after=moment)
    assert every_day is not None and every_day <= expected


def test_no_one_may_start_a_digest_by_hand() -> None:
    _root, meta = validate(DIAGRAM.read_bytes())
    assert meta["key"] == KEY and meta["business_key_prefix"] == "DD"
    assert meta["starters"] == []
    assert meta["start_timers"] == ["every_working_day"]
    assert meta["start_form"] is None
    assert all(m["due"] is None for m in meta["tasks"].values())
    assert {t: m["lane"] for t, m in meta["tasks"].items()} == {
        "plan_monitoring": "pr_department", "monitor": "press_secretary", "compile_digest": "pr_department",
        "brief_leadership": "leadership"}
    assert meta["tasks"]["monitor"]["unit"] == "unit"


# --- forms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, KEY)
    assert len(FORM_FILES) == 4


@pytest.mark.parametrize(
    ("key", "data", "field", "message"),
    [
        ("plan_monitoring", {}, "units", "is required"),
        ("plan_monitoring", {"units": []}, "units", "should be non-empty"),
        ("plan_monitoring", {"units": ["transport", "transport"]}, "units", "non-unique"),
        ("plan_monitoring", {"units": ["nowhere"]}, "units.0", "is not a known unit"),
        ("monitor", {"publications": [{**BUS, "tone": "furious"}]}, "publications.0.tone", "must be one of"),
        ("monitor", {"publications": [{**BUS, "url": "kaktus.media/1"}]}, "publications.0.url", "does not match"),
        ("monitor", {"publications": [{k: v for k, v in BUS.items() if k != "summary"}]},
         "publications.0.summary", "is required"),
        ("monitor", {"publications": [{**BUS, "likes": 3}]}, "publications.0.likes", "is not a field"),
        ("compile_digest", {}, "digest", "is required"),
        ("compile_digest", {"digest": "x", "highlights": [""]}, "highlights.0", "should be non-empty"),
        ("brief_leadership", {}, "acknowledged", "is required"),
        ("brief_leadership", {"acknowledged": False}, "acknowledged", "must be confirmed"),
    ],
)
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], field: str, message: str) -> None:
    assert_refused(f"{KEY}/{key}", data, MONDAY, field, message)


def test_forms_fill_their_defaults() -> None:
    assert check_form(f"{KEY}/monitor", {}, MONDAY) == {"publications": []}
    assert check_form(f"{KEY}/compile_digest", {"digest": "x"}, MONDAY) == {"digest": "x", "highlights": []}


# --- the diagram file ----------------------------------------------------------------------------------
def test_process_attributes_and_documentation() -> None:
    root = diagram_root(DIAGRAM)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    assert (process.get("id"), process.get("isExecutable"), process.get("name")) == \
        (KEY, "true", "Daily media digest")
    assert process.get(f"{CAMUNDA}candidateStarterGroups") is None
    props = process.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == {"businessKeyPrefix": "DD"}
    (participant,) = root.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert participant.get("processRef") == KEY
    documentation = process.findtext("bpmn:documentation", namespaces=NS)
    for clause in (f"{MEDIA}, §14", f"{PR_STATUTE}, §4.4", f"{POLICY_STATUTE}, §12", f"{TASKS_UA}, §12", "Design",
                   "plans the day first", "in no lane", "the end of that working day"):
        assert clause in documentation
    (start,) = root.xpath("//bpmn:process/bpmn:startEvent", namespaces=NS)
    assert (start.get("id"), start.get("name")) == ("every_working_day", "Every working day at 09:00")
    assert start.get(f"{CAMUNDA}formKey") is None
    (cycle,) = start.xpath("bpmn:timerEventDefinition/bpmn:timeCycle", namespaces=NS)
    assert cycle.text == CYCLE
    (script,) = root.xpath("//bpmn:scriptTask[@id='open_digest']/bpmn:script", namespaces=NS)
    assert script.text == "due_at = end_of_working_day(now())\ndigest_date = due_at[:10]"
    (monitor_loop,) = root.xpath("//bpmn:userTask[@id='monitor']/bpmn:multiInstanceLoopCharacteristics",
                                 namespaces=NS)
    assert monitor_loop.get("isSequential") in (None, "false")
    assert (monitor_loop.get(f"{CAMUNDA}collection"), monitor_loop.get(f"{CAMUNDA}elementVariable")) == \
        ("units", "unit")
    props = root.xpath("//bpmn:userTask[@id='monitor']/bpmn:extensionElements/camunda:properties/camunda:property",
                       namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == \
        {"unit": "unit", "outputCollection": "registered", "outputElement": "publications",
         # 002 §15: a piece marked as needing a response starts its publication_response case.
         "hands_over": "publication_response", "hands_over_items": "publications", "hands_over_when": "needs_response"}


def test_lanes_are_role_keys_and_match_the_drawing() -> None:
    root = diagram_root(DIAGRAM)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert [lane.get("name") for lane in lanes] == ["pr_department", "press_secretary", "leadership"]
    assert all(lane.get("name") in ROLES and lane.get("id") == f"Lane_{lane.get('name')}" for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    refs = [(lane, ref.text) for lane in lanes for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)]
    flow_nodes = {e.get("id") for e in root.xpath("//bpmn:process/*[bpmn:incoming or bpmn:outgoing]", namespaces=NS)}
    # The timer start event is in no lane: a start event's lane would make its role a starter.
    assert sorted(ref for _, ref in refs) == sorted(flow_nodes - {"every_working_day"}), "each node in one lane"
    for lane, ref in refs:
        assert inside(shapes[ref], shapes[lane.get("id")]), f"{ref} is not drawn in {lane.get('name')}"


# Each element and the clause it must cite (or that it is a design choice).
CITATIONS = {"every_working_day": f"{MEDIA}, §14", "open_digest": f"{PR_STATUTE}, §4.4",
             "plan_monitoring": "Design choice", "monitor": f"{MEDIA}, §15", "compile_digest": f"{POLICY_STATUTE}, §12",
             "brief_leadership": f"{TASKS_UA}, §12", "digest_delivered": f"{PR_STATUTE}, §4.4"}


def test_each_element_cites_its_clause() -> None:
    assert_each_element_cites(DIAGRAM, CITATIONS)
