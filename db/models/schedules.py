"""Timer start events: when each deployed process with one next starts a case by itself."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk


class StartTimer(Base):
    __tablename__ = "start_timers"
    __table_args__ = (
        UniqueConstraint("process_key", "start_event_id"),
        Index("ix_start_timers_due", "next_at", postgresql_where=text("active"), sqlite_where=text("active")),
    )

    id: Mapped[intpk]
    process_key: Mapped[str] = mapped_column(String(128))
    definition_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_definitions.id"))
    start_event_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # timeDate, timeDuration or timeCycle
    expression: Mapped[str] = mapped_column(Text)
    next_at: Mapped[datetime | None]
    remaining: Mapped[int | None]  # occurrences of a bounded cycle; None: unbounded
    working_days_only: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
