"""The administrator opens a failed case, corrects the field its script divided by, retries it, and the case runs
again (docs/failed_cases.md); both pages pass axe-core (tests/browser/axe.py)."""

from __future__ import annotations

from typing import Any

from tests.browser.axe import violations
from tests.integration.test_mending import failed_mend_case, status


def test_the_admin_corrects_a_field_and_retries_a_failed_case(open_as: Any, as_: Any) -> None:
    case = failed_mend_case(as_)
    page = open_as("admin", bypass_csp=True)
    page.goto("/admin/procedures")
    page.get_by_role("link", name="Failed cases").first.click()
    page.get_by_role("link", name=case["business_key"]).click()
    page.get_by_text("The step's script stopped with an error.").wait_for()
    page.locator('[data-bpmn-viewer][data-ready="true"]').wait_for()
    assert page.locator('.djs-element.jarchy-error[data-element-id="work"]').count() == 1  # the failed step marked
    assert violations(page) == [], "a failed case's page"
    field = page.get_by_label("count")
    assert field.input_value() == "0"
    field.fill("4")
    page.get_by_label("Reason").first.fill("The count was entered as 0 by mistake")
    with page.expect_navigation():
        page.get_by_role("button", name="Retry").click()
    page.get_by_text(f"The case {case['business_key']} runs again.").wait_for()
    assert violations(page) == [], "the list of failed cases"
    shown = status(as_, case["id"])
    assert (shown["status"], shown["data"]["share"]) == ("running", 3)
    assert page.js_errors == []
