"""The `press_conference` diagram run in memory (no database), through every branch, with the real sandbox
and the KG business calendar.

Every step goes through a serialize/deserialize round trip, because our workers reload an instance between
steps; the data a test submits is first checked against the task's form by the engine's own form validation
(with Jarchy's keywords: `x-publication-languages`, `x-future`), defaults filled in. What the engine would publish is
noted as it does: the tasks carrying the extension property `publish` that the engine completes. The
second half checks the files themselves: forms, form keys, lanes, the documentation, the data the process
takes from and gives back to a caller, and the diagram interchange (shapes, edges, labels, no overlaps)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from engine.core.settings import ROLES
from engine.procedures.definitions import validate as validate_diagram
from engine.procedures.forms import load_form, prefilled, served
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    CAMUNDA,
    DI_NS,
    FORMS,
    WORKFLOWS,
    PublishingRun,
    assert_each_element_cites,
    assert_forms_used,
    assert_refused,
    bounds,
    check_form_file,
    diagram_root,
    failing_fields,
    form_files,
    inside,
    parse_specs,
)

DIAGRAM = WORKFLOWS / "press_conference.bpmn"
FORM_FILES = form_files("press_conference")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)  # Mon 2 Mar 2026
HELD_AT = "2026-03-04T11:00:00+06:00"  # Wed 4 Mar 2026, 11:00 in Bishkek
NEW_HELD_AT = "2026-03-06T15:00:00+06:00"  # Fri 6 Mar 2026, 15:00: after a postponement
LATER_HELD_AT = "2026-03-10T10:00:00+06:00"  # Tue 10 Mar 2026: after a second one

START_DATA = {"format": "press_conference", "topic": "Bus fares"}

PLAN = {"held_at": HELD_AT, "place": "City hall, press room", "speakers": ["Mayor", "Vice-mayor for transport"],
        "topic": "Bus fares in 2026"}
ACCREDIT = {"invitation": "Press conference on bus fares, Wed 4 March, 11:00, city hall.",
            "invited": ["Kaktus Media", "24.kg", "Vecherniy Bishkek"], "accredited": [1, 2]}
MATERIALS = {"talking_points": ["Fares stay at 20 som in 2026.", "New buses from April."],
             "materials": "Fare table, fleet renewal plan."}
HOLD = {"decision": "hold"}
POSTPONE = {"decision": "postpone", "reason": "The mayor is called to parliament on Wednesday.",
            "new_held_at": NEW_HELD_AT}
CANCEL = {"decision": "cancel", "reason": "The fares were settled at the council's session; nothing to announce."}
NOTICE = {"notice": "The press conference on bus fares moves to Friday 6 March, 15:00, city hall.",
          "accredited": [1, 2]}
TRANSLATIONS = {
    "ky": {"title": "Жол кире 2026-жылы өзгөрбөйт", "body": "Мэр пресс-конференцияда билдирди."},
    "ru": {"title": "Плата за проезд в 2026 году не изменится", "body": "Мэр заявил на пресс-конференции."},
}
USER_TASKS = {
    "plan": "pr_department",
    "accredit_media": "pr_department",
    "prepare_materials": "pr_department",
    "review_talking_points": "leadership",
    "confirm_event": "pr_department",
    "notify_media": "pr_department",
    "closing_release": "pr_department",
}


# --- running the diagram (the fixtures `specs`, `clock`, `engine` and `start`: tests/unit/conftest.py) ------
def _errors(key: str, data: dict[str, Any]) -> list[str]:
    return failing_fields(key, data, NOW)


class Run(PublishingRun):
    """One instance of the procedure, reloaded from its serialization after every step."""

    key = "press_conference"

    def prepared(self, plan: dict[str, Any] | None = None) -> None:
        """Planned, media accredited, materials ready: waiting for leadership's review."""
        self.complete("plan", plan or PLAN)
        assert self.ready() == ["accredit_media"]
        self.complete("accredit_media", ACCREDIT)
        assert self.ready() == ["prepare_materials"]
        self.complete("prepare_materials", MATERIALS)
        assert self.ready() == ["review_talking_points"]

    def approved(self, plan: dict[str, Any] | None = None) -> None:
        """Prepared and the talking points agreed: waiting for the PR department's confirmation."""
        self.prepared(plan)
        self.complete("review_talking_points", {"decision": "approve"})
        assert self.ready() == ["confirm_event"]
        assert self.waiting() == {}  # the event is not waited for before it is confirmed


