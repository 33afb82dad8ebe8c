"""The notifications page in a real browser: the count in the bar, following a notification to its case, marking
all read, and choosing e-mail per kind, all with the keyboard's and a screen reader's names."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.models import User
from engine.runtime.notifications import notify
from tests.browser.conftest import screenshot
from tests.cases import start


def tell(app: Any, username: str, message: str, instance_id: int | None = None) -> None:
    sessions, ctx = app.extensions["jarchy.sessions"], app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        notify(session, kind="notice", users=[user], message=message, at=ctx.now(), instance_id=instance_id,
               task_id=None, email_enabled=False)


def test_a_user_reads_their_notifications_and_chooses_a_daily_summary(app: Any, as_: Any, deployed: Any,
                                                                     open_as: Any) -> None:
    case = start(as_)
    tell(app, "leader", f"For your information: a release was published, case {case['business_key']}.", case["id"])
    tell(app, "leader", "For your information: a second release.")
    page = open_as("leader")

    # The count is text: "(2)" on the screen, "2 unread" said by a screen reader.
    bar = page.get_by_role("link", name="Notifications 2 unread")
    assert bar.inner_text().startswith("Notifications (2)")
    bar.click()
    page.wait_for_url("**/notifications")
    assert page.get_by_text("2 unread notifications").is_visible()
    screenshot(page, "notifications")

    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(f"**/cases/{case['id']}")
    assert page.get_by_role("link", name="Notifications 1 unread").is_visible()

    page.get_by_role("link", name="Notifications 1 unread").click()
    page.get_by_role("button", name="Mark all as read").click()
    assert page.get_by_text("1 notification marked read.").is_visible()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()

    page.get_by_role("link", name="E-mail settings").click()
    screenshot(page, "notification-settings")
    page.get_by_role("group", name="For your information").get_by_label("In a daily summary").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Your e-mail choices are saved.").is_visible()
    assert page.get_by_role("group", name="For your information").get_by_label("In a daily summary").is_checked()
    assert page.js_errors == []
