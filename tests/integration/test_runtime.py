"""Runtime guarantees: one winner among concurrent completions, nothing lost over a restart, timers fire
once from the sweep, and a failing script is recorded on the case instead of running."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditEvent, ProcessInstance, Timer
from engine.background.sweeper import fire_due
from tests.cases import start
from tests.conftest import BISHKEK

pytestmark = pytest.mark.usefixtures("deployed")


def test_two_concurrent_completions_of_one_task_one_wins_the_other_gets_409(as_: Any, sessions: Any) -> None:
    case = start(as_)
    task_id = case["tasks"][0]["id"]
    client = as_("pr")
    barrier = threading.Barrier(2)
    results: list[int] = []

    def attempt(client: Any, handler: str) -> None:
        barrier.wait()
        response = client.post(f"/api/v1/tasks/{task_id}/complete",
                               json={"data": {"handler": handler, "unit": "transport", "contributors": []}})
        results.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(client, h)) for h in ("pr_department", "press_secretary")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    with sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "task.completed")).all()
        instance = session.get(ProcessInstance, case["id"])
    assert len(events) == 1
    winner = events[0].after["handler"]
    assert instance.data["handler"] == winner
    body = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert [t["bpmn_id"] for t in body["tasks"]] == ["prepare_answer"]
    assert body["tasks"][0]["role"] == winner


def test_completing_a_completed_task_is_a_conflict(as_: Any) -> None:
    case = start(as_)
    task_id = case["tasks"][0]["id"]
    data = {"data": {"handler": "pr_department", "contributors": []}}
    assert as_("pr").post(f"/api/v1/tasks/{task_id}/complete", json=data).status_code == 200
    again = as_("pr").post(f"/api/v1/tasks/{task_id}/complete", json=data)
    assert again.status_code == 409 and again.get_json()["status"] == 409


def test_a_restart_of_the_server_loses_nothing(as_: Any, settings: Any, clock: Any) -> None:
    from api import create_app
    from tests.conftest import PASSWORD

    case = start(as_)
    as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete",
                   json={"data": {"handler": "press_secretary", "unit": "transport", "contributors": []}})
    old_token = as_("ps_transport").token
    restarted = create_app({"SETTINGS": settings, "CLOCK": clock, "TESTING": True}).test_client()
    headers = {"Authorization": f"Bearer {old_token}"}
    # The token from before the restart still works, and the case is where it was.
    body = restarted.get(f"/api/v1/process-instances/{case['id']}", headers=headers).get_json()
    assert [t["bpmn_id"] for t in body["tasks"]] == ["prepare_answer"]
    done = restarted.post(f"/api/v1/tasks/{body['tasks'][0]['id']}/complete", headers=headers,
                          json={"data": {"answer": "Yes.", "confirm_no_confidential": True, "refuse": False}})
    assert done.status_code == 200, done.get_json()
    assert [t["bpmn_id"] for t in done.get_json()["instance"]["tasks"]] == ["approve_answer"]
    assert restarted.post("/api/v1/auth/token", json={"username": "pr", "password": PASSWORD}).status_code == 200


def test_the_deadline_timer_fires_once_and_escalates_beside_the_work(as_: Any, sessions: Any, ctx: Any,
                                                                      clock: Any) -> None:
    case = start(as_)
    due = datetime.fromisoformat(case["due_at"])
    assert fire_due(sessions, ctx, due - timedelta(seconds=1)) == 0
    clock.set(due + timedelta(seconds=1))
    assert fire_due(sessions, ctx, clock.now()) == 1
    assert fire_due(sessions, ctx, clock.now()) == 0  # a second sweep finds nothing to fire
    body = as_("prhead").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert sorted(t["bpmn_id"] for t in body["tasks"]) == ["escalate_overdue", "triage"]
    inbox = as_("prhead").get("/api/v1/tasks?overdue=true").get_json()["items"]
    assert [t["bpmn_id"] for t in inbox] == ["escalate_overdue"]
    triage = as_("pr").get(f"/api/v1/tasks?instance_id={case['id']}").get_json()["items"][0]
    assert triage["overdue"] == "overdue"
    clock.set(datetime(2026, 3, 31, 12, 0, tzinfo=BISHKEK))  # six working days after 23 March
    triage = as_("pr").get(f"/api/v1/tasks?instance_id={case['id']}").get_json()["items"][0]
    assert triage["overdue"] == "seriously"
    with sessions() as session:
        timer = session.scalars(select(Timer).where(Timer.instance_id == case["id"])).one()
        assert timer.status == "fired"
        fired = session.scalars(select(AuditEvent).where(AuditEvent.type == "timer.fired")).all()
    assert len(fired) == 1


def test_two_sweeps_at_once_fire_each_timer_once(as_: Any, sessions: Any, ctx: Any, clock: Any) -> None:
    cases = [start(as_) for _ in range(3)]
    clock.set(datetime.fromisoformat(cases[0]["due_at"]) + timedelta(minutes=1))
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sweep() -> None:
        barrier.wait()
        counts.append(fire_due(sessions, ctx, clock.now()))

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 3
    for case in cases:
        tasks = as_("prhead").get(f"/api/v1/process-instances/{case['id']}").get_json()["tasks"]
        assert sorted(t["bpmn_id"] for t in tasks) == ["escalate_overdue", "triage"]


def test_the_fire_due_command_fires_due_timers_as_of_a_given_moment(as_: Any, settings: Any) -> None:
    from click.testing import CliRunner

    from api.cli import main

    case = start(as_)
    env = {"JARCHY_DATABASE_URL": settings.database_url, "JARCHY_SECRET_KEY": settings.secret_key}
    runner = CliRunner()
    early = runner.invoke(main, ["timers", "fire-due", "--at", "2026-03-03T09:00:00+06:00"], env=env)
    assert early.exit_code == 0 and early.output.strip() == "0"
    late = runner.invoke(main, ["timers", "fire-due", "--at", "2026-04-01T09:00:00+06:00"], env=env)
    assert late.exit_code == 0 and late.output.strip() == "1"
    tasks = as_("prhead").get(f"/api/v1/process-instances/{case['id']}").get_json()["tasks"]
    assert "escalate_overdue" in {t["bpmn_id"] for t in tasks}


def test_a_case_waiting_for_the_requesters_clarification_can_be_cancelled(as_: Any) -> None:
    case = start(as_)
    asked = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": {
        "handler": "pr_department", "contributors": [], "needs_clarification": True,
        "clarification_question": "Which bus lines?"}})
    assert asked.status_code == 200, asked.get_json()
    cancelled = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "Withdrawn"})
    assert cancelled.status_code == 200, cancelled.get_json()
    assert (cancelled.get_json()["status"], cancelled.get_json()["timers"]) == ("cancelled", [])
