"""E-mail for notifications and for letters to requesters, through the SMTP server of `JARCHY_SMTP_URL`.

`smtp://user:pass@host:port` (plain, or STARTTLS with `?starttls=1`), `smtps://...` (TLS from the start);
`?timeout=SECONDS` bounds each network step (10 s by default). The sender is `JARCHY_MAIL_FROM`, else `jarchy@<the
SMTP host>`.

Four outboxes share one machinery (`OUTBOXES`): staff notifications, letters to requesters (who have no account),
deliveries of published releases to the journalists of their distribution lists (engine.runtime.distribution) and
the staff's daily summaries of notifications (engine.background.summaries).
A notification or letter to send has `email_status` "pending". The sender (engine.background.sweeper.send_email)
claims it with a conditional UPDATE (pending -> sending) in a transaction of its own, so two senders (a Celery
worker and the in-process sweep, or two workers) never send it twice; talks to the server outside any transaction
(no lock is held while the network is slow); then records the outcome in a second transaction. A connection problem
or a 4xx is transient: the row goes back to "pending" with one more attempt counted and `TransientMailError` tells
the caller to retry later; the fifth failed attempt, or a 5xx, is final ("failed"). A sent e-mail and a final failure
are audit events. A release's delivery refused by the server when it names the recipient (a 5xx on RCPT) is failed
for good; one the mail system reports undeliverable afterwards is recorded as bounced
(engine.runtime.distribution.record_bounce).

A sender that dies between the two transactions leaves its row in "sending" with the moment of its claim: after
STALE_CLAIM any sender takes it again (at worst the e-mail goes twice, never not at all). The sweep retries a
transient failure after a growing pause (`email_next_at`); Celery's retries have their own."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from db.models import Delivery, EmailSummary, Notification, RequesterLetter, User
from db.vocabulary import EmailStatus, EventType
from engine.audit import chain
from engine.core.settings import Settings
from engine.core.words import N_, words

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A `sending` row older than this was left by a sender that died: it is sent again.
STALE_CLAIM = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
DEFAULT_TIMEOUT = 10.0
SUBJECT_LENGTH = 150
NOTIFICATIONS, LETTERS, DELIVERIES, SUMMARIES = "notifications", "letters", "deliveries", "summaries"
Outbox = type[Notification] | type[RequesterLetter] | type[Delivery] | type[EmailSummary]
OUTBOXES: dict[str, Outbox] = {NOTIFICATIONS: Notification, LETTERS: RequesterLetter, DELIVERIES: Delivery,
                               SUMMARIES: EmailSummary}


class TransientMailError(Exception):
    """The e-mail could not be sent now but may be later; the notification is pending again.

    `unreachable`: the server could not even be reached, so others sent now would fail the same way."""

    def __init__(self, message: str, *, notification_id: int, attempts: int, unreachable: bool = False) -> None:
        super().__init__(message)
        self.notification_id = notification_id
        self.attempts = attempts
        self.unreachable = unreachable


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False  # smtps: TLS from the first byte
    starttls: bool = False
    timeout: float = DEFAULT_TIMEOUT
    mail_from: str | None = None
    # The compiled catalogs a notification's e-mail is worded from (`Settings.catalogs`).
    catalogs: Path | None = None

    @property
    def sender(self) -> str:
        return self.mail_from or f"jarchy@{self.host}"


def parse_smtp_url(url: str) -> SmtpConfig:
    """`smtp://user:pass@host:port?starttls=1&timeout=5` or `smtps://...`; ValueError when malformed."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise ValueError(f"JARCHY_SMTP_URL must start with smtp:// or smtps://, not {scheme or 'nothing'}://")
    if not parts.hostname:
        raise ValueError("JARCHY_SMTP_URL names no host")
    port = parts.port or (465 if scheme == "smtps" else 25)  # .port raises ValueError when out of range
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes")
    timeout = float(query.get("timeout", [str(DEFAULT_TIMEOUT)])[-1])
    if timeout <= 0:
        raise ValueError("the timeout of JARCHY_SMTP_URL must be positive")
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        tls=scheme == "smtps",
        starttls=starttls and scheme == "smtp",
        timeout=timeout,
    )


# -- one notification -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    notification_id: int  # the row's id in its outbox
    username: str
    display_name: str
    address: str | None
    active: bool
    kind: str
    message: str
    box: str = NOTIFICATIONS
    subject: str | None = None  # a letter's own subject line
    language: str | None = None  # a staff member's (their account's): the words around the notification


