"""A step's task rows written in one statement (engine.runtime.task_rows) behave as the ORM's flush would: what a
rolled-back savepoint wrote leaves the session, and a new row whose id another task holds is refused whole."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from db.models import HumanTask, ProcessInstance
from db.vocabulary import TaskStatus
from engine.core.errors import Conflict
from engine.runtime import task_rows
from tests.conftest import REQUEST

pytestmark = pytest.mark.usefixtures("deployed")


def _case(as_: Any) -> dict[str, Any]:
    answer = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request", "data": REQUEST})
    assert answer.status_code == 201, answer.get_json()
    return dict(answer.get_json())


def _new_task(instance: ProcessInstance, task_id: str, at: Any) -> HumanTask:
    return HumanTask(id=task_id, instance_id=instance.id, process_key=instance.process_key, bpmn_id="prepare_answer",
                     name="Prepare the answer", names=None, lane="pr_department", role="pr_department",
                     unit_key=None, status=TaskStatus.OPEN, form_key=None, created_at=at, due_at=None, data={})


def _count(sessions: Any, task_id: str) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.id == task_id)))


def test_rows_written_in_a_savepoint_that_rolls_back_leave_the_session(as_: Any, sessions: Any, ctx: Any) -> None:
    case = _case(as_)
    new_id = str(uuid4())
    with sessions() as session:
        instance = session.get(ProcessInstance, case["id"])
        triage = session.get(HumanTask, case["tasks"][0]["id"])
        with pytest.raises(RuntimeError), session.begin_nested():
            triage.status, triage.completed_at = TaskStatus.CANCELLED, ctx.now()
            session.add(_new_task(instance, new_id, ctx.now()))
            task_rows.write(session, instance)
            assert session.get(HumanTask, new_id) is not None  # written: persistent in the savepoint
            raise RuntimeError("the step fails after its rows were written")
        # as the flush's new objects would: gone from the session, and from the database
        assert session.get(HumanTask, new_id) is None
        assert session.get(HumanTask, case["tasks"][0]["id"]).status == TaskStatus.OPEN
        session.commit()
    assert _count(sessions, new_id) == 0


def test_a_new_row_whose_id_another_task_holds_is_refused_and_nothing_is_written(as_: Any, sessions: Any,
                                                                                 ctx: Any) -> None:
    earlier, case = _case(as_), _case(as_)
    taken = earlier["tasks"][0]["id"]  # another case's task
    with sessions() as session:
        instance = session.get(ProcessInstance, case["id"])
        triage = session.get(HumanTask, case["tasks"][0]["id"])
        triage.status, triage.completed_at = TaskStatus.CANCELLED, ctx.now()
        session.add(_new_task(instance, taken, ctx.now() + timedelta(minutes=1)))
        with pytest.raises(Conflict):
            task_rows.write(session, instance)
        session.rollback()
    with sessions() as session:
        other = session.get(HumanTask, taken)
        assert (other.instance_id, other.status, other.bpmn_id) == (earlier["id"], TaskStatus.OPEN, "triage")
        assert session.get(HumanTask, case["tasks"][0]["id"]).status == TaskStatus.OPEN
