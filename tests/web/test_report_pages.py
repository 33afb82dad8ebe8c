"""The figures on requests as a page: the same figures as the API, and closing a period from it."""

from __future__ import annotations

import csv
import io
from html import unescape
from typing import Any

import pytest

from engine.people.accounts import user_by_username
from tests import cases
from tests.conftest import REQUEST, deploy_shipped
from tests.web.conftest import text


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "information_request.bpmn")
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


def test_the_head_of_the_pr_department_reads_the_figures_and_closes_a_period(page_as: Any, as_: Any,
                                                                              clock: Any) -> None:
    cases.start(as_, data=REQUEST | {"received_at": "2026-02-27T09:00:00+06:00", "unit": "transport"})
    web = page_as("prhead")
    page = unescape(text(web.get("/reports/requests?from=2026-02-01&to=2026-02-28")))
    assert "Request figures" in page  # in the navigation
    assert '<table id="figures-information_request">' in page
    media = page.split('<table id="figures-information_request">')[1].split("</table>")[0]
    rows = [r for r in media.split("<tr") if "<th scope=\"row\">" in r]
    assert [r.split("<td>")[1].split("</td>")[0] for r in rows] == ["1", "1"]  # received: all, and transport
    assert ">Transport<" in rows[1]  # the unit by its name (the cast names it "Transport")
    closed = web.post("/reports/requests/periods", {"from": "2026-02-01", "to": "2026-02-28"})
    assert closed.status_code == 302
    after = unescape(text(web.get("/reports/requests?from=2026-02-01&to=2026-02-28")))
    assert 'id="closed"' in after and "Close this period" not in after


def test_the_leadership_reads_but_cannot_close_and_a_press_secretary_cannot_read(page_as: Any) -> None:
    leader = page_as("leader")
    page = text(leader.get("/reports/requests"))
    assert "Figures on requests for information" in page and "Close this period" not in page
    assert leader.post("/reports/requests/periods", {"from": "2026-02-01", "to": "2026-02-28"}).status_code == 403
    assert page_as("ps_transport").get("/reports/requests").status_code == 403


def test_a_period_that_ends_before_it_begins_is_refused(page_as: Any) -> None:
    response = page_as("prhead").get("/reports/requests?from=2026-03-10&to=2026-03-01")
    assert response.status_code == 422 and 'aria-invalid="true"' in text(response)


def test_the_pages_csv_link_downloads_the_same_figures_for_a_signed_in_reader(page_as: Any, as_: Any) -> None:
    cases.start(as_, data=REQUEST | {"received_at": "2026-02-27T09:00:00+06:00", "unit": "transport"})
    web = page_as("leader")
    page = unescape(text(web.get("/reports/requests?from=2026-02-01&to=2026-02-28")))
    link = "/reports/requests.csv?from=2026-02-01&to=2026-02-28"
    assert f'href="{link}"' in page
    got = web.get(link)
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert got.data == as_("leader").get("/api/v1/reports/requests?from=2026-02-01&to=2026-02-28&format=csv").data
    assert page_as("ps_transport").get(link).status_code == 403
    assert web.get("/reports/requests.csv?from=2026-03-10&to=2026-03-01").status_code == 422


def test_the_csv_names_each_procedure_and_unit_in_the_readers_language(page_as: Any, as_: Any,
                                                                       sessions: Any) -> None:
    """Beside the keys programs read, the procedure and the unit as the reader says them: a Russian reader's
    file says "Запрос информации от СМИ", "Все подразделения", "Без подразделения", never only
    "information_request", "(all)", "(none)"."""
    cases.start(as_, data=REQUEST | {"received_at": "2026-02-27T09:00:00+06:00", "unit": "transport"})
    cases.start(as_, data=REQUEST | {"received_at": "2026-02-27T10:00:00+06:00"})
    with sessions.begin() as session:
        user_by_username(session, "leader").locale = "ru"
    got = text(page_as("leader").get("/reports/requests.csv?from=2026-02-01&to=2026-02-28"))
    rows = list(csv.DictReader(io.StringIO(got)))
    named = {(r["process_key"], r["unit"]): (r["procedure_name"], r["unit_name"]) for r in rows}
    assert named[("information_request", "(all)")] == ("Запрос информации от СМИ", "Все подразделения")
    assert named[("information_request", "(none)")] == ("Запрос информации от СМИ", "Без подразделения")
    assert named[("information_request", "transport")][1] not in ("", "transport")
    assert list(rows[0])[-3:] == ["time_zone", "procedure_name", "unit_name"]  # the earlier columns where they were
