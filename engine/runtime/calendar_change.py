"""An administrator declares a day working or not: the override is stored, and every running case's deadline
and every start timer that keeps to working days is counted again, case by case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CalendarOverride, ProcessInstance
from db.vocabulary import EventType, InstanceStatus
from engine.audit import chain
from engine.calendar import overrides
from engine.context import EngineContext
from engine.people.access import Actor, actor_name, check_may_administer
from engine.procedures import schedules
from engine.runtime import case_failures, operations


def set_override(session: Session, ctx: EngineContext, *, day: date | Callable[[], date], working: bool, reason: str,
                 actor: Actor, at: datetime) -> tuple[CalendarOverride, list[int]]:
    """Declare a day working or not; every running case with a deadline is recomputed. Returns the
    override and the ids of the cases whose deadline moved. `day` may be how to read the day from a request: it is
    read once the actor may set overrides, so a refusal comes before a complaint about the input."""
    check_may_administer(actor)
    if callable(day):
        day = day()
    name = actor_name(actor)
    row = session.get(CalendarOverride, day)
    before = {"working": row.working, "reason": row.reason} if row else {
        "working": overrides.current(session, ctx).is_working_day(day),
        "reason": overrides.current(session, ctx).reason(day)}
    if row is None:
        row = CalendarOverride(day=day, working=working, reason=reason, changed_by=name, changed_at=at)
        session.add(row)
    else:
        row.working, row.reason, row.changed_by, row.changed_at = working, reason, name, at
    session.flush()
    chain.record(session, type=EventType.CALENDAR_OVERRIDE_SET, at=at, actor=name,
                 subject=f"calendar:{day.isoformat()}", before=before, after={"working": working, "reason": reason})
    overrides.reload(session, ctx)
    schedules.reschedule_working_days(session, ctx, at)
    # Case by case, each in a savepoint: a case that cannot be recounted is recorded failed, the others move.
    moved = [instance_id for instance_id in _cases_with_deadlines(session)
             if case_failures.in_savepoint(
                 session, instance_id,
                 lambda instance_id=instance_id: operations.recompute_deadline(
                     session, ctx, instance_id, actor=name, why="calendar changed"),
                 doing="its deadline could not be counted again after a calendar change", at=at, actor=name)]
    return row, moved


def _cases_with_deadlines(session: Session) -> list[int]:
    return list(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.status == InstanceStatus.RUNNING, ProcessInstance.due_at.is_not(None))
        .order_by(ProcessInstance.id)))
