"""The administrators' calendar overrides, kept in the database and applied to the engine's calendar.

Every process (web, worker, CLI) reads the overrides' fingerprint before it counts days, so a change
made in one process applies in all of them at their next operation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import CalendarOverride, ProcessInstance
from engine import audit, case_failures
from engine.calendar import BusinessCalendar
from engine.context import EngineContext
from engine.errors import Invalid


def current(session: Session, ctx: EngineContext) -> BusinessCalendar:
    """The calendar with the overrides as stored now (reloaded only when they changed)."""
    fingerprint = tuple(session.execute(
        select(func.count(), func.max(CalendarOverride.changed_at))).one())
    if ctx.calendar_fingerprint != fingerprint:
        rows = session.scalars(select(CalendarOverride))
        ctx.use_overrides({r.day: (r.working, r.reason) for r in rows})
        ctx.calendar_fingerprint = fingerprint
    return ctx.cal


def set_override(session: Session, ctx: EngineContext, *, day: date, working: bool, reason: str,
                 actor: str, at: datetime) -> tuple[CalendarOverride, list[int]]:
    """Declare a day working or not; every running case with a deadline is recomputed. Returns the
    override and the ids of the cases whose deadline moved."""
    from engine import runtime, schedules  # both need this module's `current`

    row = session.get(CalendarOverride, day)
    before = {"working": row.working, "reason": row.reason} if row else {
        "working": current(session, ctx).is_working_day(day), "reason": current(session, ctx).reason(day)}
    if row is None:
        row = CalendarOverride(day=day, working=working, reason=reason, changed_by=actor, changed_at=at)
        session.add(row)
    else:
        row.working, row.reason, row.changed_by, row.changed_at = working, reason, actor, at
    session.flush()
    audit.record(session, type="calendar.override_set", at=at, actor=actor, subject=f"calendar:{day.isoformat()}",
                 before=before, after={"working": working, "reason": reason})
    current(session, ctx)
    schedules.reschedule_working_days(session, ctx, at)
    # Case by case, each in a savepoint: a case that cannot be recounted is recorded failed, the others move.
    moved = [instance_id for instance_id in _cases_with_deadlines(session)
             if case_failures.in_savepoint(
                 session, instance_id,
                 lambda instance_id=instance_id: runtime.recompute_deadline(session, ctx, instance_id, actor=actor,
                                                                            why="calendar changed"),
                 doing="its deadline could not be counted again after a calendar change", at=at, actor=actor)]
    return row, moved


def add_working_days(session: Session, ctx: EngineContext, start: date, days: int) -> date:
    """The `days`-th working day after `start` by the calendar in force; beyond the calendar's reach `Invalid`."""
    try:
        return current(session, ctx).add_working_days(start, days)
    except ValueError as exc:
        reach = f"{days} working days from {start.isoformat()} lie beyond the calendar's reach of about ten years"
        raise Invalid(reach, [{"field": "days", "message": reach}]) from exc


def _cases_with_deadlines(session: Session) -> list[int]:
    return list(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.status == "running", ProcessInstance.due_at.is_not(None)).order_by(ProcessInstance.id)))


def describe(row: CalendarOverride) -> dict[str, Any]:
    return {"date": row.day, "working": row.working, "reason": row.reason, "changed_by": row.changed_by,
            "changed_at": row.changed_at}
