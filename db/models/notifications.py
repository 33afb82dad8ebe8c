"""Notifications: what a user is told (a new task, a reminder, an escalation), and its e-mail's fate."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import EmailChoice, EmailStatus, NotificationKind


class OutboxEmail:
    """The e-mail of an outbox row (a notification, a letter to a requester), as engine.background.mail sends it."""

    email_status: Mapped[EmailStatus] = mapped_column(Vocabulary(EmailStatus, 16), default=EmailStatus.NONE)
    email_attempts: Mapped[int] = mapped_column(default=0)
    email_sent_at: Mapped[datetime | None]
    # When a sender took it: a sender that died mid-send leaves it `sending`; past a while it is taken again.
    email_claimed_at: Mapped[datetime | None]
    # The sweep's next try after a transient failure (Celery retries with its own backoff).
    email_next_at: Mapped[datetime | None]


class Notification(OutboxEmail, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user", "user_id", "id"),
        Index("ix_notifications_email_pending", "id", postgresql_where=text("email_status = 'pending'"),
              sqlite_where=text("email_status = 'pending'")),
        # The count in the bar of every staff page, and the notifications waiting for their daily summary.
        Index("ix_notifications_unread", "user_id", postgresql_where=text("read_at IS NULL"),
              sqlite_where=text("read_at IS NULL")),
        Index("ix_notifications_email_summary", "user_id", "id", postgresql_where=text("email_status = 'summary'"),
              sqlite_where=text("email_status = 'summary'")),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = mapped_column(Vocabulary(NotificationKind, 16))
    instance_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("process_instances.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    # The daily summary that e-mailed it, for a recipient who chose the summary for its kind.
    summary_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("email_summaries.id"))


class EmailSummary(OutboxEmail, Base):
    """One user's daily summary e-mail: the notifications of the kinds they chose to get so, composed once (in their
    language) at the summary hour and sent through the outbox like any notification. One a user and office day."""

    __tablename__ = "email_summaries"
    __table_args__ = (
        UniqueConstraint("user_id", "day"),
        Index("ix_email_summaries_email_pending", "id", postgresql_where=text("email_status = 'pending'"),
              sqlite_where=text("email_status = 'pending'")),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    day: Mapped[date]  # the office's date it was composed on
    subject: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class NotificationChoice(Base):
    """A user's choice of e-mail for one kind of notification; a kind without a row has its default
    (engine.runtime.notification_choices.DEFAULTS)."""

    __tablename__ = "notification_choices"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(Vocabulary(NotificationKind, 16), primary_key=True)
    email: Mapped[EmailChoice] = mapped_column(Vocabulary(EmailChoice, 16))
