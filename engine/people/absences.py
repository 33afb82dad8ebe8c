"""Who is away at a moment: the absences (engine.runtime.absences records them) as the runtime and the pages ask."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Absence


def current(session: Session, user_id: int, at: datetime) -> Absence | None:
    """The user's absence at `at`, if they are away."""
    return session.scalars(select(Absence).where(
        Absence.user_id == user_id, Absence.starts_at <= at, Absence.ends_at > at)).first()


def away(session: Session, user_ids: Iterable[int | None], at: datetime) -> dict[int, Absence]:
    """Of `user_ids`, those away at `at`, with their absence (one query)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {a.user_id: a for a in session.scalars(select(Absence).where(
        Absence.user_id.in_(ids), Absence.starts_at <= at, Absence.ends_at > at))}
