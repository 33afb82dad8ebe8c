"""The administrators' calendar overrides, kept in the database and applied to the engine's calendar
(engine/runtime/calendar_change.py writes them).

Every process (web, worker, CLI) reads the overrides' fingerprint once a transaction, before it first counts
days, so a change made in one process applies in all of them at their next operation (each is a transaction of
its own): a task completion asks for the calendar three times and reads it once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from engine.context import EngineContext

from db.models import CalendarOverride
from db.session import held_for_transaction, hold_for_transaction
from engine.calendar.days import BusinessCalendar
from engine.core.errors import Code, Invalid

# session.info, each for the transaction that read it: the context the fingerprint was checked for; a fingerprint
# read with another statement.
CHECKED = "jarchy_calendar_checked"
READ_ALONG = "jarchy_calendar_read_along"


def current(session: Session, ctx: EngineContext) -> BusinessCalendar:
    """The calendar with the overrides as stored when this transaction first asked (reloaded only when they
    changed)."""
    if held_for_transaction(session, CHECKED) is ctx:
        return ctx.cal
    read = held_for_transaction(session, READ_ALONG)
    if read is None:
        read = tuple(session.execute(select(*fingerprint())).one())
    if ctx.calendar_fingerprint != read:
        rows = session.scalars(select(CalendarOverride))
        ctx.use_overrides({r.day: (r.working, r.reason) for r in rows})
        ctx.calendar_fingerprint = read
    hold_for_transaction(session, CHECKED, ctx)
    return ctx.cal


def fingerprint() -> tuple[Any, Any]:
    """The overrides' fingerprint as two scalar subqueries, for a statement that reads something else at the start
    of a transaction anyway (locking a case: engine.runtime.steps.lock) to read along and hand to `read_along`."""
    return (select(func.count()).select_from(CalendarOverride).scalar_subquery(),
            select(func.max(CalendarOverride.changed_at)).scalar_subquery())


def read_along(session: Session, read: tuple[Any, ...]) -> None:
    """The fingerprint this transaction read along with something else: `current` takes it instead of asking."""
    hold_for_transaction(session, READ_ALONG, read)


def reload(session: Session, ctx: EngineContext) -> BusinessCalendar:
    """The calendar after this transaction changed the overrides: their fingerprint is read again."""
    session.info.pop(CHECKED, None)
    session.info.pop(READ_ALONG, None)  # read before the change
    return current(session, ctx)


def add_working_days(session: Session, ctx: EngineContext, start: date, days: int) -> date:
    """The `days`-th working day after `start` by the calendar in force; beyond the calendar's reach `Invalid`."""
    try:
        return current(session, ctx).add_working_days(start, days)
    except ValueError as exc:
        reach = f"{days} working days from {start.isoformat()} lie beyond the calendar's reach of about ten years"
        raise Invalid(reach, [{"field": "days", "message": reach}], code=Code.BEYOND_CALENDAR,
                      params={"days": days, "start": start.isoformat()}) from exc
