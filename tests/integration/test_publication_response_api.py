"""The publication response through the REST API, clause by clause of Regulation 002 §14-19 (shared/DOMAIN.md,
procedure 3), by users of the right roles: the PR department told at registration (§15), a clock with its reminder
and escalation (§16 "as soon as possible"), leadership alerted of an information attack (001 §6), a rebuttal that
explains each distorted claim on the public site and in the feed (§16), a comment on the site and to the outlet,
a complaint answered whatever the verdict (§15-16), the observation before a press conference (§16), and a claim
filed by the legal department (§18)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from html import unescape
from typing import Any

import pytest
from defusedxml import ElementTree

from engine.background.sweeper import sweep
from tests import cases
from tests.cases import complete, events, inbox, submit, task_of
from tests.conftest import BISHKEK, deploy_shipped
from tests.media import Media, seed_media

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLICATION = {
    "kind": "publication",
    "outlet": "Kaktus Media",
    "medium": "online",
    "url": "https://kaktus.example/2026/03/01/bus-fares",
    "published_at": "2026-03-01T18:30:00+06:00",
    "summary": "Bus fares will double in April, the article claims.",
    "tone": "negative",
    "unit": "transport",
}
COMPLAINT = PUBLICATION | {"kind": "complaint", "requester_name": "Aida Sadykova",
                           "contact": {"email": "aida@example.kg"}, "summary": "Route 12 has not run for a week."}
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
REBUTTAL = "Bus fares stay at 20 som: no decision to raise them was taken."
COMMENT = "The delays were real; the new timetable starts on 10 March."
ANSWER = "Route 12 runs again from 10 March; we apologise for the week without it."
APPROVE = {"decision": "approve", "confirm_no_confidential": True}
SENT = {"outlet_sent_via": "email", "outlet_contact": "editor@kaktus.example"}
DUE = "2026-03-03T18:00:00+06:00"  # registered Mon 2 Mar 09:00: the end of the next working day
OBSERVED_UNTIL = "2026-03-04T18:00:00+06:00"  # 2 working days after the response went out
HELD_AT = "2026-03-10T11:00:00+06:00"
TRANSLATIONS = {
    "ky": {"title": "Жол кире өзгөрбөйт", "body": "Мэр брифингде билдирди."},
    "ru": {"title": "Плата за проезд не изменится", "body": "Мэр заявил на брифинге."},
}


@pytest.fixture(autouse=True)
def deployed(app: Any, sessions: Any, ctx: Any) -> None:
    # The call activity needs its callee: press_conference is deployed first.
    deploy_shipped(sessions, ctx, "press_conference.bpmn")
    deploy_shipped(sessions, ctx, "publication_response.bpmn")


@pytest.fixture
def tick(sessions: Any, ctx: Any, clock: Any) -> Any:
    """A sweep as the serve loop makes it: the engine clock has moved to the sweep's moment too."""

    def at_moment(moment: str) -> Any:
        clock.set(datetime.fromisoformat(moment))
        return sweep(sessions, ctx, clock.now())

    return at_moment


# Registered by the transport unit's press secretary unless a test says who.
start = partial(cases.start, process_key="publication_response", data=PUBLICATION, user="ps_transport")
open_tasks = partial(cases.open_tasks, fields=("bpmn_id", "process_key", "role", "unit"))


