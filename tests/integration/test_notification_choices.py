"""Notifications people read and choose: the unread count, reading all, and each user's choice of e-mail per kind
(at once, in a daily summary, none) as the outbox honours it against a real SMTP server, with the clock moved
(FrozenClock: a Monday in March 2026, 09:00 in Bishkek; the summary hour is 08:00 there)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from db.models import EmailSummary, Notification, User
from engine.background.sweeper import compose_summaries, send_pending_email
from engine.people.accounts import update_user
from engine.runtime.notifications import notify
from tests.integration.test_mail import Smtp, smtp  # noqa: F401 (the SMTP server fixture)

BISHKEK = ZoneInfo("Asia/Bishkek")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BISHKEK)


@pytest.fixture
def addresses(sessions: Any, ctx: Any, cast: Any) -> None:
    with sessions.begin() as session:
        for username in ("pr", "prhead"):
            update_user(session, username, {"email": f"{username}@press.gov.example"}, actor="system",
                        at=ctx.now())


@pytest.fixture
def mail_settings(settings: Any, smtp: Smtp) -> Any:  # noqa: F811 (the fixture imported above)
    return settings.with_(smtp_url=smtp.url)


def tell(sessions: Any, ctx: Any, username: str, kind: str = "task", message: str = "New task: triage.") -> int:
    """One notification of `kind` to `username`, at the clock's now, e-mail on (as with SMTP configured)."""
    with sessions.begin() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        (row,) = notify(session, kind=kind, users=[user], message=message, at=ctx.now(), instance_id=None,
                        task_id=None, email_enabled=True)
        return row.id


def email_status(sessions: Any, notification_id: int) -> str:
    with sessions() as session:
        return str(session.get(Notification, notification_id).email_status)


# -- the unread count and reading ----------------------------------------------------------------------------

def test_the_list_counts_the_unread_and_read_all_reads_only_the_callers(as_: Any, sessions: Any, ctx: Any) -> None:
    mine = [tell(sessions, ctx, "pr") for _ in range(3)]
    theirs = tell(sessions, ctx, "prhead")

    listed = as_("pr").get("/api/v1/notifications?unread=true&per_page=1").get_json()
    assert (listed["unread"], listed["total"], len(listed["items"])) == (3, 3, 1)

    assert as_("pr").post(f"/api/v1/notifications/{mine[0]}/read").status_code == 200
    assert as_("pr").get("/api/v1/notifications").get_json()["unread"] == 2

    done = as_("pr").post("/api/v1/notifications/read-all")
    assert done.status_code == 200 and done.get_json() == {"read": 2, "unread": 0}
    assert as_("pr").get("/api/v1/notifications").get_json()["unread"] == 0
    assert as_("prhead").get("/api/v1/notifications").get_json()["unread"] == 1
    # Another user's notification does not exist for the caller: 404, and it stays unread.
    assert as_("pr").post(f"/api/v1/notifications/{theirs}/read").status_code == 404
    assert as_("prhead").get("/api/v1/notifications").get_json()["unread"] == 1
    assert as_("pr").post("/api/v1/notifications/read-all").get_json() == {"read": 0, "unread": 0}


# -- the choices through the API --------------------------------------------------------------------------------

def test_every_kind_is_emailed_at_once_until_the_user_chooses_otherwise(as_: Any) -> None:
    got = as_("pr").get("/api/v1/me/notification-settings")
    assert got.status_code == 200
    assert got.get_json() == {"email": {"task": "at_once", "reminder": "at_once", "escalation": "at_once",
                                        "notice": "at_once", "mention": "at_once"},
                              "summary_at": "08:00", "timezone": "Asia/Bishkek"}

    put = as_("pr").put("/api/v1/me/notification-settings", json={"email": {"notice": "daily", "reminder": "none"}})
    assert put.status_code == 200
    assert put.get_json()["email"] == {"task": "at_once", "reminder": "none", "escalation": "at_once",
                                       "notice": "daily", "mention": "at_once"}
    assert as_("pr").get("/api/v1/me/notification-settings").get_json()["email"]["notice"] == "daily"
    # One user's choice is theirs alone.
    assert as_("prhead").get("/api/v1/me/notification-settings").get_json()["email"]["notice"] == "at_once"


