"""The cases list's filters beyond procedure and status, so that each figure of the dashboard opens exactly the cases
it counts (`engine.reads.dashboard` builds its figures from these same clauses).

Days are the office's: `started_from`..`started_to` and `closed_from`..`closed_to` run from the first day's midnight
to the midnight after the last, in the office's time zone. `overdue`: the case's deadline passed before it closed
(or, still open, before `now`); False: it closed by its deadline or has not reached it (or has none). `outcome`:
what the case ended with, as its data records it (an information request's `answered`, `refused`, `withdrawn`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_

from db.models import ProcessInstance
from engine.calendar.periods import day_moments


@dataclass(frozen=True)
class CaseFilters:
    tz: ZoneInfo
    now: datetime
    started_from: date | None = None
    started_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    overdue: bool | None = None
    unit: str | None = None
    no_unit: bool = False
    outcome: tuple[str, ...] = ()

    def clauses(self) -> list[ColumnElement[bool]]:
        found = _days(ProcessInstance.started_at, self.started_from, self.started_to, self.tz)
        found += _days(ProcessInstance.completed_at, self.closed_from, self.closed_to, self.tz)
        if self.overdue is not None:
            late = overdue_clause(self.now)
            found.append(late if self.overdue else ~late)
        if self.no_unit:
            found.append(ProcessInstance.unit_key.is_(None))
        elif self.unit:
            found.append(ProcessInstance.unit_key == self.unit)
        if self.outcome:
            found.append(ProcessInstance.data["outcome"].as_string().in_(self.outcome))
        return found


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """The deadline passed before the case closed, or before `now` while it is open (never NULL, so that its
    negation holds the cases without a deadline)."""
    due = ProcessInstance.due_at
    closed = ProcessInstance.completed_at
    return and_(due.is_not(None), or_(and_(closed.is_(None), due < now), and_(closed.is_not(None), due < closed)))


def _days(column: object, first: date | None, last: date | None, tz: ZoneInfo) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if first is not None:
        clauses.append(column >= day_moments(first, first, tz)[0])  # type: ignore[operator]
    if last is not None:
        clauses.append(column < day_moments(last, last, tz)[1])  # type: ignore[operator]
    return clauses