class _Unreachable(OSError):
    """The connection itself failed (refused, timed out, no such host, TLS handshake)."""


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: "sent", "transient" or "permanent", the reason, and whether the server could not
    even be reached (which says nothing of this e-mail)."""

    result: str
    reason: str
    unreachable: bool


def config_of(settings: Settings) -> SmtpConfig | None:
    """The SMTP server to send through, or None when this deployment sends no e-mail."""
    if settings.smtp_url is None:
        return None
    return replace(parse_smtp_url(settings.smtp_url), mail_from=settings.mail_from, catalogs=settings.catalogs)


def claim(session: Session, notification_id: int, now: datetime, box: str = NOTIFICATIONS) -> Job | None:
    """Take a pending notification's (or letter's) e-mail (pending -> sending) with a conditional UPDATE, so two
    senders never both send it; None when it is not pending (sent, being sent by another, or no e-mail wanted)."""
    model = OUTBOXES[box]
    claimed = session.execute(
        update(model)
        .where(model.id == notification_id, _claimable(model, now))
        .values(email_status=EmailStatus.SENDING, email_claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    if box == DELIVERIES:
        delivery = session.get(Delivery, notification_id, populate_existing=True)
        assert delivery is not None
        return Job(notification_id=delivery.id, username="media", display_name=delivery.recipient,
                   address=delivery.address, active=True, kind="release", message=delivery.body, box=DELIVERIES,
                   subject=delivery.subject)
    if box == LETTERS:
        letter = session.get(RequesterLetter, notification_id, populate_existing=True)
        assert letter is not None
        return Job(notification_id=letter.id, username="requester", display_name=letter.recipient,
                   address=letter.address, active=True, kind=letter.kind, message=letter.body, box=LETTERS,
                   subject=letter.subject)
    if box == SUMMARIES:
        summary = session.get(EmailSummary, notification_id, populate_existing=True)
        assert summary is not None
        owner = session.get(User, summary.user_id)
        assert owner is not None
        return Job(notification_id=summary.id, username=owner.username, display_name=owner.display_name,
                   address=owner.email, active=owner.active, kind="summary", message=summary.body, box=SUMMARIES,
                   subject=summary.subject, language=owner.locale)
    row = session.get(Notification, notification_id, populate_existing=True)
    assert row is not None
    user = session.get(User, row.user_id)
    assert user is not None
    return Job(notification_id=row.id, username=user.username, display_name=user.display_name,
               address=user.email, active=user.active, kind=row.kind, message=row.message, language=user.locale)


def record_outcome(session: Session, job: Job, outcome: Outcome, at: datetime) -> int:
    """Write what the attempt came to on the notification (and, for a delivery or a final failure, in the audit
    trail); returns the attempts counted so far."""
    row = session.get(OUTBOXES[job.box], job.notification_id, with_for_update=True, populate_existing=True)
    assert row is not None  # notifications, letters and deliveries are never deleted
    # A server that cannot be reached at all says nothing of this e-mail: that does not use up an
    # attempt, so an outage delays the mail but never fails it for good.
    if not outcome.unreachable:
        row.email_attempts += 1
    attempts = row.email_attempts
    if isinstance(row, Delivery):
        event: dict[str, Any] = dict(instance_id=row.instance_id, task_id=None, subject=f"delivery:{row.id}")
        details: dict[str, Any] = {"delivery_id": row.id, "address": row.address, "attempts": attempts}
        emailed, email_failed = EventType.DELIVERY_SENT, EventType.DELIVERY_FAILED
        if outcome.result != "sent":
            row.email_error = outcome.reason  # shown on the case beside the delivery
    elif isinstance(row, EmailSummary):
        event = dict(instance_id=None, task_id=None, subject=f"user:{job.username}")
        details = {"summary_id": row.id, "kind": "summary", "attempts": attempts}
        emailed, email_failed = EventType.NOTIFICATION_EMAILED, EventType.NOTIFICATION_EMAIL_FAILED
    elif isinstance(row, RequesterLetter):
        event = dict(instance_id=row.instance_id, task_id=None, subject=f"letter:{row.id}")
        details = {"letter_id": row.id, "kind": row.kind, "attempts": attempts}
        emailed, email_failed = EventType.LETTER_EMAILED, EventType.LETTER_EMAIL_FAILED
    else:
        event = dict(instance_id=row.instance_id, task_id=row.task_id, subject=f"user:{job.username}")
        details = {"notification_id": row.id, "kind": row.kind, "attempts": attempts}
        emailed, email_failed = EventType.NOTIFICATION_EMAILED, EventType.NOTIFICATION_EMAIL_FAILED
    if outcome.result == "sent":
        row.email_status, row.email_sent_at = EmailStatus.SENT, at
        chain.record(session, type=emailed, at=at, actor=None, **event, after=details)
    elif will_retry(outcome, attempts):
        row.email_status = EmailStatus.PENDING
        row.email_next_at = at + FIRST_RETRY * 2 ** max(0, min(attempts - 1, 6))
    else:
        row.email_status = EmailStatus.FAILED
        chain.record(session, type=email_failed, at=at, actor=None, **event,
                     after=details | {"reason": outcome.reason})
    session.flush()
    return attempts


def will_retry(outcome: Outcome, attempts: int) -> bool:
    return outcome.result == "transient" and attempts < MAX_ATTEMPTS


def _claimable(model: Outbox, now: datetime) -> ColumnElement[bool]:
    return or_(model.email_status == EmailStatus.PENDING,
               (model.email_status == EmailStatus.SENDING) & (model.email_claimed_at < now - STALE_CLAIM))


def attempt(config: SmtpConfig, job: Job, now: datetime) -> Outcome:
    """Talk to the server once, outside any transaction (no lock is held while the network is slow)."""
    if not job.address:
        return Outcome("permanent", "the user has no e-mail address any more", False)
    if not job.active:
        return Outcome("permanent", "the user is deactivated", False)
    try:
        message = build_message(config, job, now)
    except (ValueError, TypeError, IndexError) as exc:  # an address or header the e-mail package refuses
        return Outcome("permanent", f"the message could not be built: {exc}", False)
    try:
        _deliver(config, message)
    except smtplib.SMTPResponseException as exc:
        permanent = 500 <= exc.smtp_code < 600
        return Outcome(("permanent" if permanent else "transient"), f"the server answered {_response(exc)}", False)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        answers = "; ".join(f"{code} {_text(text)}" for code, text in exc.recipients.values())
        return Outcome(("permanent" if permanent else "transient"), f"the recipient was refused: {answers}", False)
    except _Unreachable as exc:
        return Outcome("transient", f"the SMTP server at {config.host}:{config.port} is unreachable: {exc}", True)
    except OSError as exc:  # smtplib.SMTPException (SMTPServerDisconnected, ...) is an OSError too
        return Outcome("transient", f"{type(exc).__name__}: {exc}", False)
    return Outcome("sent", "", False)


def build_message(config: SmtpConfig, job: Job, now: datetime) -> EmailMessage:
    sender = config.sender
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=job.display_name, addr_spec=job.address or "")
    message["Subject"] = _subject(job.subject or job.message, tag=job.box in (NOTIFICATIONS, SUMMARIES))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=f"{BOX_WORDS[job.box]}-{job.notification_id}",
                                       domain=sender.rpartition("@")[2] or config.host)
    message["Auto-Submitted"] = "auto-generated"
    if job.box == DELIVERIES:
        # The release as published, its link and its media's links; the header lets a bounce processor name the
        # delivery to POST /api/v1/deliveries/{id}/bounce.
        message["X-Jarchy-Delivery"] = str(job.notification_id)
        message.set_content(job.message)
        return message
    if job.box == SUMMARIES:
        # Composed whole in the reader's language when the day's summary was made (engine.background.summaries).
        message.set_content(job.message)
        return message
    if job.box == LETTERS:
        # A letter is the office's own words to the requester, in their language: nothing is added but its number.
        message.set_content(f"{job.message}\n\n-- \n{job.subject}\n")
        return message
    said = words(job.language, config.catalogs)
    message.set_content(
        said(N_("Hello %(name)s,"), name=job.display_name) + "\n\n"
        f"{job.message}\n\n"
        + said(N_("Sign in to Jarchy to see it in your inbox.")) + "\n\n"
        "-- \n" + said(N_("Jarchy (notification %(number)s)"), number=job.notification_id) + "\n"
    )
    return message


BOX_WORDS = {NOTIFICATIONS: "notification", LETTERS: "letter", DELIVERIES: "delivery", SUMMARIES: "summary"}


def _subject(text: str, *, tag: bool = True) -> str:
    line = " ".join(text.split())
    if len(line) > SUBJECT_LENGTH:
        line = line[: SUBJECT_LENGTH - 1].rstrip() + "\u2026"
    return f"[Jarchy] {line}" if tag else line


def deliver(config: SmtpConfig, message: EmailMessage) -> None:
    """Hand one message to the server (others than the outboxes' e-mail, e.g. the audit's checkpoints); raises
    smtplib.SMTPException or OSError."""
    _deliver(config, message)


def _deliver(config: SmtpConfig, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    try:
        if config.tls:
            client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    except smtplib.SMTPResponseException:
        raise  # the server answered its greeting with an error: classified by its code
    except OSError as exc:
        raise _Unreachable(str(exc) or type(exc).__name__) from exc
    try:
        if config.starttls:
            client.starttls(context=context)
        if config.username:
            client.login(config.username, config.password or "")
        client.send_message(message)
    finally:
        # Once the message is accepted a failing QUIT must not turn it into a retry (a second copy).
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def _response(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# -- many ------------------------------------------------------------------------------------------------

def pending_ids(session: Session, limit: int = 100, now: datetime | None = None, box: str = NOTIFICATIONS
                ) -> list[int]:
    """Notifications (or letters) whose e-mail waits and is due for a try (or was left mid-send), oldest first."""
    now = now or datetime.now(UTC)
    model = OUTBOXES[box]
    due = (model.email_status == EmailStatus.PENDING) & or_(model.email_next_at.is_(None), model.email_next_at <= now)
    stale = (model.email_status == EmailStatus.SENDING) & (model.email_claimed_at < now - STALE_CLAIM)
    return list(session.scalars(select(model.id).where(or_(due, stale)).order_by(model.id).limit(limit)))
