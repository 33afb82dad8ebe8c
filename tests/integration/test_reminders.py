"""Reminders before a deadline and the escalation at it reach their recipients, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from engine.background.sweeper import sweep
from tests.conftest import BISHKEK, REQUEST

pytestmark = pytest.mark.usefixtures("deployed")


def kinds(as_: Any, user: str) -> list[str]:
    return [n["kind"] for n in as_(user).get("/api/v1/notifications").get_json()["items"]]


def test_the_handler_is_reminded_three_working_days_before_the_deadline_once(
        as_: Any, sessions: Any, ctx: Any, clock: Any) -> None:
    data = REQUEST | {"received_at": "2026-03-02T09:00:00+06:00"}
    case = as_("pr").post("/api/v1/process-instances",
                          json={"process_key": "information_request", "data": data}).get_json()
    assert case["due_at"] == "2026-03-23T18:00:00+06:00"
    assert kinds(as_, "pr") == ["task"]
    # Three working days before Mon 23 March: Thu 19, Wed 18, Tue 17 (Fri 20 is Eid al-Fitr).
    reminder_at = datetime(2026, 3, 17, 18, 0, tzinfo=BISHKEK)
    assert sweep(sessions, ctx, reminder_at - timedelta(minutes=1)).reminded == 0
    assert sweep(sessions, ctx, reminder_at).reminded == 1
    assert sweep(sessions, ctx, reminder_at + timedelta(hours=1)).reminded == 0
    assert kinds(as_, "pr") == ["reminder", "task"]
    message = as_("pr").get("/api/v1/notifications").get_json()["items"][0]["message"]
    assert case["business_key"] in message
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    assert [e["type"] for e in history].count("task.reminded") == 1


def test_the_pr_head_is_told_of_the_escalation_when_the_deadline_passes(as_: Any, sessions: Any, ctx: Any) -> None:
    case = as_("pr").post("/api/v1/process-instances",
                          json={"process_key": "information_request", "data": REQUEST}).get_json()
    assert kinds(as_, "prhead") == []
    result = sweep(sessions, ctx, datetime.fromisoformat(case["due_at"]) + timedelta(seconds=1))
    assert result.fired == 1
    assert kinds(as_, "prhead") == ["escalation"]
    events = as_("auditor").get("/api/v1/audit?type=notification.created").get_json()["items"]
    assert any(e["subject"] == "user:prhead" and e["after"]["kind"] == "escalation" for e in events)
