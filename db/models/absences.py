"""A user's absence (leave, illness, a trip) and the deputy who takes their work meanwhile (issue 16, point 4)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk


class Absence(Base):
    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_user_period", "user_id", "starts_at", "ends_at"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    deputy_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    # [starts_at, ends_at): instants (UTC); a date given by its reader is the office's day (engine.people.absences).
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    # Set once, under a conditional UPDATE, when the user's held tasks were handed to the deputy: the hand-over
    # happens exactly once however many sweepers run (engine.people.absences.hand_over).
    handed_over_at: Mapped[datetime | None]
    # Ended early or cancelled before it began: `ends_at` is then the moment it was ended (or its start).
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(64))
