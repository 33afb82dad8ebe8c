"""How long is left to act, read at a glance: whole working days, days or hours by the clock a case runs on, and
how urgent that is.

Hand-written: the counting is the business calendar's (engine.calendar.days); what is decided here is only which
count a person reads and the urgency's thresholds, which are the office's (docs/deadlines.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.calendar.days import BusinessCalendar

# The urgency of what is left: `overdue` (the moment has passed), `urgent` (its last working day, or under
# URGENT_HOURS on an hours clock), `soon` (up to SOON_DAYS working days, or under SOON_HOURS), `later`.
URGENCIES = ("overdue", "urgent", "soon", "later")
SOON_DAYS = 2
URGENT_HOURS = 12
SOON_HOURS = 24


@dataclass(frozen=True)
class TimeLeft:
    """`amount` whole `unit`s left before the due moment (0: its last day, or its last hour), or, `overdue`, the
    whole units it is late by (0: late since earlier today / within the hour)."""

    amount: int
    unit: str
    urgency: str

    @property
    def overdue(self) -> bool:
        return self.urgency == "overdue"


def time_left(due_at: datetime, now: datetime, cal: BusinessCalendar, unit: str = "working_days") -> TimeLeft:
    """What is left of `due_at` at `now`, counted in `unit` (`working_days`, `calendar_days` or `hours`): working
    days by the office's calendar (today never counts: 0 means due today), days on the calendar, hours to the
    hour. `ValueError` for a span beyond the calendar's bound."""
    late = now > due_at
    if unit == "hours":
        hours = int(abs(due_at - now).total_seconds() // 3600)
        if late:
            return TimeLeft(hours, unit, "overdue")
        return TimeLeft(hours, unit, "urgent" if hours < URGENT_HOURS else "soon" if hours < SOON_HOURS else "later")
    if unit == "calendar_days":
        days = abs((cal.local_date(due_at) - cal.local_date(now)).days)
    else:
        unit, days = "working_days", abs(cal.working_days_between(now, due_at))
    if late:
        return TimeLeft(days, unit, "overdue")
    return TimeLeft(days, unit, "urgent" if days == 0 else "soon" if days <= SOON_DAYS else "later")
