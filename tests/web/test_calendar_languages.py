"""The calendar page and a case's deadline name public holidays in the reader's language on every jurisdiction's
install, and word why a day counts from its kind, never the engine's English (issue 15, after review): a Kyrgyz
install read in Uzbek (both scripts) and Ukrainian, an Uzbek install read in Kyrgyz, Russian and Cyrillic Uzbek,
where the `holidays` package has no translation of the country's names."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from tests import cases
from tests.conftest import REQUEST
from tests.web.conftest import text

LATIN_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def month_notes(web: Any, month: str, language: str) -> str:
    """The calendar's list of this month's holidays and exceptions, as text, read in `language`."""
    web.post("/language", {"locale": language, "next": "/admin/calendar"})
    page = unescape(text(web.get(f"/admin/calendar?month={month}"))).replace("\u202f", " ").replace("\xa0", " ")
    notes = page.split('<ul class="month-notes">')[1].split("</ul>")[0]
    return re.sub(r"<[^>]+>", "", notes)


def day_note(notes: str, day: str) -> str:
    """The line of the month's notes about `day` (as the page writes the date)."""
    found = next((line.strip() for line in notes.splitlines() if line.strip().startswith(day)), None)
    assert found is not None, notes
    return found


@pytest.mark.parametrize(("language", "womens_day", "nooruz"), [
    ("uz", "Халқаро хотин-қизлар куни", "Наврўз байрами"),
    ("uz-Latn", "Xalqaro xotin-qizlar kuni", "Navro\u02bbz bayrami"),
    ("uk", "Міжнародний жіночий день", "Народне свято Нооруз"),
])
def test_a_kyrgyz_install_names_its_holidays_in_uzbek_and_ukrainian(page_as: Any, language: str, womens_day: str,
                                                                     nooruz: str) -> None:
    notes = month_notes(page_as("admin"), "2026-03", language)
    assert womens_day in notes and nooruz in notes
    assert "Women" not in notes and "Nooruz Holiday" not in notes and "Eid" not in notes
    if language != "uz-Latn":
        assert LATIN_WORD.findall(notes) == []


@pytest.mark.jurisdiction("UZ")
@pytest.mark.parametrize(("language", "navruz_moved", "eid"), [
    ("ky", "Нооруз майрамы (жылдырылган дем алыш күнү)", "Орозо айт (датасы болжолдуу)"),
    ("ru", "Праздник Навруз (перенесённый выходной)", "Ураза-байрам (дата ориентировочная)"),
    ("uz", "Наврўз байрами (кўчирилган дам олиш куни)", "Рўза ҳайит (санаси тахминий)"),
])
def test_an_uzbek_install_names_its_holidays_in_kyrgyz_russian_and_cyrillic_uzbek(
        page_as: Any, language: str, navruz_moved: str, eid: str) -> None:
    notes = month_notes(page_as("admin"), "2026-03", language)
    assert navruz_moved in notes and eid in notes
    assert LATIN_WORD.findall(notes) == []


@pytest.mark.jurisdiction("UZ")
def test_the_saturday_worked_by_decree_is_worded_with_its_day_off(page_as: Any) -> None:
    web = page_as("admin")
    notes = month_notes(web, "2026-12", "ru")
    assert day_note(notes, "12 декабря 2026 г.") == (
        "12 декабря 2026 г.: рабочий день, Выходной, рабочий по постановлению; "
        "выходной перенесён на 31 декабря 2026 г.")
    assert day_note(notes, "31 декабря 2026 г.") == (
        "31 декабря 2026 г.: выходной, Выходной день (перенесён с 12 декабря 2026 г.)")
    assert LATIN_WORD.findall(notes) == []
    english = month_notes(web, "2026-12", "en")
    assert "Weekend day worked by decree; the day off is moved to December 31, 2026" in english
    assert "working day by decree" not in english  # the API's English reason is not the page's
    # The form's "Now:" says the same of the day chosen.
    web.post("/language", {"locale": "uz", "next": "/admin/calendar"})
    chosen = unescape(text(web.get("/admin/calendar?date=2026-12-12")))
    assert "Қарор бўйича иш куни бўлган дам олиш куни; дам олиш куни кўчирилди: 31 декабр, 2026" in chosen


def test_the_case_page_names_the_deadlines_holidays_in_ukrainian_on_a_kyrgyz_install(
        as_: Any, page_as: Any, sessions: Any, deployed: None) -> None:
    from engine.people.accounts import user_by_username

    case = cases.start(as_, "information_request", dict(REQUEST))
    with sessions.begin() as session:
        user_by_username(session, "pr").locale = "uk"
    page = unescape(text(page_as("pr").get(f"/cases/{case['id']}")))
    story = page.split('id="deadline"')[1].split("</section>")[0]
    for name in ("Міжнародний жіночий день", "Рамазан-байрам", "Народне свято Нооруз"):
        assert name in story, story
    assert "Women" not in story and "Eid" not in story and "Nooruz Holiday" not in story
