"""The private link a user subscribes to the media plan with in their own calendar program (an iCalendar feed).

A calendar program cannot sign in, so the link carries a token of its own: random (`secrets`), shown once, kept only
as its SHA-256 (a leaked database opens no one's feed). A user has one at most: renewing replaces it (the old link
stops working at once), revoking deletes it. The feed answers only while its holder is active and may read the media
plan: a user who loses that right gets nothing, whatever link they kept. Wrong, renewed and revoked tokens read alike
(not found)."""

from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import CalendarFeedToken, User
from db.vocabulary import EventType
from engine.audit import chain
from engine.core.errors import Code, NotFound
from engine.people.access import check_may_read_media_plan, may_read_media_plan
from engine.people.credentials import new_tracking_token, tracking_token_hash


def issue(session: Session, user: User, *, at: datetime) -> str:
    """A new private link's token for `user` (who must be allowed to read the plan); any earlier one stops working."""
    check_may_read_media_plan(user)
    renewed = session.execute(delete(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id)).rowcount
    session.flush()
    token = new_tracking_token()
    session.add(CalendarFeedToken(user_id=user.id, token_hash=tracking_token_hash(token), created_at=at))
    session.flush()
    chain.record(session, type=EventType.MEDIA_PLAN_FEED_ISSUED, at=at, actor=user.username,
                 subject=f"user:{user.id}", after={"renewed": bool(renewed)})
    return token


def revoke(session: Session, user: User, *, at: datetime) -> bool:
    """End the user's private link; False when they had none."""
    removed = session.execute(delete(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id)).rowcount
    session.flush()
    if removed:
        chain.record(session, type=EventType.MEDIA_PLAN_FEED_REVOKED, at=at, actor=user.username,
                     subject=f"user:{user.id}")
    return bool(removed)


def current(session: Session, user: User) -> CalendarFeedToken | None:
    """The user's link as kept (when it was made; the token itself is not kept)."""
    return session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id))


def holder(session: Session, token: str) -> User:
    """Whose feed a token opens: an active user who may read the plan; otherwise not found."""
    wanted = tracking_token_hash(token or "")
    row = session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.token_hash == wanted))
    if row is None or not hmac.compare_digest(row.token_hash, wanted):
        raise NotFound("no calendar feed has this token", code=Code.FEED_NOT_FOUND)
    user = session.get(User, row.user_id)
    if user is None or not may_read_media_plan(user):
        raise NotFound("no calendar feed has this token", code=Code.FEED_NOT_FOUND)
    return user
