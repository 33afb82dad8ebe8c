"""The administrators' calendar overrides, kept in the database and applied to the engine's calendar
(engine/runtime/calendar_change.py writes them).

Every process (web, worker, CLI) reads the overrides' fingerprint before it counts days, so a change
made in one process applies in all of them at their next operation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from engine.context import EngineContext

from db.models import CalendarOverride
from engine.calendar.days import BusinessCalendar
from engine.core.errors import Invalid


def current(session: Session, ctx: EngineContext) -> BusinessCalendar:
    """The calendar with the overrides as stored now (reloaded only when they changed)."""
    fingerprint = tuple(session.execute(
        select(func.count(), func.max(CalendarOverride.changed_at))).one())
    if ctx.calendar_fingerprint != fingerprint:
        rows = session.scalars(select(CalendarOverride))
        ctx.use_overrides({r.day: (r.working, r.reason) for r in rows})
        ctx.calendar_fingerprint = fingerprint
    return ctx.cal


def add_working_days(session: Session, ctx: EngineContext, start: date, days: int) -> date:
    """The `days`-th working day after `start` by the calendar in force; beyond the calendar's reach `Invalid`."""
    try:
        return current(session, ctx).add_working_days(start, days)
    except ValueError as exc:
        reach = f"{days} working days from {start.isoformat()} lie beyond the calendar's reach of about ten years"
        raise Invalid(reach, [{"field": "days", "message": reach}]) from exc
