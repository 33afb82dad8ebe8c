"""Signing in and choosing a language in a real browser."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot


def test_a_user_signs_in_and_out_with_the_keyboard(open_as: Any) -> None:
    page = open_as(None)
    screenshot(page, "sign-in")
    page.keyboard.press("Tab")  # the skip link, then the form
    page.get_by_label("Username").fill("pr")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/inbox")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    assert page.js_errors == []
