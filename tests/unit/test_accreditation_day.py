"""`x-accredited-on` asks the registry about the office's day: an event at 20:00 UTC on 5 March is on 6 March in
Bishkek, and "today" at 20:00 UTC on 1 March is already 2 March there."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.procedures.forms import Invalid, validate

BISHKEK = ZoneInfo("Asia/Bishkek")
SCHEMA = {"type": "object", "properties": {"journalist": {"type": "integer", "x-registry": "journalist",
                                                          "x-accredited-on": "held_at"}}}


class Registry:
    """Accredited until 5 March 2026 inclusive; records the days it was asked about."""

    def __init__(self) -> None:
        self.asked: list[date | None] = []

    def journalist_problem(self, journalist_id: int, day: date | None) -> str | None:
        self.asked.append(day)
        return None if day is not None and day <= date(2026, 3, 5) else "the accreditation expired on 2026-03-05"

    def list_exists(self, list_id: int) -> bool:
        return True


def check(case: dict[str, str], now: datetime) -> Registry:
    registry = Registry()
    validate(SCHEMA, {"journalist": 1}, now=now.astimezone(BISHKEK), unit_exists=lambda _: True, case=case,
             registry=registry)
    return registry


def test_an_event_late_in_the_utc_day_is_on_the_next_office_day() -> None:
    with pytest.raises(Invalid):
        check({"held_at": "2026-03-05T20:00:00+00:00"}, datetime(2026, 3, 1, 9, tzinfo=BISHKEK))
    assert check({"held_at": "2026-03-05T17:00:00+00:00"}, datetime(2026, 3, 1, 9, tzinfo=BISHKEK)).asked == [
        date(2026, 3, 5)]  # 23:00 in Bishkek: still the 5th


def test_today_is_the_offices_day() -> None:
    late_utc = datetime(2026, 3, 5, 20, 0, tzinfo=ZoneInfo("UTC"))  # 02:00 on the 6th in Bishkek
    with pytest.raises(Invalid):
        check({}, late_utc)
    assert check({}, datetime(2026, 3, 5, 17, 0, tzinfo=ZoneInfo("UTC"))).asked == [date(2026, 3, 5)]