# --- the paths -------------------------------------------------------------------------------------
def test_the_start_form_gives_the_format_and_planning_comes_first(start: Any) -> None:
    run = start(drop=("topic",), format="briefing")  # the format alone: the topic is settled when planned
    assert run.ready() == ["plan"]
    assert run.open_data("plan") == {"format": "briefing"}
    assert run.waiting() == {}


def test_planned_accredited_approved_confirmed_held_then_the_closing_release_is_published(start: Any) -> None:
    run = start()
    run.approved()
    assert run.open_data("confirm_event")["held_at"] == HELD_AT
    run.complete("confirm_event", HOLD)
    assert run.ready() == []
    assert run.waiting() == {"held": HELD_AT}  # the event itself: a timer until held_at
    run.at("2026-03-04T10:59:59+06:00")
    assert run.ready() == [] and run.waiting() == {"held": HELD_AT}
    run.at("2026-03-04T11:00:01+06:00")
    assert run.ready() == ["closing_release"]
    assert run.published == []  # nothing before the closing release is written
    run.complete("closing_release", {"kind": "statement", "translations": TRANSLATIONS})
    assert run.wf.is_completed() and run.ready() == [] and run.waiting() == {}
    assert [(bpmn_id, what) for bpmn_id, what, _ in run.published] == [("publish_release", "release")]
    published = run.published[0][2]
    assert (published["kind"], published["translations"]) == ("statement", TRANSLATIONS)
    data = run.data
    assert (data["format"], data["topic"], data["held_at"]) == ("press_conference", "Bus fares in 2026", HELD_AT)
    assert (data["speakers"], data["accredited"]) == (PLAN["speakers"], ACCREDIT["accredited"])
    assert (data["outcome"], data["cancel_reason"]) == ("held", None)
    assert "postponements" not in data
    assert run.completed == ["plan", "accredit_media", "prepare_materials", "review_talking_points",
                             "confirm_event", "closing_release"]


def test_the_closing_release_is_a_press_release_by_default(start: Any) -> None:
    run = start(drop=("topic",), format="briefing")  # the format alone: the topic is settled when planned
    run.approved()
    run.complete("confirm_event", HOLD)
    run.at("2026-03-04T12:00:00+06:00")
    run.complete("closing_release", {"translations": TRANSLATIONS})
    assert [(what, data["kind"]) for _, what, data in run.published] == [("release", "press_release")]
    assert run.data["format"] == "briefing"


def test_talking_points_sent_back_by_leadership_return_to_the_pr_department(start: Any) -> None:
    run = start()
    run.prepared()
    run.complete("review_talking_points", {"decision": "rework", "comment": "Say when the new buses come."})
    assert run.ready() == ["prepare_materials"]
    again = run.open_data("prepare_materials")
    assert (again["comment"], again["talking_points"]) == ("Say when the new buses come.",
                                                           MATERIALS["talking_points"])
    assert run.waiting() == {}  # the event is not waited for before the talking points are agreed
    run.complete("prepare_materials", {"talking_points": [*MATERIALS["talking_points"], "Forty buses in April."]})
    assert run.ready() == ["review_talking_points"]
    run.complete("review_talking_points", {"decision": "approve"})
    assert run.ready() == ["confirm_event"]
    run.complete("confirm_event", HOLD)
    assert run.waiting() == {"held": HELD_AT}
    run.at("2026-03-04T13:00:00+06:00")
    run.complete("closing_release", {"kind": "press_release", "translations": TRANSLATIONS})
    assert run.data["talking_points"][-1] == "Forty buses in April."
    assert run.completed == ["plan", "accredit_media", "prepare_materials", "review_talking_points",
                             "prepare_materials", "review_talking_points", "confirm_event", "closing_release"]


