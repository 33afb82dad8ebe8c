"""Timers: every waiting timer event of every instance, with its due moment."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import TimerStatus


class Timer(Base):
    __tablename__ = "timers"
    __table_args__ = (
        # The sweep reads only pending rows: its cost does not grow with fired history.
        Index(
            "ix_timers_pending_due",
            "due_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[intpk]
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(128))
    due_at: Mapped[datetime]
    status: Mapped[TimerStatus] = mapped_column(Vocabulary(TimerStatus, 16), default=TimerStatus.PENDING)
    fired_at: Mapped[datetime | None]
