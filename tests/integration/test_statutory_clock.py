"""The statutory clock of an information request: paused while the requester is asked, extended where the
jurisdiction allows, recounted when an administrator changes the calendar; timers follow the deadline."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.background.sweeper import fire_due
from engine.core.settings import Settings
from tests import cases
from tests.conftest import BISHKEK, REQUEST

pytestmark = pytest.mark.usefixtures("deployed")


# An information request received at 09:00 on Monday 2 March, registered by the PR department.
start = partial(cases.start, data=REQUEST | {"received_at": "2026-03-02T09:00:00+06:00"})


def triage(as_: Any, case: dict[str, Any], **data: Any) -> dict[str, Any]:
    task = case["tasks"][0]
    response = as_("pr").post(f"/api/v1/tasks/{task['id']}/complete",
                              json={"data": {"handler": "pr_department", "contributors": []} | data})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["instance"]


def case_of(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    return as_("prhead").get(f"/api/v1/process-instances/{case['id']}").get_json()


def history_types(as_: Any, case: dict[str, Any]) -> list[str]:
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()
    return [e["type"] for e in history["items"]]


def deadline_timer(body: dict[str, Any]) -> list[str]:
    return [t["due_at"] for t in body["timers"] if t["bpmn_id"] == "deadline_reached"]


def test_waiting_for_a_clarification_pauses_the_deadline_by_the_working_days_waited(as_: Any, clock: Any) -> None:
    case = start(as_)
    assert case["due_at"] == "2026-03-23T18:00:00+06:00"
    waiting = triage(as_, case, needs_clarification=True, clarification_question="Which routes?")
    assert deadline_timer(waiting) == []  # held while paused
    clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=BISHKEK))  # Tue 3, Wed 4, Thu 5: three working days
    response = as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages",
                              json={"name": "clarification", "data": {"text": "Routes 1-10"}})
    assert response.status_code == 200, response.get_json()
    resumed = response.get_json()
    # 23 March plus three working days: 24, 25, 26 March.
    assert resumed["due_at"] == "2026-03-26T18:00:00+06:00"
    assert deadline_timer(resumed) == ["2026-03-26T18:00:00+06:00"]
    assert resumed["tasks"][0]["bpmn_id"] == "triage" and resumed["tasks"][0]["due_at"] == resumed["due_at"]
    types = history_types(as_, case)
    assert {"deadline.paused", "deadline.resumed", "deadline.moved"} <= set(types)
    assert resumed["data"]["deadline"]["pauses"][0]["days"] == 3


def test_a_paused_deadline_does_not_escalate_and_no_clarification_withdraws_the_request(
        as_: Any, sessions: Any, ctx: Any, clock: Any) -> None:
    case = start(as_)
    triage(as_, case, needs_clarification=True, clarification_question="Which routes?")
    # Ten working days after Mon 2 March: 3-6 (4), 9-13 (9), 16 March (10).
    clock.set(datetime(2026, 3, 16, 18, 0, 1, tzinfo=BISHKEK))
    assert fire_due(sessions, ctx, clock.now()) == 1
    body = case_of(as_, case)
    assert body["status"] == "completed" and body["data"]["outcome"] == "withdrawn"
    assert body["tasks"] == [] and body["timers"] == []
    assert "escalate_overdue" not in {e.get("subject") for e in
                                      as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history")
                                      .get_json()["items"]}


def test_extensions_are_refused_where_the_deployment_allows_none(as_: Any) -> None:
    case = start(as_)
    response = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/extend",
                                  json={"working_days": 5, "reason": "Archive search"})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "working_days"
    assert case_of(as_, case)["due_at"] == case["due_at"]


def test_the_calendar_change_of_an_administrator_moves_running_deadlines_and_their_timers(as_: Any) -> None:
    case = start(as_)
    assert as_("pr").put("/api/v1/calendar/overrides/2026-03-10",
                         json={"working": False, "reason": "Day off by decree"}).status_code == 403
    response = as_("admin").put("/api/v1/calendar/overrides/2026-03-10",
                                json={"working": False, "reason": "Day off by decree"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["moved_cases"] == [case["id"]]
    moved = case_of(as_, case)
    assert moved["due_at"] == "2026-03-24T18:00:00+06:00"
    assert deadline_timer(moved) == ["2026-03-24T18:00:00+06:00"]
    assert moved["tasks"][0]["due_at"] == "2026-03-24T18:00:00+06:00"
    day = as_("pr").get("/api/v1/calendar?from=2026-03-10&to=2026-03-10").get_json()["items"][0]
    assert day == {"date": "2026-03-10", "working": False, "reason": "Day off by decree", "kind": "office_day_off",
                   "day_off_on": None}
    # A Saturday worked by decree gives the day back.
    as_("admin").put("/api/v1/calendar/overrides/2026-03-14", json={"working": True, "reason": "Worked Saturday"})
    assert case_of(as_, case)["due_at"] == "2026-03-23T18:00:00+06:00"
    types = history_types(as_, case)
    assert types.count("deadline.recomputed") == 2
    events = as_("auditor").get("/api/v1/audit?type=calendar.override_set").get_json()["items"]
    assert [e["actor"] for e in events] == ["admin", "admin"]


def test_a_calendar_override_needs_a_real_date(as_: Any) -> None:
    for bad in ("2026-13-01", "tomorrow", "0001-01-01"):
        response = as_("admin").put(f"/api/v1/calendar/overrides/{bad}", json={"working": False, "reason": "x"})
        assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "date"
    response = as_("admin").put("/api/v1/calendar/overrides/2026-03-10", json={"working": "maybe"})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"working", "reason"}


class TestUkraine:
    """Ukraine's rule: 5 working days, extendable to 20 (art. 20 of the Law on Access to Public Information)."""

    @pytest.fixture
    def settings(self, database_url: str, tmp_path: Path) -> Settings:
        return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                        country="UA", timezone="Europe/Kyiv", request_deadline_days=5, request_extension_days=15)

    @pytest.fixture
    def clock(self) -> Any:
        from engine.spiff.clock import FrozenClock

        return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Kyiv")))

    def test_pr_head_extends_within_the_allowed_working_days_with_a_reason(self, as_: Any) -> None:
        case = start(as_, received_at="2026-03-02T09:00:00+02:00")
        assert case["due_at"] == "2026-03-09T18:00:00+02:00"  # 3, 4, 5, 6, 9 March
        url = f"/api/v1/process-instances/{case['id']}/extend"
        assert as_("pr").post(url, json={"working_days": 5, "reason": "x"}).status_code == 403
        extended = as_("prhead").post(url, json={"working_days": 10, "reason": "Data from three departments"})
        assert extended.status_code == 200, extended.get_json()
        body = extended.get_json()
        assert body["due_at"] == "2026-03-23T18:00:00+02:00"
        assert deadline_timer(body) == ["2026-03-23T18:00:00+02:00"]
        too_much = as_("prhead").post(url, json={"working_days": 6, "reason": "More"})
        assert too_much.status_code == 422 and "5 more" in too_much.get_json()["errors"][0]["message"]
        events = as_("auditor").get(f"/api/v1/audit?instance_id={case['id']}&type=deadline.extended").get_json()
        assert events["total"] == 1
        assert events["items"][0]["after"]["reason"] == "Data from three departments"
        assert events["items"][0]["before"]["due_at"] == "2026-03-09T18:00:00+02:00"
