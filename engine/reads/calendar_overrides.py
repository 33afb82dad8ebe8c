"""The administrators' calendar overrides as a list (engine.runtime.calendar_change writes them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CalendarOverride


def list_overrides(session: Session) -> list[CalendarOverride]:
    """Every override, newest day first."""
    return list(session.scalars(select(CalendarOverride).order_by(CalendarOverride.day.desc())))
