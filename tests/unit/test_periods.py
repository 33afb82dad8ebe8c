"""The spans the dashboard counts over: weeks from Monday, calendar months, quarters and years, chosen days; the
span before and after; a span that cannot be shown refused at its parameter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.calendar.periods import Span, of_kind, resolve
from engine.core.errors import Code, Invalid

TODAY = date(2026, 3, 10)  # a Tuesday


@pytest.mark.parametrize(("kind", "day", "first", "last"), [
    ("week", date(2026, 3, 10), date(2026, 3, 9), date(2026, 3, 15)),
    ("week", date(2026, 3, 9), date(2026, 3, 9), date(2026, 3, 15)),  # a Monday begins its own week
    ("week", date(2026, 3, 15), date(2026, 3, 9), date(2026, 3, 15)),  # a Sunday ends it
    ("week", date(2026, 1, 1), date(2025, 12, 29), date(2026, 1, 4)),  # across the new year
    ("month", date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28)),
    ("month", date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29)),
    ("month", date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
    ("quarter", date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
    ("quarter", date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
    ("quarter", date(2026, 11, 5), date(2026, 10, 1), date(2026, 12, 31)),
    ("year", date(2026, 7, 1), date(2026, 1, 1), date(2026, 12, 31)),
])
def test_each_kind_of_period_holds_the_day_it_is_asked_by(kind: str, day: date, first: date, last: date) -> None:
    assert of_kind(kind, day) == Span(kind, first, last)


def test_with_nothing_asked_it_is_this_month() -> None:
    assert resolve(None, None, None, None, TODAY) == Span("month", date(2026, 3, 1), date(2026, 3, 31))
    assert resolve("quarter", None, None, None, TODAY) == Span("quarter", date(2026, 1, 1), date(2026, 3, 31))


def test_chosen_days_are_a_custom_period_with_or_without_saying_so() -> None:
    chosen = Span("custom", date(2026, 3, 5), date(2026, 3, 20))
    assert resolve("custom", None, date(2026, 3, 5), date(2026, 3, 20), TODAY) == chosen
    assert resolve(None, None, date(2026, 3, 5), date(2026, 3, 20), TODAY) == chosen


@pytest.mark.parametrize(("span", "before", "after"), [
    (Span("week", date(2026, 3, 9), date(2026, 3, 15)), Span("week", date(2026, 3, 2), date(2026, 3, 8)),
     Span("week", date(2026, 3, 16), date(2026, 3, 22))),
    (Span("month", date(2026, 1, 1), date(2026, 1, 31)), Span("month", date(2025, 12, 1), date(2025, 12, 31)),
     Span("month", date(2026, 2, 1), date(2026, 2, 28))),
    (Span("quarter", date(2026, 1, 1), date(2026, 3, 31)), Span("quarter", date(2025, 10, 1), date(2025, 12, 31)),
     Span("quarter", date(2026, 4, 1), date(2026, 6, 30))),
    (Span("custom", date(2026, 3, 5), date(2026, 3, 7)), Span("custom", date(2026, 3, 2), date(2026, 3, 4)),
     Span("custom", date(2026, 3, 8), date(2026, 3, 10))),
])
def test_the_period_before_and_after_are_of_the_same_kind(span: Span, before: Span, after: Span) -> None:
    assert (span.previous(), span.following()) == (before, after)


def test_a_period_runs_from_midnight_to_midnight_in_the_office_s_zone() -> None:
    start, end = Span("month", date(2026, 3, 1), date(2026, 3, 31)).moments(ZoneInfo("Asia/Bishkek"))
    assert start == datetime(2026, 2, 28, 18, 0, tzinfo=UTC)  # 00:00 on 1 March in Bishkek (UTC+6)
    assert end == datetime(2026, 3, 31, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "first", "last", "field", "code"), [
    ("custom", date(2026, 3, 10), date(2026, 3, 1), "to", Code.ENDS_BEFORE_START),
    ("custom", date(2026, 3, 10), None, "to", Code.GOES_WITH),
    ("custom", None, date(2026, 3, 10), "from", Code.GOES_WITH),
    ("decade", None, None, "period", Code.NOT_ONE_OF),
    ("custom", date(1800, 1, 1), date(2026, 3, 10), "from", Code.YEAR_OUT_OF_RANGE),
])
def test_a_period_that_cannot_be_shown_is_refused_at_its_parameter(kind: str, first: date | None, last: date | None,
                                                                   field: str, code: Code) -> None:
    with pytest.raises(Invalid) as refused:
        resolve(kind, None, first, last, TODAY)
    # The first entry names the offending parameter; a missing day also names what was given that asks for it.
    assert (refused.value.errors[0]["field"], refused.value.errors[0]["code"]) == (field, code)
    assert {e["field"] for e in refused.value.errors} <= {field, "period", "from", "to"}
