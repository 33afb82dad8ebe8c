"""The form editor in a browser: an administrator changes a field's title in the JSON Schema (CodeMirror 6), sees the
preview change (the task page's own renderer, asked as the text changes), saves a new version with the keyboard,
deploys the procedure that uses it, and a new case's task form shows the new title while the case started before
keeps the old one. The Forms pages pass axe-core (tests/browser/axe.py)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import violations
from tests.browser.conftest import screenshot
from tests.cases import start, task_of

pytestmark = pytest.mark.usefixtures("deployed")
TRIAGE = "information_request/triage"
OLD, NEW = "Who prepares the answer", "Who answers the request"


def test_an_administrator_edits_a_form_previews_saves_and_deploys_it(open_as: Any, as_: Any) -> None:
    before = start(as_)
    page = open_as("admin", bypass_csp=True)
    page.goto("/admin/forms")
    assert violations(page) == [], "the forms list"
    page.get_by_role("link", name=TRIAGE).click()
    editor = page.locator("#form-editor")
    expect(editor).to_have_attribute("data-ready", "true")
    preview = page.locator("#form-preview")
    expect(preview.locator("legend, label").filter(has_text=OLD).first).to_be_visible()
    assert violations(page) == [], "the form editor"

    # Change the field's title in the editor with the keyboard, as a person does: to the end of its line, back over
    # the closing `",`, select the title and type over it.
    page.locator(".cm-line", has_text=f'"title": "{OLD}"').first.click()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    for _ in range(len(OLD)):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.type(NEW)
    expect(preview.locator("legend, label").filter(has_text=NEW).first).to_be_visible()
    assert NEW in page.locator("#form-schema").input_value()
    screenshot(page, "form-editor")

    # Save with the keyboard: Tab leaves the editor (never a trap) and reaches the save button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save as a new version")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("version 2")
    deploy = page.get_by_role("button", name="Deploy Media information request")
    with page.expect_navigation():
        deploy.click()
    expect(page.locator(".flash")).to_contain_text("version 2")
    assert violations(page) == [], "the form editor after a deploy"

    after = start(as_)
    staff = open_as("pr")
    staff.goto(f"/tasks/{task_of(as_, 'pr', after['id'], 'triage')['id']}")
    expect(staff.locator("form.schema-form")).to_contain_text(NEW)
    staff.goto(f"/tasks/{task_of(as_, 'pr', before['id'], 'triage')['id']}")
    expect(staff.locator("form.schema-form")).to_contain_text(OLD)
    assert NEW not in staff.locator("form.schema-form").inner_text()
    assert page.js_errors == [] and staff.js_errors == []
