"""The daily summary e-mail: once a day, at the hour of `JARCHY_EMAIL_SUMMARY_AT` on the office's clock, each user
who chose the summary for some kinds of notification gets one e-mail listing those that waited for it.

A notification of such a kind is created with `email_status` "summary" (engine.runtime.notification_choices). From
the summary hour on, the sweep (engine.background.sweeper.compose_summaries) composes, for each user with
notifications waiting from before that hour, one `EmailSummary` row for the office's day, in the user's language,
and moves those notifications to "summarized", naming it. The row is an outbox row like a notification's: the
e-mail machinery (engine.background.mail) claims it and sends it, at most once.

Exactly once, even with two sweepers: a summary is unique by (user, day), so a second sweeper's insert fails and
its transaction rolls back; the notifications are taken with a conditional UPDATE (`email_status = 'summary'`),
so none is in two summaries. Notifications that come after the hour wait for the next day's. Everything here only
flushes: the sweeper owns the transactions, one a user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from babel.dates import format_date
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import EmailSummary, Notification, User
from db.vocabulary import EmailStatus
from engine.core.settings import Settings
from engine.core.words import N_, Words, words


@dataclass(frozen=True)
class Due:
    """The summaries due now: the office's day, the moment before which a notification belongs to it, and the
    users who have some notifications waiting and no summary of the day yet."""

    day: date
    cut: datetime
    user_ids: list[int]


def due(session: Session, settings: Settings, zone: tzinfo, at: datetime) -> Due | None:
    """None before the summary hour of the office's day; after it, whose summaries are to be composed."""
    local = at.astimezone(zone)
    cut = datetime.combine(local.date(), settings.email_summary_at, tzinfo=zone)
    if local < cut:
        return None
    cut_utc = cut.astimezone(UTC)
    done_today = select(EmailSummary.user_id).where(EmailSummary.day == local.date())
    user_ids = list(session.scalars(
        select(Notification.user_id)
        .where(Notification.email_status == EmailStatus.SUMMARY, Notification.created_at < cut_utc,
               Notification.user_id.not_in(done_today))
        .distinct().order_by(Notification.user_id)))
    return Due(day=local.date(), cut=cut_utc, user_ids=user_ids)


def compose(session: Session, user_id: int, day: date, cut: datetime, zone: tzinfo, at: datetime,
            catalogs: Path | None = None) -> EmailSummary | None:
    """The user's summary of `day`: the notifications that waited for it from before `cut`, taken into it. None
    when nothing waits any more (another sweeper took them, or the user changed their choice meanwhile).

    Raises the database's IntegrityError when another sweeper composed the day's summary first: the caller rolls
    back and moves on."""
    user = session.get(User, user_id)
    if user is None:
        return None
    summary = EmailSummary(user_id=user_id, day=day, subject="", body="", created_at=at,
                           email_status=EmailStatus.PENDING, email_attempts=0)
    session.add(summary)
    session.flush()  # the (user, day) uniqueness is checked here
    taken = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.email_status == EmailStatus.SUMMARY,
               Notification.created_at < cut)
        .values(email_status=EmailStatus.SUMMARIZED, summary_id=summary.id)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        session.delete(summary)
        session.flush()
        return None
    rows = list(session.scalars(
        select(Notification).where(Notification.summary_id == summary.id).order_by(Notification.id)))
    said = words(user.locale, catalogs)
    summary.subject, summary.body = subject(said, len(rows), day), body(said, user, rows, zone)
    session.flush()
    return summary


def subject(said: Words, count: int, day: date) -> str:
    return said.ngettext("%(num)d notification, %(day)s", "%(num)d notifications, %(day)s", count,
                         day=format_date(day, "long", locale=said.locale))


def body(said: Words, user: User, rows: list[Notification], zone: tzinfo) -> str:
    """Hello, how many, then one line each (its moment in short on the office's clock, its message as written
    in the reader's language when it was created), oldest first."""
    lines = [said(N_("Hello %(name)s,"), name=user.display_name), "",
             said.ngettext("Your daily summary: %(num)d notification since the last one.",
                           "Your daily summary: %(num)d notifications since the last one.", len(rows)), ""]
    lines += [f"- {said.short_moment(row.created_at, zone)}: {' '.join(row.message.split())}" for row in rows]
    lines += ["", said(N_("Sign in to Jarchy to see them on your notifications page.")), "",
              "-- ", said(N_("Jarchy (daily summary; you chose which notifications come in it in your settings)")),
              ""]
    return "\n".join(lines)
