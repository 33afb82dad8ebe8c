"""An auditor searches the history, opens a case's timeline and downloads the exports; leadership's dashboard
draws its charts. In a real browser, at desktop and phone widths."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from engine.audit import keys, notes
from engine.background.sweeper import keep_checkpoints
from tests.browser.axe import violations
from tests.browser.conftest import screenshot
from tests.conftest import deploy_shipped, seal_audit
from tests.web.test_audit_pages import answer, start


@pytest.fixture
def cases(deployed: None, cast: Any, sessions: Any, ctx: Any, clock: Any) -> dict[str, str]:
    first_id, first_key = start(sessions, ctx, "pr")
    answer(sessions, ctx, first_id)
    clock.advance(days=1)
    _id, second_key = start(sessions, ctx, "ps_transport", unit="transport", received_at="2026-02-02T09:00:00+06:00")
    seal_audit(sessions)  # as the sweep would: the pages show each event's place in the chain
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
        page.get_by_role("link", name="Export CSV", exact=True).click()
    assert download.value.suggested_filename == "audit.csv"
    with Path(download.value.path()).open(encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    assert [int(r["seq"]) for r in records] == shown
    assert {r["type"] for r in records} == {"task.completed"}

    with page.expect_download() as download:
        page.get_by_role("link", name="Export JSON", exact=True).click()
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


def test_an_auditor_reads_the_checkpoints_and_downloads_what_to_keep(open_as: Any, cases: Any, sessions: Any,
                                                                       settings: Any, ctx: Any, tsa: Any,
                                                                       tmp_path: Path) -> None:
    """From the audit pages' navigation to the Checkpoints page: a stamped, pushed checkpoint; its signed note,
    token and the office's public key download as kept; the page passes axe-core, and on a phone it does not
    scroll sideways (the root hash wraps)."""
    keep_checkpoints(sessions, replace(settings, tsa_url=tsa.url, audit_push=(str(tmp_path / "outside"),)),
                     ctx.now(), now=True)
    page = open_as("auditor", bypass_csp=True)
    page.wait_for_url("**/audit/events")
    page.get_by_role("link", name="Checkpoints", exact=True).click()
    page.wait_for_url("**/audit/checkpoints")
    rows = page.locator("table.checkpoints > tbody > tr")
    expect(rows).to_have_count(1)
    size = int(rows.first.get_attribute("data-size") or 0)
    expect(rows.first).to_contain_text("Verified")
    expect(rows.first).to_contain_text(str(tmp_path / "outside"))
    assert violations(page) == [], "the Checkpoints page"
    screenshot(page, "audit-checkpoints")

    with page.expect_download() as download:
        page.get_by_role("link", name=f"Signed note of checkpoint {size}").click()
    assert download.value.suggested_filename == f"{size}.note"
    note = Path(download.value.path()).read_text(encoding="utf-8")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Timestamp token of checkpoint {size}").click()
    assert download.value.suggested_filename == f"{size}.tsr"
    token = Path(download.value.path()).read_bytes()
    assert token == (tmp_path / "outside" / "checkpoints" / f"{size}.tsr").read_bytes()
    with page.expect_download() as download:
        page.get_by_role("link", name="Public key (PEM)").click()
    assert download.value.suggested_filename == "audit_public_key.pem"
    key = notes.load_public_key(Path(download.value.path()).read_text(encoding="utf-8"))
    assert notes.open_note(note, key).size == size and key == keys.public_key(settings)
    assert page.js_errors == []

    phone = open_as("auditor", width=375, bypass_csp=True)
    phone.goto("/audit/checkpoints")
    expect(phone.locator("table.checkpoints code").first).to_be_visible()
    assert no_horizontal_scroll(phone)
    assert violations(phone) == [], "the Checkpoints page on a phone"