def case_now(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    return as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()


def notices(as_: Any, user: str) -> list[dict[str, Any]]:
    return [n for n in as_(user).get("/api/v1/notifications").get_json()["items"] if n["kind"] == "notice"]


def public(as_: Any, feed: str = "responses") -> list[dict[str, Any]]:
    response = as_(None).get(f"/public/{feed}")
    assert response.status_code == 200
    return response.get_json()["items"]


def atom_entries(as_: Any, feed: str = "responses") -> list[dict[str, Any]]:
    response = as_(None).get(f"/public/{feed}.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(response.data)  # the standard library's parser, defused
    return [{"id": e.findtext(f"{ATOM}id") or "", "title": e.findtext(f"{ATOM}title") or "",
             "content": e.findtext(f"{ATOM}content") or "",
             "links": [link.get("href") for link in e.findall(f"{ATOM}link")]}
            for e in root.findall(f"{ATOM}entry")]


def rebutted(as_: Any, case: dict[str, Any], **verify: Any) -> dict[str, Any]:
    """Verified as distorted, rebutted, agreed and sent out: the observation runs."""
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=FACTS, **verify)
    complete(as_, "ps_transport", case["id"], "draft_rebuttal", text=REBUTTAL, explanations=EXPLANATIONS)
    complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    return complete(as_, "pr", case["id"], "publish_response", **SENT)


def observed(as_: Any, tick: Any, case: dict[str, Any]) -> dict[str, Any]:
    timers = as_("pr").get(f"/api/v1/timers?instance_id={case['id']}").get_json()["items"]
    assert [(t["bpmn_id"], t["due_at"]) for t in timers] == [("observation", OBSERVED_UNTIL)]
    tick("2026-03-04T17:59:00+06:00")
    assert [t["bpmn_id"] for t in case_now(as_, case)["tasks"] if t["bpmn_id"] == "assess_escalation"] == []
    tick("2026-03-04T18:00:01+06:00")
    after = case_now(as_, case)
    assert ("assess_escalation", "publication_response", "pr_head", None) in open_tasks(after)
    return after


# --- §14-15: registration, the PR department told, a clock --------------------------------------------------
def test_a_registered_piece_tells_the_pr_department_and_runs_on_the_next_working_day(as_: Any) -> None:
    case = start(as_)
    assert (case["business_key"], case["status"], case["started_by"], case["unit"]) == \
        ("PM-2026-000001", "running", "ps_transport", "transport")
    assert open_tasks(case) == [("verify_facts", "publication_response", "press_secretary", "transport")]
    assert case["due_at"] == DUE and case["tasks"][0]["due_at"] == DUE
    assert [(t["bpmn_id"], t["due_at"]) for t in case["timers"]] == [("deadline_reached", DUE)]
    # §15: the PR department is told at registration, every member of it; leadership only of an urgent one.
    (told,) = notices(as_, "pr")
    assert told["instance_id"] == case["id"]
    assert "PM-2026-000001" in told["message"] and PUBLICATION["summary"] in told["message"]
    assert notices(as_, "leader") == []
    verify = task_of(as_, "ps_transport", case["id"], "verify_facts")
    assert inbox(as_, "ps_health", case["id"]) == []
    assert submit(as_, "ps_health", verify["id"], verdict="accurate", facts=[FACTS[2]]).status_code == 403
    assert start(as_, user="pr", unit="health")["business_key"] == "PM-2026-000002"
    for user in ("leader", "head_transport", "lawyer", "prhead"):
        response = as_(user).post("/api/v1/process-instances", json={"process_key": "publication_response",
                                                                      "data": PUBLICATION})
        assert response.status_code == 403, user


def test_an_information_attack_alerts_leadership_at_once(as_: Any) -> None:
    case = start(as_, urgent=True, urgent_reason="Reposted by 40 channels within the hour.")
    (alert,) = notices(as_, "leader")
    assert alert["instance_id"] == case["id"] and alert["message"].startswith("URGENT.")
    (event,) = [e for e in events(as_, case["id"], "notification.created") if e["after"]["user"] == "leader"]
    assert event["after"]["kind"] == "notice"


@pytest.mark.parametrize(("change", "fields"), [
    ({"medium": "social", "url": None}, {"url"}),  # a social network's post has a link
    ({"medium": "pigeon"}, {"medium"}),
    ({"outlet": " ", "tone": "furious", "published_at": "2030-01-01T00:00:00+06:00", "unit": "nowhere"},
     {"outlet", "tone", "published_at", "unit"}),
    ({"kind": "complaint"}, {"requester_name", "contact"}),  # the complainant is to be answered
    ({"urgent": True}, {"urgent_reason"}),
])
def test_registration_refuses_what_is_missing_and_starts_nothing(as_: Any, change: dict[str, Any],
                                                                 fields: set[str]) -> None:
    data = {k: v for k, v in (PUBLICATION | change).items() if v is not None}
    response = as_("ps_transport").post("/api/v1/process-instances",
                                        json={"process_key": "publication_response", "data": data})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == fields
    assert as_("admin").get("/api/v1/process-instances").get_json()["total"] == 0
    assert notices(as_, "pr") == []


def test_print_television_and_radio_pieces_are_registered_without_a_link(as_: Any) -> None:
    for medium in ("print", "tv", "radio"):
        data = {k: v for k, v in PUBLICATION.items() if k != "url"} | {"medium": medium}
        case = start(as_, data=data)
        assert case["data"]["medium"] == medium and "url" not in case["data"]


def test_a_response_not_out_by_its_deadline_reminds_then_escalates_to_the_pr_head(as_: Any, tick: Any) -> None:
    case = start(as_)
    # Created after the usual three working days before: reminded half way, at Tue 01:30.
    assert tick("2026-03-03T01:29:00+06:00").reminded == 0
    assert tick("2026-03-03T01:31:00+06:00").reminded == 1
    (reminded,) = [n for n in as_("ps_transport").get("/api/v1/notifications").get_json()["items"]
                   if n["kind"] == "reminder"]
    assert reminded["instance_id"] == case["id"] and "due March 3, 2026 6:00" in reminded["message"]
    assert tick("2026-03-03T17:59:00+06:00").fired == 0
    assert tick("2026-03-03T18:00:01+06:00").fired == 1
    after = case_now(as_, case)
    assert open_tasks(after) == [("escalate_overdue", "publication_response", "pr_head", None),
                                 ("verify_facts", "publication_response", "press_secretary", "transport")]
    (escalation,) = [n for n in as_("prhead").get("/api/v1/notifications").get_json()["items"]
                     if n["kind"] == "escalation"]
    assert escalation["instance_id"] == case["id"]
    blank = submit(as_, "prhead", task_of(as_, "prhead", case["id"], "escalate_overdue")["id"], action_taken=" ")
    assert blank.status_code == 422
    complete(as_, "prhead", case["id"], "escalate_overdue", action_taken="Called the transport unit.")
    assert open_tasks(case_now(as_, case)) == [("verify_facts", "publication_response", "press_secretary",
                                                "transport")]


# --- §16: a rebuttal explains each distorted claim --------------------------------------------------------------
def test_a_rebuttal_leaving_a_claim_unexplained_is_refused_and_nothing_changes(as_: Any) -> None:
    case = start(as_)
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=FACTS)
    task = task_of(as_, "ps_transport", case["id"], "draft_rebuttal")
    # The form starts with one row a distorted or misinterpreted claim; the explanations are the author's.
    assert task["data"]["explanations"] == [{"claim": "Fares double in April.", "explanation": ""},
                                            {"claim": "The mayor approved it.", "explanation": ""}]
    one = submit(as_, "ps_transport", task["id"], text="The article is wrong.", explanations=EXPLANATIONS[:1])
    assert one.status_code == 422
    assert [(e["field"], e["message"]) for e in one.get_json()["errors"]] == [
        ("explanations", "the claim 'The mayor approved it.' has no explanation")]
    blank = submit(as_, "ps_transport", task["id"], text="No.",
                   explanations=[EXPLANATIONS[0], {"claim": "The mayor approved it.", "explanation": " "}])
    assert sorted(e["field"] for e in blank.get_json()["errors"]) == ["explanations", "explanations.1.explanation"]
    after = case_now(as_, case)
    assert open_tasks(after) == [("draft_rebuttal", "publication_response", "press_secretary", "transport")]
    assert events(as_, case["id"], "task.completed")[-1]["subject"] == "verify_facts"


