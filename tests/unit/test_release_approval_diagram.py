"""The `release_approval` diagram run in memory (no database), through every branch of the contract's table
(shared/API.md, "The shipped procedures"), with the real sandbox and the KG business calendar.

Every step goes through a serialize/deserialize round trip, because our workers reload an instance
between steps; the data a test submits is first checked against the task's form by the engine's own
form validation (with Jarchy's keywords: `unit-key`, `x-publication-languages`), defaults filled in.
What the engine would publish is noted as it does: the tasks carrying the extension property `publish`
that the engine completes. The second half checks the files themselves: forms, form keys, lanes, the
documentation and the diagram interchange (shapes, edges, labels, no overlaps)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engine.core.settings import ROLES
from engine.runtime import publications
from engine.spiff.clock import FrozenClock
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    CAMUNDA_FORM_KEY,
    DI_NS,
    WORKFLOWS,
    PublishingRun,
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

DIAGRAM = WORKFLOWS / "release_approval.bpmn"
FORM_FILES = form_files("release_approval")

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BISHKEK)  # Mon 2 Mar 2026
EMBARGO = "2026-03-05T10:00:00+06:00"  # Thu 5 Mar 2026, 10:00 in Bishkek

START_DATA = {
    "kind": "press_release",
    "title": "Forty streets to be repaired in 2026",
    "body": "The transport unit will repair forty streets in 2026.",
    "unit": "transport",
}
TRANSLATIONS = {
    "ky": {"title": "2026-жылы кырк көчө оңдолот", "body": "Транспорт бөлүмү 2026-жылы кырк көчөнү оңдойт."},
    "ru": {"title": "В 2026 году отремонтируют сорок улиц", "body": "Транспортный отдел отремонтирует сорок улиц."},
}
APPROVE = {"decision": "approve"}
PR_APPROVE = {"decision": "approve", "confirm_no_confidential": True}
USER_TASKS = {
    "unit_head_review": "unit_head",
    "pr_review": "pr_department",
    "revise_draft": "press_secretary",
    "translate": "press_secretary",
    "publish": "pr_department",
}


# --- running the diagram (the fixtures `specs`, `clock`, `engine` and `start`: tests/unit/conftest.py) ------
class Run(PublishingRun):
    """One instance of the procedure, reloaded from its serialization after every step."""

    key = "release_approval"

    def through_translation(self) -> None:
        """From a draft agreed by the unit head to the PR department's publish task."""
        self.complete("pr_review", {**PR_APPROVE, "comment": "Agreed."})
        assert self.ready() == ["translate"]
        self.complete("translate", {"translations": TRANSLATIONS})
        assert self.ready() == ["publish"]


def _the_release(run: Run) -> dict[str, Any]:
    """The one publication of the case, as the runtime would hand it to engine.runtime.publications."""
    assert [(bpmn_id, what) for bpmn_id, what, _ in run.published] == [("publish_on_site", "release")]
    return run.published[0][2]


# --- the paths of the contract's table -------------------------------------------------------------
def test_a_draft_goes_to_the_unit_head_first(start: Any) -> None:
    run = start()
    assert run.ready() == ["unit_head_review"]
    review = run.open_data("unit_head_review")
    assert (review["unit"], review["kind"], review["embargo_until"], review["review_comments"]) == \
        ("transport", "press_release", None, [])
    assert run.waiting() == {} and run.published == []


def test_straight_approval_is_published_at_once_then_distributed(start: Any, clock: FrozenClock) -> None:
    run = start()
    run.complete("unit_head_review", APPROVE)
    assert run.ready() == ["pr_review"]
    run.through_translation()
    assert run.published == []  # nothing leaves before the PR department publishes
    clock.set(NOW + timedelta(hours=2))
    run.complete("publish")
    assert run.wf.is_completed() and run.ready() == [] and run.waiting() == {}
    release = _the_release(run)
    assert (release["kind"], release["translations"]) == ("press_release", TRANSLATIONS)
    data = run.data
    assert (data["outcome"], data["distributed_at"]) == ("published", (NOW + timedelta(hours=2)).isoformat())
    assert data["review_comments"] == [
        {"review": "unit_head_review", "decision": "approve", "comment": "", "at": NOW.isoformat()},
        {"review": "pr_review", "decision": "approve", "comment": "Agreed.", "at": NOW.isoformat()},
    ]
    assert data["confirm_no_confidential"] is True
    assert run.completed == ["unit_head_review", "pr_review", "translate", "publish"]


