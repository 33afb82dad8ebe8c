"""The cases list's filters beyond procedure and status, so that each figure of the dashboard opens exactly the cases
it counts (`engine.reads.dashboard` builds its figures from these same clauses).

Days are the office's: `started_from`..`started_to` and `closed_from`..`closed_to` run from the first day's midnight
to the midnight after the last, in the office's time zone. `overdue`: the case's deadline passed before it closed
(or, still open, before `now`); False: it closed by its deadline or has not reached it (or has none). `outcome`:
what the case ended with, as its data records it (an information request's `answered`, `refused`, `withdrawn`).
`tone`, `published_from`..`published_to`: the media pieces registered as `publication_response` cases, by the tone
their start form records and the office-local day they were published (`published_pieces`, which the dashboard
counts its publications by tone with)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from db.models import ProcessInstance
from engine.calendar.periods import day_moments
from engine.core.moments import parse_moment

RESPONSE_KEY = "publication_response"


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
    tone: str | None = None
    published_from: date | None = None
    published_to: date | None = None

    def clauses(self, session: Session) -> list[ColumnElement[bool]]:
        """The conditions on the cases; `session` reads the pieces' publication days where they are asked."""
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
        if self.tone is not None:
            found += [ProcessInstance.process_key == RESPONSE_KEY,
                      ProcessInstance.data["tone"].as_string() == self.tone]
        if self.published_from is not None or self.published_to is not None:
            # A moment written with any offset has no portable SQL reading: the window's pieces are read here.
            ids = [piece for piece, _tone, _day in published_pieces(session, self.tz, self.published_from,
                                                                   self.published_to, self.tone)]
            found.append(ProcessInstance.id.in_(ids))
        return found


def published_pieces(session: Session, tz: ZoneInfo, first: date | None, last: date | None,
                     tone: str | None = None) -> list[tuple[int, str | None, date]]:
    """The media pieces (`publication_response` cases) published on the office-local days `first`..`last` (either
    open), of `tone` if given: (case id, tone, day published). A piece is registered after it appears, so only the
    cases registered since `first` are read."""
    query = select(ProcessInstance.id, ProcessInstance.data).where(ProcessInstance.process_key == RESPONSE_KEY)
    if first is not None:
        query = query.where(ProcessInstance.started_at >= day_moments(first, first, tz)[0])
    if tone is not None:
        query = query.where(ProcessInstance.data["tone"].as_string() == tone)
    pieces = []
    for piece, data in session.execute(query):
        day = _published((data or {}).get("published_at"), tz)
        if day is not None and (first is None or first <= day) and (last is None or day <= last):
            pieces.append((piece, (data or {}).get("tone"), day))
    return pieces


def _published(value: Any, tz: ZoneInfo) -> date | None:
    moment = parse_moment(value)
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(tz).date()


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