def test_distorted_needs_a_distorted_claim_and_accurate_none(as_: Any) -> None:
    case = start(as_)
    task = task_of(as_, "ps_transport", case["id"], "verify_facts")
    for verdict, facts, fields in (("distorted", [], ["facts"]), ("distorted", [FACTS[2]], ["facts"]),
                                   ("accurate", FACTS[:1], ["facts.0.finding"])):
        response = submit(as_, "ps_transport", task["id"], verdict=verdict, facts=facts)
        assert response.status_code == 422 and {e["field"] for e in response.get_json()["errors"]} == set(fields)


def test_the_rebuttal_is_published_claim_by_claim_and_sent_to_the_outlet(as_: Any, clock: Any) -> None:
    case = start(as_)
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=FACTS)
    complete(as_, "ps_transport", case["id"], "draft_rebuttal", text="The article is wrong.",
             explanations=EXPLANATIONS)
    after = complete(as_, "pr", case["id"], "pr_approval", decision="rework", comment="Name the study.")
    assert open_tasks(after) == [("draft_rebuttal", "publication_response", "press_secretary", "transport")]
    assert task_of(as_, "ps_transport", case["id"], "draft_rebuttal")["data"]["explanations"] == EXPLANATIONS
    complete(as_, "ps_transport", case["id"], "draft_rebuttal", text=REBUTTAL, explanations=EXPLANATIONS)
    complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    task = task_of(as_, "pr", case["id"], "publish_response")
    refused = submit(as_, "pr", task["id"])  # the outlet is not optional
    assert refused.status_code == 422 and [e["field"] for e in refused.get_json()["errors"]] == ["outlet_sent_via"]
    assert public(as_) == []
    clock.set(datetime(2026, 3, 2, 11, 30, tzinfo=BISHKEK))
    after = complete(as_, "pr", case["id"], "publish_response", **SENT)
    assert after["data"]["channels"] == ["site", "outlet"]
    assert after["tasks"] == [] and after["due_at"] == "2026-03-05T18:00:00+06:00"  # the assessment's now
    (item,) = public(as_)
    assert (item["kind"], item["text"], item["explanations"], item["medium"], item["summary"]) == (
        "rebuttal", REBUTTAL, EXPLANATIONS, "online", PUBLICATION["summary"])
    # §16: the public is informed: the page says what was distorted and what is true.
    page = as_(None).get(f"/public/responses/{item['id']}")
    assert page.status_code == 200
    text = unescape(page.get_data(as_text=True))
    for explained in EXPLANATIONS:
        assert f"The piece said:</strong> {explained['claim']}" in text
        assert f"In fact:</strong> {explained['explanation']}" in text
    assert as_(None).get(f"/public/responses/{item['id'] + 1}").status_code == 404
    (entry,) = atom_entries(as_)
    assert entry["content"].startswith(REBUTTAL)
    assert all(f"- {e['claim']}: {e['explanation']}" in entry["content"] for e in EXPLANATIONS)
    assert entry["links"][0].endswith(f"/public/responses/{item['id']}")  # the entry's page answers
    (event,) = events(as_, case["id"], "publication.published")
    assert event["after"]["explanations"] == EXPLANATIONS