def test_the_unit_head_sends_it_back_as_often_as_needed(start: Any) -> None:
    run = start()
    run.complete("unit_head_review", {"decision": "rework", "comment": "Give the cost."})
    assert run.ready() == ["revise_draft"]
    revise = run.open_data("revise_draft")
    assert (revise["comment"], revise["title"], revise["body"]) == \
        ("Give the cost.", START_DATA["title"], START_DATA["body"])  # the form starts from the case's draft
    run.complete("revise_draft", {"title": START_DATA["title"], "body": "Forty streets, 1.2 bn som."})
    assert run.ready() == ["unit_head_review"]
    run.complete("unit_head_review", {"decision": "rework", "comment": "Name the streets."})
    assert run.ready() == ["revise_draft"]
    run.complete("revise_draft", {"title": "Forty streets", "body": "Forty streets (list attached), 1.2 bn som."})
    run.complete("unit_head_review", APPROVE)
    assert run.ready() == ["pr_review"]
    assert run.open_data("pr_review")["body"] == "Forty streets (list attached), 1.2 bn som."
    run.through_translation()
    run.complete("publish")
    data = run.data
    assert (data["title"], data["outcome"]) == ("Forty streets", "published")
    assert [(c["review"], c["decision"], c["comment"]) for c in data["review_comments"]] == [
        ("unit_head_review", "rework", "Give the cost."),
        ("unit_head_review", "rework", "Name the streets."),
        ("unit_head_review", "approve", ""),  # a stale comment is not carried into a later review
        ("pr_review", "approve", "Agreed."),
    ]
    assert run.completed == ["unit_head_review", "revise_draft", "unit_head_review", "revise_draft",
                             "unit_head_review", "pr_review", "translate", "publish"]
    assert len(run.published) == 1


def test_the_pr_department_sends_it_back_to_the_press_secretary_and_the_unit_head_agrees_again(start: Any) -> None:
    run = start()
    run.complete("unit_head_review", {**APPROVE, "comment": "Fine by transport."})
    run.complete("pr_review", {"decision": "rework", "comment": "Too long for a release."})
    assert run.ready() == ["revise_draft"]
    assert run.open_data("revise_draft")["comment"] == "Too long for a release."
    run.complete("revise_draft", {"title": "Forty streets in 2026", "body": "Forty streets."})
    assert run.ready() == ["unit_head_review"]  # a revised draft is agreed by the unit head again
    run.complete("unit_head_review", APPROVE)
    assert run.ready() == ["pr_review"]
    run.through_translation()
    run.complete("publish")
    assert [(c["review"], c["decision"], c["comment"]) for c in run.data["review_comments"]] == [
        ("unit_head_review", "approve", "Fine by transport."),
        ("pr_review", "rework", "Too long for a release."),
        ("unit_head_review", "approve", ""),
        ("pr_review", "approve", "Agreed."),
    ]
    assert _the_release(run)["translations"] == TRANSLATIONS


def test_an_embargo_in_the_future_waits_for_its_timer(start: Any, clock: FrozenClock) -> None:
    run = start(kind="announcement", embargo_until=EMBARGO)
    run.complete("unit_head_review", APPROVE)
    run.through_translation()
    run.complete("publish")
    assert run.ready() == [] and not run.wf.is_completed()
    assert run.waiting() == {"embargo": EMBARGO}
    assert run.published == []
    run.at("2026-03-05T09:59:59+06:00")
    assert run.waiting() == {"embargo": EMBARGO} and run.published == []
    run.at("2026-03-05T10:00:01+06:00")
    assert run.wf.is_completed() and run.waiting() == {}
    assert _the_release(run)["kind"] == "announcement"
    assert (run.data["outcome"], run.data["distributed_at"]) == ("published", "2026-03-05T10:00:01+06:00")


