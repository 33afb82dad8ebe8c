"""A user's absences, and everyone's to come, as the pages and the API list them (engine.runtime.absences records
them; engine.people.absences says who is away at a moment)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Absence


def of_user(session: Session, user_id: int, *, since: datetime | None = None) -> list[Absence]:
    """The user's absences, latest first; with `since`, those not over by then (current and to come)."""
    query = select(Absence).where(Absence.user_id == user_id)
    if since is not None:
        query = query.where(Absence.ends_at > since)
    return list(session.scalars(query.order_by(Absence.starts_at.desc(), Absence.id.desc())))


def everyone(session: Session, *, since: datetime) -> list[Absence]:
    """Every absence not over by `since`, soonest first (the PR head's view of who is away)."""
    return list(session.scalars(select(Absence).where(Absence.ends_at > since, Absence.ends_at > Absence.starts_at)
                                .order_by(Absence.starts_at, Absence.id)))