def test_a_comment_goes_on_the_site_the_outlet_and_the_other_media_chosen(as_: Any) -> None:
    data = {k: v for k, v in PUBLICATION.items() if k != "url"} | {"medium": "tv", "outlet": "NTS"}
    case = start(as_, data=data)
    recording = cases.attach(as_, "ps_transport", case["id"], name="nts-evening-news.pdf")
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="negative_true", facts=[FACTS[2]],
             evidence=[recording])
    complete(as_, "ps_transport", case["id"], "draft_comment", text=COMMENT)
    complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    after = complete(as_, "pr", case["id"], "publish_response", **SENT, other_media=["24.kg", "Azattyk"])
    assert after["data"]["channels"] == ["site", "outlet", "other_media"]
    (item,) = public(as_)
    assert (item["kind"], item["text"], item["outlet"], item["url"], item["medium"]) == (
        "comment", COMMENT, "NTS", None, "tv")
    assert "explanations" not in item


# --- §15-16: a complaint is answered whatever the verdict --------------------------------------------------------
def test_an_accurate_complaint_gets_an_agreed_answer_sent_to_the_complainant(as_: Any) -> None:
    case = start(as_, data=COMPLAINT)
    after = complete(as_, "ps_transport", case["id"], "verify_facts", verdict="accurate", facts=[FACTS[2]])
    assert open_tasks(after) == [("answer_complaint", "publication_response", "press_secretary", "transport")]
    complete(as_, "ps_transport", case["id"], "answer_complaint", answer="We are looking into it.",
             agreed_in_unit="A. Bekov, head of transport")
    after = complete(as_, "pr", case["id"], "pr_approval", decision="rework", comment="Give the date.")
    assert open_tasks(after) == [("answer_complaint", "publication_response", "press_secretary", "transport")]
    complete(as_, "ps_transport", case["id"], "answer_complaint", answer=ANSWER,
             agreed_in_unit="A. Bekov, head of transport")
    after = complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    assert open_tasks(after) == [("send_answer", "publication_response", "press_secretary", "transport")]
    assert events(as_, case["id"], "letter.written") == []  # not before it is agreed and sent
    done = complete(as_, "ps_transport", case["id"], "send_answer", sent_via="email")
    assert done["status"] == "completed" and public(as_) == []
    (letter,) = events(as_, case["id"], "letter.written")
    assert (letter["after"]["kind"], letter["after"]["to"], letter["after"]["body"]) == (
        "answered", "Aida Sadykova", ANSWER)


