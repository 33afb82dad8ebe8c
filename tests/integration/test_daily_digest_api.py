"""The daily media digest through the API: its timer start event opens one case on each working day of
the calendar at 09:00 office time, no one can start one by hand, and a case runs through planning,
monitoring by each unit's press secretary (each sees only their unit's task), compilation and leadership."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from engine.background.sweeper import SweepResult, sweep
from tests.cases import complete, history, refused_to, task_of
from tests.conftest import BISHKEK, deploy_shipped

KEY = "daily_digest"
MONDAY = datetime(2026, 3, 2, 9, 0, 1, tzinfo=BISHKEK)  # the conftest clock is Mon 2 March 2026, 09:00
PIECE = {"medium": "online", "published_at": "2026-03-01T18:00:00+06:00", "needs_response": False}
BUS = PIECE | {"outlet": "Kaktus Media", "url": "https://kaktus.media/1", "tone": "negative",
               "summary": "Buses are late."}
CLINIC = PIECE | {"outlet": "24.kg", "url": "https://24.kg/2", "tone": "positive", "summary": "A new clinic opens."}


@pytest.fixture(autouse=True)
def deployed_digest(app: Any, cast: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, f"{KEY}.bpmn")


def at(day: int, month: int = 3, hour: int = 9, second: int = 1) -> datetime:
    return datetime(2026, month, day, hour, 0, second, tzinfo=BISHKEK)


@pytest.fixture
def tick(sessions: Any, ctx: Any, clock: Any) -> Any:
    """A sweep as the serve loop makes it: the engine clock has moved to the sweep's moment too."""

    def at_moment(moment: datetime) -> SweepResult:
        clock.set(moment)
        return sweep(sessions, ctx, moment)

    return at_moment


def digests(as_: Any) -> list[dict[str, Any]]:
    listed = as_("admin").get(f"/api/v1/process-instances?process_key={KEY}&per_page=100").get_json()
    assert listed["total"] == len(listed["items"])
    return sorted(listed["items"], key=lambda i: i["business_key"])


def digest_days(as_: Any) -> list[str]:
    return [i["data"]["digest_date"] for i in digests(as_)]


def the_case(as_: Any, tick: Any) -> dict[str, Any]:
    assert tick(MONDAY).started == 1
    (listed,) = digests(as_)
    return as_("admin").get(f"/api/v1/process-instances/{listed['id']}").get_json()


# --- the schedule ------------------------------------------------------------------------------------
def test_the_first_sweep_on_monday_starts_exactly_one_digest(as_: Any, tick: Any) -> None:
    assert tick(MONDAY - timedelta(seconds=2)).started == 0  # 08:59:59
    assert tick(MONDAY).started == 1
    assert tick(MONDAY).started == 0  # a second sweep at the same moment
    assert tick(MONDAY + timedelta(hours=3)).started == 0
    (case,) = digests(as_)
    assert case["business_key"] == "DD-2026-000001"
    assert (case["status"], case["started_by"], case["unit"]) == ("running", None, None)
    assert (case["data"]["digest_date"], case["data"]["due_at"]) == ("2026-03-02", "2026-03-02T18:00:00+06:00")
    assert datetime.fromisoformat(case["due_at"]) == at(2, hour=18, second=0)
    assert datetime.fromisoformat(case["started_at"]) == MONDAY
    full = as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert [(t["bpmn_id"], t["role"], t["unit"]) for t in full["tasks"]] == [("plan_monitoring", "pr_department", None)]
    assert datetime.fromisoformat(full["tasks"][0]["due_at"]) == at(2, hour=18, second=0)


def test_scheduled_for_is_the_occurrence_that_started_the_case(as_: Any, tick: Any) -> None:
    assert tick(MONDAY).started == 1
    (case,) = digests(as_)
    assert datetime.fromisoformat(case["data"]["scheduled_for"]) == at(2, second=0)
    events = history(as_, case["id"])
    assert events[:2] == [("instance.started", "DD-2026-000001", None), ("task.created", "plan_monitoring", None)]


def test_one_digest_each_working_day_none_at_the_weekend(as_: Any, tick: Any) -> None:
    assert tick(MONDAY).started == 1
    assert tick(MONDAY).started == 0
    for day in (3, 4, 5, 6):  # Tuesday to Friday
        assert tick(at(day)).started == 1, day
        assert tick(at(day, second=30)).started == 0, day
    assert tick(at(7)).started == 0  # Saturday 7 March
    assert tick(at(8)).started == 0  # Sunday 8 March (Women's Day)
    assert tick(at(9)).started == 1  # Monday 9 March
    assert digest_days(as_) == [f"2026-03-{d:02d}" for d in (2, 3, 4, 5, 6, 9)]
    assert [i["business_key"] for i in digests(as_)] == [f"DD-2026-{n:06d}" for n in range(1, 7)]
    assert all(i["started_by"] is None for i in digests(as_))


def test_public_holidays_start_no_digest(as_: Any, tick: Any) -> None:
    assert tick(at(19)).started == 1  # the first sweep after deploy, late: one case
    assert tick(at(20)).started == 0  # Fri 20 March: Eid al-Fitr
    assert tick(at(21)).started == 0  # Sat 21 March: Nooruz
    assert tick(at(23)).started == 1
    assert digest_days(as_) == ["2026-03-19", "2026-03-23"]


