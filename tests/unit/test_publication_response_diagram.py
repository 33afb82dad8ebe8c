"""The `publication_response` diagram run in memory (no database), clause by clause of Regulation 002 §14-19
(shared/DOMAIN.md, procedure 3), with the real sandbox and the KG business calendar, and with `press_conference`
parsed beside it, as the engine pins it, for the call activity.

Every step goes through a serialize/deserialize round trip, because our workers reload an instance between
steps; the data a test submits is first checked against the task's form by the engine's own form validation,
against the case's data as the task sees it (a rebuttal must explain each distorted claim). What the engine would
publish, whom it would inform and what it would write to a complainant is noted as it does: the plain tasks
carrying `publish`, `informs` and `tells_requester` that the engine completes. The second half checks the files:
each element's clause, the forms, the lanes and the drawing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, ExclusiveGateway, ParallelGateway
from SpiffWorkflow.util.task import TaskState

from engine.core.errors import Invalid, InvalidDiagram
from engine.core.settings import ROLES
from engine.procedures import forms
from engine.procedures.definitions import validate as validate_diagram
from engine.runtime import letters, notifications
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    CAMUNDA,
    DI_NS,
    WORKFLOWS,
    PublishingRun,
    assert_each_element_cites,
    assert_forms_used,
    bounds,
    check_form,
    check_form_file,
    diagram_root,
    failing_fields,
    form_files,
    inside,
)

# The regulations' short titles as the documentation cites them (docs/diagrams.md, "How the documentation cites").
MEDIA = "Regulation on interaction with the media"
POLICY_STATUTE = "Statute of the Information Policy Department"
PR_STATUTE = "Statute of the Public Relations Department"
TASKS_UZ = "Tasks of the information service"

DIAGRAM = WORKFLOWS / "publication_response.bpmn"
CALLED = (WORKFLOWS / "press_conference.bpmn",)  # parsed beside it, as the engine pins it for the call activity
FORM_FILES = form_files("publication_response")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)  # Mon 2 Mar 2026
DUE = "2026-03-03T18:00:00+06:00"  # the end of the next working day (KG profile, 002 §16 "as soon as possible")
HELD_AT = "2026-03-10T11:00:00+06:00"

START_DATA = {
    "kind": "publication",
    "outlet": "Kaktus Media",
    "medium": "online",
    "url": "https://kaktus.example/2026/03/01/bus-fares",
    "published_at": "2026-03-01T18:30:00+06:00",
    "summary": "Bus fares will double in April, the article claims.",
    "tone": "negative",
    "unit": "transport",
}
COMPLAINANT = {"kind": "complaint", "requester_name": "Aida Sadykova", "contact": {"email": "aida@example.kg"}}
FACTS = [
    {"claim": "Fares double in April.", "finding": "distorted", "established": "No decision on fares was taken."},
    {"claim": "The mayor approved it.", "finding": "misinterpreted",
     "established": "The mayor asked for a study of the costs, not for a rise."},
    {"claim": "Fares are 20 som today.", "finding": "accurate", "established": "Correct."},
]
EXPLANATIONS = [
    {"claim": "Fares double in April.", "explanation": "No decision on fares was taken; they stay at 20 som."},
    {"claim": "The mayor approved it.", "explanation": "The mayor asked for a study of the bus companies' costs."},
]
REBUTTAL = {"text": "Bus fares stay at 20 som: no decision to raise them was taken.", "explanations": EXPLANATIONS}
COMMENT = {"text": "The delays were real; the new timetable starts on 10 March."}
ANSWER = {"answer": "Thank you: the timetable of route 12 is restored from 10 March.", "agreed_in_unit": "A. Bekov"}
APPROVE = {"decision": "approve", "confirm_no_confidential": True}
SENT = {"outlet_sent_via": "email", "outlet_contact": "editor@kaktus.example"}
TRANSLATIONS = {
    "ky": {"title": "Жол кире өзгөрбөйт", "body": "Мэр брифингде билдирди."},
    "ru": {"title": "Плата за проезд не изменится", "body": "Мэр заявил на брифинге."},
}
USER_TASKS = {
    "verify_facts": "press_secretary",
    "draft_rebuttal": "press_secretary",
    "draft_comment": "press_secretary",
    "answer_complaint": "press_secretary",
    "send_answer": "press_secretary",
    "pr_approval": "pr_department",
    "publish_response": "pr_department",
    "assess_escalation": "pr_head",
    "escalate_overdue": "pr_head",
    "prepare_claim": "legal",
}
# Each element and the clause it must cite (or that it is a design choice): what it does is the clause's.
CITATIONS = {
    "start": f"{MEDIA}, §14", "open_response": f"{MEDIA}, §16", "inform_pr_department": f"{MEDIA}, §15",
    "urgent_is": f"{POLICY_STATUTE}, §6", "alert_leadership": f"{POLICY_STATUTE}, §6",
    "handle_response": f"{MEDIA}, §15–16", "respond_start": f"{MEDIA}, §15", "verify_facts": f"{MEDIA}, §15",
    "verdict_is": f"{MEDIA}, §16", "set_rebuttal": f"{MEDIA}, §16", "set_comment": f"{MEDIA}, §16",
    "draft_rebuttal": f"{MEDIA}, §16", "draft_comment": f"{MEDIA}, §16", "pr_approval": f"{MEDIA}, §13, §15",
    "approval_is": f"{MEDIA}, §13, §15", "publish_response": f"{MEDIA}, §16", "record_channels": f"{MEDIA}, §16",
    "handle_response_merge": "design choice", "draft_rebuttal_merge": "design choice",
    "draft_comment_merge": "design choice", "pr_approval_merge": "design choice",
    "answer_complaint_merge": "design choice", "response_done_merge": "design choice",
    "prepare_claim_merge": "design choice",
    "publish_on_site": f"{MEDIA}, §16", "complaint_is_merge": "design choice", "complaint_is": f"{MEDIA}, §16",
    "set_answer": f"{MEDIA}, §16",
    "answer_complaint": f"{MEDIA}, §15, §16", "send_answer": f"{MEDIA}, §15–16", "compose_answer": f"{MEDIA}, §16",
    "answer_complainant": f"{MEDIA}, §16", "response_done": f"{MEDIA}, §16", "deadline_reached": "design choice",
    "escalate_overdue": f"{MEDIA}, §19", "escalation_handled": f"{MEDIA}, §19", "after_response": f"{MEDIA}, §18",
    "response_closed": f"{MEDIA}, §16", "start_observation": "design choice", "observation": f"{MEDIA}, §16",
    "assess_escalation": f"{MEDIA}, §16", "escalation_split": f"{MEDIA}, §16, §18",
    "escalation_both": f"{MEDIA}, §16, §18", "after_response_both": f"{MEDIA}, §18",
    "start_observation_merge": "design choice", "prepare_press_conference_merge": "design choice",
    "situation_resolved": f"{MEDIA}, §16", "prepare_press_conference": f"{MEDIA}, §16",
    "hold_press_conference": f"{MEDIA}, §16", "conference_held": f"{MEDIA}, §16", "prepare_claim": f"{MEDIA}, §18",
    "claim_filed": f"{MEDIA}, §18",
}


# --- running the diagram (the fixtures `specs`, `clock`, `engine` and `start`: tests/unit/conftest.py) ------
class Run(PublishingRun):
    """One instance of the procedure, reloaded from its serialization after every step; notes whom the engine
    informs and what it writes to the complainant."""

    key = "publication_response"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.informed: list[str] = []
        self.letters: list[tuple[str, str]] = []
        super().__init__(*args, **kwargs)

    def _note(self, task: Any) -> None:
        super()._note(task)
        role = notifications.informed_by(task)
        if role:
            self.informed.append(role)
        letter = letters.told_by(task)
        if letter:
            self.letters.append((letter.value, task.data["letter"]))

    def process_of(self) -> dict[str, str]:
        """Each ready task's process: the called one's tasks run in a workflow of the called spec."""
        return {t.task_spec.name: t.workflow.spec.name for t in self.wf.get_tasks(state=TaskState.READY, manual=True)}

    def rebutted(self, **verify: Any) -> None:
        """Verified as distorted, rebutted, agreed and sent out: the observation runs."""
        self.complete("verify_facts", {"verdict": "distorted", "facts": FACTS} | verify)
        self.complete("draft_rebuttal", REBUTTAL)
        self.complete("pr_approval", APPROVE)
        self.complete("publish_response", SENT)

    def observed(self) -> None:
        """Past the observation period (2 working days after Mon 2 March: the end of Wed 4 March)."""
        assert self.waiting()["observation"] == "2026-03-04T18:00:00+06:00"
        self.at("2026-03-04T18:00:01+06:00")
        assert "assess_escalation" in self.ready()

    def conference(self) -> None:
        """The called press_conference, from its plan to its closing release."""
        self.complete("plan", {"held_at": HELD_AT, "place": "City hall", "speakers": ["Mayor"],
                               "topic": "Bus fares in 2026"})
        self.complete("accredit_media", {"invitation": "Briefing on fares.", "invited": ["Kaktus Media", "24.kg"],
                                         "accredited": [1]})
        self.complete("prepare_materials", {"talking_points": ["Fares stay at 20 som."]})
        self.complete("review_talking_points", {"decision": "approve"})
        self.complete("confirm_event", {"decision": "hold"})  # the PR department confirms the event
        self.at("2026-03-10T11:00:01+06:00")
        self.complete("closing_release", {"kind": "statement", "translations": TRANSLATIONS})


# --- §15: registration, the PR department informed, a clock ---------------------------------------------
def test_a_registered_piece_informs_the_pr_department_and_runs_on_a_clock(start: Any) -> None:
    run = start()
    assert run.ready() == ["verify_facts"]
    assert run.informed == ["pr_department"]  # §15: at registration, not when a draft reaches it
    data = run.open_data("verify_facts")
    assert (data["due_at"], data["deadline"]["unit"], data["deadline"]["amount"]) == (DUE, "working_days", 1)
    assert run.waiting() == {"deadline_reached": DUE}


def test_an_information_attack_alerts_leadership_at_once(start: Any) -> None:
    run = start(urgent=True, urgent_reason="Coordinated posts in 40 channels within an hour.")
    assert run.informed == ["pr_department", "leadership"]
    assert run.ready() == ["verify_facts"]
    assert start().informed == ["pr_department"]  # not urgent: leadership reads it in the digest


def test_an_overdue_response_escalates_to_the_pr_head_and_the_work_goes_on(start: Any) -> None:
    run = start()
    run.at("2026-03-03T18:00:01+06:00")
    assert run.ready() == ["escalate_overdue", "verify_facts"]
    run.complete("escalate_overdue", {"action_taken": "Asked the transport unit for the figures by noon."})
    assert run.ready() == ["verify_facts"]


# --- §16: accurate, distorted, negative and true ------------------------------------------------------------
def test_an_accurate_publication_is_noted_and_closed_with_nothing_published(start: Any) -> None:
    run = start(tone="neutral")
    run.complete("verify_facts", {"verdict": "accurate", "facts": [FACTS[2]]})
    assert run.wf.is_completed() and run.published == [] and run.letters == []


def test_a_rebuttal_cannot_leave_a_distorted_claim_unexplained(start: Any) -> None:
    run = start()
    run.complete("verify_facts", {"verdict": "distorted", "facts": FACTS, "consulted": "Head of transport"})
    assert run.ready() == ["draft_rebuttal"]
    with pytest.raises(Invalid) as refused:
        run.complete("draft_rebuttal", {"text": "The article is wrong.", "explanations": EXPLANATIONS[:1]})
    assert [(e["field"], e["message"]) for e in refused.value.errors] == [
        ("explanations", "the claim 'The mayor approved it.' has no explanation")]
    with pytest.raises(Invalid) as blank:
        run.complete("draft_rebuttal", {"text": "No.", "explanations": [
            EXPLANATIONS[0], {"claim": "The mayor approved it.", "explanation": "   "}]})
    assert "explanations.1.explanation" in [e["field"] for e in blank.value.errors]
    # An accurate claim needs no explanation; a claim the author adds needs one of its own.
    with pytest.raises(Invalid) as added:
        run.complete("draft_rebuttal", {"text": "No.", "explanations": [*EXPLANATIONS, {"claim": "Also wrong."}]})
    assert [e["field"] for e in added.value.errors] == ["explanations.2.explanation"]
    assert run.ready() == ["draft_rebuttal"]


def test_the_rebuttal_form_starts_with_each_claim_to_explain() -> None:
    schema = forms.load_form("publication_response/draft_rebuttal")
    assert forms.carried(schema, {"facts": FACTS}) == {"explanations": [
        {"claim": "Fares double in April.", "explanation": ""}, {"claim": "The mayor approved it.", "explanation": ""}]}
    assert forms.carried(schema, {"facts": FACTS, "explanations": EXPLANATIONS})["explanations"] == EXPLANATIONS


def test_a_rebuttal_explains_each_claim_on_the_site_and_goes_to_the_outlet(start: Any) -> None:
    run = start()
    run.complete("verify_facts", {"verdict": "distorted", "facts": FACTS})
    run.complete("draft_rebuttal", REBUTTAL)
    run.complete("pr_approval", {"decision": "rework", "comment": "Name the study."})
    assert run.ready() == ["draft_rebuttal"]  # back to the rebuttal, not to the comment
    assert run.open_data("draft_rebuttal")["comment"] == "Name the study."
    run.complete("draft_rebuttal", REBUTTAL)
    run.complete("pr_approval", APPROVE)
    assert run.published == []  # nothing leaves before the PR department publishes
    with pytest.raises(Invalid):  # the outlet is not optional: how it was sent is recorded
        run.complete("publish_response", {})
    run.complete("publish_response", SENT)
    ((element, what, published),) = run.published
    assert (element, what, published["response_kind"]) == ("publish_on_site", "response", "rebuttal")
    assert published["explanations"] == EXPLANATIONS and published["channels"] == ["site", "outlet"]
    assert (published["outlet"], published["medium"], published["url"]) == (
        "Kaktus Media", "online", START_DATA["url"])
    assert run.ready() == [] and "observation" in run.waiting()


def test_a_comment_goes_on_the_site_the_outlet_and_the_other_media_chosen(start: Any) -> None:
    run = start(medium="tv", outlet="NTS", drop=("url",))
    run.complete("verify_facts", {"verdict": "negative_true", "facts": [FACTS[2]], "evidence": ["file-recording"]})
    run.complete("draft_comment", COMMENT)
    run.complete("pr_approval", APPROVE)
    run.complete("publish_response", SENT | {"other_media": ["24.kg", "Azattyk"]})
    ((_, _, published),) = run.published
    assert (published["response_kind"], published["channels"], published["other_media"]) == (
        "comment", ["site", "outlet", "other_media"], ["24.kg", "Azattyk"])
    assert published.get("url") is None  # a television piece has no link


# --- §16: a complaint is answered whatever the verdict -------------------------------------------------------
def test_an_accurate_complaint_gets_an_agreed_answer_sent_to_the_complainant(start: Any) -> None:
    run = start(**COMPLAINANT)
    run.complete("verify_facts", {"verdict": "accurate", "facts": [FACTS[2]]})
    assert run.ready() == ["answer_complaint"]
    run.complete("answer_complaint", ANSWER)
    run.complete("pr_approval", {"decision": "rework", "comment": "Say sorry for the delay."})
    assert run.ready() == ["answer_complaint"]  # back to the answer
    assert run.open_data("answer_complaint")["answer"] == ANSWER["answer"]  # the draft is carried over
    run.complete("answer_complaint", ANSWER)
    run.complete("pr_approval", APPROVE)
    assert run.ready() == ["send_answer"] and run.letters == []
    run.complete("send_answer", {"sent_via": "email"})
    assert run.letters == [("answered", ANSWER["answer"])]
    assert run.wf.is_completed() and run.published == []


def test_a_true_negative_complaint_gets_a_comment_and_then_its_answer(start: Any) -> None:
    run = start(**COMPLAINANT)
    run.complete("verify_facts", {"verdict": "negative_true", "facts": [FACTS[2]]})
    run.complete("draft_comment", COMMENT)
    run.complete("pr_approval", APPROVE)
    run.complete("publish_response", SENT)
    assert [p[2]["response_kind"] for p in run.published] == ["comment"]
    assert run.ready() == ["answer_complaint"]
    run.complete("answer_complaint", ANSWER)
    run.complete("pr_approval", APPROVE)
    run.complete("send_answer", {"sent_via": "post"})
    assert run.letters == [("answered", ANSWER["answer"])]
    assert "observation" in run.waiting()  # the published comment is observed


# --- §16, §18: the observation, the assessment, a press conference, a claim -----------------------------------
def test_the_pr_head_assesses_only_after_the_observation_period(start: Any) -> None:
    run = start()
    run.rebutted()
    assert run.ready() == []
    run.at("2026-03-04T17:59:00+06:00")
    assert run.ready() == []  # not yet: the measures are still given time
    run.observed()
    assessing = run.open_data("assess_escalation")
    assert assessing["due_at"] == "2026-03-05T18:00:00+06:00"  # the working day after the observation
    run.complete("assess_escalation", {"resolved": True, "escalate": "none", "assessment": "The outlet corrected."})
    assert run.wf.is_completed() and "format" not in run.data


def test_a_resolved_situation_cannot_be_escalated(start: Any) -> None:
    run = start()
    run.rebutted()
    run.observed()
    with pytest.raises(Invalid) as refused:
        run.complete("assess_escalation", {"resolved": True, "escalate": "briefing", "assessment": "Calm."})
    assert [e["field"] for e in refused.value.errors] == ["escalate"]


@pytest.mark.parametrize("escalate", ["press_conference", "briefing"])
def test_an_unresolved_escalated_situation_runs_press_conference_inside_the_case(start: Any, escalate: str) -> None:
    run = start()
    run.rebutted()
    run.observed()
    run.complete("assess_escalation", {"resolved": False, "escalate": escalate,
                                       "assessment": "Other outlets repeat the claim."})
    assert run.ready() == ["plan"]
    assert run.process_of() == {"plan": "press_conference"}
    assert run.open_data("plan") == {"format": escalate, "topic": START_DATA["summary"]}
    run.conference()
    assert run.wf.is_completed()
    assert [(p[0], p[1]) for p in run.published] == [("publish_on_site", "response"), ("publish_release", "release")]
    assert (run.data["format"], run.data["held_at"]) == (escalate, HELD_AT)


def test_a_claim_decided_at_verification_is_filed_once_the_response_is_out(start: Any) -> None:
    run = start()
    run.rebutted(legal_action=True)
    assert run.ready() == ["prepare_claim"]  # beside the observation
    assert "observation" in run.waiting()
    run.complete("prepare_claim", {"claim_summary": "Against Kaktus Media for the fare report.",
                                   "court": "Pervomaisky district court of Bishkek",
                                   "filed_at": "2026-03-02T09:00:00+06:00"})
    run.observed()
    # Not filed twice: the assessment's own box is for a claim not decided before.
    run.complete("assess_escalation", {"resolved": True, "escalate": "none", "legal_action": True,
                                       "assessment": "Resolved."})
    assert run.wf.is_completed()
    assert run.completed.count("prepare_claim") == 1


def test_a_claim_decided_at_the_assessment_goes_to_the_legal_department(start: Any) -> None:
    run = start()
    run.rebutted()
    run.observed()
    run.complete("assess_escalation", {"resolved": False, "escalate": "briefing", "legal_action": True,
                                       "assessment": "The outlet refuses to correct."})
    assert run.ready() == ["plan", "prepare_claim"]
    assert run.process_of()["prepare_claim"] == "publication_response"
    with pytest.raises(Invalid) as refused:
        run.complete("prepare_claim", {"claim_summary": "Claim."})
    assert sorted(e["field"] for e in refused.value.errors) == ["court", "filed_at"]


# --- who gets each task, what the engine runs ----------------------------------------------------------------
def test_user_tasks_and_their_lanes(specs: tuple[Any, dict[str, Any]]) -> None:
    spec, subprocesses = specs
    task_specs = dict(spec.task_specs) | dict(subprocesses["handle_response"].task_specs)
    assert {n: task_specs[n].lane for n in USER_TASKS} == USER_TASKS
    assert {n for n, t in task_specs.items() if t.manual} == set(USER_TASKS)


def test_the_escalation_calls_press_conference_choosing_one_way_or_both(specs: tuple[Any, dict[str, Any]]) -> None:
    spec, called = specs
    call = spec.task_specs["hold_press_conference"]
    assert isinstance(call, CallActivity) and call.spec == "press_conference"
    assert "press_conference" in called
    # What an inclusive gateway did (bpmnlint discourages it): one choice of four ways, "both" a parallel split.
    assert isinstance(spec.task_specs["escalation_split"], ExclusiveGateway)
    assert isinstance(spec.task_specs["escalation_both"], ParallelGateway)
    assert isinstance(spec.task_specs["after_response"], ExclusiveGateway)
    assert isinstance(spec.task_specs["after_response_both"], ParallelGateway)


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
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, "publication_response")


@pytest.mark.parametrize(
    ("key", "data", "fields"),
    [
        ("start", {k: v for k, v in START_DATA.items() if k != "unit"}, ["unit"]),
        ("start", {**START_DATA, "unit": "nowhere"}, ["unit"]),
        ("start", {**START_DATA, "kind": "rumour"}, ["kind"]),
        ("start", {**START_DATA, "medium": "pigeon"}, ["medium"]),
        ("start", {k: v for k, v in START_DATA.items() if k != "url"}, ["url"]),  # online: a link is required
        ("start", {**START_DATA, "url": "kaktus.example/bus"}, ["url"]),
        ("start", {**START_DATA, "published_at": "2026-03-03T09:00:00+06:00"}, ["published_at"]),  # future
        ("start", {**START_DATA, "summary": "  "}, ["summary"]),
        ("start", {**START_DATA, "urgent": True}, ["urgent_reason"]),
        ("start", {**START_DATA, "kind": "complaint"}, ["contact", "requester_name"]),
        ("verify_facts", {"verdict": "distorted"}, ["facts"]),
        ("verify_facts", {"verdict": "distorted", "facts": [FACTS[2]]}, ["facts"]),  # nothing distorted in it
        ("verify_facts", {"verdict": "accurate", "facts": FACTS[:1]}, ["facts.0.finding"]),
        ("verify_facts", {"verdict": "distorted", "facts": [{"claim": "x"}]}, ["facts.0.established",
                                                                              "facts.0.finding"]),
        ("verify_facts", {"verdict": "wrong", "facts": [FACTS[2]]}, ["verdict"]),
        ("verify_facts", {"verdict": "accurate", "facts": [FACTS[2]], "evidence": ["no-such-file"]}, ["evidence"]),
        ("draft_rebuttal", {"text": "No."}, ["explanations"]),
        ("draft_comment", {}, ["text"]),
        ("answer_complaint", {"answer": "Yes."}, ["agreed_in_unit"]),
        ("send_answer", {"sent_via": "pigeon"}, ["sent_via"]),
        ("pr_approval", {"decision": "approve"}, ["confirm_no_confidential"]),
        ("pr_approval", {"decision": "rework"}, ["comment"]),
        ("publish_response", {"outlet_sent_via": "email", "other_media": ["  "]}, ["other_media.0"]),
        ("assess_escalation", {"escalate": "none", "assessment": "x"}, ["resolved"]),
        ("assess_escalation", {"resolved": False, "escalate": "riot", "assessment": "x"}, ["escalate"]),
        ("escalate_overdue", {"action_taken": " "}, ["action_taken"]),
    ],
)
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], fields: list[str]) -> None:
    assert sorted(failing_fields(f"publication_response/{key}", data, NOW)) == fields


def test_forms_accept_complete_data_and_fill_defaults() -> None:
    filled = check_form("publication_response/start", {k: v for k, v in START_DATA.items() if k != "kind"}, NOW)
    assert (filled["kind"], filled["urgent"]) == ("publication", False)
    printed = {**START_DATA, "medium": "print"}
    del printed["url"]
    assert failing_fields("publication_response/start", printed, NOW) == []  # print, television, radio: no link
    assert failing_fields("publication_response/start", {**START_DATA, **COMPLAINANT}, NOW) == []
    assert check_form("publication_response/publish_response", SENT, NOW)["other_media"] == []
    assessed = check_form("publication_response/assess_escalation",
                          {"resolved": False, "escalate": "none", "assessment": "Quiet."}, NOW)
    assert assessed["legal_action"] is False


@pytest.mark.parametrize("medium", ["print", "tv", "radio"])
def test_a_piece_without_a_link_needs_its_screenshot_scan_or_recording_as_evidence(medium: str) -> None:
    case = {**START_DATA, "medium": medium}
    del case["url"]
    verified = {"verdict": "accurate", "facts": [FACTS[2]]}
    assert failing_fields("publication_response/verify_facts", verified, NOW, case) == ["evidence"]
    assert failing_fields("publication_response/verify_facts", verified | {"evidence": []}, NOW, case) == ["evidence"]
    kept = check_form("publication_response/verify_facts", verified | {"evidence": ["file-scan"]}, NOW, case)
    assert kept["evidence"] == ["file-scan"]


@pytest.mark.parametrize("medium", ["online", "social", "blog"])
def test_a_piece_with_a_link_may_be_verified_without_evidence(medium: str) -> None:
    case = {**START_DATA, "medium": medium}
    verified = {"verdict": "accurate", "facts": [FACTS[2]]}
    assert failing_fields("publication_response/verify_facts", verified, NOW, case) == []
    assert failing_fields("publication_response/verify_facts", verified | {"evidence": ["file-shot"]}, NOW,
                          case) == []


def test_the_claim_starts_with_the_evidence_kept_at_verification(start: Any) -> None:
    run = start(medium="print", outlet="Vecherniy Bishkek", drop=("url",))
    run.complete("verify_facts", {"verdict": "distorted", "facts": FACTS, "legal_action": True,
                                  "evidence": ["file-scan-p1", "file-scan-p2"]})
    run.complete("draft_rebuttal", REBUTTAL)
    run.complete("pr_approval", APPROVE)
    run.complete("publish_response", SENT)
    carried = forms.prefilled("publication_response/prepare_claim", run.open_data("prepare_claim"))
    assert carried["evidence"] == ["file-scan-p1", "file-scan-p2"]  # the claim lists it, as its form starts
    run.complete("prepare_claim", carried | {"claim_summary": "Against the paper for the fare report.",
                                             "court": "Pervomaisky district court", "filed_at": NOW.isoformat()})
    assert "prepare_claim" in run.completed


# --- the diagram file ----------------------------------------------------------------------------------
def test_each_element_cites_its_clause() -> None:
    assert_each_element_cites(DIAGRAM, CITATIONS, ignore_case=True)


def test_process_attributes_and_documentation() -> None:
    root = diagram_root(DIAGRAM)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    assert (process.get("id"), process.get("isExecutable"), process.get("name")) == \
        ("publication_response", "true", "Publication response")
    assert process.get(f"{CAMUNDA}candidateStarterGroups") == "press_secretary,pr_department"
    props = process.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == {"businessKeyPrefix": "PM"}
    documentation = process.findtext("bpmn:documentation", namespaces=NS)
    for clause in (f"{MEDIA}, §14", "§15", "§16", "§17", "§18", f"{PR_STATUTE}, §4.4", f"{POLICY_STATUTE}, §6, §12",
                   TASKS_UZ, "Design choices"):
        assert clause in documentation
    # No clock is written in the diagram: the deadline is the profile's, the observation a setting.
    scripts = " ".join(root.xpath("//bpmn:script/text()", namespaces=NS))
    assert 'statutory_deadline("publication_response"' in scripts and "RESPONSE_OBSERVATION_DAYS" in scripts


def test_lanes_are_role_keys_and_match_the_drawing() -> None:
    root = diagram_root(DIAGRAM)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert [lane.get("name") for lane in lanes] == ["press_secretary", "pr_department", "leadership", "pr_head",
                                                    "legal"]
    assert all(lane.get("name") in ROLES and lane.get("id") == f"Lane_{lane.get('name')}" for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    refs = [(lane, ref.text) for lane in lanes for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)]
    flow_nodes = {e.get("id") for e in root.xpath("//bpmn:process//*[bpmn:incoming or bpmn:outgoing]",
                                                   namespaces=NS)} - {"handle_response"}  # spans two lanes
    assert sorted(ref for _, ref in refs) == sorted(flow_nodes), "each node in one lane"
    for lane, ref in refs:
        assert inside(shapes[ref], shapes[lane.get("id")]), f"{ref} is not drawn in {lane.get('name')}"
