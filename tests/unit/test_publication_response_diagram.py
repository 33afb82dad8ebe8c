"""The `publication_response` diagram run in memory (no database), through every branch of the contract's
table (shared/API.md, "The shipped procedures"), with the real sandbox and the KG business calendar, and
with `press_conference` parsed beside it, as the engine pins it, for the call activity.

Every step goes through a serialize/deserialize round trip, because our workers reload an instance between
steps; the data a test submits is first checked against the task's form by the engine's own form validation
(with Jarchy's keywords: `unit-key`, `x-not-future`, `x-publication-languages`), defaults filled in. What
the engine would publish is noted as it does: the tasks carrying the extension property `publish` that the
engine completes. The second half checks the files themselves: forms, form keys, lanes, the documentation
and the diagram interchange (shapes, edges, labels, no overlaps)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, InclusiveGateway
from SpiffWorkflow.util.task import TaskState

from engine.core.errors import InvalidDiagram
from engine.core.settings import ROLES
from engine.procedures.definitions import validate as validate_diagram
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    CAMUNDA,
    DI_NS,
    FORMS,
    WORKFLOWS,
    PublishingRun,
    bounds,
    check_form,
    diagram_root,
    failing_fields,
    inside,
)

DIAGRAM = WORKFLOWS / "publication_response.bpmn"
CALLED = (WORKFLOWS / "press_conference.bpmn",)  # parsed beside it, as the engine pins it for the call activity
FORM_FILES = sorted((FORMS / "publication_response").glob("*.json"))

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)  # Mon 2 Mar 2026
HELD_AT = "2026-03-04T11:00:00+06:00"

START_DATA = {
    "kind": "publication",
    "outlet": "Kaktus Media",
    "url": "https://kaktus.example/2026/03/01/bus-fares",
    "published_at": "2026-03-01T18:30:00+06:00",
    "summary": "Bus fares will double in April, the article claims.",
    "tone": "negative",
    "unit": "transport",
}
FACTS = [{"claim": "Fares double in April.", "finding": "No decision on fares was taken; they stay at 20 som."}]
REBUTTAL = {"text": "Bus fares stay at 20 som: no decision to raise them was taken.", "explains_each_fact": True}
COMMENT = {"text": "The delays were real; the new timetable starts on 10 March."}
APPROVE = {"decision": "approve", "confirm_no_confidential": True}
TRANSLATIONS = {
    "ky": {"title": "Жол кире өзгөрбөйт", "body": "Мэр брифингде билдирди."},
    "ru": {"title": "Плата за проезд не изменится", "body": "Мэр заявил на брифинге."},
}
USER_TASKS = {
    "verify_facts": "press_secretary",
    "draft_rebuttal": "press_secretary",
    "draft_comment": "press_secretary",
    "pr_approval": "pr_department",
    "publish_response": "pr_department",
    "assess_escalation": "pr_head",
    "prepare_claim": "legal",
}


# --- running the diagram (the fixtures `specs`, `clock`, `engine` and `start`: tests/unit/conftest.py) ------
def _errors(key: str, data: dict[str, Any]) -> list[str]:
    return failing_fields(key, data, NOW)


class Run(PublishingRun):
    """One instance of the procedure, reloaded from its serialization after every step."""

    key = "publication_response"

    def process_of(self) -> dict[str, str]:
        """Each ready task's process: the called one's tasks run in a workflow of the called spec."""
        return {t.task_spec.name: t.workflow.spec.name for t in self.wf.get_tasks(state=TaskState.READY, manual=True)}

    def published_kinds(self) -> list[tuple[str, str, str]]:
        return [(bpmn_id, what, data.get("response_kind") or data.get("kind")) for bpmn_id, what, data
                in self.published]

    def rebutted(self, channels: list[str] | None = None) -> None:
        """Verified as distorted, rebutted, agreed and sent out: at the escalation assessment."""
        self.complete("verify_facts", {"verdict": "distorted", "facts": FACTS})
        self.complete("draft_rebuttal", REBUTTAL)
        self.complete("pr_approval", APPROVE)
        self.complete("publish_response", {"channels": channels or ["outlet"]})
        assert self.ready() == ["assess_escalation"]

    def conference(self) -> None:
        """The called press_conference, from its plan to its closing release."""
        self.complete("plan", {"held_at": HELD_AT, "place": "City hall", "speakers": ["Mayor"],
                               "topic": "Bus fares in 2026"})
        self.complete("accredit_media", {"invitation": "Briefing on fares.", "invited": ["Kaktus Media", "24.kg"],
                                         "accredited": ["Kaktus Media"]})
        self.complete("prepare_materials", {"talking_points": ["Fares stay at 20 som."]})
        self.complete("review_talking_points", {"decision": "approve"})
        self.complete("confirm_event", {"decision": "hold"})  # the PR department confirms the event
        assert "closing_release" not in self.ready()
        assert self.waiting() == {"held": HELD_AT}
        self.at("2026-03-04T11:00:01+06:00")
        self.complete("closing_release", {"kind": "statement", "translations": TRANSLATIONS})


# --- fact verification -------------------------------------------------------------------------------
def test_a_registered_publication_goes_to_fact_verification(start: Any) -> None:
    run = start()
    assert run.ready() == ["verify_facts"]
    assert run.open_data("verify_facts")["unit"] == "transport"
    assert run.waiting() == {}


@pytest.mark.parametrize("kind", ["publication", "complaint"])
def test_an_accurate_piece_is_noted_and_closed_with_nothing_published(start: Any, kind: str) -> None:
    run = start(kind=kind, tone="neutral")
    run.complete("verify_facts", {"verdict": "accurate"})
    assert run.wf.is_completed() and run.ready() == []
    assert run.published == []
    data = run.data
    assert (data["verdict"], data["facts"], data["kind"]) == ("accurate", [], kind)
    assert "response_kind" not in data and "text" not in data


# --- the rebuttal and the comment ----------------------------------------------------------------------
def test_a_distorted_piece_is_rebutted_after_one_rework_and_published_on_the_site(start: Any) -> None:
    run = start()
    run.complete("verify_facts", {"verdict": "distorted", "facts": FACTS, "consulted": "Head of transport"})
    assert run.ready() == ["draft_rebuttal"]
    draft = run.open_data("draft_rebuttal")
    assert (draft["response_kind"], draft["facts"]) == ("rebuttal", FACTS)
    run.complete("draft_rebuttal", {"text": "The article is wrong.", "explains_each_fact": True})
    assert run.ready() == ["pr_approval"]
    run.complete("pr_approval", {"decision": "rework", "comment": "Explain the fare decision."})
    assert run.ready() == ["draft_rebuttal"]  # back to the rebuttal, not to the comment
    again = run.open_data("draft_rebuttal")
    assert (again["comment"], again["text"]) == ("Explain the fare decision.", "The article is wrong.")
    run.complete("draft_rebuttal", REBUTTAL)
    run.complete("pr_approval", APPROVE)
    assert run.ready() == ["publish_response"]
    # 002 §16: a rebuttal goes on the site and to the outlet: the channels the form starts with.
    assert run.open_data("publish_response")["channels"] == ["site", "outlet"]
    assert run.published == []  # nothing leaves before the PR department publishes
    run.complete("publish_response", {"channels": ["site", "outlet"]})
    assert run.published_kinds() == [("publish_on_site", "response", "rebuttal")]
    published = run.published[0][2]
    assert (published["outlet"], published["url"], published["text"]) == \
        (START_DATA["outlet"], START_DATA["url"], REBUTTAL["text"])
    assert run.ready() == ["assess_escalation"]
    run.complete("assess_escalation", {"escalate": "none", "assessment": "Resolved by the rebuttal."})
    data = run.data
    assert (data["escalate"], data["legal_action"], data["response_kind"]) == ("none", False, "rebuttal")
    assert run.completed == ["verify_facts", "draft_rebuttal", "pr_approval", "draft_rebuttal", "pr_approval",
                             "publish_response", "assess_escalation"]
    assert len(run.published) == 1


@pytest.mark.parametrize(("channels", "published"), [
    (["outlet"], False),
    (["outlet", "other_media"], False),
    (["site"], True),
    (["site", "outlet", "other_media"], True),
])
def test_a_negative_true_piece_gets_a_comment_published_only_when_the_site_is_chosen(
        start: Any, channels: list[str], published: bool) -> None:
    run = start(kind="complaint")
    run.complete("verify_facts", {"verdict": "negative_true"})
    assert run.ready() == ["draft_comment"]
    assert run.open_data("draft_comment")["response_kind"] == "comment"
    run.complete("draft_comment", COMMENT)
    run.complete("pr_approval", {"decision": "rework", "comment": "Give the date."})
    assert run.ready() == ["draft_comment"]  # back to the comment, not to the rebuttal
    run.complete("draft_comment", COMMENT)
    run.complete("pr_approval", APPROVE)
    extra = {"other_media": ["24.kg"]} if "other_media" in channels else {}
    run.complete("publish_response", {"channels": channels, **extra})
    assert run.published_kinds() == ([("publish_on_site", "response", "comment")] if published else [])
    assert run.ready() == ["assess_escalation"]
    run.complete("assess_escalation", {"escalate": "none", "legal_action": False})
    assert run.data["channels"] == channels


# --- the escalation ------------------------------------------------------------------------------------
@pytest.mark.parametrize("escalate", ["press_conference", "briefing"])
def test_an_escalation_runs_press_conference_inside_the_case(start: Any, escalate: str) -> None:
    run = start()
    run.rebutted(["site", "outlet"])
    run.complete("assess_escalation", {"escalate": escalate, "legal_action": False})
    assert run.ready() == ["plan"]
    assert run.process_of() == {"plan": "press_conference"}
    # The called process sees only what it takes (its ioSpecification): not the caller's kind or text.
    assert run.open_data("plan") == {"format": escalate, "topic": START_DATA["summary"]}
    run.conference()
    assert run.wf.is_completed()
    assert run.published_kinds() == [("publish_on_site", "response", "rebuttal"),
                                      ("publish_release", "release", "statement")]
    data = run.data
    # The case keeps its own data; the called process gives back the event.
    assert (data["kind"], data["decision"], data["text"]) == ("publication", "approve", REBUTTAL["text"])
    assert (data["format"], data["held_at"], data["speakers"], data["accredited"]) == \
        (escalate, HELD_AT, ["Mayor"], ["Kaktus Media"])
    assert "translations" not in data and "talking_points" not in data


def test_legal_action_alone_goes_to_the_legal_department(start: Any) -> None:
    run = start()
    run.rebutted()
    run.complete("assess_escalation", {"escalate": "none", "legal_action": True})
    assert run.ready() == ["prepare_claim"]
    assert run.process_of() == {"prepare_claim": "publication_response"}
    run.complete("prepare_claim", {"claim_summary": "Claim against Kaktus Media for the false fare report."})
    assert run.data["claim_summary"].startswith("Claim against")
    assert run.published == []  # the outlet only: nothing on the site


@pytest.mark.parametrize("claim_first", [True, False])
def test_a_briefing_and_a_claim_both_follow_and_the_case_ends_when_both_are_done(
        start: Any, claim_first: bool) -> None:
    run = start()
    run.rebutted()
    run.complete("assess_escalation", {"escalate": "briefing", "legal_action": True})
    assert run.ready() == ["plan", "prepare_claim"]
    if claim_first:
        run.complete("prepare_claim", {"claim_summary": "Claim."})
        assert not run.wf.is_completed()
        run.conference()
    else:
        run.conference()
        assert run.ready() == ["prepare_claim"] and not run.wf.is_completed()
        run.complete("prepare_claim", {"claim_summary": "Claim."})
    data = run.data
    assert (data["format"], data["claim_summary"], data["held_at"]) == ("briefing", "Claim.", HELD_AT)
    assert run.published_kinds() == [("publish_release", "release", "statement")]


def test_no_escalation_and_no_legal_action_closes_the_case(start: Any) -> None:
    run = start()
    run.rebutted()
    run.complete("assess_escalation", {"escalate": "none", "legal_action": False})
    assert run.wf.is_completed() and run.ready() == [] and run.waiting() == {}
    assert "format" not in run.data


# --- who gets each task, what the engine runs ----------------------------------------------------------
def test_user_tasks_and_their_lanes(specs: tuple[Any, dict[str, Any]]) -> None:
    spec = specs[0]
    assert {n: spec.task_specs[n].lane for n in USER_TASKS} == USER_TASKS
    # The contract lists all the user tasks of the procedure.
    assert {n for n, t in spec.task_specs.items() if t.manual} == set(USER_TASKS)


def test_the_escalation_calls_press_conference_through_an_inclusive_gateway(specs: tuple[Any, dict[str, Any]]) -> None:
    spec, called = specs
    call = spec.task_specs["hold_press_conference"]
    assert isinstance(call, CallActivity) and call.spec == "press_conference"
    assert "press_conference" in called  # beside the publishing task publish_on_site
    assert isinstance(spec.task_specs["escalation_split"], InclusiveGateway)
    publish = spec.task_specs["publish_on_site"]
    assert publish.extensions == {"publish": "response"} and not publish.manual


def test_the_diagram_deploys_once_press_conference_is_deployed() -> None:
    _, meta = validate_diagram(DIAGRAM.read_bytes(), known_process_keys={"press_conference"})
    assert (meta["key"], meta["called"], meta["business_key_prefix"]) == \
        ("publication_response", ["press_conference"], "PM")
    assert meta["starters"] == ["press_secretary", "pr_department"]
    with pytest.raises(InvalidDiagram) as refused:
        validate_diagram(DIAGRAM.read_bytes())
    assert [p.element_id for p in refused.value.problems] == ["hold_press_conference"]


# --- forms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["title"] and schema["description"]
    for name, prop in schema["properties"].items():
        assert prop.get("title"), f"{path.stem}.{name} has no title"


def test_every_form_file_is_used_by_the_diagram() -> None:
    keys = set(diagram_root(DIAGRAM).xpath("//@camunda:formKey", namespaces=NS))
    assert {f"publication_response/{p.stem}" for p in FORM_FILES} == keys


@pytest.mark.parametrize(
    ("key", "data", "fields"),
    [
        ("start", {k: v for k, v in START_DATA.items() if k != "unit"}, ["unit"]),
        ("start", {**START_DATA, "unit": "nowhere"}, ["unit"]),
        ("start", {**START_DATA, "kind": "rumour"}, ["kind"]),
        ("start", {**START_DATA, "tone": "hostile"}, ["tone"]),
        ("start", {**START_DATA, "url": "kaktus.example/bus"}, ["url"]),
        ("start", {**START_DATA, "published_at": "2026-03-03T09:00:00+06:00"}, ["published_at"]),  # future
        ("start", {**START_DATA, "summary": ""}, ["summary"]),
        ("verify_facts", {"verdict": "distorted"}, ["facts"]),
        ("verify_facts", {"verdict": "distorted", "facts": [{"claim": "x"}]}, ["facts.0.finding"]),
        ("verify_facts", {"verdict": "wrong"}, ["verdict"]),
        ("draft_rebuttal", {"text": "No."}, ["explains_each_fact"]),
        ("draft_rebuttal", {"text": "No.", "explains_each_fact": False}, ["explains_each_fact"]),
        ("draft_comment", {}, ["text"]),
        ("pr_approval", {"decision": "approve"}, ["confirm_no_confidential"]),
        ("pr_approval", {"decision": "approve", "confirm_no_confidential": False}, ["confirm_no_confidential"]),
        ("pr_approval", {"decision": "rework"}, ["comment"]),
        ("publish_response", {"channels": []}, ["channels"]),
        ("publish_response", {"channels": ["site", "site"]}, ["channels"]),
        ("publish_response", {"channels": ["radio"]}, ["channels.0"]),
        ("publish_response", {"channels": ["other_media"]}, ["other_media"]),
        ("assess_escalation", {"escalate": "riot"}, ["escalate"]),
        ("assess_escalation", {"escalate": "none", "legal_action": "yes"}, ["legal_action"]),
        ("prepare_claim", {}, ["claim_summary"]),
    ],
)
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], fields: list[str]) -> None:
    assert _errors(f"publication_response/{key}", data) == fields


def test_forms_accept_complete_data_and_fill_defaults() -> None:
    assert _errors("publication_response/start", START_DATA) == []
    assert check_form("publication_response/verify_facts", {"verdict": "accurate"}, NOW)["facts"] == []
    assert _errors("publication_response/verify_facts", {"verdict": "negative_true"}) == []
    assert _errors("publication_response/pr_approval", {"decision": "rework", "comment": "Shorter."}) == []
    assert _errors("publication_response/publish_response",
                   {"channels": ["site", "other_media"], "other_media": ["24.kg"]}) == []
    assert _errors("publication_response/assess_escalation", {}) == ["escalate"]  # the head's decision, never a default
    assessed = check_form("publication_response/assess_escalation", {"escalate": "none"}, NOW)
    assert (assessed["escalate"], assessed["legal_action"]) == ("none", False)
    assert _errors("publication_response/prepare_claim", {"claim_summary": "Claim."}) == []


# --- the diagram file ----------------------------------------------------------------------------------
def test_process_attributes_and_documentation() -> None:
    root = diagram_root(DIAGRAM)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    assert (process.get("id"), process.get("isExecutable"), process.get("name")) == \
        ("publication_response", "true", "Publication response")
    assert process.get(f"{CAMUNDA}candidateStarterGroups") == "press_secretary,pr_department"
    props = process.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == {"businessKeyPrefix": "PM"}
    (participant,) = root.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert participant.get("processRef") == "publication_response"
    documentation = process.findtext("bpmn:documentation", namespaces=NS)
    for clause in ("002 §14", "§15", "§16", "§17", "§18", "000 §4.4", "001 §6, §12", "003", "Design choices",
                   "legal department"):
        assert clause in documentation
    for task in root.xpath("//bpmn:userTask | //bpmn:callActivity | //bpmn:scriptTask | //bpmn:task",
                           namespaces=NS):
        assert task.findtext("bpmn:documentation", namespaces=NS), f"{task.get('id')} has no documentation"
    (start,) = root.xpath("//bpmn:process/bpmn:startEvent", namespaces=NS)
    assert start.get(f"{CAMUNDA}formKey") == "publication_response/start"
    scripts = {s.get("id"): s.findtext("bpmn:script", namespaces=NS) for s in root.xpath("//bpmn:scriptTask",
                                                                                         namespaces=NS)}
    assert 'response_kind = "rebuttal"' in scripts["set_rebuttal"]
    assert 'response_kind = "comment"' in scripts["set_comment"]
    assert "format = escalate" in scripts["prepare_press_conference"]


def test_lanes_are_role_keys_and_match_the_drawing() -> None:
    root = diagram_root(DIAGRAM)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert [lane.get("name") for lane in lanes] == ["press_secretary", "pr_department", "pr_head", "legal"]
    assert all(lane.get("name") in ROLES and lane.get("id") == f"Lane_{lane.get('name')}" for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    refs = [(lane, ref.text) for lane in lanes for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)]
    flow_nodes = {e.get("id") for e in root.xpath("//bpmn:process//*[bpmn:incoming or bpmn:outgoing]",
                                                   namespaces=NS)}
    assert sorted(ref for _, ref in refs) == sorted(flow_nodes), "each node in one lane"
    for lane, ref in refs:
        assert inside(shapes[ref], shapes[lane.get("id")]), f"{ref} is not drawn in {lane.get('name')}"
