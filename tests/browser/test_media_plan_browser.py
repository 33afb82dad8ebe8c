"""The media plan's pages in Chromium: no serious or critical axe-core violation (WCAG 2 A/AA) on the month, the
week, an entry, its form and the calendar link, on a desktop and on a phone (nothing wider than the screen); the
month and the week are walked with the keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import AXE, violations
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

APPEARANCES = [
    {"title": "Briefing on the spring road works", "official": "Mayor", "format": "briefing",
     "starts_at": "2026-03-04T10:00:00+06:00", "place": "City hall, press room", "open_to_press": True,
     "unit": "transport"},
    {"title": "Working visit to the new district clinics", "official": "Mayor", "format": "visit", "all_day": True,
     "starts_at": "2026-03-05", "ends_at": "2026-03-06", "open_to_press": True},
    {"title": "Interview on school meals", "official": "Deputy mayor for social affairs", "format": "interview",
     "starts_at": "2026-03-05T15:00:00+06:00", "open_to_press": False},
]


@pytest.fixture
def planned(as_: Any) -> int:
    ids = []
    for body in APPEARANCES:
        response = as_("pr").post("/api/v1/media-plan", json=body)
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids[0]


def signed_in(browser: Any, live_server: str, width: int) -> Any:
    # The pages' Content-Security-Policy forbids injected scripts: this context alone lets axe in.
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill("pr")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


@pytest.mark.parametrize("width", [1280, 360])
def test_the_media_plan_pages_have_no_serious_accessibility_violation(browser: Any, live_server: str, cast: Any,
                                                                      planned: int, width: int) -> None:
    assert AXE.is_file(), "axe-core is installed by `make install` (npm ci)"
    page = signed_in(browser, live_server, width)
    for path in ("/media-plan?month=2026-03", "/media-plan/week?date=2026-03-05", f"/media-plan/{planned}",
                 "/media-plan/new", f"/media-plan/{planned}/edit", "/media-plan/subscribe"):
        page.goto(path)
        assert violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        if width == 1280 and path.startswith("/media-plan/week"):
            screenshot(page, "media-plan-week")
        if width == 1280 and path.startswith("/media-plan?"):
            screenshot(page, "media-plan-month")
    page.context.close()


def test_the_month_and_the_week_are_walked_with_the_keyboard(browser: Any, live_server: str, cast: Any,
                                                             planned: int) -> None:
    page = signed_in(browser, live_server, 1280)
    page.goto("/media-plan?month=2026-03")
    page.focus("a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/media-plan?month=2026-04")
    page.focus("a[rel=prev]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/media-plan?month=2026-03")
    link = page.get_by_role("link", name="Briefing on the spring road works").first
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/media-plan/{planned}")
    assert "City hall, press room" in page.content()
    page.goto("/media-plan/week?date=2026-03-05")
    page.focus("a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/media-plan/week?date=2026-03-09")
    page.context.close()
