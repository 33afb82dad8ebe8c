"""E-mail of notifications against a real SMTP server (aiosmtpd on 127.0.0.1): delivered once, retried
when the server is away or answers 4xx, failed for good on a 5xx or after five attempts, audited."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from db.models import AuditEvent, HumanTask, Notification, User
from db.vocabulary import NotificationKind
from engine.background.mail import (
    FIRST_RETRY,
    MAX_ATTEMPTS,
    TransientMailError,
    parse_smtp_url,
    pending_ids,
)
from engine.background.sweeper import send_email, send_pending_email
from engine.people.accounts import update_user, user_by_username
from engine.runtime import operations
from engine.runtime.notifications import notify, task_message
from tests.conftest import REQUEST

# -- a real SMTP server -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    """What the server received; `data_answer` / `rcpt_answer` make it refuse."""

    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    data_answer: str = "250 Message accepted for delivery"
    rcpt_answer: str | None = None
    delay: float = 0.0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_answer.startswith("250"):
            parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return self.data_answer


@dataclass
class Smtp:
    inbox: Inbox
    port: int
    controller: Controller | None = None
    logins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    inbox = Inbox()
    server = Smtp(inbox, free_port())

    def authenticate(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"jarchy", b"s3cret:/@")
        if ok:
            server.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    server.controller = Controller(inbox, hostname="127.0.0.1", port=server.port, authenticator=authenticate,
                                   auth_require_tls=False)
    server.controller.start()
    yield server
    server.stop()


# -- the database side --------------------------------------------------------------------------------------------

@pytest.fixture
def addresses(sessions: Any, ctx: Any, cast: Any) -> dict[str, str]:
    emails = {"pr": "pr@press.gov.example", "prhead": "head@press.gov.example", "lawyer": "law@press.gov.example"}
    with sessions.begin() as session:
        for username, email in emails.items():
            update_user(session, username, {"email": email}, actor="system", at=ctx.now())
    return emails


def make_pending(sessions: Any, ctx: Any, usernames: list[str], message: str = "New task: \u201cTriage\u201d for "
                 "case IR-2026-000001, due 2026-03-23 18:00 (Asia/Bishkek).") -> list[int]:
    with sessions.begin() as session:
        users = list(session.scalars(select(User).where(User.username.in_(usernames)).order_by(User.username)))
        rows = notify(session, kind="task", users=users, message=message, at=ctx.now(), instance_id=None,
                      task_id=None, email_enabled=True)
        return [r.id for r in rows]


def state(sessions: Any, notification_id: int) -> tuple[str, int, Any]:
    with sessions() as session:
        row = session.get(Notification, notification_id)
        return row.email_status, row.email_attempts, row.email_sent_at


def events(sessions: Any, type_: str) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.id)))


@pytest.fixture
def mail_settings(settings: Any, smtp: Smtp) -> Any:
    return settings.with_(smtp_url=smtp.url)


# -- delivery ---------------------------------------------------------------------------------------------------

def test_a_pending_notification_is_delivered_once_marked_sent_and_audited(sessions: Any, ctx: Any, smtp: Smtp,
                                                                          mail_settings: Any,
                                                                          addresses: dict[str, str]) -> None:
    (nid,) = make_pending(sessions, ctx, ["pr"])
    assert state(sessions, nid)[0] == "pending"

    assert send_email(sessions, mail_settings, nid, clock=ctx.clock) is True

    assert len(smtp.inbox.received) == 1
    mail_from, rcpt_tos, message = smtp.inbox.received[0]
    assert mail_from == "jarchy@127.0.0.1" and rcpt_tos == ["pr@press.gov.example"]
    assert message["To"].addresses[0].addr_spec == "pr@press.gov.example"
    assert message["To"].addresses[0].display_name == "Pr"
    assert message["From"] == "jarchy@127.0.0.1"
    assert message["Subject"] == ("[Jarchy] New task: \u201cTriage\u201d for case IR-2026-000001, "
                                  "due 2026-03-23 18:00 (Asia/Bishkek).")
    assert message["Auto-Submitted"] == "auto-generated" and message["Message-ID"]
    body = message.get_content()
    assert "due 2026-03-23 18:00 (Asia/Bishkek)" in body and "Hello Pr," in body
    assert state(sessions, nid) == ("sent", 1, ctx.now())
    (emailed,) = events(sessions, "notification.emailed")
    assert emailed.subject == "user:pr" and emailed.actor is None
    assert emailed.after == {"notification_id": nid, "kind": "task", "attempts": 1}

    # Sent is sent: neither send_email nor the sweep sends it again.
    assert send_email(sessions, mail_settings, nid) is False
    assert send_pending_email(sessions, mail_settings) == 0
    assert len(smtp.inbox.received) == 1


def send_concurrently(sessions: Any, settings: Any, nid: int, senders: int = 2) -> list[bool | BaseException]:
    """`senders` threads released at once, each calling send_email for the same notification."""
    barrier = threading.Barrier(senders)
    results: list[bool | BaseException] = []

    def send() -> None:
        barrier.wait()
        try:
            results.append(send_email(sessions, settings, nid))
        except BaseException as exc:  # reported by the caller's assertion
            results.append(exc)

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_concurrent_senders_of_the_same_notification_send_it_once(sessions: Any, ctx: Any, smtp: Smtp,
                                                                      mail_settings: Any, addresses: Any) -> None:
    smtp.inbox.delay = 0.2  # the first sender is still talking to the server when the second tries
    for _round in range(3):
        (nid,) = make_pending(sessions, ctx, ["prhead"])
        assert sorted(send_concurrently(sessions, mail_settings, nid), key=str) == [False, True]
        assert state(sessions, nid)[:2] == ("sent", 1)
    assert len(smtp.inbox.received) == 3
    assert len(events(sessions, "notification.emailed")) == 3


def test_with_the_server_away_the_notification_waits_without_using_up_its_attempts(
        sessions: Any, ctx: Any, smtp: Smtp, mail_settings: Any, addresses: Any) -> None:
    smtp.stop()
    (nid,) = make_pending(sessions, ctx, ["pr"])
    for _ in range(MAX_ATTEMPTS + 2):
        with pytest.raises(TransientMailError) as raised:
            send_email(sessions, mail_settings, nid)
        assert raised.value.unreachable and raised.value.notification_id == nid
    assert state(sessions, nid) == ("pending", 0, None)
    # The sweep leaves it alone for a while, then tries again (Celery's retries wait on their own).
    assert nid not in pending_ids_now(sessions)
    with sessions() as session:
        assert nid in pending_ids(session, now=datetime.now(UTC) + FIRST_RETRY + timedelta(seconds=1))
    assert events(sessions, "notification.email_failed") == []


def test_a_server_that_keeps_answering_try_later_fails_the_e_mail_after_five_attempts(
        sessions: Any, ctx: Any, smtp: Smtp, mail_settings: Any, addresses: Any) -> None:
    smtp.inbox.data_answer = "451 Try again later"
    (nid,) = make_pending(sessions, ctx, ["pr"])
    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(TransientMailError) as raised:
            send_email(sessions, mail_settings, nid)
        assert not raised.value.unreachable and raised.value.attempts == attempt
        assert state(sessions, nid) == ("pending", attempt, None)
    assert send_email(sessions, mail_settings, nid) is False
    assert state(sessions, nid) == ("failed", MAX_ATTEMPTS, None)
    (failed,) = events(sessions, "notification.email_failed")
    assert failed.subject == "user:pr" and failed.after["attempts"] == MAX_ATTEMPTS
    assert "451" in failed.after["reason"]
    assert events(sessions, "notification.emailed") == []
    assert nid not in pending_ids_now(sessions)


def pending_ids_now(sessions: Any) -> list[int]:
    with sessions() as session:
        return pending_ids(session)


def test_a_temporary_refusal_is_retried_and_then_delivered(sessions: Any, ctx: Any, smtp: Smtp, mail_settings: Any,
                                                           addresses: Any) -> None:
    (nid,) = make_pending(sessions, ctx, ["lawyer"])
    smtp.inbox.data_answer = "451 4.3.0 Try again later"
    with pytest.raises(TransientMailError) as raised:
        send_email(sessions, mail_settings, nid)
    assert "451" in str(raised.value) and not raised.value.unreachable
    assert state(sessions, nid) == ("pending", 1, None)
    smtp.inbox.data_answer = "250 OK"
    assert send_email(sessions, mail_settings, nid) is True
    assert state(sessions, nid)[:2] == ("sent", 2)
    assert len(smtp.inbox.received) == 1


@pytest.mark.parametrize("where", ["data", "rcpt"])
def test_a_5xx_answer_is_a_permanent_failure(sessions: Any, ctx: Any, smtp: Smtp, mail_settings: Any,
                                             addresses: Any, where: str) -> None:
    if where == "data":
        smtp.inbox.data_answer = "550 5.7.1 Message rejected as spam"
    else:
        smtp.inbox.rcpt_answer = "550 5.1.1 No such mailbox"
    (nid,) = make_pending(sessions, ctx, ["pr"])
    assert send_email(sessions, mail_settings, nid) is False
    assert state(sessions, nid) == ("failed", 1, None)
    (failed,) = events(sessions, "notification.email_failed")
    assert "550" in failed.after["reason"] and failed.after["notification_id"] == nid
    assert smtp.inbox.received == []
    # Failed stays failed.
    smtp.inbox.data_answer, smtp.inbox.rcpt_answer = "250 OK", None
    assert send_pending_email(sessions, mail_settings) == 0 and smtp.inbox.received == []


def test_send_pending_sends_every_pending_one_and_leaves_the_others(sessions: Any, ctx: Any, smtp: Smtp,
                                                                    mail_settings: Any, addresses: Any) -> None:
    ids = make_pending(sessions, ctx, ["lawyer", "pr", "prhead", "leader"])  # leader has no address
    statuses = [state(sessions, i)[0] for i in ids]
    assert statuses == ["pending", "none", "pending", "pending"]  # ordered by username: lawyer, leader, pr, prhead
    assert send_pending_email(sessions, mail_settings) == 3
    assert sorted(rcpt[0] for _f, rcpt, _m in smtp.inbox.received) == sorted(addresses.values())
    assert [state(sessions, i)[0] for i in ids] == ["sent", "none", "sent", "sent"]
    assert send_pending_email(sessions, mail_settings) == 0
    assert len(smtp.inbox.received) == 3


def test_send_pending_with_the_server_away_tries_one_and_stops(sessions: Any, ctx: Any, smtp: Smtp,
                                                                mail_settings: Any, addresses: Any) -> None:
    smtp.stop()
    ids = make_pending(sessions, ctx, ["lawyer", "pr", "prhead"])
    assert send_pending_email(sessions, mail_settings) == 0
    # Only the first was tried (it now waits for its retry); no attempt is spent on an unreachable server.
    with sessions() as session:
        assert pending_ids(session) == ids[1:]
    assert [state(sessions, i)[:2] for i in ids] == [("pending", 0)] * 3


def test_without_smtp_nothing_is_sent_and_nothing_is_claimed(sessions: Any, ctx: Any, settings: Any, smtp: Smtp,
                                                             addresses: Any) -> None:
    (nid,) = make_pending(sessions, ctx, ["pr"])
    assert settings.smtp_url is None
    assert send_email(sessions, settings, nid) is False
    assert send_pending_email(sessions, settings) == 0
    assert state(sessions, nid) == ("pending", 0, None) and smtp.inbox.received == []


def test_an_address_removed_since_is_a_permanent_failure(sessions: Any, ctx: Any, smtp: Smtp, mail_settings: Any,
                                                         addresses: Any) -> None:
    (nid,) = make_pending(sessions, ctx, ["pr"])
    with sessions.begin() as session:
        update_user(session, "pr", {"email": None}, actor="admin", at=ctx.now())
    assert send_email(sessions, mail_settings, nid) is False
    assert state(sessions, nid)[0] == "failed" and smtp.inbox.received == []
    assert "no e-mail address" in events(sessions, "notification.email_failed")[0].after["reason"]


def test_credentials_in_the_url_log_in_and_the_sender_can_be_configured(
        sessions: Any, ctx: Any, smtp: Smtp, settings: Any, addresses: Any) -> None:
    with_login = settings.with_(smtp_url=f"smtp://jarchy:s3cret%3A%2F%40@127.0.0.1:{smtp.port}",
                                mail_from="noreply@press.gov.example")
    (nid,) = make_pending(sessions, ctx, ["pr"], message="Reminder: \u201c\u0422\u0440\u0438\u0430\u0436\u201d.")
    assert send_email(sessions, with_login, nid) is True
    assert smtp.logins == [("jarchy", "s3cret:/@")]
    mail_from, _rcpt, message = smtp.inbox.received[0]
    assert mail_from == "noreply@press.gov.example" and message["From"] == "noreply@press.gov.example"
    assert message["Subject"] == "[Jarchy] Reminder: \u201c\u0422\u0440\u0438\u0430\u0436\u201d."

    (second,) = make_pending(sessions, ctx, ["pr"])
    wrong = settings.with_(smtp_url=f"smtp://jarchy:wrong@127.0.0.1:{smtp.port}")
    assert send_email(sessions, wrong, second) is False  # 535 authentication failed: permanent
    assert state(sessions, second)[0] == "failed"


# -- the URL ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.gov.example", ("mail.gov.example", 25, None, None, False, False)),
    ("smtp://u%40x:p%3Aw@mail.gov.example:587?starttls=1", ("mail.gov.example", 587, "u@x", "p:w", False, True)),
    ("smtps://u:p@mail.gov.example", ("mail.gov.example", 465, "u", "p", True, False)),
    ("SMTP://127.0.0.1:2525?starttls=0&timeout=2", ("127.0.0.1", 2525, None, None, False, False)),
])
def test_the_smtp_url_is_parsed(url: str, expected: tuple[Any, ...]) -> None:
    config = parse_smtp_url(url)
    assert (config.host, config.port, config.username, config.password, config.tls, config.starttls) == expected


@pytest.mark.parametrize("url", ["http://mail.gov.example", "smtp://", "smtp://host:99999", "smtp://h?timeout=0",
                                 "mail.gov.example:25"])
def test_a_malformed_smtp_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        parse_smtp_url(url)


def test_an_e_mail_left_mid_send_by_a_dead_sender_is_sent_later(sessions: Any, ctx: Any, smtp: Smtp,
                                                                  mail_settings: Any, addresses: Any) -> None:
    from sqlalchemy import update

    from engine.background.mail import STALE_CLAIM

    (nid,) = make_pending(sessions, ctx, ["pr"])
    now = datetime.now(UTC)
    with sessions.begin() as session:  # what a sender killed between its claim and its send leaves behind
        session.execute(update(Notification).where(Notification.id == nid)
                        .values(email_status="sending", email_claimed_at=now))
    assert pending_ids_now(sessions) == [] and send_email(sessions, mail_settings, nid) is False
    with sessions.begin() as session:
        session.execute(update(Notification).where(Notification.id == nid)
                        .values(email_claimed_at=now - STALE_CLAIM - STALE_CLAIM))
    assert pending_ids_now(sessions) == [nid]
    assert send_email(sessions, mail_settings, nid) is True
    assert state(sessions, nid)[0] == "sent" and len(smtp.inbox.received) == 1



# -- in the recipient's language --------------------------------------------------------------------------------

def test_a_task_notification_and_its_email_speak_the_recipients_language(sessions: Any, ctx: Any, smtp: Smtp,
                                                                          mail_settings: Any, deployed: None,
                                                                          addresses: dict[str, str]) -> None:
    with sessions.begin() as session:
        update_user(session, "pr", {"locale": "ru"}, actor="system", at=ctx.now())
        case = operations.start(session, ctx, user_by_username(session, "pr"), "information_request", dict(REQUEST))
        task = session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id)).one()
        task.due_at = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)
        users = list(session.scalars(select(User).where(User.username.in_(["pr", "prhead"]))
                                     .order_by(User.username)))
        rows = notify(session, kind="task", users=users, at=ctx.now(), instance_id=case.id, task_id=task.id,
                      message=lambda said: task_message(session, ctx, task, NotificationKind.TASK, said),
                      catalogs=ctx.settings.catalogs,
                      email_enabled=True)
        told = {user.username: row.message for user, row in zip(users, rows, strict=True)}
    assert told["pr"] == (f"Новая задача: «Распределить запрос» по делу {case.business_key}, "
                          "срок — 23 марта 2026\u202fг. 18:00 (Бишкек).")
    assert told["prhead"].startswith("New task: \u201cTriage the request\u201d") and "March 23, 2026" in told["prhead"]

    assert send_email(sessions, mail_settings, rows[0].id, clock=ctx.clock) is True
    body = smtp.inbox.received[-1][2].get_content()
    assert body.startswith("Здравствуйте, Pr!") and "Войдите в Jarchy" in body and "уведомление №" in body