def test_an_administrators_day_off_starts_no_digest(as_: Any, tick: Any) -> None:
    response = as_("admin").put("/api/v1/calendar/overrides/2026-03-03",
                                json={"working": False, "reason": "Day of mourning"})
    assert response.status_code == 200, response.get_json()
    assert tick(MONDAY).started == 1
    assert tick(at(3)).started == 0
    assert tick(at(4)).started == 1
    assert digest_days(as_) == ["2026-03-02", "2026-03-04"]


def test_a_day_off_declared_after_the_previous_digest_started_starts_none(as_: Any, tick: Any) -> None:
    assert tick(MONDAY).started == 1  # the next occurrence is now Tuesday 09:00
    response = as_("admin").put("/api/v1/calendar/overrides/2026-03-03",
                                json={"working": False, "reason": "Day of mourning"})
    assert response.status_code == 200
    assert tick(at(3)).started == 0


@pytest.mark.parametrize("user", ["pr", "prhead", "ps_transport", "leader", "admin"])
def test_no_one_starts_a_digest_by_hand(as_: Any, user: str) -> None:
    response = as_(user).post("/api/v1/process-instances", json={"process_key": KEY, "data": {}})
    assert response.status_code == 403
    assert digests(as_) == []


# --- a day's digest ----------------------------------------------------------------------------------
def test_plan_monitor_by_two_units_compile_and_brief_leadership(as_: Any, tick: Any) -> None:
    case = the_case(as_, tick)
    plan = task_of(as_, "pr", case["id"], "plan_monitoring")
    refused_to(as_, ["ps_transport", "leader", "auditor"], plan, {"units": ["transport"]})
    empty = as_("pr").post(f"/api/v1/tasks/{plan['id']}/complete", json={"data": {"units": ["nowhere"]}})
    assert empty.status_code == 422 and [e["field"] for e in empty.get_json()["errors"]] == ["units.0"]
    after = complete(as_, "pr", case["id"], "plan_monitoring", units=["transport", "health"],
                     instructions="Watch the bus fares.")
    assert sorted((t["bpmn_id"], t["role"], t["unit"]) for t in after["tasks"]) == \
        [("monitor", "press_secretary", "health"), ("monitor", "press_secretary", "transport")]
    assert {datetime.fromisoformat(t["due_at"]) for t in after["tasks"]} == {at(2, hour=18, second=0)}

    # Each press secretary sees only their unit's task; the PR department, the unit heads and the
    # education press secretary none.
    transport = task_of(as_, "ps_transport", case["id"], "monitor")
    health = task_of(as_, "ps_health", case["id"], "monitor")
    assert (transport["unit"], health["unit"]) == ("transport", "health")
    refused_to(as_, ["ps_health", "pr", "head_transport"], transport, {"publications": []})
    refused_to(as_, ["ps_transport", "head_health"], health, {"publications": []})
    bad = as_("ps_transport").post(f"/api/v1/tasks/{transport['id']}/complete",
                                   json={"data": {"publications": [BUS | {"tone": "furious"}]}})
    assert bad.status_code == 422 and [e["field"] for e in bad.get_json()["errors"]] == ["publications.0.tone"]

    after = complete(as_, "ps_health", case["id"], "monitor", publications=[CLINIC])
    assert [(t["bpmn_id"], t["unit"]) for t in after["tasks"]] == [("monitor", "transport")]  # waits for every unit
    after = complete(as_, "ps_transport", case["id"], "monitor", publications=[BUS])
    assert [t["bpmn_id"] for t in after["tasks"]] == ["compile_digest"]
    assert (after["data"]["units"], after["data"]["registered"]) == (["transport", "health"], [[BUS], [CLINIC]])
    compile_task = task_of(as_, "pr", case["id"], "compile_digest")
    refused_to(as_, ["leader", "ps_transport"], compile_task, {"digest": "x"})

    after = complete(as_, "pr", case["id"], "compile_digest", digest="Buses late; a new clinic.",
                     highlights=["Bus delays on route 5"])
    brief = task_of(as_, "leader", case["id"], "brief_leadership")
    assert (brief["role"], brief["unit"]) == ("leadership", None)
    refused_to(as_, ["pr", "prhead"], brief, {"acknowledged": True})
    unread = as_("leader").post(f"/api/v1/tasks/{brief['id']}/complete", json={"data": {"acknowledged": False}})
    assert unread.status_code == 422 and [e["field"] for e in unread.get_json()["errors"]] == ["acknowledged"]
    done = complete(as_, "leader", case["id"], "brief_leadership", acknowledged=True,
                    instructions="Answer on the buses by noon.")
    assert done["status"] == "completed" and done["tasks"] == [] and done["timers"] == []
    data = done["data"]
    assert (data["digest"], data["highlights"], data["registered"]) == \
        ("Buses late; a new clinic.", ["Bus delays on route 5"], [[BUS], [CLINIC]])
    assert data["instructions"] == "Answer on the buses by noon."

    events = history(as_, case["id"])
    assert events[0] == ("instance.started", case["business_key"], None)
    completed = [(subject, actor) for kind, subject, actor in events if kind == "task.completed"]
    assert completed == [("plan_monitoring", "pr"), ("monitor", "ps_health"), ("monitor", "ps_transport"),
                         ("compile_digest", "pr"), ("brief_leadership", "leader")]
    assert [s for kind, s, _ in events if kind == "task.created"] == \
        ["plan_monitoring", "monitor", "monitor", "compile_digest", "brief_leadership"]
    assert events[-1] == ("instance.completed", case["business_key"], "leader")
    created = as_("auditor").get(f"/api/v1/audit?instance_id={case['id']}&type=task.created").get_json()["items"]
    assert sorted((e["after"]["role"], e["after"]["unit"]) for e in created if e["subject"] == "monitor") == \
        [("press_secretary", "health"), ("press_secretary", "transport")]