def test_an_event_already_past_when_it_is_confirmed_goes_straight_to_the_release(start: Any) -> None:
    run = start()
    run.approved({**PLAN, "held_at": "2026-03-02T08:00:00+06:00"})
    run.complete("confirm_event", HOLD)
    assert run.ready() == ["closing_release"]
    assert run.waiting() == {}


# --- postponed or cancelled, with a reason -----------------------------------------------------------------
def test_a_postponed_event_moves_to_its_new_time_the_media_are_told_and_it_is_held_then(start: Any) -> None:
    run = start()
    run.approved()
    run.complete("confirm_event", POSTPONE)
    assert run.ready() == ["notify_media"]
    assert run.waiting() == {}  # nothing is held at the old time
    told = run.open_data("notify_media")
    assert told["held_at"] == NEW_HELD_AT
    assert told["postponements"] == [{"from": HELD_AT, "to": NEW_HELD_AT, "reason": POSTPONE["reason"]}]
    assert "new_held_at" not in told and "reason" not in told  # kept in postponements and the history
    # The accreditation starts as it was; an outlet that cannot come at the new time is dropped.
    assert prefilled("press_conference/notify_media", told) == {"accredited": ACCREDIT["accredited"]}
    run.complete("notify_media", {**NOTICE, "accredited": [2]})
    assert run.ready() == ["confirm_event"]  # confirmed again, at the new time
    again = run.open_data("confirm_event")
    assert again["held_at"] == NEW_HELD_AT
    assert prefilled("press_conference/confirm_event", again) == {}  # the decision is never carried
    run.complete("confirm_event", HOLD)
    assert run.waiting() == {"held": NEW_HELD_AT}
    run.at("2026-03-04T11:00:01+06:00")  # the old time passes: nothing happens
    assert run.ready() == [] and run.waiting() == {"held": NEW_HELD_AT}
    run.at("2026-03-06T14:59:59+06:00")
    assert run.ready() == []
    run.at("2026-03-06T15:00:01+06:00")
    assert run.ready() == ["closing_release"]
    run.complete("closing_release", {"translations": TRANSLATIONS})
    data = run.data
    assert (data["held_at"], data["outcome"], data["cancel_reason"]) == (NEW_HELD_AT, "held", None)
    assert data["accredited"] == [2]
    assert data["postponements"] == [{"from": HELD_AT, "to": NEW_HELD_AT, "reason": POSTPONE["reason"]}]
    assert [what for _, what, _ in run.published] == ["release"]
    assert run.completed == ["plan", "accredit_media", "prepare_materials", "review_talking_points",
                             "confirm_event", "notify_media", "confirm_event", "closing_release"]


def test_a_cancelled_event_ends_with_its_reason_and_no_release(start: Any) -> None:
    run = start()
    run.approved()
    run.complete("confirm_event", CANCEL)
    assert run.wf.is_completed() and run.ready() == [] and run.waiting() == {}
    data = run.data
    assert (data["outcome"], data["cancel_reason"]) == ("cancelled", CANCEL["reason"])
    assert data["held_at"] == HELD_AT  # the time it was planned for
    assert "postponements" not in data
    assert run.published == []
    assert run.completed == ["plan", "accredit_media", "prepare_materials", "review_talking_points",
                             "confirm_event"]
    run.at("2026-03-04T12:00:00+06:00")  # the planned time passes: nothing is left to wait for
    assert run.ready() == [] and run.waiting() == {}