def test_a_distorted_complaint_gets_the_rebuttal_and_then_its_answer(as_: Any) -> None:
    case = start(as_, data=COMPLAINT)
    after = rebutted(as_, case)
    assert open_tasks(after) == [("answer_complaint", "publication_response", "press_secretary", "transport")]
    assert [i["kind"] for i in public(as_)] == ["rebuttal"]
    complete(as_, "ps_transport", case["id"], "answer_complaint", answer=ANSWER, agreed_in_unit="A. Bekov")
    complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    after = complete(as_, "ps_transport", case["id"], "send_answer", sent_via="post")
    assert [t["bpmn_id"] for t in after["timers"]] == ["observation"]
    assert [e["after"]["body"] for e in events(as_, case["id"], "letter.written")] == [ANSWER]


# --- §16: observation, then the assessment; §18: the claim --------------------------------------------------------
def test_the_pr_head_assesses_only_after_the_observation_and_closes_a_resolved_case(as_: Any, tick: Any) -> None:
    case = start(as_)
    after = rebutted(as_, case)
    assert after["tasks"] == []
    after = observed(as_, tick, case)
    assess = task_of(as_, "prhead", case["id"], "assess_escalation")
    assert assess["due_at"] == "2026-03-05T18:00:00+06:00"
    contradictory = submit(as_, "prhead", assess["id"], resolved=True, escalate="briefing", assessment="Calm.")
    assert contradictory.status_code == 422
    assert [e["field"] for e in contradictory.get_json()["errors"]] == ["escalate"]
    done = complete(as_, "prhead", case["id"], "assess_escalation", resolved=True, escalate="none",
                    assessment="The outlet published a correction; reported to the mayor.")
    assert done["status"] == "completed" and done["data"]["resolved"] is True
    assert as_("admin").get("/api/v1/process-instances?process_key=press_conference").get_json()["total"] == 0


@pytest.fixture
def media(sessions: Any, ctx: Any) -> Media:
    return seed_media(sessions, ctx)


def hold_the_conference(as_: Any, tick: Any, case: dict[str, Any], media: Media) -> dict[str, Any]:
    """The called press_conference, by its roles, from the plan to the closing release."""
    complete(as_, "pr", case["id"], "plan", held_at=HELD_AT, place="City hall", speakers=["Mayor"],
             topic="Bus fares in 2026")
    complete(as_, "pr", case["id"], "accredit_media", invitation="Briefing on bus fares.",
             invited=["Kaktus Media", "24.kg"], accredited=[media.aida])
    complete(as_, "pr", case["id"], "prepare_materials", talking_points=["Fares stay at 20 som."])
    complete(as_, "leader", case["id"], "review_talking_points", decision="approve")
    complete(as_, "pr", case["id"], "confirm_event", decision="hold")  # the PR department confirms it
    assert tick("2026-03-10T11:00:01+06:00").fired == 1
    return complete(as_, "pr", case["id"], "closing_release", kind="statement", translations=TRANSLATIONS)


