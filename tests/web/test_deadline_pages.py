"""Deadlines people read at a glance (issue 16, point 2): every open task's due date says how many working days
(or hours) are left by the office's calendar, marked by urgency in words and colour, its legal ground on hover;
the case page says how its deadline was counted, in the reader's language, so that a complaint about a late
answer is answered with the case's own record."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from typing import Any

from engine.people.accounts import user_by_username
from engine.spiff.clock import FrozenClock
from tests import cases
from tests.cases import complete
from tests.conftest import BISHKEK, REQUEST
from tests.web.conftest import text

ANSWER = {"answer": "Fares stay as they are.", "confirm_no_confidential": True, "refuse": False}


def reads(sessions: Any, username: str, language: str) -> None:
    with sessions.begin() as session:
        user_by_username(session, username).locale = language


def shown(web: Any, path: str) -> str:
    return unescape(text(web.get(path))).replace("\u202f", " ").replace("\xa0", " ")


def left_in_inbox(web: Any, business_key: str) -> tuple[str, str, str]:
    """The time-left mark of the case's row in the inbox: (urgency class, the ground its tip shows, words). A mark
    with a ground is a button the keyboard reaches, described by its tip."""
    page = shown(web, "/inbox")
    row = next(r for r in page.split("<tr")[1:] if business_key in r)
    found = re.search(r'<button type="button" class="left left-(\w+)" aria-describedby="([^"]+)">([^<]*)</button>'
                      r'<span role="tooltip" class="tip" id="\2">([^<]*)</span>', row)
    if found is not None:
        return found.group(1), found.group(4), found.group(3)
    found = re.search(r'<span class="left left-(\w+)">([^<]*)</span>', row)
    assert found is not None, row
    return found.group(1), "", found.group(2)


def test_the_inbox_reads_working_days_left_by_urgency_with_the_ground_on_hover(
        as_: Any, page_as: Any, clock: FrozenClock, deployed: None) -> None:
    case = cases.start(as_, "information_request", dict(REQUEST))
    web = page_as("pr")
    urgency, ground, words = left_in_inbox(web, case["business_key"])
    assert (urgency, words) == ("later", "14 working days left")
    assert ground.startswith("Regulation on the Bishkek city hall's interaction with the media, §9")
    clock.set(datetime(2026, 3, 19, 9, 0, tzinfo=BISHKEK))  # Orozo Ait and Nooruz follow: one working day left
    assert left_in_inbox(web, case["business_key"])[::2] == ("soon", "1 working day left")
    clock.set(datetime(2026, 3, 23, 10, 0, tzinfo=BISHKEK))
    assert left_in_inbox(web, case["business_key"])[::2] == ("urgent", "due today")
    clock.set(datetime(2026, 3, 25, 10, 0, tzinfo=BISHKEK))
    assert left_in_inbox(web, case["business_key"])[::2] == ("overdue", "2 working days late")
    # Due dates are read to the minute, never with seconds.
    assert "6:00:00" not in shown(web, "/inbox") and "6:00 PM" in shown(web, "/inbox")


def test_the_inbox_looks_up_a_procedures_ground_once_however_many_rows_show_it(
        app: Any, as_: Any, page_as: Any, deployed: None, monkeypatch: Any) -> None:
    for _ in range(3):
        cases.start(as_, "information_request", dict(REQUEST))
    profile = type(app.extensions["jarchy.ctx"].jurisdiction)  # a frozen dataclass: its class is watched
    asked: list[tuple[str, bool]] = []
    looked_up = profile.ground

    def ground(self: Any, process_key: str, language: str, *, urgent: bool = False) -> Any:
        asked.append((process_key, urgent))
        return looked_up(self, process_key, language, urgent=urgent)

    monkeypatch.setattr(profile, "ground", ground)
    page = shown(page_as("pr"), "/inbox")
    assert page.count('class="tip" id="ground-') == 3  # every row still shows it on hover and focus
    assert page.count(">Regulation on the Bishkek city hall") == 3
    assert asked == [("information_request", False)]

def test_the_case_page_says_in_russian_how_the_deadline_was_counted(as_: Any, page_as: Any, sessions: Any,
                                                                      deployed: None) -> None:
    case = cases.start(as_, "information_request", dict(REQUEST))
    reads(sessions, "pr", "ru")
    page = shown(page_as("pr"), f"/cases/{case['id']}")
    story = page.split('id="deadline"')[1].split("</section>")[0]
    assert "Как исчислен срок" in story
    assert "Получен: 2 мар. 2026 г., 09:00." in story
    assert "Отведённый срок: 14 рабочих дней." in story and "п. 9" in story
    assert "4 выходных дня не засчитано." in story
    for day, name in (("8 мар. 2026 г.", "Международный женский день"), ("20 мар. 2026 г.", "Орозо айт"),
                      ("21 мар. 2026 г.", "Народный праздник Нооруз")):
        assert re.search(f"{day} не засчитан: Праздничный день. <span[^>]*>{name}</span>", story), (day, story)
    assert "Срок: 23 мар. 2026 г., 18:00." in story
    assert "Закрыто" not in story  # still running


def test_a_late_answer_is_shown_late_by_the_working_days_it_took(as_: Any, page_as: Any, clock: FrozenClock,
                                                                  deployed: None) -> None:
    case = cases.start(as_, "information_request", dict(REQUEST))
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    complete(as_, "pr", case["id"], "prepare_answer", **ANSWER)
    clock.set(datetime(2026, 3, 25, 10, 0, tzinfo=BISHKEK))  # two working days after 23 March
    done = complete(as_, "pr", case["id"], "send_answer", sent_via="email")
    assert done["status"] == "completed"
    story = shown(page_as("pr"), f"/cases/{case['id']}").split('id="deadline"')[1].split("</section>")[0]
    assert "Closed after the deadline: 2 working days late." in story


def test_the_task_page_names_the_clocks_ground_and_links_to_the_count(as_: Any, page_as: Any, sessions: Any,
                                                                       deployed: None) -> None:
    case = cases.start(as_, "information_request", dict(REQUEST))
    task = cases.task_of(as_, "pr", case["id"], "triage")
    reads(sessions, "pr", "uk")
    page = shown(page_as("pr"), f"/tasks/{task['id']}")
    assert re.search(r'id="days-left">залишилося 14 робочих днів<', page)
    assert "Положення про взаємодію мерії м. Бішкек із ЗМІ, п. 9" in page
    assert f'href="/cases/{case["id"]}#deadline"' in page
