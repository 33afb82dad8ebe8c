"""What this transaction knows of a case's task and timer rows: the open tasks and waiting timers read with the
task being completed once the case was locked (`read`), then as the projections just wrote them
(engine.runtime.projection.sync). Kept for the rest of the transaction.

The projections compare the workflow with the case's rows: the rows read with the lock spare them reading the
open tasks and the timers again. The request that moved a case answers with the case as it now stands: without
this it read back the rows it had just written (its open tasks, its pending timers and their count). Kept by
transaction, like the calendar's fingerprint (engine.calendar.overrides): a later transaction of the same session
reads the database again. The rows are the session's own objects, so a task closed or reassigned later in the
transaction shows as it is now; only `read` and `sync` keep rows, `sync` anew."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, event, literal, or_, select
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessInstance, Timer, User
from db.session import held_for_transaction, transaction_dict
from db.vocabulary import TaskStatus, TimerStatus

_KEPT = "jarchy_standing"  # session.info, for the transaction: {instance id: Standing}


@dataclass(frozen=True)
class Standing:
    tasks: tuple[HumanTask, ...]
    timers: tuple[Timer, ...] | None  # None: not known (read the database)

    def open_tasks(self) -> list[HumanTask]:
        """As engine.reads.queries.open_tasks orders them."""
        return sorted((t for t in self.tasks if t.status == TaskStatus.OPEN), key=lambda t: (t.created_at, t.id))

    def pending_timers(self) -> list[Timer] | None:
        """As engine.reads.queries.pending_timers orders them; None if not known."""
        if self.timers is None:
            return None
        return sorted((t for t in self.timers if t.status == TimerStatus.PENDING), key=lambda t: (t.due_at, t.id))


def keep(session: Session, instance_id: int, tasks: Iterable[HumanTask], timers: Iterable[Timer] | None) -> None:
    """`tasks`: every open task row of the case (and any the step closed); `timers`: every waiting timer row (and
    any the step ended), or None where they were not read."""
    transaction_dict(session, _KEPT)[instance_id] = Standing(tuple(tasks),
                                                             tuple(timers) if timers is not None else None)


def read(session: Session, instance_id: int, task_id: str) -> HumanTask | None:
    """The task `task_id` (None if there is none), read with the case's open tasks and waiting timers in one
    statement, kept."""
    rows = session.execute(_TASKS_AND_TIMERS, {"task_id": task_id, "instance_id": instance_id}).all()
    tasks = [task for task, _ in rows if task is not None]
    keep(session, instance_id, [t for t in tasks if t.status == TaskStatus.OPEN],
         [timer for _, timer in rows if timer is not None])
    return next((t for t in tasks if t.id == task_id), None)


def _tasks_and_timers() -> Any:
    """Each row holds a task or a timer: the two tables are joined to a two-row list of kinds. Built once: building
    and keying a statement of this size costs more than running it (0.4 ms against 0.1 ms here)."""
    kinds = select(literal(1).label("kind")).union_all(select(literal(2).label("kind"))).subquery("kinds")
    instance_id = bindparam("instance_id")
    return (select(HumanTask, Timer).select_from(kinds)
            .outerjoin(HumanTask, and_(kinds.c.kind == 1, or_(HumanTask.id == bindparam("task_id"), and_(
                HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN))))
            .outerjoin(Timer, and_(kinds.c.kind == 2, Timer.instance_id == instance_id,
                                   Timer.status.in_((TimerStatus.PENDING, TimerStatus.HELD))))
            .execution_options(populate_existing=True))


_TASKS_AND_TIMERS = _tasks_and_timers()


def of(session: Session, instance_id: int) -> Standing | None:
    """The case's standing as a step of this transaction left it, or None (read the database)."""
    return (held_for_transaction(session, _KEPT) or {}).get(instance_id)  # type: ignore[no-any-return]


_USERNAMES = "jarchy_usernames_read_along"  # session.info, for the transaction: {user id: username}


def along_starter() -> Any:
    """The username of the locked case's starter, a scalar subquery for the lock's statement to read along (the
    answer names who started the case: engine.reads.queries.usernames takes it from `usernames`)."""
    return select(User.username).where(User.id == ProcessInstance.started_by_id).scalar_subquery()


def read_along_username(session: Session, user_id: int | None, username: str | None) -> None:
    if user_id is None or username is None:
        return
    transaction_dict(session, _USERNAMES)[user_id] = username


def usernames(session: Session) -> dict[int, str]:
    """The usernames this transaction read along with something else."""
    return dict(held_for_transaction(session, _USERNAMES) or {})


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    """What a rolled-back transaction or savepoint wrote is not the case's standing any more: read again."""
    session.info.pop(_KEPT, None)
    session.info.pop(_USERNAMES, None)
