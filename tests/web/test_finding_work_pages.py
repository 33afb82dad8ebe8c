"""Finding work on the pages: the search box and filters narrow the inbox and the cases list, the column headers
sort them (aria-sort says how), the URL carries it all; a filter saved from a list opens again, is shared with the
owner's lane, and one made the start page is where signing in lands."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from tests.web.conftest import text

pytestmark = pytest.mark.usefixtures("deployed")

START = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
         "contact.email": "aida@example.kg", "subject": "Bus fares", "question": "Will bus fares rise next year?",
         "received_at": "2026-03-02T08:30"}


def start(web: Any, **changes: Any) -> None:
    response = web.post("/start/information_request", START | changes)
    assert response.status_code == 302, text(response)


def shown_subjects(page: str) -> list[str]:
    return re.findall(r'<br><span class="muted">([^<]*)</span>', page)


def test_the_cases_list_searches_filters_and_sorts(page_as: Any) -> None:
    web = page_as("pr")
    start(web, subject="Көпүрөнүн оңдолушу", outlet="Азаттык")
    start(web, subject="Тарифы на проезд", outlet="24.kg")
    page = text(web.get("/cases?q=КӨПҮРӨ"))
    assert shown_subjects(page) == ["Көпүрөнүн оңдолушу"]
    assert 'value="КӨПҮРӨ"' in page  # the search box keeps what was asked
    ascending = text(web.get("/cases?sort=case"))
    assert shown_subjects(ascending) == ["Көпүрөнүн оңдолушу", "Тарифы на проезд"]
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="[^"]*sort=-case', ascending)
    descending = text(web.get("/cases?sort=-case"))
    assert shown_subjects(descending) == ["Тарифы на проезд", "Көпүрөнүн оңдолушу"]
    assert 'aria-sort="descending"' in descending


def test_the_inbox_searches_and_keeps_the_search_in_its_links(page_as: Any) -> None:
    web = page_as("pr")
    start(web, requester_name="Ігор Мʼякота")
    start(web)
    page = text(web.get("/inbox?q=м'якота&sort=-due"))
    assert "1 task" in page
    tabs = [unescape(href) for href in re.findall(r'<li><a href="(/inbox\?[^"]+)"', page)]
    assert len(tabs) == 5 and all("q=" in href and "sort=-due" in href for href in tabs)


def tab_counts(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="count">(\d+)</span>', page)]


def test_the_inbox_tabs_count_what_they_would_list_with_the_same_search(page_as: Any) -> None:
    web = page_as("pr")
    start(web, requester_name="Ігор Мʼякота")
    start(web)
    start(web, subject="Тарифы на проезд")
    everything = tab_counts(text(web.get("/inbox")))
    assert everything[0] == 3
    searched = text(web.get("/inbox?q=м'якота"))
    assert "1 task" in searched and tab_counts(searched)[0] == 1
    # Every tab, opened with the search it keeps, lists as many tasks as it said.
    for href, count in zip(re.findall(r'<li><a href="(/inbox\?[^"]+)"', searched), tab_counts(searched),
                           strict=True):
        listed = re.search(r'id="inbox-total">(\d+) task', text(web.get(unescape(href))))
        assert listed and int(listed.group(1)) == count, (href, count)
    assert tab_counts(text(web.get("/inbox?assignee=ghost"))) == []  # a refused search counts nothing either

@pytest.mark.parametrize("language", ["en", "ky", "ru", "uk", "uz", "uz-Latn"])
def test_the_completed_tab_says_at_least_beyond_what_it_counted_in_every_language(page_as: Any, as_: Any,
                                                                                  monkeypatch: Any,
                                                                                  language: str) -> None:
    """One's completed tasks are counted among one's latest (engine.reads.queries.COMPLETED_COUNTED_UP_TO, issue 19
    point 4); beyond them the tab says "N+" (`%(num)s+`, N as the reader's language writes numbers), on every tab
    of the inbox and with a search."""
    from engine.reads import queries
    from tests import cases

    for subject in ("Bus fares", "Road repairs", "Bus stops"):
        case = cases.start(as_, subject=subject, question=f"About {subject.lower()}?")
        cases.complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    web = page_as("pr")
    web.post("/language", {"locale": language, "next": "/inbox"})
    completed = r'<a href="/inbox\?[^"]*state=completed[^"]*"[^>]*>\s*[^<]+<span class="count">([^<]+)</span>'
    assert re.findall(completed, text(web.get("/inbox"))) == ["3"]
    monkeypatch.setattr(queries, "COMPLETED_COUNTED_UP_TO", 2)
    assert re.findall(completed, text(web.get("/inbox"))) == ["2+"]
    assert re.findall(completed, text(web.get("/inbox?state=completed"))) == ["2+"]
    # Among the latest two, as the tab lists them: "Bus fares" was completed first, so only "Bus stops" holds "bus".
    assert re.findall(completed, text(web.get("/inbox?q=bus"))) == ["1+"]
    assert re.findall(completed, text(web.get("/inbox?q=road"))) == ["1+"]
    monkeypatch.setattr(queries, "COMPLETED_COUNTED_UP_TO", 1)
    assert re.findall(completed, text(web.get("/inbox?q=bus"))) == ["1+"]
    assert re.findall(completed, text(web.get("/inbox?q=road"))) == ["0+"]


@pytest.mark.parametrize(("language", "catalog"), [("en", "en"), ("ky", "ky"), ("ru", "ru"), ("uk", "uk"),
                                                   ("uz", "uz_Cyrl"), ("uz-Latn", "uz_Latn")])
def test_the_completed_tab_lists_ones_latest_and_leads_to_the_cases_for_older_ones_in_every_language(
        page_as: Any, as_: Any, monkeypatch: Any, language: str, catalog: str) -> None:
    """The completed tab lists what it counts, one's latest completed tasks (issue 19, point 4); when there are
    older ones it says among how many it lists, in the reader's language, and links to the cases list with the same
    words, where every case is searched."""
    from babel.support import Translations

    from engine.reads import queries
    from tests import cases

    keys = {}
    for subject in ("Bus fares", "Road repairs", "Bus stops"):
        case = cases.start(as_, subject=subject, question=f"About {subject.lower()}?")
        cases.complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
        keys[case["business_key"]] = subject
    web = page_as("pr")
    web.post("/language", {"locale": language, "next": "/inbox"})
    among = Translations.load("api/translations", [catalog]).gettext("among the latest %(num)s you completed")

    def shown(path: str) -> tuple[list[str], str]:
        page = web.get(path).get_data(as_text=True)
        total = re.search(r'<p class="muted" id="inbox-total">(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]
        return sorted(subject for key, subject in keys.items() if f">{key}</a>" in page), unescape(total)

    listed, total = shown("/inbox?state=completed&q=bus")
    assert listed == ["Bus fares", "Bus stops"] and (among % {"num": "2"}) not in total
    monkeypatch.setattr(queries, "COMPLETED_COUNTED_UP_TO", 2)
    listed, total = shown("/inbox?state=completed&q=bus")
    assert listed == ["Bus stops"]  # "Bus fares" was completed first: beyond the latest two
    assert among % {"num": "2"} in total, total
    assert 'href="/cases?q=bus"' in total, total
    assert shown("/inbox?q=bus")[1].count(among % {"num": "2"}) == 0  # the open tabs are whole


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_the_cases_list_cannot_count_is_left_out_not_a_server_error(page_as: Any, day: str) -> None:
    web = page_as("pr")
    start(web)
    for name in ("started_from", "closed_to", "published_from"):
        response = web.get(f"/cases?{name}={day}")
        assert response.status_code == 200, name
        assert "1 case" in text(response) and 'id="further-filters"' not in text(response)


def test_a_bad_sort_is_said_in_the_readers_words(page_as: Any) -> None:
    web = page_as("pr")
    response = web.get("/inbox?sort=colour")
    assert response.status_code == 422
    assert 'role="alert"' in text(response) and "colour" not in re.sub(r'value="[^"]*"|href="[^"]*"', "",
                                                                         text(response))


def test_a_saved_filter_opens_again_is_shared_with_the_lane_and_can_be_the_start_page(page_as: Any) -> None:
    web = page_as("ps_transport")
    saved = web.post("/saved-filters", {"list": "cases", "from": "q=kaktus&sort=-case&status=running",
                                        "name": "Kaktus", "lane": "press_secretary", "start": "1"})
    assert saved.status_code == 302
    assert saved.headers["Location"].startswith("/cases?") and "q=kaktus" in saved.headers["Location"]
    listed = text(web.get("/saved-filters"))
    assert "Kaktus" in listed
    # Signing in again lands on the start page.
    again = page_as(None)
    landed = again.sign_in("ps_transport")
    assert landed.status_code == 302 and landed.headers["Location"] == saved.headers["Location"]
    # The lane (press secretaries of transport) sees it; another unit's press secretary does not.
    assert "Kaktus" not in text(page_as("ps_health").get("/saved-filters"))


def test_a_filter_without_a_name_is_not_saved(page_as: Any) -> None:
    web = page_as("pr")
    response = web.post("/saved-filters", {"list": "inbox", "from": "q=x", "name": " "})
    assert response.status_code == 422 and 'role="alert"' in text(response)
    assert "You have no saved filters." in text(web.get("/saved-filters"))
