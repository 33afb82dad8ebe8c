"""What the tests of moving cases between versions share: many information requests driven quickly to different
steps through the engine's own operations (several cases a transaction), and the new version deployed."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import undefer

from db.models import HumanTask, ProcessInstance, Timer
from db.vocabulary import TaskStatus
from engine.people.accounts import user_by_username
from engine.procedures.definitions import deploy
from engine.runtime import operations
from tests.conftest import REQUEST
from tests.versions import information_request_v2

ANSWER = {"answer": "Fares stay.", "confirm_no_confidential": True, "refuse": False}
# Where the i-th case is driven to, by i % 10: the step it then waits at.
STEPS = {0: "triage", 1: "triage", 2: "contribute", 3: "prepare_answer", 4: "prepare_answer",
         5: "approve_answer", 6: "approve_answer", 7: "await_clarification", 8: "send_answer",
         9: "approve_answer"}
CLAIMED = 9  # cases at approve_answer claimed by `pr` (the assignee they keep)


def _complete(session: Any, ctx: Any, username: str, instance_id: int, bpmn_id: str, **data: Any) -> None:
    row = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.bpmn_id == bpmn_id,
                                                  HumanTask.status == TaskStatus.OPEN)).first()
    assert row is not None, (instance_id, bpmn_id)
    operations.complete_task(session, ctx, user_by_username(session, username), row.id, data)


def drive(session: Any, ctx: Any, instance_id: int, where: int) -> None:
    """The case driven to `STEPS[where]`."""
    if where <= 1:
        return
    if where == 2:
        _complete(session, ctx, "pr", instance_id, "triage", handler="pr_department", contributors=["transport"])
        return
    if where == 7:
        _complete(session, ctx, "pr", instance_id, "triage", handler="pr_department", contributors=[],
                  needs_clarification=True, clarification_question="Which routes?")
        return
    if where == 8:
        _complete(session, ctx, "pr", instance_id, "triage", handler="pr_department", contributors=[])
        _complete(session, ctx, "pr", instance_id, "prepare_answer", **ANSWER)
        return
    _complete(session, ctx, "pr", instance_id, "triage", handler="press_secretary", unit="transport", contributors=[])
    if where in (3, 4):
        return
    _complete(session, ctx, "ps_transport", instance_id, "prepare_answer", **ANSWER)
    if where == CLAIMED:
        row = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.status == TaskStatus.OPEN)).one()
        operations.claim(session, ctx, user_by_username(session, "pr"), row.id)


def start_cases(sessions: Any, ctx: Any, count: int, per_transaction: int = 25) -> dict[int, str]:
    """`count` information requests, the i-th driven to `STEPS[i % 10]`: case id -> the step it waits at."""
    at: dict[int, str] = {}
    for first in range(0, count, per_transaction):
        with sessions.begin() as session:
            starter = user_by_username(session, "pr")
            for i in range(first, min(count, first + per_transaction)):
                instance = operations.start(session, ctx, starter, "information_request", dict(REQUEST))
                drive(session, ctx, instance.id, i % 10)
                at[instance.id] = STEPS[i % 10]
    return at


def deploy_v2(sessions: Any, ctx: Any) -> None:
    with sessions.begin() as session:
        deploy(session, information_request_v2(), actor="system", at=ctx.now())


def open_rows(sessions: Any, ids: list[int] | None = None) -> dict[str, tuple[Any, ...]]:
    """Each open task: (case, bpmn id, name, assignee id, due_at)."""
    with sessions() as session:
        query = select(HumanTask).where(HumanTask.status == TaskStatus.OPEN)
        if ids is not None:
            query = query.where(HumanTask.instance_id.in_(ids))
        return {r.id: (r.instance_id, r.bpmn_id, r.name, r.assignee_id, r.due_at) for r in session.scalars(query)}


def tally(at: dict[int, str]) -> Counter[str]:
    return Counter(at.values())


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def clone_cases(sessions: Any, at: dict[int, str], copies: int) -> dict[int, str]:
    """`copies` more cases like each of `at`, each where its original waits: its stored state with every task id
    made new (the inbox's and the timers' rows with it), a registration number of its own. The engine drives the
    originals (`start_cases`); copying them makes hundreds of running cases in seconds instead of minutes."""
    made: dict[int, str] = {}
    number = 900000
    with sessions.begin() as session:
        originals = session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(list(at)))
                                    .options(undefer(ProcessInstance.state))).all()
        for original in originals:
            tasks = session.scalars(select(HumanTask).where(HumanTask.instance_id == original.id)).all()
            timers = session.scalars(select(Timer).where(Timer.instance_id == original.id)).all()
            for _ in range(copies):
                number += 1
                ids: dict[str, str] = {}

                def fresh(match: re.Match[str], ids: dict[str, str] = ids) -> str:
                    return ids.setdefault(match.group(0), str(uuid4()))

                copy = ProcessInstance(**{c: getattr(original, c) for c in INSTANCE_COLUMNS},
                                       business_key=f"IR-2026-{number}", state=UUID_TEXT.sub(fresh, original.state))
                session.add(copy)
                session.flush()
                for row in tasks:
                    # A completed task's row may name a task pruned from the state (engine/spiff/pruning.py).
                    task_id = ids.setdefault(row.id, str(uuid4()))
                    session.add(HumanTask(**{c: getattr(row, c) for c in TASK_COLUMNS}, id=task_id,
                                          instance_id=copy.id))
                for timer in timers:
                    session.add(Timer(**{c: getattr(timer, c) for c in TIMER_COLUMNS}, task_id=ids[timer.task_id],
                                      instance_id=copy.id))
                made[copy.id] = at[original.id]
    return made


INSTANCE_COLUMNS = ("definition_id", "process_key", "version", "status", "unit_key", "data", "started_at",
                    "started_by_id", "due_at", "completed_at", "failure", "called_versions", "serializer_version")
TASK_COLUMNS = tuple(c.key for c in HumanTask.__table__.columns if c.key not in ("id", "instance_id"))
TIMER_COLUMNS = tuple(c.key for c in Timer.__table__.columns if c.key not in ("id", "instance_id", "task_id"))
