"""How a case's deadline was derived, step by step, from the case's own record: when the request was received,
what the law counts, which days did not count and why, when the clock was paused and extended, and the due moment
that results. A complaint about a late answer is answered with it.

It reads the deadline the case keeps (engine.calendar.deadlines: `from`, `amount`, `unit`, `pauses`,
`extensions`) and the calendar the case is counted by; it decides nothing. Hand-written: it explains the
office's own rule (engine.calendar.deadlines), which no library knows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.calendar import deadlines
from engine.calendar.days import MAX_SPAN_DAYS, BusinessCalendar
from engine.calendar.time_left import TimeLeft, time_left
from engine.core.moments import parse_moment

# Days of rest a page names one by one; plain weekends are counted, not listed.
NAMED_KINDS = ("holiday", "day_off", "office_day_off")


@dataclass(frozen=True)
class Day:
    """A day that counted otherwise than its weekday says: a day of rest (`holiday`, `day_off`, `office_day_off`)
    or a weekend day worked (`worked_by_decree`, `office_working_day`); `names`: the holiday's names in the
    reader's language, or the reason the office gave for its override, as typed."""

    date: date
    kind: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None  # None: still paused
    amount: int  # in the deadline's unit; 0 while open


@dataclass(frozen=True)
class Extension:
    amount: int  # working days
    reason: str
    by: str
    at: datetime | None


@dataclass(frozen=True)
class Story:
    received: datetime
    amount: int
    unit: str
    urgent: bool
    weekend_days: int  # weekend days between receipt and the due day that did not count
    days: tuple[Day, ...]  # the other days that counted otherwise, in date order
    moved: bool  # a calendar-day deadline whose last day fell on a day of rest, moved to the next working day
    pauses: tuple[Pause, ...]
    extensions: tuple[Extension, ...]
    due_at: datetime
    closed: TimeLeft | None  # a closed case: what was left of the deadline when it closed (`overdue`: late by)


def story(deadline: Any, cal: BusinessCalendar, language: str, *, closed_at: datetime | None = None,
          catalogs: Path | None = None) -> Story | None:
    """The derivation of `deadline` on `cal`, its holidays named in `language` (the package's names, else the
    compiled `catalogs`' reviewed ones), and, for a case closed at `closed_at`, how it closed against it; None for
    no deadline, or one the calendar cannot count (no start, or a span beyond its bound)."""
    if not isinstance(deadline, dict):
        return None
    received = parse_moment(deadline.get("from"))
    if received is None:
        return None
    unit = deadlines.unit_of(deadline)
    try:
        due_at = datetime.fromisoformat(deadlines.due(deadline, cal))
        weekend_days, days = _counted_otherwise(received, due_at, cal, (language, catalogs), unit,
                                                bool(deadline.get("extensions")))
    except (KeyError, ValueError):
        return None
    return Story(
        received=received, amount=deadlines.amount_of(deadline), unit=unit, urgent=bool(deadline.get("urgent")),
        weekend_days=weekend_days, days=days, moved=_moved(deadline, received, cal, unit),
        pauses=tuple(_pause(p) for p in deadline.get("pauses", []) if parse_moment(p.get("from"))),
        extensions=tuple(Extension(int(e.get("days", 0)), str(e.get("reason", "")), str(e.get("by", "")),
                                   parse_moment(e.get("at"))) for e in deadline.get("extensions", [])),
        due_at=due_at, closed=time_left(due_at, closed_at, cal, unit) if closed_at else None)


def _counted_otherwise(received: datetime, due_at: datetime, cal: BusinessCalendar,
                       reader: tuple[str, Path | None], unit: str, extended: bool) -> tuple[int, tuple[Day, ...]]:
    """Between the day of receipt (excluded) and the due day (included): the weekend days not counted, and every
    other day that counted otherwise than its weekday says. An hours clock runs round the clock: only its
    extension, in working days, skips days."""
    if unit == "hours" and not extended:
        return 0, ()
    first, last = cal.local_date(received), cal.local_date(due_at)
    if (last - first).days > MAX_SPAN_DAYS:
        raise ValueError("span beyond the calendar's bound")
    weekend, days = 0, []
    for offset in range(1, (last - first).days + 1):
        day = first + timedelta(days=offset)
        kind = cal.kind(day)
        if kind == "weekend":
            weekend += 1
        elif kind != "working":
            days.append(Day(day, kind, _names(cal, day, kind, reader)))
    return weekend, tuple(days)


def _names(cal: BusinessCalendar, day: date, kind: str, reader: tuple[str, Path | None]) -> tuple[str, ...]:
    """The holiday's names in the reader's language (and its catalogs), or the office's reason as typed."""
    if kind.startswith("office_"):
        reason = cal.overrides().get(day, (False, ""))[1]
        return (reason,) if reason else ()
    return tuple(cal.holiday_names(day, *reader)) if kind == "holiday" else ()


def _moved(deadline: dict[str, Any], received: datetime, cal: BusinessCalendar, unit: str) -> bool:
    if unit != "calendar_days":
        return False
    paused = sum(int(p.get("days", 0)) for p in deadline.get("pauses", []) if p.get("to"))
    last = cal.local_date(received) + timedelta(days=deadlines.amount_of(deadline) + paused)
    return not cal.is_working_day(last)


def _pause(pause: dict[str, Any]) -> Pause:
    start = parse_moment(pause["from"])
    assert start is not None
    end = parse_moment(pause.get("to"))
    return Pause(start, end, int(pause.get("hours", pause.get("days", 0))) if end else 0)
