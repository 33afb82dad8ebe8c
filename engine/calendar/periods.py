"""The spans a reader looks at figures over: a week (Monday to Sunday), a calendar month, quarter or year, or any
days they choose, in the office's time zone.

A span is given by its kind and one day inside it (`at`; today when none), or, for `custom`, by its first and last
day. Its moments run from the first day's midnight to the midnight after its last day, in the office's zone, so a
case started at 23:30 on 31 March in the office counts in March whatever the server's clock says. Pure functions
over dates (healthchecks' `hc/lib/date.py` style): the dashboard and its API call them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.core.errors import Code, Invalid, problem

KINDS = ("week", "month", "quarter", "year", "custom")
DEFAULT_KIND = "month"
FIRST_YEAR, LAST_YEAR = 1900, 2200  # the days a span may name (its neighbours stay representable)


@dataclass(frozen=True)
class Span:
    kind: str  # one of KINDS
    first: date
    last: date  # included

    def moments(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end): the first day's midnight and the midnight after the last day, in `tz`."""
        return day_moments(self.first, self.last, tz)

    def previous(self) -> Span:
        """The span of the same kind just before (for a custom span, as many days just before)."""
        if self.kind == "custom":
            days = (self.last - self.first).days + 1
            return Span("custom", self.first - timedelta(days=days), self.first - timedelta(days=1))
        return of_kind(self.kind, self.first - timedelta(days=1))

    def following(self) -> Span:
        if self.kind == "custom":
            days = (self.last - self.first).days + 1
            return Span("custom", self.last + timedelta(days=1), self.last + timedelta(days=days))
        return of_kind(self.kind, self.last + timedelta(days=1))


def day_moments(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return datetime.combine(first, time(), tzinfo=tz), datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)


def of_kind(kind: str, day: date) -> Span:
    """The week (from Monday), month, quarter or year that holds `day`."""
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Span(kind, monday, monday + timedelta(days=6))
    if kind == "year":
        return Span(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    months = 3 if kind == "quarter" else 1
    month = day.month - (day.month - 1) % months
    after = month + months
    following = date(day.year + (after - 1) // 12, (after - 1) % 12 + 1, 1)
    return Span(kind, date(day.year, month, 1), following - timedelta(days=1))


def resolve(kind: str | None, at: date | None, first: date | None, last: date | None, today: date) -> Span:
    """The span asked for; `Invalid` naming the offending parameter (`period`, `from`, `to`) otherwise."""
    kind_given = kind
    kind = kind or ("custom" if first is not None or last is not None else DEFAULT_KIND)
    if kind not in KINDS:
        raise Invalid("unknown period", [problem("period", Code.NOT_ONE_OF, f"must be one of {', '.join(KINDS)}",
                                                 value=kind, choices=list(KINDS))], code=Code.INVALID_INPUT)
    for name, day in (("at", at), ("from", first), ("to", last)):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Invalid("the day is out of range", [problem(name, Code.YEAR_OUT_OF_RANGE, "is out of range",
                                                              first=FIRST_YEAR, last=LAST_YEAR)],
                          code=Code.INVALID_INPUT)
    if kind != "custom":
        return of_kind(kind, at or today)
    if first is None or last is None:
        missing = [name for name, day in (("from", first), ("to", last)) if day is None]
        raise Invalid("a custom period needs its first and last day",
                      [problem(name, Code.GOES_WITH, "is required with 'period' custom", other="period")
                       for name in missing]
                      # what was given asks for what is missing: named too, for a client that sent only that
                      + [problem(name, Code.GOES_WITH, f"needs '{missing[0]}'", other=missing[0])
                         for name, given in (("period", kind_given), ("from", first), ("to", last))
                         if given is not None],
                      code=Code.INVALID_INPUT)
    if last < first:
        raise Invalid("the period ends before it begins", [problem("to", Code.ENDS_BEFORE_START, "is before 'from'")],
                      code=Code.ENDS_BEFORE_START)
    return Span("custom", first, last)
