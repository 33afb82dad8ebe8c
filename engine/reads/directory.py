"""The units and users as administrators list them: every user, every unit with its number of users."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Unit, User


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def units_with_user_counts(session: Session) -> list[tuple[Unit, int]]:
    """Each unit (by key) with how many users, active or not, belong to it."""
    counts = (
        select(User.unit_id, func.count().label("users")).where(User.unit_id.is_not(None))
        .group_by(User.unit_id).subquery()
    )
    rows = session.execute(
        select(Unit, func.coalesce(counts.c.users, 0)).outerjoin(counts, counts.c.unit_id == Unit.id)
        .order_by(Unit.key)
    )
    return [(unit, int(users)) for unit, users in rows]



def active_users(session: Session) -> list[User]:
    """Whom a page offers to choose (a deputy, an assignee): the active users, by name."""
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name, User.username)))
