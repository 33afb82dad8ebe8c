"""Cases started by their process's timer start event: each due occurrence starts one case, once among
parallel sweepers; an occurrence whose case cannot be started is passed over with its reason in the history.
The schedules themselves (registering, evaluating, rescheduling) are engine/procedures/schedules.py."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import ProcessDefinition, StartTimer
from db.vocabulary import EventType
from engine.audit import chain
from engine.calendar import overrides
from engine.calendar.days import BusinessCalendar
from engine.context import EngineContext
from engine.core.faults import describe
from engine.procedures import schedules
from engine.runtime import operations

log = logging.getLogger(__name__)


def due_ids(session: Session, at: datetime) -> list[int]:
    """The start timers whose next occurrence is due by `at`."""
    return list(session.scalars(select(StartTimer.id).where(
        StartTimer.active.is_(True), StartTimer.next_at.is_not(None), StartTimer.next_at <= at)))


def skip_occurrence(session: Session, ctx: EngineContext, timer_id: int, exc: Exception, at: datetime) -> None:
    """An occurrence whose case could not be started is passed over, once, with its reason in the history;
    the schedule goes on with the next occurrence (or stops, when that cannot be computed either)."""
    row = session.get(StartTimer, timer_id)
    if row is None or not row.active or row.next_at is None:
        return
    claimed = _claim_occurrence(session, ctx, row, at)
    if claimed is None:
        return  # stopped, or another sweeper passed it over (or started it) meanwhile
    occurrence, _, following = claimed
    log.warning("start timer %s of %s did not start a case at %s: %s", row.start_event_id, row.process_key,
                occurrence.isoformat(), describe(exc))
    chain.record(session, type=EventType.START_TIMER_FAILED, at=at, actor=None, subject=f"definition:{row.process_key}",
                 after={"process_key": row.process_key, "start_event_id": row.start_event_id,
                        "occurrence": occurrence.isoformat(), "message": describe(exc),
                        "next_at": following.isoformat() if following else None})


def _claim_occurrence(session: Session, ctx: EngineContext, row: StartTimer, at: datetime
                      ) -> tuple[datetime, BusinessCalendar | None, datetime | None] | None:
    """Move the start timer past its due occurrence, once among parallel sweepers: the occurrence, the calendar it
    keeps to (or None) and the following occurrence; None when the schedule stopped or another sweeper claimed it."""
    occurrence = row.next_at
    assert occurrence is not None
    cal = overrides.current(session, ctx) if row.working_days_only else None
    found = schedules.next_or_stop(session, ctx, row, at, since=at, cal=cal, strictly_after=max(at, occurrence))
    if found is None:
        return None
    following = found[0]
    claimed = session.execute(
        update(StartTimer).where(StartTimer.id == row.id, StartTimer.next_at == occurrence)
        .values(next_at=following, active=following is not None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return (occurrence, cal, following) if claimed == 1 else None


def start_one(session: Session, ctx: EngineContext, timer_id: int, at: datetime) -> int:
    row = session.get(StartTimer, timer_id)
    if row is None or not row.active or row.next_at is None or row.next_at > at:
        return 0
    claimed = _claim_occurrence(session, ctx, row, at)
    if claimed is None:
        return 0
    occurrence, cal, _ = claimed
    if cal is not None and not cal.is_working_day(occurrence):
        return 0  # declared a day off after this occurrence was scheduled: skipped, the next one stands
    definition = session.get(ProcessDefinition, row.definition_id)
    assert definition is not None
    operations.start_scheduled(session, ctx, definition, occurrence=occurrence.astimezone(ctx.cal.timezone), at=at)
    return 1
