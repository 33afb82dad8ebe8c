"""The letter of the regulation in each step, in a real browser: a step of the case page's diagram, clicked or
reached with the keyboard, shows its name and documentation in the reader's language below the drawing."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from engine.people.accounts import user_by_username
from engine.procedures.definitions import deploy
from engine.runtime import operations
from tests.conftest import REQUEST
from tests.web.test_step_documentation import RUSSIAN, documented


def test_a_step_of_the_case_pages_diagram_tells_what_the_regulation_says(open_as: Any, sessions: Any,
                                                                          ctx: Any) -> None:
    """Clicked or reached with the keyboard, a step shows its name and documentation below the drawing: the
    Russian where the diagram has it, else the English marked as English."""
    with sessions.begin() as session:
        deploy(session, documented({"ru": RUSSIAN}, untranslated=("register",)), actor="system", at=ctx.now())
        pr = user_by_username(session, "pr")
        pr.locale = "ru"
        instance = operations.start(session, ctx, pr, "information_request", dict(REQUEST))
    page = open_as("pr")
    page.goto(f"/cases/{instance.id}")
    expect(page.locator("[data-bpmn-viewer]")).to_have_attribute("data-ready", "true")
    panel = page.locator("#diagram-step")
    expect(panel).to_contain_text("Выберите шаг на схеме")
    page.locator('.djs-element[data-element-id="triage"]').click()
    expect(panel.locator("h3")).to_have_text("Распределить запрос")
    expect(panel.locator(".documentation")).to_have_text(RUSSIAN)
    expect(panel.locator(".documentation")).to_have_attribute("lang", "ru")
    expect(panel).not_to_contain_text("на английском")
    step = page.get_by_role("button", name="Зарегистрировать и установить срок")
    step.focus()
    expect(panel.locator("h3")).to_have_text("Зарегистрировать и установить срок")
    expect(panel.locator(".documentation")).to_have_attribute("lang", "en")
    expect(panel).to_contain_text("оно показано на английском")
    assert page.js_errors == []
