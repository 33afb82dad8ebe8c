"""What this transaction knows of a case's task and timer rows: the open tasks read with the task being completed
once the case was locked, then the open tasks and waiting timers as the projections just wrote them
(engine.runtime.projection.sync). Kept for the rest of the transaction.

The projections compare the workflow with the case's rows: the rows read with the lock spare them reading the
open tasks again. The request that moved a case answers with the case as it now stands: without this it read back
the rows it had just written (its open tasks, its pending timers and their count). Kept by transaction, like the
calendar's fingerprint (engine.calendar.overrides): a later transaction of the same session reads the database
again. The rows are the session's own objects, so a task closed or reassigned later in the transaction shows as it
is now; only `sync` makes task and timer rows, and it keeps them anew."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import HumanTask, Timer
from db.vocabulary import TaskStatus, TimerStatus

_KEPT = "jarchy_standing"  # session.info: {instance id: (transaction, Standing)}


@dataclass(frozen=True)
class Standing:
    tasks: tuple[HumanTask, ...]
    timers: tuple[Timer, ...] | None  # None: not known (the rows read with the lock are the tasks alone)

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
    session.info.setdefault(_KEPT, {})[instance_id] = (
        session.get_transaction(), Standing(tuple(tasks), tuple(timers) if timers is not None else None))


def of(session: Session, instance_id: int) -> Standing | None:
    """The case's standing as a step of this transaction left it, or None (read the database)."""
    kept = session.info.get(_KEPT, {}).get(instance_id)
    if kept is None or kept[0] is not session.get_transaction():
        return None
    return kept[1]  # type: ignore[no-any-return]
