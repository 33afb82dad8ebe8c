"""Who may read one case, asked of that case's own tasks (engine.people.access.may_read_instance): a reader who does
not read every case reads one they started, or one with a task they hold, completed or are a candidate for.
The check once listed every case its reader was involved in, and that list grows with the archive (95 ms a case
page at 100,000 finished cases on SQLite, 129 on PostgreSQL: tests/perf/bench_case_reading.py); it now reads the
case's own tasks by key, and agrees with the cases list (which still lists them) for every reader."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases import complete, start
from tests.conftest import plan_at_scale, sent_to

pytestmark = pytest.mark.usefixtures("cast", "deployed")
READERS = ("pr", "ps_transport", "ps_health", "head_transport", "head_health", "leader", "lawyer", "auditor")


def reads(as_: Any, user: str, case: dict[str, Any]) -> bool:
    """Whether `user` reads the case's page, and the cases list agrees."""
    response = as_(user).get(f"/api/v1/process-instances/{case['id']}")
    assert response.status_code in (200, 403), response.get_json()
    if response.status_code == 403:
        assert response.get_json()["code"] == "case_not_yours"
    listed = as_(user).get("/api/v1/process-instances", query_string={"per_page": 100}).get_json()["items"]
    assert (case["id"] in {c["id"] for c in listed}) == (response.status_code == 200), user
    return response.status_code == 200


def readers(as_: Any, case: dict[str, Any]) -> set[str]:
    return {user for user in READERS if reads(as_, user, case)}


def test_a_case_is_read_by_its_starter_its_candidates_its_assignee_and_who_completed_its_tasks(as_: Any) -> None:
    case = start(as_)  # by pr: its triage is the PR department's
    everyone = {"auditor", "leader"}  # they read every case (engine.people.access.READ_ALL_INSTANCES)
    assert readers(as_, case) == everyone | {"pr"}
    complete(as_, "pr", case["id"], "triage", handler="press_secretary", unit="transport", contributors=[])
    # the answer's task is the transport secretary's to take: a candidate reads the case, another unit's does not
    assert readers(as_, case) == everyone | {"pr", "ps_transport"}
    [task] = as_("ps_transport").get(f"/api/v1/tasks?instance_id={case['id']}").get_json()["items"]
    assert as_("ps_transport").post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    assert readers(as_, case) == everyone | {"pr", "ps_transport"}
    # sent to the health unit by the PR head: its secretary is now the candidate, the transport one no longer is
    moved = as_("prhead").post(f"/api/v1/tasks/{task['id']}/route", json={"role": "press_secretary",
                                                                        "unit": "health"})
    assert moved.status_code == 200, moved.get_json()
    assert readers(as_, case) == everyone | {"pr", "ps_health"}
    complete(as_, "ps_health", case["id"], "prepare_answer", answer="The fares stay as they are.",
             confirm_no_confidential=True, refuse=False)
    # the next step is not theirs: who completed a task of the case still reads it
    assert "ps_health" in readers(as_, case)
    assert not reads(as_, "head_health", case) and not reads(as_, "lawyer", case)
    assert not reads(as_, "ps_transport", case)


def test_a_case_nobody_involved_a_reader_in_is_refused_them(as_: Any) -> None:
    case = start(as_)
    assert not reads(as_, "ps_transport", case)
    assert as_("ps_transport").get(f"/api/v1/process-instances/{case['id']}/comments").status_code == 403
    assert as_("ps_transport").get(f"/api/v1/process-instances/{case['id']}/attachments").status_code in (403, 404)


def test_one_case_is_checked_on_its_own_tasks_by_key_whatever_the_archive_holds(as_: Any, sessions: Any) -> None:
    """The check's statement reads the case's tasks through ix_human_tasks_instance_id: no scan of the task table,
    whose rows grow with the archive (three a finished information request)."""
    from sqlalchemy import select

    from db.models import ProcessInstance, User
    from engine.people import access

    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="press_secretary", unit="transport", contributors=[])
    with sessions() as session:
        reader = session.scalars(select(User).where(User.username == "ps_transport")).one()
        instance = session.get(ProcessInstance, case["id"])
        with sent_to(session.get_bind()) as sent:
            assert access.may_read_instance(session, reader, instance)
        [(statement, parameters)] = [(s, p) for s, p in sent if "human_tasks" in s]
        shown = plan_at_scale(session, statement, parameters)
        if session.get_bind().dialect.name == "postgresql":
            assert "Index Cond: (instance_id = " in shown, shown  # the case's own entries of an index, by key
            assert "Seq Scan" not in shown, shown
        else:
            assert "SEARCH human_tasks USING INDEX ix_human_tasks_instance_id (instance_id=?)" in shown, shown
            assert "SCAN human_tasks" not in shown, shown