@pytest.mark.parametrize(("body", "field"), [
    ({"email": {"gossip": "daily"}}, "email.gossip"),
    ({"email": {"task": "weekly"}}, "email.task"),
    ({"email": {"task": 3}}, "email.task"),
    ({"email": {"task": None}}, "email.task"),  # named as the kind, not marshmallow's `email.task.value`
    ({"email": "daily"}, "email"),
    ({}, "email"),
    ({"email": {}, "sms": {}}, "sms"),
])
def test_a_bad_choice_is_422_naming_the_field_and_changes_nothing(as_: Any, body: Any, field: str) -> None:
    response = as_("pr").put("/api/v1/me/notification-settings", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in [error["field"] for error in response.get_json()["errors"]]
    assert as_("pr").get("/api/v1/me/notification-settings").get_json()["email"]["notice"] == "at_once"


def test_a_good_and_a_bad_choice_together_change_nothing(as_: Any) -> None:
    response = as_("pr").put("/api/v1/me/notification-settings",
                             json={"email": {"notice": "none", "task": "hourly"}})
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == ["email.task"]
    assert as_("pr").get("/api/v1/me/notification-settings").get_json()["email"]["notice"] == "at_once"


# -- the outbox honours the choice ---------------------------------------------------------------------------------

def test_none_sends_no_email_while_the_list_still_has_it(as_: Any, sessions: Any, ctx: Any, smtp: Smtp,  # noqa: F811
                                                         mail_settings: Any, addresses: None) -> None:
    as_("pr").put("/api/v1/me/notification-settings", json={"email": {"reminder": "none"}})
    quiet = tell(sessions, ctx, "pr", "reminder", "Reminder: the answer is due tomorrow.")
    loud = tell(sessions, ctx, "pr", "task", "New task: triage.")

    assert send_pending_email(sessions, mail_settings, clock=ctx.clock) == 1

    assert [m["Subject"] for _f, _t, m in smtp.inbox.received] == ["[Jarchy] New task: triage."]
    assert (email_status(sessions, quiet), email_status(sessions, loud)) == ("none", "sent")
    listed = as_("pr").get("/api/v1/notifications").get_json()
    assert [n["message"] for n in listed["items"]] == ["New task: triage.", "Reminder: the answer is due tomorrow."]
    assert listed["unread"] == 2


def test_the_daily_summary_comes_once_at_the_hour_with_all_the_days_notifications(
        as_: Any, sessions: Any, ctx: Any, clock: Any, smtp: Smtp, mail_settings: Any,  # noqa: F811
        addresses: None) -> None:
    as_("pr").put("/api/v1/me/notification-settings", json={"email": {"notice": "daily", "task": "daily"}})
    clock.set(at(2, 10))
    first = tell(sessions, ctx, "pr", "notice", "For your information: a release was published, case PR-1.")
    clock.set(at(2, 16, 30))
    second = tell(sessions, ctx, "pr", "task", "New task: triage, case IR-7.")
    at_once = tell(sessions, ctx, "pr", "escalation", "Escalation: case IR-3 is overdue.")

    # Before the hour the next morning: only the escalation goes (at once), the others wait.
    clock.set(at(3, 7, 59))
    assert compose_summaries(sessions, ctx, ctx.now()) == 0
    send_pending_email(sessions, mail_settings, clock=ctx.clock)
    assert [m["Subject"] for _f, _t, m in smtp.inbox.received] == ["[Jarchy] Escalation: case IR-3 is overdue."]
    assert (email_status(sessions, first), email_status(sessions, second), email_status(sessions, at_once)) == \
        ("summary", "summary", "sent")

    # At 08:00: one e-mail with both, oldest first, each at its moment on the office's clock.
    clock.set(at(3, 8, 0))
    assert compose_summaries(sessions, ctx, ctx.now()) == 1
    assert send_pending_email(sessions, mail_settings, clock=ctx.clock) == 1
    assert len(smtp.inbox.received) == 2
    _from, to, summary = smtp.inbox.received[1]
    assert to == ["pr@press.gov.example"]
    assert summary["Subject"] == "[Jarchy] 2 notifications, March 3, 2026"
    text = summary.get_content()
    assert "Hello Pr," in text and "2 notifications since the last one" in text
    assert text.index("a release was published") < text.index("triage, case IR-7")
    assert "3/2/26, 10:00" in text and "3/2/26, 4:30" in text
    assert (email_status(sessions, first), email_status(sessions, second)) == ("summarized", "summarized")

    # The clock moved on the same day, again and again, and back: nothing twice.
    for moment in (at(3, 8, 5), at(3, 23, 59), at(3, 8, 0)):
        clock.set(moment)
        assert compose_summaries(sessions, ctx, ctx.now()) == 0
        assert send_pending_email(sessions, mail_settings, clock=ctx.clock) == 0
    assert len(smtp.inbox.received) == 2

    # What comes after the hour waits for the next day's summary, which has it alone.
    clock.set(at(3, 9))
    third = tell(sessions, ctx, "pr", "notice", "For your information: case PR-2.")
    clock.set(at(4, 8))
    assert compose_summaries(sessions, ctx, ctx.now()) == 1
    send_pending_email(sessions, mail_settings, clock=ctx.clock)
    assert len(smtp.inbox.received) == 3
    assert "case PR-2" in smtp.inbox.received[2][2].get_content()
    assert "case PR-1" not in smtp.inbox.received[2][2].get_content()
    with sessions() as session:
        summaries = {n.id: n.summary_id for n in session.scalars(select(Notification).where(
            Notification.id.in_([first, second, third])))}
        assert len(set(summaries.values())) == 2 and summaries[first] == summaries[second]
        assert session.scalar(select(EmailSummary.day).where(EmailSummary.id == summaries[third])).isoformat() \
            == "2026-03-04"


def test_two_sweepers_at_the_hour_compose_one_summary(as_: Any, sessions: Any, ctx: Any, clock: Any,
                                                      smtp: Smtp, mail_settings: Any,  # noqa: F811
                                                      addresses: None) -> None:
    import threading

    as_("pr").put("/api/v1/me/notification-settings", json={"email": {"task": "daily"}})
    for number in range(3):
        tell(sessions, ctx, "pr", "task", f"New task number {number}.")
    clock.set(at(3, 8, 1))
    barrier, counts = threading.Barrier(2), []

    def sweeper() -> None:
        barrier.wait()
        counts.append(compose_summaries(sessions, ctx, ctx.now()))

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counts) == [0, 1]
    send_pending_email(sessions, mail_settings, clock=ctx.clock)
    send_pending_email(sessions, mail_settings, clock=ctx.clock)
    assert len(smtp.inbox.received) == 1
    assert smtp.inbox.received[0][2].get_content().count("New task number") == 3


