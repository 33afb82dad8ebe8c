"""Notifications: what a user is told (a new task, a reminder, an escalation), and its e-mail's fate."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import EmailStatus, NotificationKind


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
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = mapped_column(Vocabulary(NotificationKind, 16))
    instance_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("process_instances.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
