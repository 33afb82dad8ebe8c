"""Administrators' changes to the working-day calendar: a day off by decree, a Saturday worked."""

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class CalendarOverride(Base):
    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(primary_key=True)
    working: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(200))
    changed_by: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime]
