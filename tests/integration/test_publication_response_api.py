"""The publication response procedure, driven through the REST API with users of the right roles: its state,
tasks, published output (JSON and Atom, without authentication) and audit events after every branch, the
press conference it calls running inside the same case."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from defusedxml import ElementTree

from engine.background.sweeper import sweep
from tests import cases
from tests.cases import complete, events, inbox, submit, task_of
from tests.conftest import BISHKEK, deploy_shipped

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLICATION = {
    "kind": "publication",
    "outlet": "Kaktus Media",
    "url": "https://kaktus.example/2026/03/01/bus-fares",
    "published_at": "2026-03-01T18:30:00+06:00",
    "summary": "Bus fares will double in April, the article claims.",
    "tone": "negative",
    "unit": "transport",
}
FACTS = [{"claim": "Fares double in April.", "finding": "No decision on fares was taken; they stay at 20 som."}]
REBUTTAL = "Bus fares stay at 20 som: no decision to raise them was taken."
COMMENT = "The delays were real; the new timetable starts on 10 March."
APPROVE = {"decision": "approve", "confirm_no_confidential": True}
HELD_AT = "2026-03-04T11:00:00+06:00"  # Wed; the clock stands at Mon 2 Mar 2026, 09:00
TRANSLATIONS = {
    "ky": {"title": "Жол кире өзгөрбөйт", "body": "Мэр брифингде билдирди."},
    "ru": {"title": "Плата за проезд не изменится", "body": "Мэр заявил на брифинге."},
}


@pytest.fixture(autouse=True)
def deployed(app: Any, sessions: Any, ctx: Any) -> None:
    # The call activity needs its callee: press_conference is deployed first.
    deploy_shipped(sessions, ctx, "press_conference.bpmn")
    deploy_shipped(sessions, ctx, "publication_response.bpmn")


# Registered by the transport unit's press secretary unless a test says who.
start = partial(cases.start, process_key="publication_response", data=PUBLICATION, user="ps_transport")
open_tasks = partial(cases.open_tasks, fields=("bpmn_id", "process_key", "role", "unit"))


def public(as_: Any, feed: str = "responses") -> list[dict[str, Any]]:
    response = as_(None).get(f"/public/{feed}")
    assert response.status_code == 200
    return response.get_json()["items"]


def atom_entries(as_: Any, feed: str = "responses") -> list[dict[str, Any]]:
    response = as_(None).get(f"/public/{feed}.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(response.data)  # the standard library's parser, defused
    assert root.tag == f"{ATOM}feed"
    return [{"id": e.findtext(f"{ATOM}id") or "", "title": e.findtext(f"{ATOM}title") or "",
             "content": e.findtext(f"{ATOM}content") or "", "published": e.findtext(f"{ATOM}published") or "",
             "links": [link.get("href") for link in e.findall(f"{ATOM}link")]}
            for e in root.findall(f"{ATOM}entry")]


def rebutted(as_: Any, case: dict[str, Any], channels: list[str]) -> dict[str, Any]:
    """Verified as distorted, rebutted, agreed and sent out by the channels: at the escalation assessment."""
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=FACTS)
    complete(as_, "ps_transport", case["id"], "draft_rebuttal", text=REBUTTAL, explains_each_fact=True)
    complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    after = complete(as_, "pr", case["id"], "publish_response", channels=channels)
    assert open_tasks(after) == [("assess_escalation", "publication_response", "pr_head", None)]
    return after


# --- registration and verification -------------------------------------------------------------------
def test_a_registered_publication_gets_a_number_and_goes_to_its_units_press_secretary(as_: Any) -> None:
    case = start(as_)
    assert case["business_key"] == "PM-2026-000001"
    assert (case["status"], case["started_by"], case["unit"], case["process_key"]) == \
        ("running", "ps_transport", "transport", "publication_response")
    assert open_tasks(case) == [("verify_facts", "publication_response", "press_secretary", "transport")]
    assert case["timers"] == []
    verify = task_of(as_, "ps_transport", case["id"], "verify_facts")
    assert verify["form"]["key"] == "publication_response/verify_facts"
    # The health press secretary is not among the candidates.
    assert inbox(as_, "ps_health", case["id"]) == []
    assert submit(as_, "ps_health", verify["id"], verdict="accurate").status_code == 403
    # The PR department registers too; leadership, unit heads and lawyers do not.
    assert start(as_, user="pr", kind="complaint", unit="health")["business_key"] == "PM-2026-000002"
    for user in ("leader", "head_transport", "lawyer", "prhead"):
        response = as_(user).post("/api/v1/process-instances", json={"process_key": "publication_response",
                                                                      "data": PUBLICATION})
        assert response.status_code == 403, user


def test_registration_needs_every_field_of_the_start_form(as_: Any) -> None:
    data = PUBLICATION | {"url": "not a link", "tone": "furious", "published_at": "2030-01-01T00:00:00+06:00",
                          "unit": "nowhere"}
    data.pop("outlet")
    response = as_("ps_transport").post("/api/v1/process-instances", json={"process_key": "publication_response",
                                                                           "data": data})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"outlet", "url", "tone", "published_at", "unit"}
    assert as_("admin").get("/api/v1/process-instances").get_json()["total"] == 0


def test_an_accurate_publication_is_noted_and_closed_with_nothing_published(as_: Any) -> None:
    case = start(as_, tone="neutral")
    done = complete(as_, "ps_transport", case["id"], "verify_facts", verdict="accurate")
    assert done["status"] == "completed" and done["tasks"] == [] and done["timers"] == []
    assert done["data"]["verdict"] == "accurate" and done["data"]["facts"] == []
    assert public(as_) == [] and atom_entries(as_) == []
    assert events(as_, case["id"], "publication.published") == []
    assert [e["type"] for e in events(as_, case["id"])][-1] == "instance.completed"


def test_distorted_facts_need_at_least_one_fact(as_: Any) -> None:
    case = start(as_)
    task = task_of(as_, "ps_transport", case["id"], "verify_facts")
    response = submit(as_, "ps_transport", task["id"], verdict="distorted")
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["facts"]


# --- the rebuttal and the comment ----------------------------------------------------------------------
def test_a_rebuttal_sent_back_once_is_agreed_and_published_on_the_site(as_: Any, clock: Any) -> None:
    case = start(as_)
    after = complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=FACTS)
    assert open_tasks(after) == [("draft_rebuttal", "publication_response", "press_secretary", "transport")]
    assert after["data"]["response_kind"] == "rebuttal"
    after = complete(as_, "ps_transport", case["id"], "draft_rebuttal", text="The article is wrong.",
                     explains_each_fact=True)
    assert open_tasks(after) == [("pr_approval", "publication_response", "pr_department", None)]
    after = complete(as_, "pr", case["id"], "pr_approval", decision="rework", comment="Explain the fares.")
    assert open_tasks(after) == [("draft_rebuttal", "publication_response", "press_secretary", "transport")]
    redraft = task_of(as_, "ps_transport", case["id"], "draft_rebuttal")
    assert redraft["data"] == {"text": "The article is wrong."}  # the attestation is given afresh
    assert after["data"]["comment"] == "Explain the fares."
    complete(as_, "ps_transport", case["id"], "draft_rebuttal", text=REBUTTAL, explains_each_fact=True)
    approval = task_of(as_, "pr", case["id"], "pr_approval")
    unconfirmed = submit(as_, "pr", approval["id"], decision="approve")
    assert unconfirmed.status_code == 422
    assert [e["field"] for e in unconfirmed.get_json()["errors"]] == ["confirm_no_confidential"]
    after = complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    assert open_tasks(after) == [("publish_response", "publication_response", "pr_department", None)]
    # 002 §16: a rebuttal goes to the site and the outlet; the form starts with both.
    assert task_of(as_, "pr", case["id"], "publish_response")["data"] == {"channels": ["site", "outlet"]}
    assert public(as_) == []  # agreed, but not yet published

    clock.set(datetime(2026, 3, 2, 11, 30, tzinfo=BISHKEK))
    after = complete(as_, "pr", case["id"], "publish_response", channels=["site", "outlet"])
    assert open_tasks(after) == [("assess_escalation", "publication_response", "pr_head", None)]
    (item,) = public(as_)
    assert set(item) == {"id", "business_key", "kind", "published_at", "outlet", "url", "text"}
    assert (item["business_key"], item["kind"], item["outlet"], item["url"], item["text"]) == \
        (case["business_key"], "rebuttal", PUBLICATION["outlet"], PUBLICATION["url"], REBUTTAL)
    assert datetime.fromisoformat(item["published_at"]) == clock.now()
    assert public(as_, "releases") == []

    (entry,) = atom_entries(as_)
    assert entry["id"].endswith(f"/public/responses/{item['id']}")
    assert entry["title"] == f"Rebuttal: {PUBLICATION['outlet']}"
    assert entry["content"] == REBUTTAL
    # The piece answered. (feedgen 1.0.0 drops the link's rel="related": Atom then reads it as alternate.)
    assert entry["links"] == [PUBLICATION["url"]]
    assert datetime.fromisoformat(entry["published"]) == clock.now()

    (event,) = events(as_, case["id"], "publication.published")
    assert (event["actor"], event["subject"]) == ("pr", f"responses:{item['id']}")
    assert event["after"] == {"feed": "responses", "kind": "rebuttal", "outlet": PUBLICATION["outlet"],
                              "url": PUBLICATION["url"], "text": REBUTTAL}

    done = complete(as_, "prhead", case["id"], "assess_escalation", escalate="none", legal_action=False,
                    assessment="Resolved by the rebuttal; reported to the mayor.")
    assert done["status"] == "completed" and done["tasks"] == []
    completed = [(e["subject"], e["actor"]) for e in events(as_, case["id"], "task.completed")]
    assert completed == [("verify_facts", "ps_transport"), ("draft_rebuttal", "ps_transport"),
                         ("pr_approval", "pr"), ("draft_rebuttal", "ps_transport"), ("pr_approval", "pr"),
                         ("publish_response", "pr"), ("assess_escalation", "prhead")]
    types = [e["type"] for e in events(as_, case["id"])]
    assert types.index("publication.published") < types.index("instance.completed")


@pytest.mark.parametrize(("channels", "extra", "on_site"), [
    (["outlet"], {}, False),
    (["outlet", "other_media"], {"other_media": ["24.kg"]}, False),
    (["site", "outlet", "other_media"], {"other_media": ["24.kg"]}, True),
])
def test_a_true_negative_piece_gets_a_comment_on_the_site_only_when_the_site_is_chosen(
        as_: Any, channels: list[str], extra: dict[str, Any], on_site: bool) -> None:
    case = start(as_, user="pr", kind="complaint", unit="health")
    after = complete(as_, "ps_health", case["id"], "verify_facts", verdict="negative_true")
    assert open_tasks(after) == [("draft_comment", "publication_response", "press_secretary", "health")]
    assert inbox(as_, "ps_transport", case["id"]) == []
    complete(as_, "ps_health", case["id"], "draft_comment", text="Sorry.")
    after = complete(as_, "pr", case["id"], "pr_approval", decision="rework", comment="Give the date.")
    assert open_tasks(after) == [("draft_comment", "publication_response", "press_secretary", "health")]
    complete(as_, "ps_health", case["id"], "draft_comment", text=COMMENT)
    complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    after = complete(as_, "pr", case["id"], "publish_response", channels=channels, **extra)
    assert open_tasks(after) == [("assess_escalation", "publication_response", "pr_head", None)]
    assert after["data"]["response_kind"] == "comment" and after["data"]["channels"] == channels
    if on_site:
        (item,) = public(as_)
        assert (item["kind"], item["text"], item["business_key"]) == ("comment", COMMENT, case["business_key"])
        (entry,) = atom_entries(as_)
        assert (entry["title"], entry["content"]) == (f"Comment: {PUBLICATION['outlet']}", COMMENT)
        assert len(events(as_, case["id"], "publication.published")) == 1
    else:
        assert public(as_) == [] and atom_entries(as_) == []
        assert events(as_, case["id"], "publication.published") == []
    done = complete(as_, "prhead", case["id"], "assess_escalation", escalate="none", legal_action=False)
    assert done["status"] == "completed"


def test_other_media_must_be_named(as_: Any) -> None:
    case = start(as_)
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="negative_true")
    complete(as_, "ps_transport", case["id"], "draft_comment", text=COMMENT)
    complete(as_, "pr", case["id"], "pr_approval", **APPROVE)
    task = task_of(as_, "pr", case["id"], "publish_response")
    for data, fields in (({"channels": []}, ["channels"]), ({"channels": ["other_media"]}, ["other_media"])):
        response = submit(as_, "pr", task["id"], **data)
        assert response.status_code == 422
        assert [e["field"] for e in response.get_json()["errors"]] == fields


# --- the escalation ------------------------------------------------------------------------------------
def hold_the_conference(as_: Any, sessions: Any, ctx: Any, clock: Any, case: dict[str, Any]) -> dict[str, Any]:
    """The called press_conference, by its roles, from the plan to the closing release."""
    after = complete(as_, "pr", case["id"], "plan", held_at=HELD_AT, place="City hall", speakers=["Mayor"],
                     topic="Bus fares in 2026")
    assert ("accredit_media", "press_conference", "pr_department", None) in open_tasks(after)
    complete(as_, "pr", case["id"], "accredit_media", invitation="Briefing on bus fares.",
             invited=["Kaktus Media", "24.kg"], accredited=["Kaktus Media"])
    after = complete(as_, "pr", case["id"], "prepare_materials", talking_points=["Fares stay at 20 som."])
    assert ("review_talking_points", "press_conference", "leadership", None) in open_tasks(after)
    review = task_of(as_, "leader", case["id"], "review_talking_points")
    assert review["instance_id"] == case["id"] and review["business_key"] == case["business_key"]
    assert submit(as_, "pr", review["id"], decision="approve").status_code == 403  # leadership's, not PR's
    complete(as_, "leader", case["id"], "review_talking_points", decision="approve")
    after = complete(as_, "pr", case["id"], "confirm_event", decision="hold")  # the PR department confirms it
    assert [t["bpmn_id"] for t in after["timers"]] == ["held"]
    assert datetime.fromisoformat(after["timers"][0]["due_at"]) == datetime.fromisoformat(HELD_AT)
    timers = as_("pr").get(f"/api/v1/timers?instance_id={case['id']}").get_json()["items"]
    assert [t["bpmn_id"] for t in timers] == ["held"]
    held = datetime.fromisoformat(HELD_AT)
    assert sweep(sessions, ctx, held - timedelta(seconds=1)).fired == 0
    clock.set(held + timedelta(hours=2))
    assert sweep(sessions, ctx, clock.now()).fired == 1
    fired = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert fired["timers"] == []
    assert ("closing_release", "press_conference", "pr_department", None) in open_tasks(fired)
    return complete(as_, "pr", case["id"], "closing_release", kind="statement", translations=TRANSLATIONS)


@pytest.mark.parametrize("escalate", ["press_conference", "briefing"])
def test_an_escalation_holds_the_press_conference_inside_the_same_case(
        as_: Any, sessions: Any, ctx: Any, clock: Any, escalate: str) -> None:
    case = start(as_)
    rebutted(as_, case, ["site", "outlet"])
    after = complete(as_, "prhead", case["id"], "assess_escalation", escalate=escalate, legal_action=False)
    assert after["status"] == "running"
    assert open_tasks(after) == [("plan", "press_conference", "pr_department", None)]
    plan = task_of(as_, "pr", case["id"], "plan")
    assert (plan["instance_id"], plan["process_key"], plan["form"]["key"]) == \
        (case["id"], "press_conference", "press_conference/plan")
    assert plan["data"] == {"topic": PUBLICATION["summary"]}  # the form starts from what the caller passed
    assert (after["data"]["format"], after["unit"]) == (escalate, "transport")  # still the case's unit
    called = as_("pr").get("/api/v1/tasks?process_key=press_conference").get_json()["items"]
    assert [(t["bpmn_id"], t["instance_id"]) for t in called] == [("plan", case["id"])]
    # No case of its own: the called procedure runs inside the calling one.
    assert as_("admin").get("/api/v1/process-instances?process_key=press_conference").get_json()["total"] == 0

    done = hold_the_conference(as_, sessions, ctx, clock, case)
    assert done["status"] == "completed" and done["tasks"] == [] and done["timers"] == []
    data = done["data"]
    assert (data["kind"], data["decision"], data["text"]) == ("publication", "approve", REBUTTAL)
    assert (data["format"], data["held_at"], data["speakers"], data["accredited"]) == \
        (escalate, HELD_AT, ["Mayor"], ["Kaktus Media"])

    (release,) = public(as_, "releases")
    assert (release["business_key"], release["kind"], release["translations"]) == \
        (case["business_key"], "statement", TRANSLATIONS)
    assert datetime.fromisoformat(release["published_at"]) == clock.now()
    (entry,) = atom_entries(as_, "releases")
    assert entry["title"] == TRANSLATIONS["ky"]["title"]
    assert [r["kind"] for r in public(as_)] == ["rebuttal"]
    published = events(as_, case["id"], "publication.published")
    assert [(e["after"]["feed"], e["after"]["kind"], e["actor"]) for e in published] == [
        ("responses", "rebuttal", "pr"), ("releases", "statement", "pr")]
    completed = [e["subject"] for e in events(as_, case["id"], "task.completed")]
    assert completed[-6:] == ["plan", "accredit_media", "prepare_materials", "review_talking_points",
                              "confirm_event", "closing_release"]
    assert any(e["type"] == "timer.fired" and e["subject"] == "held" for e in events(as_, case["id"]))


def test_legal_action_goes_to_the_legal_department_and_nobody_else(as_: Any) -> None:
    case = start(as_)
    rebutted(as_, case, ["outlet"])
    assert public(as_) == []  # the outlet only: nothing on the site
    after = complete(as_, "prhead", case["id"], "assess_escalation", escalate="none", legal_action=True)
    assert open_tasks(after) == [("prepare_claim", "publication_response", "legal", None)]
    claim = task_of(as_, "lawyer", case["id"], "prepare_claim")
    for user in ("pr", "ps_transport", "leader", "prhead", "head_transport"):
        assert submit(as_, user, claim["id"], claim_summary="Not mine.").status_code == 403, user
    assert inbox(as_, "pr", case["id"]) == [] and inbox(as_, "leader", case["id"]) == []
    assert as_("pr").get(f"/api/v1/tasks/{claim['id']}").status_code == 403
    done = complete(as_, "lawyer", case["id"], "prepare_claim",
                    claim_summary="Claim against Kaktus Media for the false report on fares.")
    assert done["status"] == "completed"
    assert done["data"]["claim_summary"].startswith("Claim against Kaktus Media")
    assert events(as_, case["id"], "task.completed")[-1]["actor"] == "lawyer"
    assert events(as_, case["id"], "publication.published") == []


def test_a_briefing_and_a_claim_run_side_by_side(as_: Any, sessions: Any, ctx: Any, clock: Any) -> None:
    case = start(as_)
    rebutted(as_, case, ["outlet"])
    after = complete(as_, "prhead", case["id"], "assess_escalation", escalate="briefing", legal_action=True)
    assert open_tasks(after) == [("plan", "press_conference", "pr_department", None),
                                 ("prepare_claim", "publication_response", "legal", None)]
    after = complete(as_, "lawyer", case["id"], "prepare_claim", claim_summary="Claim against Kaktus Media.")
    assert after["status"] == "running"
    assert open_tasks(after) == [("plan", "press_conference", "pr_department", None)]
    done = hold_the_conference(as_, sessions, ctx, clock, case)
    assert done["status"] == "completed"
    assert (done["data"]["format"], done["data"]["claim_summary"]) == ("briefing", "Claim against Kaktus Media.")
    assert [r["kind"] for r in public(as_, "releases")] == ["statement"]
    assert public(as_) == []
    completed = [e["type"] for e in events(as_, case["id"])]
    assert completed.count("instance.completed") == 1 and completed[-1] == "instance.completed"


def test_no_escalation_and_no_claim_closes_the_case(as_: Any) -> None:
    case = start(as_)
    rebutted(as_, case, ["site"])
    assessment = task_of(as_, "prhead", case["id"], "assess_escalation")
    assert submit(as_, "pr", assessment["id"], escalate="none").status_code == 403  # the head's decision
    refused = submit(as_, "prhead", assessment["id"])  # the head decides: escalation has no default
    assert refused.status_code == 422 and [e["field"] for e in refused.get_json()["errors"]] == ["escalate"]
    done = complete(as_, "prhead", case["id"], "assess_escalation", escalate="none")  # no legal action: unticked
    assert done["status"] == "completed" and done["tasks"] == [] and done["timers"] == []
    assert (done["data"]["escalate"], done["data"]["legal_action"]) == ("none", False)
    assert [r["kind"] for r in public(as_)] == ["rebuttal"]
    assert public(as_, "releases") == []


def test_cancelling_the_case_during_its_press_conference_ends_the_called_tasks_and_timer(
        as_: Any, sessions: Any, ctx: Any) -> None:
    case = start(as_)
    rebutted(as_, case, ["outlet"])
    complete(as_, "prhead", case["id"], "assess_escalation", escalate="press_conference", legal_action=True)
    complete(as_, "pr", case["id"], "plan", held_at=HELD_AT, place="City hall", speakers=["Mayor"], topic="Fares")
    complete(as_, "pr", case["id"], "accredit_media", invitation="Come.", invited=["24.kg"], accredited=["24.kg"])
    complete(as_, "pr", case["id"], "prepare_materials", talking_points=["Fares stay."])
    complete(as_, "leader", case["id"], "review_talking_points", decision="approve")
    after = complete(as_, "pr", case["id"], "confirm_event", decision="hold")
    assert open_tasks(after) == [("prepare_claim", "publication_response", "legal", None)]
    assert [t["bpmn_id"] for t in after["timers"]] == ["held"]
    response = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "Retracted."})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["tasks"], body["timers"]) == ("cancelled", [], [])
    assert as_("pr").get(f"/api/v1/timers?instance_id={case['id']}").get_json()["items"] == []
    assert sweep(sessions, ctx, datetime.fromisoformat(HELD_AT) + timedelta(hours=1)).fired == 0
    assert public(as_, "releases") == []
    assert [e["subject"] for e in events(as_, case["id"], "timer.cancelled")] == ["held"]
