"""The `draft_act_publication` diagram and its forms as files: every element cites its clause (003 item 5 or 11,
art. 15 of Ukraine's access law) or says it is a design choice; the lanes, starters and forms; the decisions never
preset nor carried; the summary accounts for each comment (`x-accounts-for`); and the discussion period's length is
each jurisdiction profile's, with its source (verified in UA, to verify in KG and UZ). The flows through the API on
both databases are tests/integration/test_draft_act_publication_api.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from engine.core import jurisdiction
from engine.procedures.definitions import validate
from engine.procedures.forms import is_decision
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    WORKFLOWS,
    assert_each_element_cites,
    assert_forms_used,
    assert_refused,
    check_form,
    check_form_file,
    diagram_root,
    failing_fields,
    form_files,
    load_form,
)

KEY = "draft_act_publication"
DIAGRAM = WORKFLOWS / f"{KEY}.bpmn"
FORM_FILES = form_files(KEY)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BISHKEK)
# As the documentation cites them (docs/diagrams.md, "How the documentation cites").
SERVICE = "Tasks of the information service"
UKRAINE = "Law of Ukraine No. 2939-VI"
CITATIONS = {
    "start": f"{SERVICE}, item 11",
    "submit_draft_merge": "Design choice",
    "submit_draft": f"{SERVICE}, item 11",
    "legal_review": "Design choice",
    "legal_decision": "Design choice",
    "publish_draft": f"{SERVICE}, item 11",
    "open_discussion": f"{UKRAINE}, art. 15",
    "publish_draft_on_site": f"{UKRAINE}, art. 15",
    "discussion_ends": f"{UKRAINE}, art. 15",
    "close_discussion": f"{UKRAINE}, art. 15",
    "summarise_comments": f"{SERVICE}, item 5",
    "publish_adopted": f"{SERVICE}, item 11",
    "publish_adopted_on_site": f"{SERVICE}, item 11",
    "adopted_published": f"{SERVICE}, item 11",
}
USER_TASKS = {"submit_draft": "press_secretary", "legal_review": "legal", "publish_draft": "pr_department",
              "summarise_comments": "press_secretary", "publish_adopted": "pr_department"}
SUMMARY = {"summary": "One comment, taken into account.", "adopted_title": "Rules", "adopted_text": "1. Three metres."}
CASE = {"comments": [{"id": 7, "name": "Olena", "text": "Three metres."}, {"id": 9, "name": "Ivan", "text": "Trees."}]}


def test_every_element_cites_its_clause() -> None:
    assert_each_element_cites(DIAGRAM, CITATIONS)
    documentation = diagram_root(DIAGRAM).xpath("//bpmn:process/bpmn:documentation/text()", namespaces=NS)[0]
    for clause in (f"{SERVICE}, item 11", f"{SERVICE}, item 5", f"{UKRAINE}, art. 15 part 3", "Design choices"):
        assert clause in documentation


def test_the_deploy_validation_accepts_it_with_its_lanes_starters_and_prefix() -> None:
    _root, meta = validate(DIAGRAM.read_bytes())
    assert (meta["key"], meta["business_key_prefix"]) == (KEY, "DA")
    assert meta["starters"] == ["press_secretary", "unit_head"]
    assert {name: task["lane"] for name, task in meta["tasks"].items()} == USER_TASKS


def test_the_publishing_steps_and_the_timer_that_follows_the_period() -> None:
    root = diagram_root(DIAGRAM)
    publish = {t.get("id"): t.xpath(".//camunda:property[@name='publish']/@value", namespaces=NS)
               for t in root.xpath("//bpmn:task", namespaces=NS)}
    assert publish == {"publish_draft_on_site": ["draft_act"], "publish_adopted_on_site": ["adopted_act"]}
    (expression,) = root.xpath("//bpmn:intermediateCatchEvent[@id='discussion_ends']//bpmn:timeDate/text()",
                               namespaces=NS)
    assert expression == "due_at"  # an extension moves it (engine.calendar.deadlines.retime)
    (script,) = root.xpath("//bpmn:scriptTask[@id='open_discussion']/bpmn:script/text()", namespaces=NS)
    assert 'statutory_deadline("draft_act_publication"' in script  # the profile's clock, not a number of ours


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, KEY)


def test_the_legal_decision_is_never_preset_nor_carried_and_a_return_needs_its_comment() -> None:
    decision = load_form(f"{KEY}/legal_review")["properties"]["decision"]
    assert is_decision("decision") and "default" not in decision and not decision.get("x-carry")
    assert check_form(f"{KEY}/legal_review", {"decision": "approve"}, NOW) == {"decision": "approve"}
    assert_refused(f"{KEY}/legal_review", {"decision": "return"}, NOW, "comment", "is required")
    assert_refused(f"{KEY}/legal_review", {"decision": "return", "comment": "  "}, NOW, "comment",
                   "must not be blank")


def test_the_summary_accounts_for_each_comment_once_and_for_no_other() -> None:
    def outcome(comment: int, reason: str = "Agreed") -> dict[str, object]:
        return {"comment": comment, "outcome": "taken_into_account", "reason": reason}

    form = f"{KEY}/summarise_comments"
    assert failing_fields(form, {**SUMMARY, "comment_outcomes": [outcome(7), outcome(9)]}, NOW, CASE) == []
    assert failing_fields(form, {**SUMMARY, "comment_outcomes": [outcome(7)]}, NOW, CASE) == ["comment_outcomes"]
    assert failing_fields(form, {**SUMMARY, "comment_outcomes": [outcome(7), outcome(9), outcome(7)]}, NOW,
                          CASE) == ["comment_outcomes.2.comment"]
    assert failing_fields(form, {**SUMMARY, "comment_outcomes": [outcome(7), outcome(9), outcome(8)]}, NOW,
                          CASE) == ["comment_outcomes.2.comment"]
    assert failing_fields(form, {**SUMMARY, "comment_outcomes": [outcome(7), outcome(9, " ")]}, NOW,
                          CASE) == ["comment_outcomes.1.reason"]
    # No comment approved: nothing to account for.
    assert failing_fields(form, {**SUMMARY, "comment_outcomes": []}, NOW, {"comments": []}) == []
    assert "default" not in load_form(form)["properties"]["comment_outcomes"]


@pytest.mark.parametrize(("key", "verified"), [("UA", True), ("KG", False), ("UZ", False)])
def test_the_discussion_period_is_each_profiles_with_its_source(key: str, verified: bool) -> None:
    profile = jurisdiction.load(key)
    clock = profile.data["procedures"][KEY]["deadline"]
    assert profile.deadline(KEY) == jurisdiction.Duration(10, "working_days")
    assert clock.get("verified", True) is verified and clock["source"]
    if key == "UA":
        assert "art. 15 part 3" in clock["source"] and "890-IX" in clock["source"]
    else:
        assert clock["source"].startswith("to verify")
