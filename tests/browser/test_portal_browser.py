"""A person files a request for public information on a phone, without an account, and opens the private link."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import deploy_shipped


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


def test_a_person_files_a_request_on_a_phone_and_follows_it(open_as: Any) -> None:
    page = open_as(None, width=360, height=740)
    page.goto("/request")
    # Nothing wider than the phone's screen: no sideways scrolling to fill the form.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("A private person").check()
    page.get_by_label("Your name, or your organisation's").fill("Aibek Toktogulov")
    page.get_by_label("E-mail").fill("aibek@example.kg")
    page.get_by_label("Subject").fill("Playground repairs")
    page.get_by_label("Your request").fill("How much did the city spend on playground repairs in 2025?")
    screenshot(page, "portal-request")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_selector("#reference")
    assert page.locator("#reference").inner_text() == "PI-2026-000001"
    link = page.locator("#tracking-link").get_attribute("href")
    assert link and "token=" in link
    page.goto(link)
    assert page.locator("#status").inner_text() == "Being handled"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.js_errors == []
