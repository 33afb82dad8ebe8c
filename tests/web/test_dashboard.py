"""The leadership dashboard: requests answered on time and late this month, open and overdue cases, and the
tone of media publications, for a constructed set of cases with the clock moved."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import BISHKEK, CAST, deploy_shipped
from tests.web.conftest import text
from tests.web.test_audit_pages import answer, start

pytestmark = pytest.mark.usefixtures("deployed")


def figure(body: str, name: str) -> int:
    found = re.search(rf'<p class="figure[^"]*" id="{name}"><a href="[^"]*">(\d+)</a></p>', body)
    assert found, name
    return int(found.group(1))


def spaced(body: str) -> str:
    """Babel writes a span of days with thin spaces around its dash."""
    return body.replace("\u2009", " ")


def overdue_keys(body: str) -> list[str]:
    table = body.split('class="responsive overdue-cases"', 1)
    return re.findall(r"IR-\d{4}-\d{6}", table[1].split("</table>", 1)[0]) if len(table) == 2 else []


def chart(body: str, chart_id: str) -> dict[str, Any]:
    found = re.search(rf"<canvas id=\"{chart_id}\" data-chart='([^']*)'", body)
    assert found, chart_id
    return json.loads(html.unescape(found.group(1)))


def hidden_rows(body: str, chart_id: str) -> list[list[str]]:
    """The chart's text alternative: its visually-hidden table, row by row (a number's link reduced to its text)."""
    table = body.split(f'aria-labelledby="{chart_id}-title"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)] for row in rows]


@pytest.fixture
def requests(cast: Any, sessions: Any, ctx: Any, clock: Any) -> dict[str, str]:
    """Information requests with known deadlines; the clock ends on Tuesday 10 March 2026."""
    keys = {}
    clock.set(datetime(2026, 2, 10, 9, 0, tzinfo=BISHKEK))
    february, keys["february"] = start(sessions, ctx, "pr")
    answer(sessions, ctx, february)  # on time, but in February
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK))
    late, keys["late"] = start(sessions, ctx, "pr", received_at="2026-02-02T09:00:00+06:00")  # due 20 February
    answer(sessions, ctx, late)
    on_time, keys["on_time"] = start(sessions, ctx, "pr")
    answer(sessions, ctx, on_time)
    _id, keys["oldest_overdue"] = start(sessions, ctx, "pr", received_at="2026-01-15T09:00:00+06:00")
    _id, keys["overdue"] = start(sessions, ctx, "pr", received_at="2026-02-05T09:00:00+06:00")
    keys["open_id"], keys["open"] = start(sessions, ctx, "ps_transport", unit="transport")  # due 23 March
    clock.set(datetime(2026, 3, 10, 12, 0, tzinfo=BISHKEK))
    return keys


@pytest.mark.parametrize("username", ["leader", "prhead"])
def test_leadership_and_the_pr_head_open_the_dashboard(page_as: Any, username: str) -> None:
    response = page_as(username).get("/dashboard")
    assert response.status_code == 200
    assert 'src="/static/dist/charts.js"' in text(response)


@pytest.mark.parametrize("username", sorted(set(CAST) - {"leader", "prhead"}))
def test_everyone_else_is_refused_the_dashboard(page_as: Any, username: str) -> None:
    assert page_as(username).get("/dashboard").status_code == 403


def test_a_stranger_is_sent_to_sign_in(page_as: Any) -> None:
    response = page_as(None).get("/dashboard")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_requests_this_month_are_counted_on_time_and_late(page_as: Any, requests: Any) -> None:
    body = text(page_as("leader").get("/dashboard"))
    assert "Information requests answered in Mar 1 – 31, 2026" in spaced(body)
    assert figure(body, "on-time") == 1  # the February answer is not this month's
    assert figure(body, "late") == 1


def test_cases_registered_in_the_month_are_counted_by_procedure_and_unit(page_as: Any, requests: Any) -> None:
    body = text(page_as("leader").get("/dashboard"))
    by_procedure = chart(body, "by-procedure")
    assert by_procedure["labels"] == ["Media information request"] and by_procedure["datasets"][0]["data"] == [5]
    assert hidden_rows(body, "by-procedure") == [["Media information request", "5"]]  # not February's
    by_unit = chart(body, "by-unit")
    assert dict(zip(by_unit["labels"], by_unit["datasets"][0]["data"], strict=True)) == {"Transport": 1,
                                                                                         "No unit": 4}
    assert hidden_rows(body, "by-unit") == [["Transport", "1"], ["No unit", "4"]]
    assert (figure(body, "open-now"), figure(body, "overdue-now")) == (3, 2)


def test_the_oldest_overdue_open_cases_come_first(page_as: Any, requests: Any) -> None:
    body = text(page_as("prhead").get("/dashboard"))
    assert overdue_keys(body) == [requests["oldest_overdue"], requests["overdue"]]
    # Each links to its case page, which both the PR head and leadership may read.
    for key in (requests["oldest_overdue"], requests["overdue"]):
        assert re.search(rf'<a href="/cases/\d+">{key}</a>', body), key


def test_moving_the_clock_moves_the_month_and_the_overdue_list(page_as: Any, requests: Any, sessions: Any,
                                                              ctx: Any, clock: Any) -> None:
    # 00:30 on 1 April in Bishkek is still 31 March in UTC: the office's month is April.
    clock.set(datetime(2026, 4, 1, 0, 30, tzinfo=BISHKEK))
    answer(sessions, ctx, requests["open_id"])  # due 23 March: late
    body = text(page_as("leader").get("/dashboard"))
    assert "Information requests answered in Apr 1 – 30, 2026" in spaced(body)
    assert (figure(body, "on-time"), figure(body, "late")) == (0, 1)
    assert overdue_keys(body) == [requests["oldest_overdue"], requests["overdue"]]
    assert "No case was registered in the period." in body
    assert (figure(body, "open-now"), figure(body, "overdue-now")) == (2, 2)


def test_nothing_open_nothing_overdue(page_as: Any, cast: Any) -> None:
    body = text(page_as("leader").get("/dashboard"))
    assert (figure(body, "on-time"), figure(body, "late")) == (0, 0)
    assert "No case was registered in the period." in body and "No open case is overdue." in body
    assert (figure(body, "open-now"), figure(body, "overdue-now")) == (0, 0)


def test_publications_are_counted_by_tone_in_the_month_they_appeared(page_as: Any, cast: Any, sessions: Any,
                                                                    ctx: Any, clock: Any) -> None:
    deploy_shipped(sessions, ctx, "press_conference.bpmn")
    deploy_shipped(sessions, ctx, "publication_response.bpmn")
    piece = {"kind": "publication", "outlet": "24.kg", "medium": "online", "url": "https://24.kg/a", "summary": "Fares",
             "unit": "transport"}
    for published_at, tone in (("2026-02-20T10:00:00+06:00", "negative"), ("2026-03-01T10:00:00+06:00", "positive"),
                               ("2026-03-02T00:10:00+06:00", "negative"), ("2025-08-01T10:00:00+06:00", "neutral")):
        start(sessions, ctx, "ps_transport", "publication_response", published_at=published_at, tone=tone, **piece)
    body = text(page_as("leader").get("/dashboard?period=custom&from=2025-10-01&to=2026-03-31"))
    rows = hidden_rows(body, "publications-by-tone")
    assert [row[0] for row in rows] == ["October 2025", "November 2025", "December 2025", "January 2026",
                                        "February 2026", "March 2026"]
    assert rows[-2] == ["February 2026", "0", "0", "1"] and rows[-1] == ["March 2026", "1", "0", "1"]
    assert all(row[1:] == ["0", "0", "0"] for row in rows[:-2])  # August 2025 is before the period
    tones = chart(body, "publications-by-tone")
    assert [d["label"] for d in tones["datasets"]] == ["Positive", "Neutral", "Negative"]
    assert tones["datasets"][2]["data"] == [0, 0, 0, 0, 1, 1]
    # Every number of the tone table, and its bar, opens the list of exactly the pieces it counts.
    table = body.split('aria-labelledby="publications-by-tone-title"', 1)[1].split("</table>", 1)[0]
    links = FIGURE_LINK.findall(table)
    assert len(links) == 18
    web = page_as("leader")
    for href, count in links:
        opened = text(web.get(html.unescape(href)))
        assert listed(opened) == int(count), href
    march_negative = html.unescape(links[-1][0])
    opened = spaced(text(web.get(march_negative)))
    further = re.search(r'<p id="further-filters">([^<]*)', opened)
    assert listed(opened) == 1 and further, opened
    assert further.group(1).strip() == ("Only cases about a media piece published Mar 1 – 31, 2026; tone of the "
                                        "piece: Negative.")
    assert tones["datasets"][2]["links"][-1] == march_negative
    assert {link for d in tones["datasets"] for link in d["links"]} == {html.unescape(h) for h, _n in links}


# -- every number opens the list of exactly the cases it counts ----------------------------------------------

FIGURE_LINK = re.compile(r'<a href="(/cases\?[^"]*)">(\d+)</a>')


def listed(body: str) -> int:
    found = re.search(r'<p class="muted">(\d+) cases?', body)
    assert found, "the cases list says how many it holds"
    return int(found.group(1))


@pytest.mark.parametrize("query", ["", "?period=week&at=2026-03-04", "?period=quarter", "?period=year&at=2026-02-01",
                                   "?period=custom&from=2026-02-01&to=2026-03-05"])
def test_each_number_opens_the_list_of_exactly_the_cases_it_counts(page_as: Any, requests: Any, query: str) -> None:
    web = page_as("prhead")
    body = text(web.get(f"/dashboard{query}"))
    links = FIGURE_LINK.findall(body)
    # on time, late, open now, overdue now, and each procedure's and unit's registrations
    assert len(links) >= 6 and any(int(count) > 0 for _href, count in links)
    for href, count in links:
        assert listed(text(web.get(html.unescape(href)))) == int(count), href
    # A bar of a chart opens the same list as its row of the hidden table.
    for chart_id in ("by-procedure", "by-unit"):
        assert set(chart(body, chart_id)["links"]) <= {html.unescape(href) for href, _count in links}


def test_a_list_a_number_opened_is_saved_as_a_filter_and_reopens_the_same_cases(page_as: Any, requests: Any) -> None:
    web = page_as("prhead")
    body = text(web.get("/dashboard"))
    for name in ("on-time", "late", "overdue-now"):
        href = html.unescape(re.search(rf'id="{name}"><a href="([^"]*)"', body).group(1))  # type: ignore[union-attr]
        opened = text(web.get(href))
        saved_from = html.unescape(re.search(r'name="from" value="([^"]*)"', opened).group(1))  # type: ignore[union-attr]
        saved = web.post("/saved-filters", {"list": "cases", "from": saved_from, "name": f"Dashboard {name}"})
        assert saved.status_code == 302, text(saved)
        reopened = text(web.get(saved.headers["Location"]))
        assert listed(reopened) == figure(body, name), (name, saved.headers["Location"])
        assert re.findall(r"IR-\d{4}-\d{6}", reopened) == re.findall(r"IR-\d{4}-\d{6}", opened)


def test_the_late_answers_list_names_the_late_case_and_says_why_it_holds_it(page_as: Any, requests: Any) -> None:
    web = page_as("leader")
    late = re.search(r'id="late"><a href="([^"]*)"', text(web.get("/dashboard")))
    assert late
    body = text(web.get(html.unescape(late.group(1))))
    assert requests["late"] in body and requests["on_time"] not in body
    assert "past the deadline" in body and "closed Mar 1 – 31, 2026" in spaced(body)


# -- the period -------------------------------------------------------------------------------------------

@pytest.fixture
def month_ends(cast: Any, sessions: Any, ctx: Any, clock: Any) -> dict[str, str]:
    """One request registered at 23:30 on 31 March in the office (17:30 UTC), one at 00:30 on 1 April (18:30 UTC,
    still 31 March in UTC); the clock then moves to 10 April."""
    keys = {}
    clock.set(datetime(2026, 3, 31, 23, 30, tzinfo=BISHKEK))
    keys["march"] = start(sessions, ctx, "pr")[1]
    clock.set(datetime(2026, 4, 1, 0, 30, tzinfo=BISHKEK))
    keys["april"] = start(sessions, ctx, "pr")[1]
    clock.set(datetime(2026, 4, 10, 12, 0, tzinfo=BISHKEK))
    return keys


def registered(body: str) -> int:
    return sum(int(row[1]) for row in hidden_rows(body, "by-procedure")) if 'id="by-procedure"' in body else 0


@pytest.mark.parametrize(("query", "count", "span"), [
    ("?period=month&at=2026-03-15", 1, "Mar 1 – 31, 2026"),
    ("?period=month", 1, "Apr 1 – 30, 2026"),  # the clock's month
    ("?period=week&at=2026-04-01", 2, "Mar 30 – Apr 5, 2026"),  # Monday 30 March to Sunday 5 April
    ("?period=week&at=2026-03-29", 0, "Mar 23 – 29, 2026"),
    ("?period=quarter&at=2026-03-31", 1, "Jan 1 – Mar 31, 2026"),
    ("?period=quarter&at=2026-04-30", 1, "Apr 1 – Jun 30, 2026"),
    ("?period=year", 2, "Jan 1 – Dec 31, 2026"),
    ("?period=custom&from=2026-03-31&to=2026-03-31", 1, "Mar 31, 2026"),
])
def test_a_case_counts_in_the_office_s_period_it_was_registered_in(page_as: Any, month_ends: Any, query: str,
                                                                    count: int, span: str) -> None:
    web = page_as("leader")
    body = text(web.get(f"/dashboard{query}"))
    shown = re.search(r'<strong id="span">[^<]*: ([^<]*)</strong>', spaced(body))
    assert shown and shown.group(1) == span
    assert registered(body) == count
    for href, shown in FIGURE_LINK.findall(body):
        assert listed(text(web.get(html.unescape(href)))) == int(shown), href


def test_the_previous_and_next_periods_are_a_click_away(page_as: Any, month_ends: Any) -> None:
    web = page_as("leader")
    body = text(web.get("/dashboard?period=month&at=2026-04-10"))
    previous = re.search(r'<a href="([^"]*)" rel="prev">', body)
    following = re.search(r'<a href="([^"]*)" rel="next">', body)
    assert previous and following
    assert html.unescape(previous.group(1)) == "/dashboard?period=month&at=2026-03-01"
    assert html.unescape(following.group(1)) == "/dashboard?period=month&at=2026-05-01"
    custom = text(web.get("/dashboard?period=custom&from=2026-03-25&to=2026-03-31"))
    before = re.search(r'<a href="([^"]*)" rel="prev">', custom)
    assert before and html.unescape(before.group(1)) == "/dashboard?period=custom&from=2026-03-18&to=2026-03-24"


@pytest.mark.parametrize(("query", "field", "sentence"), [
    ("?period=custom&from=2026-03-10&to=2026-03-01", "to", "The end comes before the beginning."),
    ("?period=custom&from=2026-03-10", "to", "Fill in this field together with the other one of the pair."),
    ("?period=custom&from=10.03.2026&to=2026-03-20", "from", None),
    ("?period=decade", "period", "Choose one of the listed values."),
])
def test_a_period_that_cannot_be_shown_is_refused_at_its_field(page_as: Any, cast: Any, query: str, field: str,
                                                               sentence: str | None) -> None:
    response = page_as("leader").get(f"/dashboard{query}")
    assert response.status_code == 422
    body = text(response)
    assert re.search(rf'id="{field}" name="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error"', body)
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', body)
    assert error and (sentence is None or html.unescape(error.group(1)) == sentence)
    assert 'id="on-time"' not in body  # no figures of some other period in its place


def test_the_period_choice_is_worded_in_the_reader_s_language(page_as: Any, cast: Any) -> None:
    web = page_as("leader")
    web.post("/language", {"locale": "ru", "next": "/dashboard"})
    body = text(web.get("/dashboard?period=custom&from=2026-03-10&to=2026-03-01"))
    assert "Неделя" in body and "Конец наступает раньше начала." in body
