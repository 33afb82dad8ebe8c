"""One broken case never stops the others. A case whose stored state cannot be read (written by 0.4.0, which
let typed values in with the case data: simulated here by writing such a state into the database) is
recorded failed, with a failure an administrator can read, by the sweep and by the deadline recount after a
calendar change, while every healthy case is served; its page and the API answer with the failure, and it
can still be cancelled. Scheduled starts likewise: one procedure whose timer start fails does not keep the
others from starting their cases."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from api.cli import main
from db.models import AuditEvent, ProcessInstance, StartTimer
from engine.background.sweeper import sweep
from tests.cases import start
from tests.conftest import BISHKEK
from tests.integration.test_timers import DAILY, deploy
from tests.web.conftest import WebClient, text


def nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


# What 0.4.0 stored as it was sent, and revived on every load since.
POISONS = {
    "a datetime that is none": {"typename": "datetime", "value": "not-a-date"},
    "a timedelta of 10**12 days": {"typename": "timedelta", "days": 10**12, "seconds": 0},
    "a name nobody registered": {"typename": "nonsense"},
    "a list nested 600 deep": nested(600),
}


def poison(sessions: Any, case_id: int, value: Any) -> None:
    """Write into the case's stored state what 0.4.0 kept of a smuggled value: the raw shape, in its data."""
    with sessions.begin() as session:
        state = json.loads(session.scalar(select(ProcessInstance.state).where(ProcessInstance.id == case_id)))
        state["data"]["clarification"] = {"text": value}
        session.execute(update(ProcessInstance).where(ProcessInstance.id == case_id).values(state=json.dumps(state)))


def failures(sessions: Any, case_id: int) -> list[dict[str, Any]]:
    with sessions() as session:
        return [e.after for e in session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == case_id, AuditEvent.type == "instance.failed"))]


def status(sessions: Any, case_id: int) -> tuple[str, str | None]:
    with sessions() as session:
        instance = session.get(ProcessInstance, case_id)
        return instance.status, instance.failure


pytestmark = pytest.mark.usefixtures("deployed")


@pytest.mark.parametrize("value", POISONS.values(), ids=POISONS.keys())
def test_fire_due_fires_the_healthy_cases_records_the_poisoned_one_failed_and_exits_0(
        as_: Any, sessions: Any, settings: Any, value: Any) -> None:
    first, poisoned, last = start(as_), start(as_), start(as_)
    poison(sessions, poisoned["id"], value)
    env = {"JARCHY_DATABASE_URL": settings.database_url, "JARCHY_SECRET_KEY": settings.secret_key}
    run = CliRunner().invoke(main, ["timers", "fire-due", "--at", "2026-04-01T09:00:00+06:00"], env=env)
    assert run.exit_code == 0, run.output
    # What the command prints is on stdout. Its stderr may carry Python's own "Exception ignored" lines: the list
    # nested 600 deep is read up to the recursion limit, and a garbage collection there (of an earlier test's
    # objects, in a long run) finds no stack left for their finalizers or the hook that reports them.
    assert run.stdout.strip() == "2"
    for healthy in (first, last):
        tasks = as_("prhead").get(f"/api/v1/process-instances/{healthy['id']}").get_json()["tasks"]
        assert "escalate_overdue" in {t["bpmn_id"] for t in tasks}
    state, failure = status(sessions, poisoned["id"])
    assert state == "failed" and failure and "cannot be read" in failure
    assert [f["message"] for f in failures(sessions, poisoned["id"])] == [failure]
    # The administrator reads it through the API; the next sweep leaves the failed case alone.
    shown = as_("admin").get(f"/api/v1/process-instances/{poisoned['id']}").get_json()
    assert (shown["status"], shown["failure"]) == ("failed", failure)
    again = CliRunner().invoke(main, ["timers", "fire-due", "--at", "2026-04-02T09:00:00+06:00"], env=env)
    assert (again.exit_code, again.stdout.strip()) == (0, "0")
    assert len(failures(sessions, poisoned["id"])) == 1


