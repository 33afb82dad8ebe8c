"""The office's report as a page: each section a chart (accessible SVG, no script) with its table, the figures
the API gives (tests/integration/test_office_report.py drives the same March)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_office_report import _deployed, march  # noqa: F401 (the same March, as fixtures)


@pytest.mark.usefixtures("march")
def test_the_page_shows_each_chart_with_its_table(page_as: Any) -> None:
    page = page_as("leader").get("/reports/office?period=month&of=2026-03")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Office report" in html  # in the navigation
    assert html.count('role="img"') >= 7 and "<title id=\"chart-press_conferences-title\">" in html
    briefing = html.split('<table id="table-press_conferences">')[1].split("</table>")[0]
    assert "<th scope=\"row\">Briefing</th><td>1</td>" in briefing
    assert "not yet recorded" in html.split('id="draft_acts"')[1]
    assert "<script" not in html.split('<div class="office-report">')[1].split("</div>")[0]
    assert page_as("leader").get("/reports/office?period=month&of=2026-13").status_code == 422
    assert page_as("ps_transport").get("/reports/office").status_code == 403


@pytest.mark.usefixtures("march")
def test_the_page_links_its_csv_and_pdf_for_the_signed_in_reader(page_as: Any) -> None:
    web = page_as("leader")
    html = web.get("/reports/office?period=quarter&of=2026-Q1").get_data(as_text=True)
    assert 'href="/reports/office.csv?period=quarter&amp;of=2026-Q1"' in html
    assert 'href="/reports/office.pdf?period=quarter&amp;of=2026-Q1"' in html
    table = web.get("/reports/office.csv?period=quarter&of=2026-Q1")
    assert table.status_code == 200 and table.mimetype == "text/csv"
    assert "press_conferences,press_conferences,briefing,Briefing,1,Asia/Bishkek" in table.get_data(as_text=True)
    assert table.headers["X-Time-Zone"] == "Asia/Bishkek"
    document = web.get("/reports/office.pdf?period=quarter&of=2026-Q1")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    assert document.data.startswith(b"%PDF")
    assert web.get("/reports/office.csv?period=quarter&of=2026-Q9").status_code == 422
    assert page_as("pr").get("/reports/office.pdf").status_code == 403