def test_postponed_twice_then_cancelled_keeps_every_postponement_in_order(start: Any) -> None:
    run = start()
    run.approved()
    run.complete("confirm_event", POSTPONE)
    run.complete("notify_media", NOTICE)
    second = {"decision": "postpone", "reason": "The hall is being repaired.", "new_held_at": LATER_HELD_AT}
    run.complete("confirm_event", second)
    assert run.open_data("notify_media")["held_at"] == LATER_HELD_AT
    run.complete("notify_media", {**NOTICE, "notice": "Moved again: Tuesday 10 March, 10:00."})
    run.complete("confirm_event", CANCEL)
    data = run.data
    assert data["postponements"] == [
        {"from": HELD_AT, "to": NEW_HELD_AT, "reason": POSTPONE["reason"]},
        {"from": NEW_HELD_AT, "to": LATER_HELD_AT, "reason": second["reason"]},
    ]
    assert (data["held_at"], data["outcome"], data["cancel_reason"]) == (LATER_HELD_AT, "cancelled", CANCEL["reason"])
    assert run.published == []


# --- called: what a calling procedure gets back on each path ------------------------------------------------
# A caller of its own (publication_response, which calls this procedure, is tested in its own module): it passes
# format and topic, keeps data the called procedure never sees, and gets back the ioSpecification's outputs.
CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_caller"
    targetNamespace="http://jarchy.org/bpmn/caller">
  <bpmn:process id="caller" name="Caller" isExecutable="true">
    <bpmn:startEvent id="begin" name="Begin"><bpmn:outgoing>to_pass</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="pass" name="Pass" scriptFormat="python">
      <bpmn:incoming>to_pass</bpmn:incoming><bpmn:outgoing>to_call</bpmn:outgoing>
      <bpmn:script>format = "briefing"
topic = "Bus fares"
reason = "The caller's own reason"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:callActivity id="call" name="Call" calledElement="press_conference">
      <bpmn:incoming>to_call</bpmn:incoming><bpmn:outgoing>to_done</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:endEvent id="done" name="Done"><bpmn:incoming>to_done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to_pass" sourceRef="begin" targetRef="pass" />
    <bpmn:sequenceFlow id="to_call" sourceRef="pass" targetRef="call" />
    <bpmn:sequenceFlow id="to_done" sourceRef="call" targetRef="done" />
  </bpmn:process>
