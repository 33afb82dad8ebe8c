"""A due date read at a glance (issue 16, point 2): what is left counted on the case's clock by the office's
calendar, its urgency, and how a deadline was derived, step by step, from the case's own record."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import deadlines
from engine.calendar.days import BusinessCalendar
from engine.calendar.deadline_story import story
from engine.calendar.time_left import time_left
from engine.core.jurisdiction import load
from engine.core.settings import LANGUAGES

BISHKEK, KYIV, TASHKENT = ZoneInfo("Asia/Bishkek"), ZoneInfo("Europe/Kyiv"), ZoneInfo("Asia/Tashkent")
KG = BusinessCalendar("KG", "Asia/Bishkek")
# Received on Friday 25 December 2026: 14 working days skip two weekends before the New Year, the New Year
# holidays (1-6 January) and Orthodox Christmas (7 January), and end on Thursday 21 January 2027.
RECEIVED = datetime(2026, 12, 25, 10, 0, tzinfo=BISHKEK)
DUE = datetime(2027, 1, 21, 18, 0, tzinfo=BISHKEK)


def at(day: int, month: int = 1, year: int = 2027, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=BISHKEK)


@pytest.mark.parametrize(("now", "amount", "urgency"), [
    (at(28, 12, 2026), 13, "later"),  # Monday after receipt: that day does not count as left
    (at(8), 9, "later"),  # the holidays are over: 8 January to 21 January holds 9 working days
    (at(19), 2, "soon"),
    (at(20), 1, "soon"),
    (at(21), 0, "urgent"),  # the last working day: due today
    (at(21, hour=19), 0, "overdue"),  # past 18:00 on that day: late since earlier today
    (at(25), 2, "overdue"),  # Monday 25 January: two working days late (22 and 25)
])
def test_working_days_left_count_the_office_calendar(now: datetime, amount: int, urgency: str) -> None:
    left = time_left(DUE, now, KG)
    assert (left.amount, left.unit, left.urgency) == (amount, "working_days", urgency)


def test_a_holiday_is_not_a_working_day_left() -> None:
    # From 31 December to 8 January every day is a weekend or a holiday: one working day left, not eight.
    assert time_left(at(8, hour=18), at(31, 12, 2026), KG).amount == 1


def test_an_hours_clock_counts_hours_round_the_clock() -> None:
    ua = BusinessCalendar("UA", "Europe/Kyiv")
    due = datetime(2026, 12, 14, 10, 0, tzinfo=KYIV)  # 48 hours from Saturday 10:00: weekends count
    left = time_left(due, datetime(2026, 12, 12, 10, 0, tzinfo=KYIV), ua, "hours")
    assert (left.amount, left.urgency) == (48, "later")
    assert (time_left(due, datetime(2026, 12, 13, 14, 0, tzinfo=KYIV), ua, "hours").amount,
            time_left(due, datetime(2026, 12, 13, 14, 0, tzinfo=KYIV), ua, "hours").urgency) == (20, "soon")
    assert time_left(due, datetime(2026, 12, 14, 9, 15, tzinfo=KYIV), ua, "hours").urgency == "urgent"
    late = time_left(due, datetime(2026, 12, 14, 13, 0, tzinfo=KYIV), ua, "hours")
    assert (late.amount, late.urgency) == (3, "overdue")


def test_a_calendar_days_clock_counts_every_day() -> None:
    uz = BusinessCalendar("UZ", "Asia/Tashkent")
    due = datetime(2026, 12, 21, 18, 0, tzinfo=TASHKENT)
    left = time_left(due, datetime(2026, 12, 14, 9, 0, tzinfo=TASHKENT), uz, "calendar_days")
    assert (left.amount, left.unit, left.urgency) == (7, "calendar_days", "later")


def test_the_story_names_each_day_that_did_not_count_in_the_readers_language() -> None:
    told = story(deadlines.start(RECEIVED, 14, KG), KG, "ru")
    assert told is not None
    assert told.received == RECEIVED and told.due_at == DUE
    assert (told.amount, told.unit, told.urgent) == (14, "working_days", False)
    assert told.weekend_days == 6  # 26-27 December, 9-10 and 16-17 January
    assert [(d.date, d.kind) for d in told.days] == [(date(2027, 1, n), "holiday") for n in range(1, 8)]
    assert told.days[0].names == ("Новый год",) and told.days[6].names == ("Рождество Христово",)
    assert story(deadlines.start(RECEIVED, 14, KG), KG, "en").days[6].names == ("Christmas Day",)


def test_the_story_keeps_the_pauses_extensions_and_the_offices_own_days() -> None:
    cal = KG.with_overrides({date(2027, 1, 20): (False, "Day of mourning")})
    deadline = deadlines.start(RECEIVED, 14, cal)
    deadline = deadlines.pause(deadline, at(11))
    deadline = deadlines.resume(deadline, at(13, hour=12), cal)  # 11 to 13 January: 2 working days waited
    deadline = deadlines.extend(deadline, 5, "The answer needs the archive's records", "pr", at(14))
    told = story(deadline, cal, "en", closed_at=datetime(2027, 2, 5, 17, 0, tzinfo=BISHKEK))
    assert told is not None
    assert [(p.start, p.end, p.amount) for p in told.pauses] == [(at(11), at(13, hour=12), 2)]
    assert [(e.amount, e.reason, e.by) for e in told.extensions] == [
        (5, "The answer needs the archive's records", "pr")]
    assert (date(2027, 1, 20), "office_day_off", ("Day of mourning",)) in [
        (d.date, d.kind, d.names) for d in told.days]
    # 14 + 2 paused + 5 extended = 21 working days, the office's day off skipped: Tuesday 2 February.
    assert told.due_at == datetime(2027, 2, 2, 18, 0, tzinfo=BISHKEK)
    assert told.due_at.isoformat() == deadlines.due(deadline, cal)
    assert told.closed is not None and (told.closed.urgency, told.closed.amount) == ("overdue", 3)


def test_a_case_closed_in_time_says_so_and_an_open_pause_has_no_end() -> None:
    paused = deadlines.pause(deadlines.start(RECEIVED, 14, KG), at(11))
    told = story(paused, KG, "en", closed_at=at(12))
    assert told is not None and told.pauses[0].end is None and told.pauses[0].amount == 0
    assert told.closed is not None and told.closed.urgency != "overdue"


def test_a_calendar_day_clock_moved_off_a_day_of_rest_says_so() -> None:
    uz = BusinessCalendar("UZ", "Asia/Tashkent")
    # 7 days from Sunday 6 December 2026 end on Sunday 13 December, a day of rest: moved to Monday.
    told = story(deadlines.start(datetime(2026, 12, 6, 10, 0, tzinfo=TASHKENT), 7, uz, "calendar_days"), uz, "en")
    assert told is not None and told.moved and told.due_at.date() == date(2026, 12, 14)


def test_no_story_for_a_case_without_a_deadline() -> None:
    assert story(None, KG, "en") is None and story({"amount": 5}, KG, "en") is None


@pytest.mark.parametrize("key", ["KG", "UA", "UZ"])
def test_every_shipped_clock_words_its_ground_in_every_interface_language(key: str) -> None:
    profile = load(key)
    for process_key, urgent, _amount, _unit in profile.clocks():
        for language in LANGUAGES:
            found = profile.ground(process_key, language, urgent=urgent)
            assert found is not None and found[1] == language and found[0].strip(), (key, process_key, language)
        assert not any("а" <= ch <= "я" for ch in profile.ground(process_key, "uz-Latn", urgent=urgent)[0].lower())
    # The urgent track has a ground of its own (Ukraine's 48 hours).
    if key == "UA":
        assert "48" in profile.ground("public_information_request", "uk", urgent=True)[0]
        assert "48" not in profile.ground("public_information_request", "uk")[0]