def test_an_embargo_already_past_publishes_at_once(start: Any) -> None:
    run = start(embargo_until="2026-03-01T12:00:00+06:00")
    run.complete("unit_head_review", APPROVE)
    run.through_translation()
    run.complete("publish")
    assert run.wf.is_completed() and run.waiting() == {}
    assert _the_release(run)["embargo_until"] == "2026-03-01T12:00:00+06:00"


def test_an_embargo_that_ends_before_the_publish_task_is_done_does_not_wait(start: Any, clock: FrozenClock) -> None:
    run = start(embargo_until=EMBARGO)
    run.complete("unit_head_review", APPROVE)
    run.through_translation()
    clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=BISHKEK))  # exactly the embargo: no longer in the future
    run.complete("publish")
    assert run.wf.is_completed() and run.waiting() == {}
    assert len(run.published) == 1


# --- who gets each task, what the engine does itself ----------------------------------------------
def test_user_tasks_and_their_lanes(specs: tuple[Any, dict[str, Any]]) -> None:
    spec, _ = specs
    manual = {n: t for n, t in spec.task_specs.items() if t.manual}
    assert {n: t.lane for n, t in manual.items()} == USER_TASKS  # the contract lists all the user tasks
    assert all(t.extensions == {} for t in manual.values())  # role: the lane; unit: the case's `unit`
    assert {n: t.form.key for n, t in manual.items()} == {n: f"release_approval/{n}" for n in USER_TASKS}
    publishing = {n: publications.publishes(SimpleNamespace(task_spec=t)) for n, t in spec.task_specs.items()}
    assert {n: what for n, what in publishing.items() if what} == {"publish_on_site": "release"}
    assert not spec.task_specs["publish_on_site"].manual and not spec.task_specs["distribute"].manual


# --- forms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, "release_approval")


@pytest.mark.parametrize(
    ("key", "data", "field", "message"),
    [
        ("start", {**START_DATA, "kind": "tweet"}, "kind", "must be one of"),
        ("start", {k: v for k, v in START_DATA.items() if k != "unit"}, "unit", "is required"),
        ("start", {**START_DATA, "unit": "nowhere"}, "unit", "is not a known unit"),
        ("start", {**START_DATA, "title": ""}, "title", "should be non-empty"),
        ("start", {**START_DATA, "embargo_until": "2026-03-05T10:00:00"}, "embargo_until", "is not a 'date-time'"),
        ("start", {**START_DATA, "embargo_until": "soon"}, "embargo_until", "is not a 'date-time'"),
        ("start", {**START_DATA, "photo": "x.jpg"}, "photo", "is not a field of this form"),
        ("unit_head_review", {}, "decision", "is required"),
        ("unit_head_review", {"decision": "refuse"}, "decision", "must be one of"),
        ("unit_head_review", {"decision": "rework"}, "comment", "should be non-empty"),
        ("pr_review", {"decision": "approve"}, "confirm_no_confidential", "is required"),
        ("pr_review", {"decision": "approve", "confirm_no_confidential": False}, "confirm_no_confidential",
         "must be confirmed"),
        ("pr_review", {"decision": "rework"}, "comment", "should be non-empty"),
        ("revise_draft", {"title": "Forty streets"}, "body", "is required"),
        ("translate", {}, "translations", "is required"),
        ("translate", {"translations": {"ky": TRANSLATIONS["ky"]}}, "translations", "needs a translation into: ru"),
        ("translate", {"translations": {**TRANSLATIONS, "ru": {"title": "Сорок улиц", "body": ""}}},
         "translations.ru.body", "should be non-empty"),
        ("translate", {"translations": {**TRANSLATIONS, "ru": {"title": "Сорок улиц"}}}, "translations.ru.body",
         "is required"),
        ("translate", {"translations": {**TRANSLATIONS, "Russian": TRANSLATIONS["ru"]}}, "translations",
         "does not match"),
        ("publish", {"note": "now"}, "note", "is not a field of this form"),
    ],
)
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], field: str, message: str) -> None:
    assert_refused(f"release_approval/{key}", data, NOW, field, message)