</bpmn:definitions>
"""


class CallerRun(Run):
    key = "caller"

    def _start_data(self, start: dict[str, Any]) -> dict[str, Any]:
        return start  # the caller has no start form


@pytest.fixture
def called(tmp_path: Path, clock: Any, engine: Any) -> CallerRun:
    """Press conference called by `CALLER`, waiting for its plan."""
    (tmp_path / "caller.bpmn").write_text(CALLER, encoding="utf-8")
    run = CallerRun(parse_specs(tmp_path / "caller.bpmn", DIAGRAM), clock, engine)
    assert run.ready() == ["plan"]
    assert run.open_data("plan") == {"format": "briefing", "topic": "Bus fares"}  # what the caller passes only
    return run


OUTPUTS = ("held_at", "place", "speakers", "accredited", "outcome", "cancel_reason")


def test_a_caller_gets_back_the_event_held_with_no_cancel_reason(called: CallerRun) -> None:
    called.approved()
    called.complete("confirm_event", HOLD)
    called.at("2026-03-04T11:00:01+06:00")
    called.complete("closing_release", {"translations": TRANSLATIONS})
    data = called.data
    assert {k: data[k] for k in OUTPUTS} == {
        "held_at": HELD_AT, "place": PLAN["place"], "speakers": PLAN["speakers"],
        "accredited": ACCREDIT["accredited"], "outcome": "held", "cancel_reason": None}
    assert data["reason"] == "The caller's own reason"  # the caller's data is its own
    assert "translations" not in data and "decision" not in data


def test_a_caller_gets_back_the_new_time_of_a_postponed_event(called: CallerRun) -> None:
    called.approved()
    called.complete("confirm_event", POSTPONE)
    called.complete("notify_media", {**NOTICE, "accredited": [2]})
    called.complete("confirm_event", HOLD)
    assert called.waiting() == {"held": NEW_HELD_AT}
    called.at("2026-03-06T15:00:01+06:00")
    called.complete("closing_release", {"translations": TRANSLATIONS})
    data = called.data
    assert (data["held_at"], data["accredited"], data["outcome"], data["cancel_reason"]) == \
        (NEW_HELD_AT, [2], "held", None)
    assert "postponements" not in data  # the called procedure's own (its history has each confirmation)
    assert data["reason"] == "The caller's own reason"


def test_a_caller_gets_back_a_cancelled_event_and_its_reason(called: CallerRun) -> None:
    called.approved()
    called.complete("confirm_event", POSTPONE)
    called.complete("notify_media", NOTICE)
    called.complete("confirm_event", CANCEL)
    data = called.data  # every output is there on this path too: SpiffWorkflow would refuse a missing one
    assert {k: data[k] for k in OUTPUTS} == {
        "held_at": NEW_HELD_AT, "place": PLAN["place"], "speakers": PLAN["speakers"],
        "accredited": ACCREDIT["accredited"], "outcome": "cancelled", "cancel_reason": CANCEL["reason"]}
    assert data["reason"] == "The caller's own reason"
    assert called.published == []


def test_a_caller_passes_format_and_topic_and_gets_back_the_event(specs: tuple[Any, dict[str, Any]]) -> None:
    """The ioSpecification: what a calling procedure (publication_response) hands over and receives."""
    io = specs[0].io_specification
    assert [v.bpmn_id for v in io.data_inputs] == ["format", "topic"]
    assert [v.bpmn_id for v in io.data_outputs] == ["held_at", "place", "speakers", "accredited", "outcome",
                                                    "cancel_reason"]


# --- who gets each task ----------------------------------------------------------------------------
def test_user_tasks_lanes_and_due_dates(specs: tuple[Any, dict[str, Any]]) -> None:
    spec = specs[0]
    assert {n: spec.task_specs[n].lane for n in USER_TASKS} == USER_TASKS
    assert {n for n, t in spec.task_specs.items() if t.manual} == set(USER_TASKS)
    _, meta = validate_diagram(DIAGRAM.read_bytes())
    # What must be ready before the event is due by it.
    assert {n: t["due"] for n, t in meta["tasks"].items()} == {
        "plan": None, "accredit_media": "held_at", "prepare_materials": "held_at",
        "review_talking_points": "held_at", "confirm_event": "held_at", "notify_media": "held_at",
        "closing_release": None}
    assert (meta["starters"], meta["business_key_prefix"], meta["start_form"]) == \
        (["pr_department", "pr_head"], "PC", "press_conference/start")


def test_publish_release_is_run_by_the_engine_and_publishes_a_release(specs: tuple[Any, dict[str, Any]]) -> None:
    publish = specs[0].task_specs["publish_release"]
    assert publish.extensions == {"publish": "release"}
    assert not publish.manual


# --- forms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, "press_conference")


@pytest.mark.parametrize(
    ("key", "data", "fields"),
    [
        ("start", {}, ["format"]),
        ("start", {"format": "interview"}, ["format"]),
        ("plan", {**PLAN, "held_at": "2026-03-04 11:00"}, ["held_at"]),
        ("plan", {**PLAN, "held_at": "2026-03-04T11:00:00"}, ["held_at"]),  # no offset
        ("plan", {**PLAN, "speakers": []}, ["speakers"]),
        ("plan", {k: v for k, v in PLAN.items() if k != "place"}, ["place"]),
        ("accredit_media", {**ACCREDIT, "accredited": []}, ["accredited"]),
        ("accredit_media", {**ACCREDIT, "invited": ["24.kg", "24.kg"]}, ["invited"]),
        ("prepare_materials", {"talking_points": []}, ["talking_points"]),
        ("review_talking_points", {"decision": "rework"}, ["comment"]),
        ("review_talking_points", {"decision": "maybe"}, ["decision"]),
        ("closing_release", {"kind": "statement", "translations": {"ky": TRANSLATIONS["ky"]}}, ["translations"]),
        ("closing_release", {"kind": "report", "translations": TRANSLATIONS}, ["kind"]),
        ("closing_release", {"translations": {**TRANSLATIONS, "ru": {"title": "Без текста"}}},
         ["translations.ru.body"]),
        ("confirm_event", {}, ["decision"]),
        ("confirm_event", {"decision": "defer"}, ["decision"]),
        ("confirm_event", {"decision": "postpone"}, ["new_held_at", "reason"]),
        ("confirm_event", {**POSTPONE, "reason": "   "}, ["reason"]),
        ("confirm_event", {k: v for k, v in POSTPONE.items() if k != "reason"}, ["reason"]),
        ("confirm_event", {k: v for k, v in POSTPONE.items() if k != "new_held_at"}, ["new_held_at"]),
        ("confirm_event", {**POSTPONE, "new_held_at": "2026-03-02T08:59:00+06:00"}, ["new_held_at"]),  # past
        ("confirm_event", {**POSTPONE, "new_held_at": "2026-03-02T09:00:00+06:00"}, ["new_held_at"]),  # now
        ("confirm_event", {**POSTPONE, "new_held_at": "2026-03-06 15:00"}, ["new_held_at"]),
        ("confirm_event", {"decision": "cancel"}, ["reason"]),
        ("confirm_event", {"decision": "cancel", "reason": ""}, ["reason"]),
        ("notify_media", {"accredited": [2]}, ["notice"]),
        ("notify_media", {**NOTICE, "accredited": []}, ["accredited"]),
    ],
)
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], fields: list[str]) -> None:
    assert _errors(f"press_conference/{key}", data) == fields


def test_forms_accept_complete_data() -> None:
    assert _errors("press_conference/start", {"format": "briefing"}) == []
    assert _errors("press_conference/plan", PLAN) == []
    assert _errors("press_conference/accredit_media", ACCREDIT) == []
    assert _errors("press_conference/prepare_materials", {"talking_points": ["One."]}) == []
    assert _errors("press_conference/review_talking_points", {"decision": "approve"}) == []
    assert _errors("press_conference/closing_release", {"translations": TRANSLATIONS}) == []
    assert _errors("press_conference/confirm_event", HOLD) == []
    assert _errors("press_conference/confirm_event", POSTPONE) == []
    assert _errors("press_conference/confirm_event", CANCEL) == []
    assert _errors("press_conference/notify_media", NOTICE) == []


def test_a_postponement_to_a_past_moment_is_refused_as_such() -> None:
    assert_refused("press_conference/confirm_event", {**POSTPONE, "new_held_at": "2026-03-01T15:00:00+06:00"}, NOW,
                   "new_held_at", "must lie in the future")


def test_the_new_time_is_served_with_its_lower_bound_for_a_generic_client() -> None:
    """`x-future` has no standard keyword: served as `formatExclusiveMinimum` (ajv's format vocabulary), the moment
    the form is read."""
    field = served(load_form("press_conference/confirm_event"), NOW)["properties"]["new_held_at"]
    assert (field["format"], field["formatExclusiveMinimum"]) == ("date-time", NOW.isoformat())


def test_the_confirmation_is_never_prefilled_from_an_earlier_round() -> None:
    """`decision` is a decision (engine.procedures.forms.DECISIONS): no default, never carried; nor are the
    reason and the new time of an earlier postponement."""
    schema = json.loads((FORMS / "press_conference" / "confirm_event.json").read_text(encoding="utf-8"))
    assert all("default" not in prop and not prop.get("x-carry") for prop in schema["properties"].values())
    assert prefilled("press_conference/confirm_event", {**POSTPONE, "held_at": HELD_AT}) == {}


# --- the diagram file ----------------------------------------------------------------------------------
def test_the_diagram_deploys() -> None:
    _, meta = validate_diagram(DIAGRAM.read_bytes())
    assert meta["key"] == "press_conference" and meta["called"] == []


def test_process_attributes_and_documentation() -> None:
    root = diagram_root(DIAGRAM)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    assert (process.get("id"), process.get("isExecutable"), process.get("name")) == \
        ("press_conference", "true", "Press conference or briefing")
    assert process.get(f"{CAMUNDA}candidateStarterGroups") == "pr_department,pr_head"
    props = process.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == {"businessKeyPrefix": "PC"}
    (participant,) = root.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert participant.get("processRef") == "press_conference"
    documentation = process.findtext("bpmn:documentation", namespaces=NS)
    for clause in (f"{MEDIA}, §11", f"{MEDIA}, §16", f"{PR_STATUTE}, §4.6; {POLICY_STATUTE}, §8", f"{PR_STATUTE}, §4.7",
                   "Design choice", "accredit"):
        assert clause in documentation
    for task in root.xpath("//bpmn:userTask | //bpmn:task | //bpmn:intermediateCatchEvent",
                           namespaces=NS):
        assert task.findtext("bpmn:documentation", namespaces=NS), f"{task.get('id')} has no documentation"
    (start,) = root.xpath("//bpmn:process/bpmn:startEvent", namespaces=NS)
    assert start.get(f"{CAMUNDA}formKey") == "press_conference/start"
    (timer,) = root.xpath("//bpmn:intermediateCatchEvent[@id='held']//bpmn:timeDate", namespaces=NS)
    assert timer.text == "held_at"
    for fact in ("postpones it or cancels it", "reason for cancellation", "the postponement is listed",
                 "the outcome (held or cancelled)"):
        assert fact in documentation


# The regulations as the documentation cites them (docs/diagrams.md, "How the documentation cites").
MEDIA = "Regulation on interaction with the media"
PR_STATUTE = "Statute of the Public Relations Department"
POLICY_STATUTE = "Statute of the Information Policy Department"
# Each element and the clause it must cite, or that it is a design choice the texts do not make.
CITATIONS = {"start": f"{MEDIA}, §16", "plan": f"{PR_STATUTE}, §4.6; {POLICY_STATUTE}, §8",
             "accredit_media": "Design choice", "prepare_materials_merge": "Design choice",
             "confirm_event_merge": "Design choice",
             "prepare_materials": f"{PR_STATUTE}, §4.6; {POLICY_STATUTE}, §8", "review_talking_points": "Design choice",
             "review_is": "Design choice", "confirm_event": "Design choice", "confirm_is": "Design choice",
             "record_postponement": "Design choice", "notify_media": "Design choice",
             "record_cancellation": "Design choice", "cancelled": "Design choice", "held": f"{MEDIA}, §11",
             "record_held": "Design choice", "closing_release": f"{PR_STATUTE}, §4.7",
             "publish_release": f"{PR_STATUTE}, §4.7", "end": f"{PR_STATUTE}, §4.7"}


def test_each_element_cites_its_clause_or_says_it_is_a_design_choice() -> None:
    assert_each_element_cites(DIAGRAM, CITATIONS)


def test_lanes_are_role_keys_and_match_the_drawing() -> None:
    root = diagram_root(DIAGRAM)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert [lane.get("name") for lane in lanes] == ["pr_department", "leadership"]
    assert all(lane.get("name") in ROLES and lane.get("id") == f"Lane_{lane.get('name')}" for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    refs = [(lane, ref.text) for lane in lanes for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)]
    flow_nodes = {e.get("id") for e in root.xpath("//bpmn:process//*[bpmn:incoming or bpmn:outgoing]",
                                                   namespaces=NS)}
    assert sorted(ref for _, ref in refs) == sorted(flow_nodes), "each node in one lane"
    for lane, ref in refs:
        assert inside(shapes[ref], shapes[lane.get("id")]), f"{ref} is not drawn in {lane.get('name')}"
