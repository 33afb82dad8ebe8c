"""A media information request walked in a real browser, across the PR department, a unit head and a
press secretary, and the staff pages at a phone's width."""

from __future__ import annotations

import re
from typing import Any

import pytest

from engine.people import accounts
from engine.runtime import operations
from tests.browser.conftest import choose_language, screenshot
from tests.conftest import REQUEST

pytestmark = pytest.mark.usefixtures("deployed")
PHONE = 375


def open_task(page: Any, name: str) -> None:
    page.goto("/inbox")
    page.get_by_role("link", name=name).click()
    page.wait_for_url("**/tasks/*")


def complete(page: Any) -> None:
    page.get_by_role("button", name="Complete the task").click()
    page.wait_for_url("**/inbox")
    assert page.locator(".flash.success").count() == 1


def test_a_request_is_registered_triaged_contributed_answered_approved_and_sent(open_as: Any) -> None:
    pr = open_as("pr")
    pr.goto("/start")
    pr.get_by_role("link", name="Media information request").click()
    pr.get_by_label("Received by").select_option("email")
    pr.get_by_label("Media outlet").fill("Kaktus Media")
    pr.get_by_label("Journalist's name").fill("Aida Usenova")
    pr.get_by_label("E-mail").fill("aida@example.kg")
    pr.get_by_label("Subject").fill("Bus fares")
    pr.get_by_label("Question").fill("Will bus fares rise next year?")
    pr.get_by_role("button", name="Register the case").click()
    pr.wait_for_url("**/cases/*")
    case_url = pr.url
    assert "IR-2026-000001" in pr.locator("h1").inner_text()

    # The PR department gives it to the transport press secretary, with the transport unit contributing.
    pr.goto("/inbox")
    assert pr.locator("table.inbox tbody tr").count() == 1
    screenshot(pr, "inbox")
    open_task(pr, "Triage the request")
    pr.get_by_label("Press secretary").check()
    pr.get_by_label("Unit concerned").select_option("transport")
    pr.locator("#f-contributors").get_by_label("Transport").check()
    complete(pr)

    head = open_as("head_transport")
    open_task(head, "Contribute to the answer")
    head.get_by_label("Contribution").fill("Fares are fixed by decree No. 5 until 2028.")
    complete(head)

    ps = open_as("ps_transport")
    open_task(ps, "Prepare the answer")
    ps.get_by_label("Answer", exact=True).fill("Fares stay as they are in 2027 (decree No. 5).")
    ps.get_by_label("I confirm the answer is accurate").check()
    screenshot(ps, "task-form")
    complete(ps)

    # The diagram's approver is the PR department.
    open_task(pr, "Approve the answer")
    pr.get_by_label("Approve").check()
    pr.get_by_label("I confirm the answer is accurate").check()
    complete(pr)

    open_task(ps, "Send the answer")
    ps.get_by_label("Sent by").select_option("email")
    complete(ps)
    assert ps.locator("table.inbox tbody tr").count() == 0

    pr.goto(case_url)
    assert pr.locator(".badge.completed").first.inner_text() == "Completed"
    pr.locator("[data-bpmn-viewer][data-ready=true]").wait_for()
    completed = pr.evaluate("""() => [...document.querySelectorAll('.djs-element.jarchy-completed')]
                                     .map(el => el.dataset.elementId)""")
    walked = {"start", "triage", "contribute", "prepare_answer", "approve_answer", "send_answer", "closed"}
    assert walked <= set(completed)
    assert "handle_request" not in completed  # the embedded subprocess: its elements carry the marks
    assert pr.locator(".djs-element.jarchy-active, .djs-element.jarchy-waiting").count() == 0
    assert "Ps_Transport completed “Send the answer”." in pr.locator("ol.timeline").inner_text()
    screenshot(pr, "case")

    # The same case in Kyrgyz: the choice, sent with its button, stays with the account.
    choose_language(pr, "ky")
    assert pr.locator("html").get_attribute("lang") == "ky"
    assert pr.locator(".badge.completed").first.inner_text() != "Completed"
    screenshot(pr, "case-ky")
    pr.goto("/inbox")
    assert pr.locator("html").get_attribute("lang") == "ky"
    for page in (pr, head, ps):
        assert page.js_errors == []


def test_the_inbox_a_task_form_and_a_case_fit_a_phone(open_as: Any, sessions: Any, ctx: Any) -> None:
    with sessions.begin() as session:
        for subject in ("Bus fares", "A rather long subject about the renovation of the central bus station"):
            operations.start(session, ctx, accounts.user_by_username(session, "pr"), "information_request",
                          REQUEST | {"subject": subject})
    page = open_as("pr", width=PHONE, height=800)

    def page_width() -> int:
        return int(page.evaluate("document.documentElement.scrollWidth"))

    page.goto("/inbox")
    assert page.locator("table.inbox tbody tr").count() == 2
    assert page_width() <= PHONE
    page.get_by_role("link", name="Triage the request").first.click()
    page.wait_for_url("**/tasks/*")
    page.get_by_role("button", name="Complete the task").click()  # nothing chosen: errors beside the fields
    assert page.locator("#f-handler .field-error").inner_text() == "This field is required."
    assert page.locator("#form-errors").is_visible()
    assert page_width() <= PHONE
    page.get_by_role("link", name=re.compile(r"^IR-2026-00000[12]$")).first.click()  # both start in the same second
    page.locator("[data-bpmn-viewer][data-ready=true]").wait_for()
    assert page.locator(".djs-element.jarchy-active").count() == 1
    assert page_width() <= PHONE
    assert page.js_errors == []