def test_forms_fill_defaults_and_accept_what_the_contract_allows() -> None:
    start = check_form("release_approval/start", START_DATA, NOW)
    assert start["embargo_until"] is None
    assert check_form("release_approval/start", {**START_DATA, "embargo_until": None}, NOW)["embargo_until"] is None
    assert check_form("release_approval/start", {**START_DATA, "embargo_until": EMBARGO}, NOW)["embargo_until"] \
        == EMBARGO
    for kind in ("press_release", "statement", "announcement", "report", "bulletin"):
        check_form("release_approval/start", {**START_DATA, "kind": kind}, NOW)
    assert check_form("release_approval/unit_head_review", APPROVE, NOW) == {"decision": "approve", "comment": ""}
    assert check_form("release_approval/pr_review", {"decision": "rework", "comment": "Shorter."}, NOW)["comment"] \
        == "Shorter."
    assert check_form("release_approval/publish", {}, NOW) == {}
    assert load_form("release_approval/translate")["properties"]["translations"]["x-publication-languages"] is True


# --- the diagram file ----------------------------------------------------------------------------------
def test_the_diagram_deploys() -> None:
    from engine.procedures.definitions import validate as validate_diagram

    _, meta = validate_diagram(DIAGRAM.read_bytes())
    assert (meta["key"], meta["starters"], meta["business_key_prefix"], meta["start_form"]) == \
        ("release_approval", ["press_secretary", "pr_department"], "PR", "release_approval/start")
    assert {n: t["lane"] for n, t in meta["tasks"].items()} == USER_TASKS


def test_process_attributes_and_documentation() -> None:
    root = diagram_root(DIAGRAM)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    assert (process.get("id"), process.get("isExecutable"), process.get("name")) == \
        ("release_approval", "true", "Release approval and publication")
    assert process.get(f"{{{NS['camunda']}}}candidateStarterGroups") == "press_secretary,pr_department"
    props = process.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == {"businessKeyPrefix": "PR"}
    (participant,) = root.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert participant.get("processRef") == "release_approval"
    documentation = process.findtext("bpmn:documentation", namespaces=NS)
    for clause in ("Regulation on interaction with the media, §11", "§12", "§13",
                   "Statute of the Public Relations Department, §4.2", "§4.7",
                   "Statute of the Information Policy Department, §9",
                   "Tasks of the information service", "embargo", "design choice"):
        assert clause.lower() in documentation.lower(), clause
    assert "not in the texts" in documentation
    start = root.xpath("//bpmn:process/bpmn:startEvent", namespaces=NS)[0]
    assert start.get(CAMUNDA_FORM_KEY) == "release_approval/start"
    (timer,) = root.xpath("//bpmn:intermediateCatchEvent[@id='embargo']//bpmn:timeDate", namespaces=NS)
    assert timer.text == "embargo_until"


def test_lanes_are_role_keys_and_match_the_drawing() -> None:
    root = diagram_root(DIAGRAM)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert [lane.get("name") for lane in lanes] == ["press_secretary", "unit_head", "pr_department"]
    assert all(lane.get("name") in ROLES and lane.get("id") == f"Lane_{lane.get('name')}" for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    refs = [(lane, ref.text) for lane in lanes for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)]
    flow_nodes = {e.get("id") for e in root.xpath(
        "//bpmn:process//*[self::bpmn:startEvent or self::bpmn:endEvent or self::bpmn:scriptTask or "
        "self::bpmn:userTask or self::bpmn:task or self::bpmn:exclusiveGateway or "
        "self::bpmn:intermediateCatchEvent or self::bpmn:subProcess]", namespaces=NS)}
    assert sorted(ref for _, ref in refs) == sorted(flow_nodes), "each node in one lane"
    for lane, ref in refs:
        assert inside(shapes[ref], shapes[lane.get("id")]), f"{ref} is not drawn in {lane.get('name')}"
