"""The calendar in force is read once a request: a task completion asks for it several times (loading the case,
its new tasks' due dates, the answer's overdue marks) and reads the administrators' overrides once; a change
made by another process applies from the next request on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from db.models import CalendarOverride
from tests.conftest import BISHKEK, REQUEST, statements

pytestmark = pytest.mark.usefixtures("deployed")


def new_case(as_: Any) -> dict[str, Any]:
    response = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request",
                                                                 "data": REQUEST})
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def triage_counting_statements(app: Any, as_: Any, case: dict[str, Any]) -> list[str]:
    """Complete the case's triage over the API; the statements the request sent."""
    with statements(app) as seen:
        response = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete",
                                  json={"data": {"handler": "pr_department", "contributors": []}})
    assert response.status_code == 200, response.get_json()
    assert [t["bpmn_id"] for t in response.get_json()["instance"]["tasks"]] == ["prepare_answer"]
    return seen


def overrides_read(seen: list[str]) -> int:
    return sum("calendar_overrides" in statement for statement in seen)


def test_a_task_completion_reads_the_calendar_overrides_once(app: Any, as_: Any) -> None:
    assert overrides_read(triage_counting_statements(app, as_, new_case(as_))) == 1


def test_an_override_stored_by_another_process_applies_at_the_next_request(app: Any, as_: Any,
                                                                          sessions: Any) -> None:
    def working(day: str) -> bool:
        response = as_("pr").get(f"/api/v1/calendar?from={day}&to={day}")
        assert response.status_code == 200, response.get_json()
        return bool(response.get_json()["items"][0]["working"])

    assert working("2026-03-07") is False  # a Saturday
    # Written past this process's engine context, as a worker or another web process would.
    with sessions.begin() as session:
        session.add(CalendarOverride(day=date(2026, 3, 7), working=True, reason="worked by decree",
                                     changed_by="admin", changed_at=datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)))
    assert working("2026-03-07") is True
    # A case started now counts its 14 working days with the Saturday: 3-6 Mar (4), Sat 7 (5), 9-13 (10),
    # 16-19 (14), not to Mon 23 Mar as without it.
    case = new_case(as_)
    assert datetime.fromisoformat(case["due_at"]) == datetime(2026, 3, 19, 18, 0, tzinfo=BISHKEK)
    assert overrides_read(triage_counting_statements(app, as_, case)) == 1


def test_a_completion_counts_by_an_override_stored_since_the_last_one(app: Any, as_: Any, sessions: Any) -> None:
    """The completion reads the overrides' fingerprint with its lock of the case (one statement for both), and a
    change made meanwhile by another process is in force for it."""
    case = new_case(as_)
    triaged = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete",
                             json={"data": {"handler": "pr_department", "contributors": []}}).get_json()
    [prepare] = triaged["instance"]["tasks"]
    with sessions.begin() as session:
        session.add(CalendarOverride(day=date(2026, 3, 7), working=True, reason="worked by decree",
                                     changed_by="admin", changed_at=datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)))
    with statements(app) as seen:
        answered = as_("pr").post(f"/api/v1/tasks/{prepare['id']}/complete", json={"data": {
            "answer": "Fares stay as they are.", "confirm_no_confidential": True, "refuse": False}}).get_json()
    [send] = answered["instance"]["tasks"]
    # Both are due when the case is; the Saturday made a working day is one more working day left.
    assert send["due_at"] == prepare["due_at"]
    assert send["time_left"]["unit"] == prepare["time_left"]["unit"] == "working_days"
    assert send["time_left"]["amount"] == prepare["time_left"]["amount"] + 1
    assert overrides_read(seen) == 2  # the fingerprint along with the lock, then the changed overrides themselves
    [lock] = [s for s in seen if "FOR UPDATE" in s or ("process_instances" in s and "calendar_overrides" in s)]
    assert "calendar_overrides" in lock


def test_an_inbox_page_reads_the_calendar_with_its_cases_and_counts_by_an_override_stored_since(
        app: Any, as_: Any, sessions: Any) -> None:
    """The inbox reads its tasks' cases with the overrides' fingerprint and their versions' nonces (one statement
    for three: engine.reads.task_cases), and an override stored meanwhile by another process is in force for it."""
    case = new_case(as_)

    def triage_left() -> tuple[int, list[str]]:
        with statements(app) as seen:
            inbox = as_("pr").get(f"/api/v1/tasks?instance_id={case['id']}&status=open")
        assert inbox.status_code == 200, inbox.get_json()
        [triage] = inbox.get_json()["items"]
        assert triage["form"]["schema"]["properties"]["handler"]  # its form as the case's version pinned it
        assert triage["time_left"]["unit"] == "working_days"
        return triage["time_left"]["amount"], seen

    before, seen = triage_left()
    [cases] = [s for s in seen if "FROM process_instances" in s]
    assert "calendar_overrides" in cases and "process_definitions" in cases
    assert overrides_read(seen) == 1
    assert not [s for s in seen if s.lstrip().startswith("SELECT process_definitions.")]
    with sessions.begin() as session:
        session.add(CalendarOverride(day=date(2026, 3, 7), working=True, reason="worked by decree",
                                     changed_by="admin", changed_at=datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)))
    after, seen = triage_left()
    assert after == before + 1  # the Saturday made a working day
    assert overrides_read(seen) == 2  # the fingerprint with the cases, then the changed overrides themselves
