"""The notifications page: the count in the bar of every page, unread ones said so in words, reading one, all, or
by following it to its task, the filter, and the e-mail settings page."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from db.models import Notification, User
from engine.runtime.notifications import notify
from tests.web.conftest import text


def tell(sessions: Any, ctx: Any, username: str, message: str, kind: str = "task", task_id: str | None = None,
         instance_id: int | None = None) -> int:
    with sessions.begin() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        (row,) = notify(session, kind=kind, users=[user], message=message, at=ctx.now(), instance_id=instance_id,
                        task_id=task_id, email_enabled=False)
        return row.id


def bar_link(page: str) -> str:
    found = re.search(r'<a class="notifications-link"[^>]*>(.*?)</a>', page, re.S)
    assert found, "the bar links to the notifications"
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_bar_counts_the_unread_and_the_count_falls_when_one_is_read(page_as: Any, sessions: Any,
                                                                        ctx: Any) -> None:
    web = page_as("pr")
    assert bar_link(text(web.get("/inbox"))) == "Notifications"
    first = tell(sessions, ctx, "pr", "New task: triage of IR-1.")
    tell(sessions, ctx, "pr", "Reminder: IR-2 is due tomorrow.", kind="reminder")
    tell(sessions, ctx, "prhead", "Not for pr.")

    assert bar_link(text(web.get("/inbox"))) == "Notifications (2) 2 unread"

    response = web.post(f"/notifications/{first}/read", {"next": "/notifications"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    page = text(web.get("/notifications"))
    assert bar_link(page) == "Notifications (1) 1 unread"
    assert "1 unread notification" in page


def test_the_list_is_newest_first_names_the_kind_and_marks_the_unread_in_words(page_as: Any, sessions: Any,
                                                                                 ctx: Any) -> None:
    read = tell(sessions, ctx, "pr", "New task: triage of IR-1.")
    tell(sessions, ctx, "pr", "Escalation: IR-2 is overdue.", kind="escalation")
    web = page_as("pr")
    web.post(f"/notifications/{read}/read")

    page = text(web.get("/notifications"))
    items = re.findall(r'<li class="notification( unread)?" id="notification-\d+">(.*?)</li>', page, re.S)
    assert len(items) == 2
    (unread, newest), (_not, oldest) = items
    assert unread == " unread" and "Unread" in newest and "Escalation" in newest and "IR-2 is overdue" in newest
    assert _not == "" and "Unread" not in oldest and "New task" in oldest

    only_unread = text(web.get("/notifications?show=unread"))
    assert "IR-2 is overdue" in only_unread and "triage of IR-1" not in only_unread


def test_mark_all_as_read_empties_the_unread_list(page_as: Any, sessions: Any, ctx: Any) -> None:
    for number in range(3):
        tell(sessions, ctx, "pr", f"New task number {number}.")
    web = page_as("pr")

    response = web.post("/notifications/read-all", {"next": "/notifications?show=unread"}, follow_redirects=True)

    page = text(response)
    assert "3 notifications marked read." in page
    assert "No unread notifications." in page and bar_link(page) == "Notifications"


def test_following_a_notification_opens_its_task_and_reads_it(page_as: Any, sessions: Any, ctx: Any) -> None:
    nid = tell(sessions, ctx, "pr", "New task.", task_id="0b6e0f4e-0000-4000-8000-000000000001", instance_id=None)
    web = page_as("pr")

    response = web.post(f"/notifications/{nid}/open", {"to": "task"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/tasks/0b6e0f4e-0000-4000-8000-000000000001"
    with sessions() as session:
        assert session.get(Notification, nid).read_at == ctx.now()


def test_another_users_notification_is_not_found_to_read_or_open(page_as: Any, sessions: Any, ctx: Any) -> None:
    theirs = tell(sessions, ctx, "prhead", "New task.")
    web = page_as("pr")

    assert web.post(f"/notifications/{theirs}/read").status_code == 404
    assert web.post(f"/notifications/{theirs}/open").status_code == 404
    with sessions() as session:
        assert session.get(Notification, theirs).read_at is None


def test_marking_read_without_the_csrf_token_is_refused(page_as: Any, sessions: Any, ctx: Any) -> None:
    nid = tell(sessions, ctx, "pr", "New task.")
    web = page_as("pr")

    assert web.post(f"/notifications/{nid}/read", csrf=False).status_code == 400
    with sessions() as session:
        assert session.get(Notification, nid).read_at is None


def test_the_settings_page_keeps_each_kinds_choice(page_as: Any) -> None:
    web = page_as("pr")
    page = text(web.get("/settings/notifications"))
    assert 'name="email-notice" value="at_once" checked' in page
    assert "08:00" in page or "8:00" in page

    response = web.post("/settings/notifications", {"email-task": "at_once", "email-reminder": "none",
                                                    "email-escalation": "at_once", "email-notice": "daily",
                                                    "email-mention": "none"},
                        follow_redirects=True)

    page = text(response)
    assert "Your e-mail choices are saved." in page
    assert 'name="email-notice" value="daily" checked' in page
    assert 'name="email-reminder" value="none" checked' in page
    assert 'name="email-mention" value="none" checked' in page


def test_a_choice_missing_from_the_form_is_422_and_nothing_is_saved(page_as: Any) -> None:
    web = page_as("pr")

    response = web.post("/settings/notifications", {"email-task": "daily", "email-reminder": "weekly"})

    assert response.status_code == 422
    assert "Choose one of the options for each kind." in text(response)
    assert 'name="email-task" value="at_once" checked' in text(web.get("/settings/notifications"))


def test_the_pages_speak_the_readers_language(page_as: Any, sessions: Any, ctx: Any) -> None:
    for number in range(5):
        tell(sessions, ctx, "pr", f"Новая задача {number}.")
    web = page_as("pr")
    web.post("/language", {"locale": "ru"})

    page = text(web.get("/notifications"))
    assert "Уведомления" in bar_link(page) and "5 непрочитанных уведомлений" in page
    settings = text(web.get("/settings/notifications"))
    assert "Настройки электронной почты" in settings and "В ежедневной сводке" in settings
