"""A requester's letter writes its dates as an official letter in its language does (issue 15, point 5): Russian,
Ukrainian and English in words, Kyrgyz and Uzbek in figures (a date in words takes a case ending from the sentence
around it), always on the office's clock with its offset from GMT, which says where that clock is."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.core.words import words

DUE = datetime.fromisoformat("2026-03-16T12:00:00+00:00")  # 18:00 in Bishkek, 14:00 in Kyiv


@pytest.mark.parametrize(("language", "zone", "written"), [
    ("ru", "Asia/Bishkek", "16 марта 2026\u202fг., 18:00 (GMT+06:00)"),
    ("uk", "Europe/Kyiv", "16 березня 2026\u202fр., 14:00 (GMT+02:00)"),
    ("en", "Asia/Bishkek", "March 16, 2026, 6:00\u202fPM (GMT+06:00)"),
    ("ky", "Asia/Bishkek", "16.03.2026 18:00 (GMT+06:00)"),
    ("uz", "Asia/Tashkent", "16.03.2026 17:00 (GMT+05:00)"),
    ("uz-Latn", "Asia/Tashkent", "16.03.2026 17:00 (GMT+05:00)"),
])
def test_a_letter_writes_a_moment_as_its_language_writes_it_officially(language: str, zone: str,
                                                                       written: str) -> None:
    assert words(language).letter_moment(DUE, ZoneInfo(zone)) == written
