"""The office's report page passes axe-core (WCAG 2 A/AA, no serious or critical violation) with its charts and
tables, in Russian, on a desktop and on a phone, and its PDF link downloads a PDF."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import AXE, violations
from tests.conftest import PASSWORD
from tests.integration.test_office_report import _deployed, march  # noqa: F401 (the same March, as fixtures)


@pytest.mark.usefixtures("march")
@pytest.mark.parametrize("width", [1280, 360])
def test_the_office_report_page_is_accessible_and_its_pdf_downloads(browser: Any, live_server: str,
                                                                    width: int) -> None:
    assert AXE.is_file(), "axe-core is installed by `make install` (npm ci)"
    # The pages' Content-Security-Policy forbids injected scripts: this context alone lets axe in.
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server, bypass_csp=True,
                                  locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/sign-in")
    page.locator("#username").fill("leader")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto("/reports/office?period=month&of=2026-03")
    assert page.locator("svg[role=img]").count() >= 7
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the charts shrink on a phone
    with page.expect_download() as download:
        page.locator("a[href^='/reports/office.pdf']").click()
    assert download.value.suggested_filename == "office-report-2026-03-01-2026-03-31.pdf"
    assert errors == []
    context.close()
