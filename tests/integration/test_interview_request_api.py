"""The interview request, driven through the REST API with users of the right roles: declined by the PR
department, refused by the official, held and followed up once the interview's timer fired; the talking
points for the unit's press secretary or, without a unit, the PR department; and the 403s of the wrong roles."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest

from engine.background.sweeper import sweep
from tests import cases
from tests.cases import complete, history, open_ids, refused_to, task_of
from tests.conftest import BISHKEK, deploy_shipped

KEY = "interview_request"
REQUEST = {
    "outlet": "Kaktus Media",
    "journalist": "Aida Usenova",
    "contact": {"phone": "+996 555 123456"},
    "official": {"name": "Bakyt Asanov", "position": "Vice-mayor for transport"},
    "topic": "The new bus routes",
    "questions": "When do the new routes start?",
    "proposed_at": "2026-03-09T15:00:00+06:00",
    "unit": "transport",
}
SCHEDULED_AT = datetime(2026, 3, 10, 11, 0, tzinfo=BISHKEK)  # Tue 10 March, 11:00 in Bishkek
SCHEDULE = {"scheduled_at": SCHEDULED_AT.isoformat(), "place": "Mayor's office, room 301"}
POINTS = {"points": ["Twelve new routes from 1 April.", "Fares stay at 20 som."]}


@pytest.fixture(autouse=True)
def deployed_interview(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, f"{KEY}.bpmn")


# An interview request, registered by the PR department unless a test says who.
start = partial(cases.start, process_key=KEY, data=REQUEST)


def _consented(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    complete(as_, "pr", case["id"], "pr_review", decision="proceed")
    return complete(as_, "leader", case["id"], "official_consent", consent=True)


# --- starting ----------------------------------------------------------------------------------------
def test_a_registered_request_gets_a_number_and_a_review_task(as_: Any) -> None:
    case = start(as_)
    assert case["business_key"] == "IV-2026-000001"
    assert (case["status"], case["started_by"], case["unit"]) == ("running", "pr", "transport")
    assert open_ids(case) == ["pr_review"]
    review = case["tasks"][0]
    assert (review["role"], review["unit"], review["process_key"]) == ("pr_department", None, KEY)
    assert case["timers"] == []
    by_press_secretary = start(as_, user="ps_health", unit="health")
    assert by_press_secretary["business_key"] == "IV-2026-000002"
    assert as_("ps_health").get(f"/api/v1/process-instances/{by_press_secretary['id']}").status_code == 200


@pytest.mark.parametrize("user", ["leader", "head_transport", "lawyer", "auditor"])
def test_only_the_pr_department_and_press_secretaries_may_register_one(as_: Any, user: str) -> None:
    response = as_(user).post("/api/v1/process-instances", json={"process_key": KEY, "data": REQUEST})
    assert response.status_code == 403
    assert as_("admin").get(f"/api/v1/process-instances?process_key={KEY}").get_json()["total"] == 0


def test_a_request_without_contact_details_or_official_is_refused_at_start(as_: Any) -> None:
    without = {k: v for k, v in REQUEST.items() if k != "contact"}
    data = without | {"official": {"name": "Bakyt Asanov"}, "unit": "nowhere", "proposed_at": "soon"}
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": KEY, "data": data})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"contact", "official.position", "unit", "proposed_at"}
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": KEY, "data": REQUEST | {"contact": {}}})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "contact"
    assert as_("admin").get(f"/api/v1/process-instances?process_key={KEY}").get_json()["total"] == 0


# --- the branches ------------------------------------------------------------------------------------
def test_declined_by_the_pr_department(as_: Any) -> None:
    case = start(as_)
    review = task_of(as_, "pr", case["id"], "pr_review")
    refused_to(as_, ["ps_transport", "leader", "auditor"], review, {"decision": "proceed"})
    missing = as_("pr").post(f"/api/v1/tasks/{review['id']}/complete", json={"data": {"decision": "decline"}})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.get_json()["errors"]] == ["reason"]
    after = complete(as_, "pr", case["id"], "pr_review", decision="decline", reason="The official is on leave.")
    assert open_ids(after) == ["notify_requester"]
    notify = task_of(as_, "pr", case["id"], "notify_requester")
    assert notify["data"] == {}  # nothing of its form is known yet
    refused_to(as_, ["leader", "ps_transport"], notify, {"sent_via": "phone"})
    done = complete(as_, "pr", case["id"], "notify_requester", sent_via="phone")
    assert done["status"] == "completed" and done["tasks"] == [] and done["timers"] == []
    assert (done["data"]["outcome"], done["data"]["reason"]) == ("declined", "The official is on leave.")
    assert done["data"]["sent_at"] == "2026-03-02T09:00:00+06:00"
    events = history(as_, case["id"])
    assert events[0] == ("instance.started", "IV-2026-000001", "pr")
    assert ("task.completed", "pr_review", "pr") in events
    assert ("task.completed", "notify_requester", "pr") in events
    assert not any(subject == "official_consent" for _, subject, _ in events)
    assert events[-1] == ("instance.completed", "IV-2026-000001", "pr")
    completed = as_("auditor").get(f"/api/v1/audit?instance_id={case['id']}&type=instance.completed").get_json()
    assert completed["items"][0]["after"] == {"outcome": "declined"}


def test_refused_by_the_official(as_: Any) -> None:
    case = start(as_)
    after = complete(as_, "pr", case["id"], "pr_review", decision="proceed")
    assert open_ids(after) == ["official_consent"]
    consent = task_of(as_, "leader", case["id"], "official_consent")
    assert (consent["role"], consent["unit"]) == ("leadership", None)
    refused_to(as_, ["pr", "ps_transport", "head_transport"], consent, {"consent": True})
    missing = as_("leader").post(f"/api/v1/tasks/{consent['id']}/complete", json={"data": {"consent": False}})
    assert missing.status_code == 422 and [e["field"] for e in missing.get_json()["errors"]] == ["reason"]
    after = complete(as_, "leader", case["id"], "official_consent", consent=False, reason="Not before the tender.")
    assert open_ids(after) == ["notify_requester"]
    done = complete(as_, "pr", case["id"], "notify_requester", sent_via="email", note="Suggested May.")
    assert done["status"] == "completed"
    assert (done["data"]["outcome"], done["data"]["consent"], done["data"]["reason"]) == \
        ("refused", False, "Not before the tender.")
    events = history(as_, case["id"])
    assert ("task.completed", "official_consent", "leader") in events
    assert events[-1] == ("instance.completed", case["business_key"], "pr")


def test_held_and_followed_up_after_the_interview_time(as_: Any, sessions: Any, ctx: Any) -> None:
    case = start(as_)
    after = _consented(as_, case)
    assert open_ids(after) == ["schedule"]
    schedule = task_of(as_, "pr", case["id"], "schedule")
    refused_to(as_, ["leader", "ps_transport"], schedule, SCHEDULE)
    after = complete(as_, "pr", case["id"], "schedule", **SCHEDULE)
    assert open_ids(after) == ["talking_points"]
    points = task_of(as_, "ps_transport", case["id"], "talking_points")
    assert (points["role"], points["unit"], points["lane"]) == ("press_secretary", "transport", "press_secretary")
    refused_to(as_, ["ps_health", "pr", "head_transport"], points, POINTS)
    waiting = complete(as_, "ps_transport", case["id"], "talking_points", **POINTS)
    assert waiting["status"] == "running" and waiting["tasks"] == []
    assert [(t["bpmn_id"], datetime.fromisoformat(t["due_at"])) for t in waiting["timers"]] == \
        [("interview_time", SCHEDULED_AT)]
    assert sweep(sessions, ctx, SCHEDULED_AT - timedelta(seconds=1)).fired == 0
    assert sweep(sessions, ctx, SCHEDULED_AT + timedelta(seconds=1)).fired == 1
    assert sweep(sessions, ctx, SCHEDULED_AT + timedelta(seconds=2)).fired == 0  # once
    follow_up = task_of(as_, "pr", case["id"], "follow_up")
    refused_to(as_, ["leader", "ps_transport"], follow_up, {"notes": "Fine.", "accurate": True})
    done = complete(as_, "pr", case["id"], "follow_up", published_url="https://kaktus.media/interview-42",
                    notes="Published in full.", accurate=True)
    assert done["status"] == "completed" and done["timers"] == []
    data = done["data"]
    assert (data["outcome"], data["accurate"], data["points"]) == ("held", True, POINTS["points"])
    assert data["published_url"] == "https://kaktus.media/interview-42"
    events = history(as_, case["id"])
    assert ("task.completed", "talking_points", "ps_transport") in events
    assert ("timer.fired", "interview_time", None) in events
    # The sweep's step, by no one: the follow-up task appears as the timer fires.
    prepared = events.index(("task.completed", "talking_points", "ps_transport"))
    assert {("task.created", "follow_up", None), ("timer.fired", "interview_time", None)} <= set(events[prepared:])
    assert events[-1] == ("instance.completed", case["business_key"], "pr")


def test_without_a_unit_the_pr_department_prepares_the_talking_points(as_: Any, sessions: Any, ctx: Any) -> None:
    data = {k: v for k, v in REQUEST.items() if k != "unit"}
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": KEY, "data": data})
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert (case["data"]["unit"], case["unit"]) == (None, None)
    _consented(as_, case)
    complete(as_, "pr", case["id"], "schedule", **SCHEDULE)
    points = task_of(as_, "pr", case["id"], "talking_points")
    assert (points["role"], points["unit"]) == ("pr_department", None)
    refused_to(as_, ["ps_transport", "ps_health", "leader"], points, POINTS)
    complete(as_, "pr", case["id"], "talking_points", **POINTS)
    assert sweep(sessions, ctx, SCHEDULED_AT + timedelta(seconds=1)).fired == 1
    done = complete(as_, "pr", case["id"], "follow_up", notes="The quotes were cut.", accurate=False)
    assert (done["status"], done["data"]["outcome"], done["data"]["accurate"]) == ("completed", "held", False)
    assert not any(kind == "task.routing_failed" for kind, _, _ in history(as_, case["id"]))


def test_talking_points_follow_the_unit_of_the_case(as_: Any) -> None:
    case = start(as_, user="ps_health", unit="health")
    _consented(as_, case)
    complete(as_, "pr", case["id"], "schedule", **SCHEDULE)
    points = task_of(as_, "ps_health", case["id"], "talking_points")
    assert (points["role"], points["unit"]) == ("press_secretary", "health")
    refused_to(as_, ["ps_transport"], points, POINTS)


def test_a_waiting_interview_can_be_cancelled_with_its_timer(as_: Any, sessions: Any, ctx: Any) -> None:
    case = start(as_)
    _consented(as_, case)
    complete(as_, "pr", case["id"], "schedule", **SCHEDULE)
    complete(as_, "ps_transport", case["id"], "talking_points", **POINTS)
    response = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel",
                                  json={"reason": "The official fell ill."})
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled" and response.get_json()["timers"] == []
    assert sweep(sessions, ctx, SCHEDULED_AT + timedelta(seconds=1)).fired == 0
