"""The `interview_request` diagram run in memory (no database), through every branch: declined by the PR
department, refused by the official, held after the interview's timer, with the talking points for the
unit's press secretary or the PR department; with the real sandbox and the KG business calendar.

Every step goes through a serialize/deserialize round trip, because our workers reload an instance
between steps; the data a test submits is first checked against the task's form, with the form's
top-level defaults filled in, as the engine does. The second half checks the files themselves: forms,
form keys, lanes, and the diagram interchange (shapes, edges, labels, no overlaps)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.core.settings import ROLES
from engine.procedures.definitions import validate
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
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
)

KEY = "interview_request"
DIAGRAM = WORKFLOWS / f"{KEY}.bpmn"
FORM_FILES = form_files(KEY)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BISHKEK)  # Mon 2 March 2026: the request comes in
SCHEDULED_AT = "2026-03-10T11:00:00+06:00"  # Tue 10 March, 11:00 in Bishkek
START_DATA = {
    "outlet": "Kaktus Media",
    "journalist": "Aida Usenova",
    "contact": {"email": "aida@example.kg"},
    "official": {"name": "Bakyt Asanov", "position": "Vice-mayor for transport"},
    "topic": "The new bus routes",
    "questions": "When do the new routes start? What will a ticket cost?",
    "proposed_at": "2026-03-09T15:00:00+06:00",
    "unit": "transport",
}
SCHEDULE = {"scheduled_at": SCHEDULED_AT, "place": "Mayor's office, room 301"}
POINTS = {"points": ["Twelve new routes from 1 April.", "Fares stay at 20 som."]}
FOLLOW_UP = {"published_url": "https://kaktus.media/interview-42", "notes": "Published in full.", "accurate": True}


# --- running the diagram (the fixtures `specs`, `clock`, `engine` and `start`: tests/unit/conftest.py) ------
class Run(DiagramRun):
    """One instance of the procedure, reloaded from its serialization after every step."""

    key = KEY

    def role_of(self, name: str) -> Any:
        """The role the engine gives the ready task: its `role` expression, else its lane."""
        task = self.task(name)
        expression = task.task_spec.extensions.get("role")
        return self.engine.evaluate(task, expression) if expression else task.task_spec.lane


def _consented(run: Run) -> None:
    run.complete("pr_review", {"decision": "proceed"})
    run.complete("official_consent", {"consent": True})


# --- the branches ------------------------------------------------------------------------------------
def test_a_new_request_goes_to_the_pr_department_for_review(start: Any) -> None:
    run = start()
    assert run.ready() == ["pr_review"]
    assert run.role_of("pr_review") == "pr_department"
    assert run.waiting() == {}


def test_declined_by_the_pr_department(start: Any) -> None:
    run = start()
    run.complete("pr_review", {"decision": "decline", "reason": "The official is on leave until May."})
    assert run.ready() == ["notify_requester"]
    assert run.role_of("notify_requester") == "pr_department"
    run.complete("notify_requester", {"sent_via": "email", "note": "Offered a written comment instead."})
    data = run.data
    assert (data["outcome"], data["decision"], data["reason"]) == \
        ("declined", "decline", "The official is on leave until May.")
    assert data["sent_at"] == NOW.isoformat()  # defaulted to now
    assert "consent" not in data and "scheduled_at" not in data
    assert run.completed == ["pr_review", "notify_requester"]


def test_refused_by_the_official(start: Any) -> None:
    run = start()
    run.complete("pr_review", {"decision": "proceed"})
    assert run.ready() == ["official_consent"]
    assert run.role_of("official_consent") == "leadership"
    run.complete("official_consent", {"consent": False, "reason": "The routes are not approved yet."})
    assert run.ready() == ["notify_requester"]
    run.complete("notify_requester", {"sent_via": "phone"})
    data = run.data
    assert (data["outcome"], data["consent"], data["reason"]) == ("refused", False, "The routes are not approved yet.")
    assert "scheduled_at" not in data
    assert run.completed == ["pr_review", "official_consent", "notify_requester"]


def test_held_after_the_interview_time_with_a_follow_up(start: Any) -> None:
    run = start()
    _consented(run)
    assert run.ready() == ["schedule"]
    assert run.role_of("schedule") == "pr_department"
    run.complete("schedule", SCHEDULE)
    assert run.ready() == ["talking_points"]
    run.complete("talking_points", POINTS)
    assert run.ready() == []
    assert run.waiting() == {"interview_time": SCHEDULED_AT}
    run.at("2026-03-10T10:59:59+06:00")
    assert run.ready() == [] and "interview_time" in run.waiting()
    run.at("2026-03-10T11:00:01+06:00")
    assert run.ready() == ["follow_up"]
    assert run.waiting() == {}
    assert run.role_of("follow_up") == "pr_department"
    run.complete("follow_up", FOLLOW_UP)
    data = run.data
    assert data["outcome"] == "held"
    assert (data["scheduled_at"], data["place"]) == (SCHEDULED_AT, "Mayor's office, room 301")
    assert data["points"] == POINTS["points"]
    assert (data["published_url"], data["accurate"]) == ("https://kaktus.media/interview-42", True)
    assert run.completed == ["pr_review", "official_consent", "schedule", "talking_points", "follow_up"]


def test_an_interview_scheduled_in_the_past_is_followed_up_at_once(start: Any) -> None:
    run = start()
    _consented(run)
    run.complete("schedule", {"scheduled_at": "2026-03-02T09:30:00+06:00", "place": "By phone"})
    run.complete("talking_points", POINTS)
    run.at(NOW.isoformat())
    assert run.ready() == ["follow_up"]
    run.complete("follow_up", {"notes": "Not published yet.", "accurate": True})
    assert run.data["outcome"] == "held"
    assert "published_url" not in run.data


def test_talking_points_go_to_the_press_secretary_of_the_unit(start: Any) -> None:
    run = start()
    _consented(run)
    run.complete("schedule", SCHEDULE)
    assert run.role_of("talking_points") == "press_secretary"
    assert run.task("talking_points").data["unit"] == "transport"


@pytest.mark.parametrize("without_unit", [{"drop": ("unit",)}, {"unit": None}], ids=["absent", "null"])
def test_talking_points_without_a_unit_go_to_the_pr_department(start: Any, without_unit: dict[str, Any]) -> None:
    run = start(**without_unit)
    _consented(run)
    run.complete("schedule", SCHEDULE)
    assert run.task("talking_points").data["unit"] is None  # the start form's default
    assert run.role_of("talking_points") == "pr_department"
    run.complete("talking_points", POINTS)
    run.at("2026-03-10T11:00:01+06:00")
    run.complete("follow_up", {"notes": "Went well.", "accurate": False})
    assert (run.data["outcome"], run.data["accurate"]) == ("held", False)


# --- who gets each task ----------------------------------------------------------------------------
def test_user_tasks_lanes_and_role_expression(specs: tuple[Any, dict[str, Any]]) -> None:
    spec, _ = specs
    expected = {
        "pr_review": ("pr_department", {}),
        "official_consent": ("leadership", {}),
        "notify_requester": ("pr_department", {}),
        "schedule": ("pr_department", {}),
        "talking_points": ("press_secretary", {"role": '"press_secretary" if unit else "pr_department"'}),
        "follow_up": ("pr_department", {}),
    }
    tasks = spec.task_specs
    assert {n: (tasks[n].lane, tasks[n].extensions) for n in expected} == expected
    assert {n for n, t in tasks.items() if t.manual} == set(expected)


def test_the_deploy_validation_accepts_the_diagram() -> None:
    _root, meta = validate(DIAGRAM.read_bytes())
    assert meta["key"] == KEY and meta["business_key_prefix"] == "IV"
    assert meta["starters"] == ["pr_department", "press_secretary"]
    assert meta["start_form"] == f"{KEY}/start" and meta["start_timers"] == []
    assert meta["tasks"]["talking_points"]["role"] == '"press_secretary" if unit else "pr_department"'


# --- forms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, KEY)
    assert len(FORM_FILES) == 7


@pytest.mark.parametrize(
    ("key", "data", "field", "message"),
    [
        ("start", {**START_DATA, "contact": {}}, "contact", "should be non-empty"),
        ("start", {k: v for k, v in START_DATA.items() if k != "contact"}, "contact", "is required"),
        ("start", {**START_DATA, "contact": {"fax": "+996 312 000000"}}, "contact.fax", "is not a field"),
        ("start", {**START_DATA, "contact": {"email": "not an address"}}, "contact.email", "is not a 'email'"),
        ("start", {**START_DATA, "official": {"name": "Bakyt Asanov"}}, "official.position", "is required"),
        ("start", {k: v for k, v in START_DATA.items() if k != "official"}, "official", "is required"),
        ("start", {**START_DATA, "topic": ""}, "topic", "should be non-empty"),
        ("start", {**START_DATA, "proposed_at": "next Monday"}, "proposed_at", "is not a 'date-time'"),
        ("start", {**START_DATA, "proposed_at": "2026-03-09T15:00:00"}, "proposed_at", "is not a 'date-time'"),
        ("start", {**START_DATA, "unit": "nowhere"}, "unit", "is not a known unit"),
        ("start", {**START_DATA, "unit": 7}, "unit", "is not of type"),
        ("pr_review", {}, "decision", "is required"),
        ("pr_review", {"decision": "maybe"}, "decision", "must be one of"),
        ("pr_review", {"decision": "decline"}, "reason", "is required"),
        ("official_consent", {}, "consent", "is required"),
        ("official_consent", {"consent": False}, "reason", "is required"),
        ("official_consent", {"consent": "yes"}, "consent", "is not of type 'boolean'"),
        ("notify_requester", {"sent_via": "pigeon"}, "sent_via", "must be one of"),
        ("notify_requester", {"sent_via": "email", "sent_at": "2026-03-03T09:00:00+06:00"}, "sent_at",
         "must not be in the future"),
        ("schedule", {"place": "Room 301"}, "scheduled_at", "is required"),
        ("schedule", {"scheduled_at": SCHEDULED_AT}, "place", "is required"),
        ("talking_points", {"points": []}, "points", "should be non-empty"),
        ("talking_points", {"points": [""]}, "points.0", "should be non-empty"),
        ("follow_up", {"notes": "Fine."}, "accurate", "is required"),
        ("follow_up", {"accurate": True}, "notes", "is required"),
        ("follow_up", {"notes": "Fine.", "accurate": True, "published_url": "kaktus.media/x"}, "published_url",
         "does not match"),
    ],
)
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], field: str, message: str) -> None:
    assert_refused(f"{KEY}/{key}", data, NOW, field, message)


def test_forms_accept_each_contact_alone_and_fill_defaults() -> None:
    now = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    required = {k: START_DATA[k] for k in ("outlet", "journalist", "official", "topic")}
    for contact in ({"email": "a@example.org"}, {"phone": "+996 555 000000"}, {"address": "Chui 166"}):
        filled = check_form(f"{KEY}/start", {**required, "contact": contact}, now)
        assert filled["unit"] is None
    assert check_form(f"{KEY}/pr_review", {"decision": "proceed"}, now) == {"decision": "proceed"}
    assert check_form(f"{KEY}/official_consent", {"consent": True}, now) == {"consent": True}
    notify = check_form(f"{KEY}/notify_requester", {"sent_via": "letter"}, now)
    assert notify["sent_at"] == now.isoformat()


# --- the diagram file ----------------------------------------------------------------------------------
def test_process_attributes_and_documentation() -> None:
    root = diagram_root(DIAGRAM)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    assert (process.get("id"), process.get("isExecutable"), process.get("name")) == (KEY, "true", "Interview request")
    assert process.get(f"{{{NS['camunda']}}}candidateStarterGroups") == "pr_department,press_secretary"
    props = process.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == {"businessKeyPrefix": "IV"}
    (participant,) = root.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert participant.get("processRef") == KEY
    documentation = process.findtext("bpmn:documentation", namespaces=NS)
    for clause in ("Regulation on interaction with the media, §5", "Statute of the Public Relations Department, §4.6",
                   "Statute of the Information Policy Department, §8", "Design choices", "declined", "refused", "held"):
        assert clause in documentation
    start = root.xpath("//bpmn:process/bpmn:startEvent", namespaces=NS)[0]
    assert start.get(CAMUNDA_FORM_KEY) == f"{KEY}/start"
    (timer,) = root.xpath("//bpmn:intermediateCatchEvent[@id='interview_time']//bpmn:timeDate", namespaces=NS)
    assert timer.text == "scheduled_at"


def test_lanes_are_role_keys_and_match_the_drawing() -> None:
    root = diagram_root(DIAGRAM)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert [lane.get("name") for lane in lanes] == ["pr_department", "leadership", "press_secretary"]
    assert all(lane.get("name") in ROLES and lane.get("id") == f"Lane_{lane.get('name')}" for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    refs = [(lane, ref.text) for lane in lanes for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)]
    flow_nodes = {e.get("id") for e in root.xpath("//bpmn:process/*[bpmn:incoming or bpmn:outgoing]", namespaces=NS)}
    assert sorted(ref for _, ref in refs) == sorted(flow_nodes), "each node in one lane"
    for lane, ref in refs:
        assert inside(shapes[ref], shapes[lane.get("id")]), f"{ref} is not drawn in {lane.get('name')}"
