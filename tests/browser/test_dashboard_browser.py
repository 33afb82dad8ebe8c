"""The dashboard passes axe-core (WCAG 2 A/AA, no serious or critical violation) in Russian, over a period with its
figures and with a custom period refused at its field, and its period form moves it to the period chosen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import AXE, violations
from tests.conftest import PASSWORD
from tests.web.test_dashboard import requests  # noqa: F401 (cases answered on time and late, as a fixture)


@pytest.mark.usefixtures("deployed", "requests")
def test_the_dashboard_is_accessible_with_its_figures_and_with_a_refused_period(browser: Any,
                                                                                live_server: str) -> None:
    assert AXE.is_file(), "axe-core is installed by `make install` (npm ci)"
    # The pages' Content-Security-Policy forbids injected scripts: this context alone lets axe in.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server, bypass_csp=True,
                                  locale="ru-RU")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/sign-in")
    page.locator("#username").fill("leader")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/dashboard")
    assert page.locator("#on-time a").inner_text() == "1"
    assert violations(page) == []
    page.locator("#period").select_option("custom")
    page.locator("#from").fill("2026-03-10")
    page.locator("#to").fill("2026-03-01")
    page.locator("#period-form button[type=submit]").click()
    page.wait_for_url("**/dashboard?**")
    assert page.locator("#to").get_attribute("aria-invalid") == "true"
    assert page.locator("#to-error").is_visible()
    assert violations(page) == []
    page.locator("#period").select_option("year")
    page.locator("#from").fill("")
    page.locator("#to").fill("")
    page.locator("#period-form button[type=submit]").click()
    page.wait_for_url("**period=year**")
    assert page.locator("#on-time a").inner_text() == "2"  # February's answer too
    assert errors == []
    context.close()
