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
    found = re.search(rf'<p class="figure[^"]*" id="{name}">(\d+)</p>', body)
    assert found, name
    return int(found.group(1))


def overdue_keys(body: str) -> list[str]:
    table = body.split('class="responsive overdue-cases"', 1)
    return re.findall(r"IR-\d{4}-\d{6}", table[1].split("</table>", 1)[0]) if len(table) == 2 else []


def chart(body: str, chart_id: str) -> dict[str, Any]:
    found = re.search(rf"<canvas id=\"{chart_id}\" data-chart='([^']*)'", body)
    assert found, chart_id
    return json.loads(html.unescape(found.group(1)))


def hidden_rows(body: str, chart_id: str) -> list[list[str]]:
    """The chart's text alternative: its visually-hidden table, row by row."""
    table = body.split(f'aria-labelledby="{chart_id}-title"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


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
    assert "Information requests answered in March 2026" in body
    assert figure(body, "on-time") == 1  # the February answer is not this month's
    assert figure(body, "late") == 1


def test_open_cases_are_counted_by_procedure_and_unit(page_as: Any, requests: Any) -> None:
    body = text(page_as("leader").get("/dashboard"))
    by_procedure = chart(body, "open-by-procedure")
    assert by_procedure["labels"] == ["Media information request"] and by_procedure["datasets"][0]["data"] == [3]
    assert hidden_rows(body, "open-by-procedure") == [["Media information request", "3"]]
    by_unit = chart(body, "open-by-unit")
    assert dict(zip(by_unit["labels"], by_unit["datasets"][0]["data"], strict=True)) == {"Transport": 1,
                                                                                         "No unit": 2}
    assert hidden_rows(body, "open-by-unit") == [["Transport", "1"], ["No unit", "2"]]


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
    assert "Information requests answered in April 2026" in body
    assert (figure(body, "on-time"), figure(body, "late")) == (0, 1)
    assert overdue_keys(body) == [requests["oldest_overdue"], requests["overdue"]]
    assert hidden_rows(body, "open-by-procedure") == [["Media information request", "2"]]
    assert hidden_rows(body, "open-by-unit") == [["No unit", "2"]]


def test_nothing_open_nothing_overdue(page_as: Any, cast: Any) -> None:
    body = text(page_as("leader").get("/dashboard"))
    assert (figure(body, "on-time"), figure(body, "late")) == (0, 0)
    assert "No case is open." in body and "No open case is overdue." in body


def test_publications_are_counted_by_tone_in_the_month_they_appeared(page_as: Any, cast: Any, sessions: Any,
                                                                    ctx: Any, clock: Any) -> None:
    deploy_shipped(sessions, ctx, "press_conference.bpmn")
    deploy_shipped(sessions, ctx, "publication_response.bpmn")
    piece = {"kind": "publication", "outlet": "24.kg", "medium": "online", "url": "https://24.kg/a", "summary": "Fares",
             "unit": "transport"}
    for published_at, tone in (("2026-02-20T10:00:00+06:00", "negative"), ("2026-03-01T10:00:00+06:00", "positive"),
                               ("2026-03-02T00:10:00+06:00", "negative"), ("2025-08-01T10:00:00+06:00", "neutral")):
        start(sessions, ctx, "ps_transport", "publication_response", published_at=published_at, tone=tone, **piece)
    body = text(page_as("leader").get("/dashboard"))
    rows = hidden_rows(body, "publications-by-tone")
    assert [row[0] for row in rows] == ["October 2025", "November 2025", "December 2025", "January 2026",
                                        "February 2026", "March 2026"]
    assert rows[-2] == ["February 2026", "0", "0", "1"] and rows[-1] == ["March 2026", "1", "0", "1"]
    assert all(row[1:] == ["0", "0", "0"] for row in rows[:-2])  # August 2025 is older than the six months
    tones = chart(body, "publications-by-tone")
    assert [d["label"] for d in tones["datasets"]] == ["Positive", "Neutral", "Negative"]
    assert tones["datasets"][2]["data"] == [0, 0, 0, 0, 1, 1]
