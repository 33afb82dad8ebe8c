"""Firing due timers: the sweep claims the next due timer whose case no one else holds and fires it, in one
transaction.

Why a claim rather than a list: sweepers that read one list of due timers (two Celery workers, `jarchy serve`'s
loop beside `jarchy timers fire-due`) walk it in the same order. With SKIP LOCKED on the case's row each passes the
case the other holds, but only after it has begun a transaction, read the timer and tried the lock, and the next
timer on its list is then the one the other moves on to: beside every firing of two workers, one wasted attempt
(issue 19 point 5, tests/perf/README.md). Here one statement finds the first due timer whose case no one holds and
locks that case (`FOR UPDATE OF process_instances SKIP LOCKED`): two sweepers take different timers and neither
waits for, or stumbles on, the other.

Exactly once, as before: the case's row stays locked until the transaction ends, and the timer is read again under
that lock. (The claim's own read of the timer may be older than the lock: a sweeper that fired the same timer and
committed between the claim statement's start and its lock leaves a pending row in the claim's snapshot, and the
timer fired in the fresh read.) A sweeper that dies mid-fire rolls back: the timer stays pending for the next claim.
On SQLite there is no FOR UPDATE: a writing transaction begins IMMEDIATE and holds the database's write lock, so
one sweeper at a time claims and fires."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, undefer

from db.models import ProcessInstance, Timer
from db.vocabulary import InstanceStatus, TimerStatus
from engine.context import EngineContext
from engine.runtime import standing, steps
from engine.spiff import clock


@dataclass(frozen=True)
class Claim:
    """A due timer and its case, whose row this transaction holds locked."""

    timer: Timer
    instance: ProcessInstance


def _claim_statement(*, passing: bool) -> Any:
    """The claim, with what the firing's step asks next of the case read along (engine.runtime.steps.along). Built
    once: building and keying it cost more than running it."""
    query = (
        select(Timer, ProcessInstance, *steps.along())
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .where(Timer.status == TimerStatus.PENDING, Timer.due_at <= bindparam("at"),
               ProcessInstance.status == InstanceStatus.RUNNING)
        .order_by(Timer.due_at)
        .limit(1)
        .options(undefer(ProcessInstance.state))
        .with_for_update(of=ProcessInstance, skip_locked=True)
        # The case's row as locked, not as an earlier read of this session left it.
        .execution_options(populate_existing=True)
    )
    return query.where(Timer.id.not_in(bindparam("passed", expanding=True))) if passing else query


_CLAIMS = {passing: _claim_statement(passing=passing) for passing in (False, True)}


def claim_due(session: Session, at: datetime, passed: Collection[int] = ()) -> Claim | None:
    """The first pending timer due by `at` of a running case that no other transaction holds, with that case
    locked to the end of this transaction; None when there is none. `passed`: timer ids not to claim again (those
    this sweep tried and could not fire)."""
    row = session.execute(_CLAIMS[bool(passed)], {"at": at, "passed": sorted(passed)} if passed else {"at": at}) \
        .one_or_none()
    if row is None:
        return None
    steps.took_along(session, row[1], row[2:])
    return Claim(row[0], row[1])


def fire_locked(session: Session, ctx: EngineContext, timer_id: int, instance: ProcessInstance,
                at: datetime) -> bool:
    """Fire the timer `timer_id` of `instance`, whose row the caller holds locked; False when, read again under
    that lock, it is no longer a pending timer due by `at` of a running case (another sweeper fired it, the case
    moved on). The case's open tasks and waiting timers are read again in one statement, kept for the step
    (engine.runtime.standing): the timer is among them while it waits."""
    standing.read(session, instance.id, task_id="")  # no task is being completed
    kept = standing.of(session, instance.id)
    timer = next((t for t in (kept.timers or ()) if t.id == timer_id), None) if kept is not None else None
    if timer is None or timer.status != TimerStatus.PENDING or timer.due_at > at \
            or instance.status != InstanceStatus.RUNNING:
        return False
    # `at` is the moment the sweep fires as of (`jarchy timers fire-due --at`): SpiffWorkflow must see it too.
    steps.advance(steps.open(session, ctx, instance, actor=None, at=at, now=clock.FrozenClock(max(at, ctx.now()))))
    # The projection updated this very row object (the session's identity map): no need to read it back.
    return timer.status == TimerStatus.FIRED


def fire_next(session: Session, ctx: EngineContext, at: datetime, passed: Collection[int] = (),
              on_claim: Callable[[int, int], None] | None = None) -> tuple[int, bool] | None:
    """Claim the next due timer (`claim_due`) and fire it: (its id, whether it fired), or None when nothing is left
    to claim. `on_claim(timer id, case id)` is told the claim before the firing, so that a caller whose firing fails
    (and whose transaction rolls back) knows which case it was."""
    claim = claim_due(session, at, passed)
    if claim is None:
        return None
    timer_id = claim.timer.id
    if on_claim is not None:
        on_claim(timer_id, claim.instance.id)
    return timer_id, fire_locked(session, ctx, timer_id, claim.instance, at)
