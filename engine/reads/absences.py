"""Who is away, and a user's absences (engine.runtime.absences records them)."""

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