def test_press_secretaries_read_the_digest_they_work_on_only(as_: Any, tick: Any) -> None:
    case = the_case(as_, tick)
    complete(as_, "pr", case["id"], "plan_monitoring", units=["transport"])
    assert as_("ps_transport").get(f"/api/v1/process-instances/{case['id']}").status_code == 200
    assert as_("ps_health").get(f"/api/v1/process-instances/{case['id']}").status_code == 403
    assert as_("leader").get(f"/api/v1/process-instances/{case['id']}").status_code == 200
    done = complete(as_, "ps_transport", case["id"], "monitor")  # nothing relevant today
    assert done["data"]["registered"] == [[]]


# --- 002 §15: monitoring hands a piece over to its response ----------------------------------------------------
def test_a_piece_needing_a_response_starts_its_response_case_linked_both_ways(
        as_: Any, tick: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "press_conference.bpmn")
    deploy_shipped(sessions, ctx, "publication_response.bpmn")
    case = the_case(as_, tick)
    complete(as_, "pr", case["id"], "plan_monitoring", units=["transport"])
    fares = BUS | {"needs_response": True, "summary": "Fares will double, a channel claims.", "urgent": True,
                   "urgent_reason": "Reposted by 40 channels in an hour."}
    radio = {"outlet": "Birinchi Radio", "medium": "radio", "published_at": "2026-03-02T08:00:00+06:00",
             "tone": "negative", "summary": "Listeners complain of the fares.", "needs_response": True}
    task = task_of(as_, "ps_transport", case["id"], "monitor")
    # A website's piece needs its link before its response can be registered: nothing is started.
    bad = as_("ps_transport").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"publications": [
        CLINIC, {k: v for k, v in fares.items() if k != "url"}]}})
    assert bad.status_code == 422 and [e["field"] for e in bad.get_json()["errors"]] == ["publications.1.url"]
    listed = as_("admin").get("/api/v1/process-instances?process_key=publication_response").get_json()
    assert listed["total"] == 0

    done = complete(as_, "ps_transport", case["id"], "monitor", publications=[CLINIC, fares, radio])
    registered = done["data"]["registered"][0]
    assert [p.get("case") for p in registered] == [None, "PM-2026-000001", "PM-2026-000002"]
    response = as_("admin").get("/api/v1/process-instances?business_key=PM-2026-000001").get_json()["items"][0]
    response = as_("admin").get(f"/api/v1/process-instances/{response['id']}").get_json()
    assert (response["started_by"], response["unit"]) == ("ps_transport", "transport")
    data = response["data"]
    assert (data["handed_over_from"], data["kind"], data["outlet"], data["medium"], data["url"], data["tone"]) == (
        case["business_key"], "publication", "Kaktus Media", "online", "https://kaktus.media/1", "negative")
    assert (data["published_at"], data["summary"], data["urgent"]) == (
        "2026-03-01T18:00:00+06:00", "Fares will double, a channel claims.", True)
    assert [(t["bpmn_id"], t["unit"]) for t in response["tasks"]] == [("verify_facts", "transport")]
    assert response["due_at"] == "2026-03-03T18:00:00+06:00"
    second = as_("admin").get("/api/v1/process-instances?business_key=PM-2026-000002").get_json()["items"][0]
    assert (second["data"]["medium"], second["data"].get("url")) == ("radio", None)  # a broadcast: no link
    # 002 §15: the PR department is told at registration; 001 §6: leadership at once of the urgent one only.
    told = [n for n in as_("pr").get("/api/v1/notifications").get_json()["items"] if n["kind"] == "notice"]
    assert sorted(n["instance_id"] for n in told) == sorted([response["id"], second["id"]])
    alerted = [n for n in as_("leader").get("/api/v1/notifications").get_json()["items"] if n["kind"] == "notice"]
    assert [n["instance_id"] for n in alerted] == [response["id"]]
    assert alerted[0]["message"].startswith("URGENT.") and "PM-2026-000001" in alerted[0]["message"]
    started = as_("auditor").get(f"/api/v1/audit?instance_id={response['id']}&type=instance.started").get_json()
    assert started["items"][0]["actor"] == "ps_transport"