def test_the_summary_speaks_the_users_language(as_: Any, sessions: Any, ctx: Any, clock: Any, smtp: Smtp,  # noqa: F811
                                               mail_settings: Any, addresses: None) -> None:
    with sessions.begin() as session:
        update_user(session, "pr", {"locale": "ru"}, actor="system", at=ctx.now())
    as_("pr").put("/api/v1/me/notification-settings", json={"email": {"task": "daily"}})
    for _ in range(5):
        tell(sessions, ctx, "pr", "task", "Новая задача.")
    clock.set(at(3, 8))
    compose_summaries(sessions, ctx, ctx.now())
    send_pending_email(sessions, mail_settings, clock=ctx.clock)
    (_from, _to, summary), = smtp.inbox.received
    assert summary["Subject"] == "[Jarchy] 5 уведомлений, 3 марта 2026 г."
    assert "Здравствуйте" in summary.get_content()
    assert "02.03.2026, 09:00" in summary.get_content()


def test_a_changed_choice_applies_to_what_still_waits(as_: Any, sessions: Any, ctx: Any, clock: Any,
                                                       smtp: Smtp, mail_settings: Any,  # noqa: F811
                                                       addresses: None) -> None:
    as_("pr").put("/api/v1/me/notification-settings", json={"email": {"task": "daily", "notice": "daily"}})
    task = tell(sessions, ctx, "pr", "task", "New task: triage.")
    notice = tell(sessions, ctx, "pr", "notice", "For your information: case PR-1.")

    as_("pr").put("/api/v1/me/notification-settings", json={"email": {"task": "at_once", "notice": "none"}})

    assert (email_status(sessions, task), email_status(sessions, notice)) == ("pending", "none")
    clock.set(at(3, 8))
    assert compose_summaries(sessions, ctx, ctx.now()) == 0
    send_pending_email(sessions, mail_settings, clock=ctx.clock)
    assert [m["Subject"] for _f, _t, m in smtp.inbox.received] == ["[Jarchy] New task: triage."]