@pytest.mark.parametrize("value", POISONS.values(), ids=POISONS.keys())
def test_a_calendar_change_recounts_the_healthy_cases_and_records_the_poisoned_one_failed(
        as_: Any, sessions: Any, clock: Any, value: Any) -> None:
    healthy, poisoned = start(as_), start(as_)
    poison(sessions, poisoned["id"], value)
    response = as_("admin").put("/api/v1/calendar/overrides/2026-03-10", json={"working": False,
                                                                                "reason": "Mourning day"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["moved_cases"] == [healthy["id"]]
    moved = as_("admin").get(f"/api/v1/process-instances/{healthy['id']}").get_json()
    assert datetime.fromisoformat(moved["due_at"]) > datetime.fromisoformat(healthy["due_at"])
    state, failure = status(sessions, poisoned["id"])
    assert state == "failed" and failure and "cannot be read" in failure and "calendar" in failure
    assert len(failures(sessions, poisoned["id"])) == 1
    # The next change recounts the healthy case again and leaves the failed one as it is.
    clock.set(clock.now() + timedelta(minutes=5))
    again = as_("admin").put("/api/v1/calendar/overrides/2026-03-10", json={"working": True, "reason": "Revoked"})
    assert again.status_code == 200 and again.get_json()["moved_cases"] == [healthy["id"]]


def test_a_poisoned_case_answers_with_its_failure_and_can_still_be_cancelled(
        app: Any, as_: Any, sessions: Any) -> None:
    case = start(as_)
    poison(sessions, case["id"], POISONS["a datetime that is none"])
    task_id = case["tasks"][0]["id"]
    assert as_("admin").get(f"/api/v1/process-instances/{case['id']}").status_code == 200
    refused = as_("pr").post(f"/api/v1/tasks/{task_id}/complete",
                             json={"data": {"handler": "pr_department", "contributors": []}})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "cannot be read" in refused.get_json()["detail"]
    web = WebClient(app.test_client())
    assert web.sign_in("prhead").status_code == 302
    page = web.get(f"/cases/{case['id']}")
    assert page.status_code == 200
    assert "cannot be read" in text(page)
    # Completing its task on the page: the reader is told what can still be done, not to reload and try again.
    web_pr = WebClient(app.test_client())
    assert web_pr.sign_in("pr").status_code == 302
    tried = web_pr.post(f"/tasks/{task_id}", [("handler", "pr_department")])
    assert tried.status_code == 409
    assert "This case&#39;s stored state cannot be read: it can only be cancelled." in text(tried)
    assert "reload and try again" not in text(tried)
    cancelled = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "Broken"})
    assert cancelled.status_code == 200, cancelled.get_json()
    body = cancelled.get_json()
    assert (body["status"], body["tasks"], body["timers"]) == ("cancelled", [], [])
    assert as_("admin").get(f"/api/v1/tasks/{task_id}").get_json()["status"] == "cancelled"


BROKEN_START = DAILY.replace('id="daily" name="Daily"', 'id="broken" name="Broken"').replace(
    'value="DD"', 'value="BD"').replace('"R/2026-03-02T09:00:00+06:00/P1D"', '"R/" + no_such_start')


def test_a_schedule_that_cannot_be_computed_stops_alone_and_says_so_once(as_: Any, sessions: Any, ctx: Any) -> None:
    deploy(as_, BROKEN_START)
    deploy(as_, DAILY)
    monday = datetime(2026, 3, 2, 9, 0, 1, tzinfo=BISHKEK)
    assert sweep(sessions, ctx, monday).started == 1
    assert sweep(sessions, ctx, monday + timedelta(days=1)).started == 1
    started = as_("admin").get("/api/v1/process-instances?process_key=daily").get_json()["total"]
    assert started == 2
    events = as_("auditor").get("/api/v1/audit?type=start_timer.failed").get_json()["items"]
    assert [(e["subject"], e["after"]["start_event_id"]) for e in events] == [("definition:broken", "every_morning")]
    assert "no_such_start" in events[0]["after"]["message"]


def test_an_occurrence_that_cannot_start_its_case_does_not_keep_the_others_from_starting(
        as_: Any, sessions: Any, ctx: Any) -> None:
    deploy(as_, DAILY.replace('id="daily" name="Daily"', 'id="zero" name="Zero"').replace('value="DD"', 'value="ZD"'))
    deploy(as_, DAILY)
    monday = datetime(2026, 3, 2, 9, 0, 1, tzinfo=BISHKEK)
    assert sweep(sessions, ctx, monday).started == 2
    # A cycle of zero length, as a version deployed before such cycles were refused would hold.
    with sessions.begin() as session:
        session.execute(update(StartTimer).where(StartTimer.process_key == "zero")
                        .values(expression='"R/2026-03-02T09:00:00+06:00/PT0S"'))
    assert sweep(sessions, ctx, monday + timedelta(days=1)).started == 1
    assert sweep(sessions, ctx, monday + timedelta(days=2)).started == 1
    with sessions() as session:
        counts = dict(session.execute(select(ProcessInstance.process_key, func.count())
                                      .group_by(ProcessInstance.process_key)).all())
    assert counts == {"daily": 3, "zero": 1}
    events = as_("auditor").get("/api/v1/audit?type=start_timer.failed").get_json()["items"]
    assert [e["subject"] for e in events] == ["definition:zero"]
