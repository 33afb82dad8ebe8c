"""An auditor searches the history, opens a case's timeline and downloads the exports; leadership's dashboard
draws its charts. In a real browser, at desktop and phone widths."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import deploy_shipped
from tests.web.test_audit_pages import answer, start


@pytest.fixture
def cases(deployed: None, cast: Any, sessions: Any, ctx: Any, clock: Any) -> dict[str, str]:
    first_id, first_key = start(sessions, ctx, "pr")
    answer(sessions, ctx, first_id)
    clock.advance(days=1)
    _id, second_key = start(sessions, ctx, "ps_transport", unit="transport", received_at="2026-02-02T09:00:00+06:00")
    return {"answered": first_key, "overdue": second_key}


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_auditor_searches_opens_a_timeline_and_exports_what_is_shown(open_as: Any, cases: Any) -> None:
    page = open_as("auditor")
    page.wait_for_url("**/audit/events")
    page.get_by_label("Case (registration number)").fill(cases["answered"])
    page.get_by_label("Event type").select_option(label="Task completed")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/audit/events?*")
    rows = page.locator("table.events > tbody > tr")
    expect(rows).to_have_count(3)  # triage, prepare_answer, send_answer
    shown = [int(s) for s in rows.evaluate_all("rows => rows.map(r => r.dataset.seq)")]
    screenshot(page, "audit-events")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == "audit.csv"
    with Path(download.value.path()).open(encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    assert [int(r["seq"]) for r in records] == shown
    assert {r["type"] for r in records} == {"task.completed"}

    with page.expect_download() as download:
        page.get_by_role("link", name="Export JSON").click()
    assert download.value.suggested_filename == "audit.json"
    items = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [e["seq"] for e in items] == shown and {e["business_key"] for e in items} == {cases["answered"]}

    page.get_by_role("link", name=cases["answered"]).first.click()
    page.wait_for_url("**/audit/cases/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text(cases["answered"])
    timeline = page.locator("ol.timeline > li")
    expect(timeline.first).to_contain_text("Instance started")
    expect(page.locator("ol.timeline")).to_contain_text("Instance completed")
    seqs = [int(s) for s in timeline.evaluate_all("items => items.map(i => i.dataset.seq)")]
    assert seqs == sorted(seqs) and set(shown) <= set(seqs)

    page.get_by_role("link", name="Verify the chain").click()
    expect(page.get_by_role("status")).to_contain_text("the chain is intact")
    screenshot(page, "audit-verify")
    assert page.js_errors == []

    phone = open_as("auditor", width=375)
    phone.goto("/audit/cases?status=completed")
    expect(phone.get_by_role("link", name=cases["answered"])).to_be_visible()
    phone.goto(f"/audit/events?case={cases['answered']}")
    assert no_horizontal_scroll(phone)


def test_the_dashboard_draws_its_charts_without_errors(open_as: Any, cases: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "press_conference.bpmn")
    deploy_shipped(sessions, ctx, "publication_response.bpmn")
    piece = {"kind": "publication", "outlet": "24.kg", "medium": "online", "url": "https://24.kg/a", "summary": "Fares"}
    for published_at, tone, unit in (("2026-01-20T10:00:00+06:00", "neutral", "health"),
                                     ("2026-02-20T10:00:00+06:00", "negative", "transport"),
                                     ("2026-03-02T10:00:00+06:00", "positive", "transport")):
        start(sessions, ctx, "ps_" + unit, "publication_response", published_at=published_at, tone=tone, unit=unit,
              **piece)
    page = open_as("leader")
    page.wait_for_url("**/dashboard")  # leadership lands on it
    charts = page.locator("canvas[data-chart]")
    expect(charts).to_have_count(3)
    for i in range(3):
        expect(charts.nth(i)).to_have_attribute("data-ready", "true")
    assert page.locator("#by-procedure").bounding_box()["height"] > 100
    expect(page.locator("table.overdue-cases")).to_contain_text(cases["overdue"])
    screenshot(page, "dashboard")
    assert page.js_errors == []
    # A chart's hidden table shows itself when the keyboard reaches one of its numbers, which opens its cases.
    number = page.locator('table[aria-labelledby="by-procedure-title"] a').first
    count = number.inner_text()
    number.focus()
    assert number.bounding_box()["width"] > 1
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases?**")
    expect(page.locator("main")).to_contain_text(f"{count} case")

    phone = open_as("prhead", width=375)
    phone.goto("/dashboard")
    expect(phone.locator("canvas[data-chart]").first).to_have_attribute("data-ready", "true")
    assert no_horizontal_scroll(phone) and phone.js_errors == []
