"""The `event_support` diagram run in memory (no database), through every branch, with the real sandbox and the
KG business calendar; its closing release runs through `release_approval`, called inside the case.

Every step goes through a serialize/deserialize round trip, as the workers reload an instance between steps; the
data a test submits is first checked against the task's form by the engine's own validation. The second half checks
the files: forms, their use, the documentation and a citation on every element."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from engine.procedures.definitions import validate as validate_diagram
from engine.procedures.forms import prefilled
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    WORKFLOWS,
    PublishingRun,
    assert_each_element_cites,
    assert_forms_used,
    check_form_file,
    diagram_root,
    failing_fields,
    form_files,
)

# The regulations' short titles as the documentation cites them (docs/diagrams.md, "How the documentation cites").
MEDIA = "Regulation on interaction with the media"
POLICY_STATUTE = "Statute of the Information Policy Department"
PR_STATUTE = "Statute of the Public Relations Department"

DIAGRAM = WORKFLOWS / "event_support.bpmn"
CALLED = (WORKFLOWS / "release_approval.bpmn",)
FORM_FILES = form_files("event_support")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)  # Mon 2 Mar 2026
STARTS_AT = "2026-03-05T10:00:00+06:00"  # Thu 5 Mar 2026, 10:00 in Bishkek
REMIND_AT = "2026-03-04T10:00:00+06:00"  # a day before
NEW_STARTS_AT = "2026-03-12T15:00:00+06:00"  # after a postponement
NEW_REMIND_AT = "2026-03-11T15:00:00+06:00"

START_DATA = {"title": "The mayor opens the new bus depot", "official": "Mayor", "starts_at": STARTS_AT,
              "place": "Bus depot No. 3", "format": "visit", "open_to_press": True, "unit": "transport"}
ADVISORY = {"advisory": "The mayor opens bus depot No. 3 on Thu 5 March, 10:00.", "invited": ["24.kg"],
            "accredited": [1, 2]}
MATERIALS = {"talking_points": ["Forty new buses.", "Routes 1 to 10 first."], "materials": "Fleet plan."}
APPROVE = {"decision": "approve"}
POSTPONE = {"decision": "postpone", "reason": "The mayor is called to parliament.", "new_starts_at": NEW_STARTS_AT}
CANCEL = {"decision": "cancel", "reason": "The depot is not finished.", "told": ["Mayor's office", "24.kg"]}
COVERAGE = {"report": "The mayor opened the depot.", "photos": ["file-1"], "videos": ["file-2"]}
DRAFT = {"release_title": "A new bus depot", "release_body": "The mayor opened bus depot No. 3."}
TRANSLATIONS = {"ky": {"title": "Жаңы автобус паркы", "body": "Мэр паркты ачты."},
                "ru": {"title": "Новый автобусный парк", "body": "Мэр открыл парк."}}
USER_TASKS = {"media_advisory": "pr_department", "prepare_materials": "press_secretary",
              "agree_unit_head": "unit_head", "agree_pr": "pr_department", "change_event": "pr_department",
              "cover_event": "pr_department", "draft_closing_release": "press_secretary"}


def timers(run: Any) -> dict[str, Any]:
    """The timers the case waits for (the error catches on the preparation wait too, with no moment)."""
    return {k: v for k, v in run.waiting().items() if v is not None}


class Run(PublishingRun):
    key = "event_support"

    def prepared(self, advisory: bool = True) -> None:
        if advisory:
            self.complete("media_advisory", ADVISORY)
        self.complete("prepare_materials", MATERIALS)
        self.complete("agree_unit_head", APPROVE)
        self.complete("agree_pr", APPROVE)
        assert self.ready() == ["change_event"]

    def released(self) -> None:
        self.complete("unit_head_review", APPROVE)
        self.complete("pr_review", APPROVE | {"confirm_no_confidential": True})
        self.complete("translate", {"translations": TRANSLATIONS})
        self.complete("publish", {})


def test_an_open_event_is_announced_prepared_reminded_held_covered_and_closed_with_a_release(start: Any) -> None:
    run = start()
    assert run.ready() == ["change_event", "media_advisory"]  # the advisory first, then the speaker's materials
    assert timers(run) == {"reminder": REMIND_AT, "event_starts": STARTS_AT}
    run.prepared()
    run.at("2026-03-04T09:59:00+06:00")
    assert "reminder" in timers(run)
    run.at("2026-03-04T10:00:01+06:00")  # the reminder fires and the event still waits
    assert timers(run) == {"event_starts": STARTS_AT}
    assert run.ready() == ["change_event"]
    run.at("2026-03-05T10:00:01+06:00")  # the event begins: the standing change task is withdrawn
    assert run.ready() == ["cover_event"]
    assert run.open_data("cover_event")["accredited"] == [1, 2]  # the preparation's data stays with the case
    # It took place at its time (starts_at, with its offset): the office's report counts it then.
    assert run.open_data("cover_event")["held_at"] == STARTS_AT
    run.complete("cover_event", COVERAGE)
    run.complete("draft_closing_release", DRAFT)
    assert run.ready() == ["unit_head_review"]  # release_approval, inside this case
    run.released()
    data = run.data
    assert (data["outcome"], data["cancel_reason"]) == ("held", None)
    assert (data["title"], data["event_title"], data["media"]) == ("A new bus depot", START_DATA["title"],
                                                                   ["file-1", "file-2"])
    assert [bpmn_id for bpmn_id, _what, _data in run.published] == ["publish_on_site"]


def test_a_closed_event_is_not_announced(start: Any) -> None:
    run = start(open_to_press=False)
    assert run.ready() == ["change_event", "prepare_materials"]
    run.prepared(advisory=False)


def test_materials_sent_back_by_the_head_or_the_pr_department_return_to_the_press_secretary(start: Any) -> None:
    run = start(open_to_press=False)
    run.complete("prepare_materials", MATERIALS)
    run.complete("agree_unit_head", {"decision": "rework", "comment": "Name the routes."})
    assert run.ready() == ["change_event", "prepare_materials"]
    assert run.open_data("prepare_materials")["talking_points"] == MATERIALS["talking_points"]
    run.complete("prepare_materials", MATERIALS)
    run.complete("agree_unit_head", APPROVE)
    run.complete("agree_pr", {"decision": "rework", "comment": "Shorter."})
    assert run.ready() == ["change_event", "prepare_materials"]


def test_a_postponement_moves_the_event_and_its_reminder_and_starts_the_preparation_again(start: Any) -> None:
    run = start()
    run.complete("media_advisory", ADVISORY)
    run.complete("change_event", POSTPONE)
    assert run.ready() == ["change_event", "media_advisory"]
    assert timers(run) == {"reminder": NEW_REMIND_AT, "event_starts": NEW_STARTS_AT}
    data = run.open_data("change_event")
    assert data["starts_at"] == NEW_STARTS_AT
    assert data["postponements"] == [{"from": STARTS_AT, "to": NEW_STARTS_AT, "reason": POSTPONE["reason"]}]
    assert "decision" not in data and "reason" not in data
    run.at("2026-03-05T10:00:01+06:00")  # the old time passes: nothing happens
    assert "cover_event" not in run.ready()
    run.prepared()
    run.at("2026-03-12T15:00:01+06:00")
    assert run.ready() == ["cover_event"]


def test_a_cancellation_ends_the_case_with_its_reason_and_who_was_told(start: Any) -> None:
    run = start()
    run.prepared()
    run.complete("change_event", CANCEL)
    assert run.ready() == [] and timers(run) == {}
    data = run.data
    assert (data["outcome"], data["cancel_reason"], data["told"]) == ("cancelled", CANCEL["reason"], CANCEL["told"])
    assert run.published == []


# --- the files ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, "event_support")
    root = diagram_root(DIAGRAM)
    lanes = {ref.text: lane.get("name") for lane in root.xpath("//bpmn:lane", namespaces=NS)
             for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)}
    tasks = {t.get("id") for t in root.xpath("//bpmn:userTask", namespaces=NS)}
    assert {t: lanes[t] for t in tasks} == USER_TASKS


@pytest.mark.parametrize(("key", "data", "fields"), [
    ("event_support/start", {**START_DATA, "starts_at": "2026-03-01T10:00:00+06:00"}, ["starts_at"]),
    ("event_support/start", {k: v for k, v in START_DATA.items() if k != "open_to_press"}, ["open_to_press"]),
    ("event_support/change_event", {"decision": "postpone", "reason": "x"}, ["new_starts_at"]),
    ("event_support/change_event", {"decision": "cancel", "reason": "x"}, ["told"]),
    ("event_support/change_event", {"decision": "cancel", "reason": " ", "told": ["24.kg"]}, ["reason"]),
    ("event_support/agree_materials", {"decision": "rework"}, ["comment"]),
])
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], fields: list[str]) -> None:
    assert failing_fields(key, data, NOW) == fields


def test_decisions_are_never_prefilled() -> None:
    case = {"decision": "postpone", "reason": "earlier", "talking_points": ["a"]}
    assert prefilled("event_support/change_event", case) == {}
    assert prefilled("event_support/agree_materials", case) == {}
    assert prefilled("event_support/prepare_materials", case) == {"talking_points": ["a"]}


def test_the_diagram_deploys_with_its_prefix_and_starters() -> None:
    _root, meta = validate_diagram(DIAGRAM.read_bytes(), known_process_keys={"release_approval"})
    assert meta["key"] == "event_support"
    assert meta["business_key_prefix"] == "EV"
    assert {t: v["due"] for t, v in meta["tasks"].items() if v["due"]} == {
        "media_advisory": "starts_at", "prepare_materials": "starts_at", "agree_unit_head": "starts_at",
        "agree_pr": "starts_at"}  # due by the event; the standing change task is due never
    assert set(meta["starters"]) == {"pr_department", "pr_head", "press_secretary"}


def test_each_element_cites_its_clause_or_says_it_is_a_design_choice() -> None:
    design = "Design choice"
    assert_each_element_cites(DIAGRAM, {
        "start": f"{PR_STATUTE}, §4.5", "before_event_merge": design, "before_event": f"{PR_STATUTE}, §4.5",
        "prepare_materials_merge": design, "prep_start": f"{PR_STATUTE}, §4.5",
        "prep_split": design, "change_event": design, "change_is": design, "postponed_end": design,
        "cancelled_end": design, "open_is": f"{MEDIA}, §4", "media_advisory": f"{MEDIA}, §4, §11",
        "advisory_merge": design, "prepare_materials": f"{MEDIA}, §5", "agree_unit_head": f"{MEDIA}, §12",
        "unit_head_is": f"{MEDIA}, §12", "agree_pr": f"{MEDIA}, §13", "pr_is": f"{MEDIA}, §13",
        "event_starts": f"{POLICY_STATUTE}, §2", "ready_join": design, "record_event_held": design,
        "event_time": design, "reminder": design, "postponed": design, "cancelled": design,
        "remind_pr": f"{PR_STATUTE}, §4.5", "remind_unit": f"{MEDIA}, §5", "reminded": design,
        "record_postponement": design, "record_cancellation": design, "inform_cancellation": f"{MEDIA}, §5",
        "cancelled_case": design, "cover_event": f"{PR_STATUTE}, §4.2, §4.5",
        "draft_closing_release": f"{PR_STATUTE}, §4.7", "prepare_release": design,
        "approve_release": f"{MEDIA}, §12, §13", "record_held": design, "supported": f"{PR_STATUTE}, §4.5, §4.7",
    })