def test_an_unresolved_escalated_situation_holds_a_briefing_inside_the_case(as_: Any, tick: Any,
                                                                            media: Media) -> None:
    case = start(as_)
    rebutted(as_, case)
    observed(as_, tick, case)
    after = complete(as_, "prhead", case["id"], "assess_escalation", resolved=False, escalate="briefing",
                     assessment="Three more outlets repeat the claim.")
    assert open_tasks(after) == [("plan", "press_conference", "pr_department", None)]
    assert task_of(as_, "pr", case["id"], "plan")["data"] == {"topic": PUBLICATION["summary"]}
    done = hold_the_conference(as_, tick, case, media)
    assert done["status"] == "completed"
    assert (done["data"]["format"], done["data"]["held_at"], done["data"]["outcome"]) == ("briefing", HELD_AT, "held")
    assert [r["kind"] for r in public(as_, "releases")] == ["statement"]
    # No case of its own: the called procedure ran inside the calling one.
    assert as_("admin").get("/api/v1/process-instances?process_key=press_conference").get_json()["total"] == 0


def test_a_claim_decided_at_verification_is_filed_by_the_legal_department_once(as_: Any, tick: Any) -> None:
    case = start(as_)
    after = rebutted(as_, case, legal_action=True)
    assert open_tasks(after) == [("prepare_claim", "publication_response", "legal", None)]
    claim = task_of(as_, "lawyer", case["id"], "prepare_claim")
    assert claim["due_at"] == "2026-03-16T18:00:00+06:00"  # 10 working days after it was asked
    for user in ("pr", "prhead", "ps_transport"):
        assert submit(as_, user, claim["id"], claim_summary="x").status_code == 403
    unfiled = submit(as_, "lawyer", claim["id"], claim_summary="Against Kaktus Media.")
    assert sorted(e["field"] for e in unfiled.get_json()["errors"]) == ["court", "filed_at"]
    complete(as_, "lawyer", case["id"], "prepare_claim", claim_summary="Against Kaktus Media for the fare report.",
             court="Pervomaisky district court of Bishkek", filed_at="2026-03-02T09:00:00+06:00",
             claim_reference="2-1234/26")
    observed(as_, tick, case)
    done = complete(as_, "prhead", case["id"], "assess_escalation", resolved=True, escalate="none",
                    legal_action=True, assessment="Resolved.")
    assert done["status"] == "completed"
    filed = [e for e in events(as_, case["id"], "task.completed") if e["subject"] == "prepare_claim"]
    assert [(e["actor"], e["after"]["court"]) for e in filed] == [("lawyer", "Pervomaisky district court of Bishkek")]


def test_cancelling_the_case_during_its_press_conference_ends_the_called_tasks_and_timer(
        as_: Any, tick: Any, sessions: Any, ctx: Any, media: Media) -> None:
    case = start(as_)
    rebutted(as_, case)
    observed(as_, tick, case)
    complete(as_, "prhead", case["id"], "assess_escalation", resolved=False, escalate="press_conference",
             legal_action=True, assessment="Escalating.")
    complete(as_, "pr", case["id"], "plan", held_at=HELD_AT, place="City hall", speakers=["Mayor"], topic="Fares")
    complete(as_, "pr", case["id"], "accredit_media", invitation="Come.", invited=["24.kg"], accredited=[media.bakyt])
    complete(as_, "pr", case["id"], "prepare_materials", talking_points=["Fares stay."])
    complete(as_, "leader", case["id"], "review_talking_points", decision="approve")
    after = complete(as_, "pr", case["id"], "confirm_event", decision="hold")
    assert open_tasks(after) == [("prepare_claim", "publication_response", "legal", None)]
    assert [t["bpmn_id"] for t in after["timers"]] == ["held"]
    response = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "Retracted."})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["tasks"], body["timers"]) == ("cancelled", [], [])
    assert sweep(sessions, ctx, datetime.fromisoformat(HELD_AT) + timedelta(hours=1)).fired == 0
    assert public(as_, "releases") == []
