"""The sweep: everything that happens because time passed, each item in its own transaction.

`sweep` is what runs every few seconds, from `jarchy serve`'s loop without Redis and from Celery beat
with it: it fires due timers, starts the cases of timer start events, reminds of tasks about to
fall due and, without Celery, sends pending e-mail.

Exactly once: `runtime.fire_timer` re-reads the timer under its instance's row lock, so two sweepers
(threads, processes, Celery workers) racing for one timer fire it once; a sweeper that dies mid-fire
rolls back and leaves the timer pending for the next sweep; timers that fell due while nothing ran are
simply due at the next sweep."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from db.models import Timer
from engine.background import mail, reminders, scheduled_starts
from engine.context import EngineContext
from engine.runtime import case_failures, operations

log = logging.getLogger(__name__)


def fire_due(sessions: sessionmaker[Session], ctx: EngineContext, at: datetime, limit: int = 500) -> int:
    """Fire what is due by `at`; returns how many timers fired."""
    with sessions() as session:
        ids = operations.due_timer_ids(session, at, limit)
    fired = 0
    for timer_id in ids:
        # A case that cannot fire (its state unreadable, a value the database refuses) is recorded failed;
        # the case that moved on or the sweeper that lost a race leaves the timer for the next sweep.
        fired += case_failures.in_transaction(
            sessions, lambda session, timer_id=timer_id: _instance_of(session, timer_id),
            lambda session, timer_id=timer_id: operations.fire_timer(session, ctx, timer_id, at),
            doing="a due timer could not fire", at=at, actor=None) or 0
    return fired


def _instance_of(session: Session, timer_id: int) -> int | None:
    timer = session.get(Timer, timer_id)
    return timer.instance_id if timer is not None else None


@dataclass(frozen=True)
class SweepResult:
    fired: int
    started: int
    reminded: int
    emailed: int


def sweep(sessions: sessionmaker[Session], ctx: EngineContext, at: datetime | None = None, *,
          send_mail: bool = True) -> SweepResult:
    """One round of time-driven work as of `at` (default: the engine clock's now). With Celery, e-mail is
    sent by its own retrying task (`send_mail=False` here)."""
    moment = at or ctx.now()
    fired = fire_due(sessions, ctx, moment)
    started = scheduled_starts.start_due(sessions, ctx, moment)
    reminded = reminders.send_reminders(sessions, ctx, moment)
    emailed = mail.send_pending(sessions, ctx.settings, clock=ctx.clock) if send_mail else 0
    return SweepResult(fired=fired, started=started, reminded=reminded, emailed=emailed)
