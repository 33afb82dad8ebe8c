"""A user's notifications as they read them: newest first, all, unread or read. (Telling people is
engine/runtime/notifications.py; reading them only reads.)"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Notification, User
from engine.core.paging import Paged, paged


def for_user(session: Session, user: User, *, unread: bool | None = None, page: int = 1,
             per_page: int = 20) -> Paged[Notification]:
    """The user's notifications, newest first (an index query on user_id, id)."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    return paged(session, query.order_by(Notification.id.desc()), page, per_page)


def unread_count(session: Session, user: User) -> int:
    """How many of the user's notifications are unread (the count in the bar of every staff page)."""
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
