"""The administrators' modeler in a real browser: edit a deployed procedure, deploy it, see a rejected deploy's
problems at their elements; and the other admin pages at desktop and phone widths."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import shipped_diagram


def wait_for_the_diagram(page: Any) -> None:
    expect(page.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")


def test_an_admin_renames_a_task_in_the_panel_and_deploys_version_2(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.get_by_role("link", name="Open in the modeler").first.click()
    wait_for_the_diagram(page)
    # A real edit: select the task on the canvas, rename it in the properties panel.
    page.locator('.djs-element[data-element-id="triage"]').click()
    page.locator('[data-group-id="group-general"] .bio-properties-panel-group-header').click()
    page.locator("#bio-properties-panel-name").fill("Sort the request")
    expect(page.locator('.djs-element[data-element-id="triage"]')).to_contain_text("Sort")
    screenshot(page, "modeler")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the XML").click()
    assert download.value.suggested_filename == "information_request.bpmn"
    assert 'name="Sort the request"' in Path(download.value.path()).read_text(encoding="utf-8")

    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#modeler-status")).to_contain_text("as version 2")
    page.get_by_role("button", name="Deploy").click()  # the same diagram again: nothing new
    expect(page.locator("#modeler-status")).to_contain_text("still version 2")

    page.get_by_role("link", name="Back to the procedures").click()
    versions = page.locator("tr[data-version]")
    expect(versions).to_have_count(2)
    expect(versions.first).to_have_attribute("data-version", "2")
    expect(versions.nth(1)).to_have_attribute("data-version", "1")
    screenshot(page, "procedures")
    page.locator('tr[data-version="2"]').get_by_role("link", name="Open in the modeler").click()
    wait_for_the_diagram(page)
    expect(page.locator('.djs-element[data-element-id="triage"]')).to_contain_text("Sort")
    assert page.js_errors == []


def test_a_broken_diagram_shows_its_problems_at_the_elements(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/modeler")
    wait_for_the_diagram(page)
    broken = shipped_diagram("information_request.bpmn").replace(b'name="pr_head"', b'name="chief"')
    broken = re.sub(rb'(<bpmn:scriptTask id="register".*?<bpmn:script>)', rb"\1import os\n", broken, flags=re.S)
    page.locator("#modeler-upload").set_input_files(
        files=[{"name": "broken.bpmn", "mimeType": "application/xml", "buffer": broken}])
    expect(page.locator("#modeler-status")).to_contain_text("Opened broken.bpmn")
    page.get_by_role("button", name="Deploy").click()

    problems = page.locator("#modeler-problems li")
    expect(problems).to_have_count(2)
    expect(page.locator('.djs-element.jarchy-error[data-element-id="Lane_pr_head"]')).to_have_count(1)
    expect(page.locator('.djs-element.jarchy-error[data-element-id="register"]')).to_have_count(1)
    notes = page.locator(".jarchy-error-note")
    # Worded from each problem's code in the reader's language (here English), naming what is wrong.
    expect(notes.filter(has_text="The lane “chief” is not a role")).to_have_count(1)
    expect(notes.filter(has_text="Imports are not allowed in scripts (“os”)")).to_have_count(1)
    expect(problems.first).to_contain_text("line 62")
    # The list leads to the element: selecting it shows it in the properties panel.
    problems.get_by_role("button").last.click()
    expect(page.locator("#bio-properties-panel-id")).to_have_value("register")
    assert page.js_errors == []


def test_the_users_and_calendar_pages_fit_a_desktop_and_a_phone(open_as: Any, deployed: None) -> None:
    for width in (1280, 375):
        page = open_as("admin", width=width)
        for path, name in (("/admin/users", "users"), ("/admin/calendar?month=2026-03", "calendar"),
                           ("/admin/units", None), ("/admin/procedures", None)):
            page.goto(path)
            if width == 1280 and name:
                screenshot(page, name)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (path, width)
        assert page.js_errors == []


def test_the_modeler_speaks_the_admins_language(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    with page.expect_navigation():
        page.get_by_label("Language").select_option("ru")
    wait_for_the_diagram(page)
    expect(page.get_by_role("button", name="Инструмент «Рука»")).to_have_count(1)
    page.locator('.djs-element[data-element-id="triage"]').click()
    expect(page.locator(".bio-properties-panel-group-header-title", has_text="Общие")).to_have_count(1)
    assert page.js_errors == []


def test_the_modeler_speaks_latin_uzbek(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    with page.expect_navigation():
        page.get_by_label("Language").select_option("uz-Latn")
    wait_for_the_diagram(page)
    assert page.evaluate("document.documentElement.lang") == "uz-Latn"
    expect(page.get_by_role("button", name="«Qo\u02bbl» vositasi")).to_have_count(1)
    page.locator('.djs-element[data-element-id="triage"]').click()
    expect(page.locator(".bio-properties-panel-group-header-title", has_text="Umumiy")).to_have_count(1)
    assert page.js_errors == []
