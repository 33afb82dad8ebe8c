"""The media plan as the pages, the API and the calendar feed read it: one entry, the entries of a period with
filters, the entries a feed carries. Reads only; the changes are engine.people.media_plan.

`entry` is the one way to read one entry (an `event_support` case started from an entry keeps its id as
`media_plan_entry` and reads it here); whoever shows it checks `access.check_may_read_media_plan` first."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from db.models import MediaPlanEntry, Unit
from engine.core.lookup import by_key
from engine.core.paging import Paged, paged

FEED_HISTORY = timedelta(days=92)  # a feed carries the last three months and everything to come
FEED_LIMIT = 2000


def entry(session: Session, entry_id: int) -> MediaPlanEntry:
    """One entry of the media plan by its id; NotFound (404) when there is none."""
    return by_key(session, MediaPlanEntry, entry_id, "media plan entry")


def _between(start: datetime, end: datetime) -> Select[tuple[MediaPlanEntry]]:
    """Entries that overlap [start, end), earliest first."""
    return (select(MediaPlanEntry).where(MediaPlanEntry.starts_at < end, MediaPlanEntry.ends_at > start)
            .order_by(MediaPlanEntry.starts_at, MediaPlanEntry.id))


def entries(session: Session, start: datetime, end: datetime, *, page: int = 1, per_page: int = 100,
            official: str | None = None, format: str | None = None, status: str | None = None,
            unit: str | None = None, open_to_press: bool | None = None, q: str | None = None
            ) -> Paged[MediaPlanEntry]:
    """The entries overlapping [start, end), filtered: the official (part of the name), format, status, unit key,
    whether the press may attend, words of the title, description or place."""
    query = _between(start, end)
    if official:
        query = query.where(func.lower(MediaPlanEntry.official).contains(official.lower(), autoescape=True))
    if format:
        query = query.where(MediaPlanEntry.format == format)
    if status:
        query = query.where(MediaPlanEntry.status == status)
    if unit:
        query = query.where(MediaPlanEntry.unit_id.in_(select(Unit.id).where(Unit.key == unit)))
    if open_to_press is not None:
        query = query.where(MediaPlanEntry.open_to_press.is_(open_to_press))
    if q:
        words = q.lower()
        query = query.where(or_(*(func.lower(column).contains(words, autoescape=True) for column in (
            MediaPlanEntry.title, MediaPlanEntry.description, MediaPlanEntry.place))))
    return paged(session, query, page, per_page)


def all_between(session: Session, start: datetime, end: datetime, limit: int = 500) -> list[MediaPlanEntry]:
    """Every entry overlapping [start, end), for a month or a week on a page."""
    return list(session.scalars(_between(start, end).limit(limit)))


def for_feed(session: Session, now: datetime) -> list[MediaPlanEntry]:
    """What a calendar feed carries: the entries ending in the last FEED_HISTORY and all to come."""
    query = (select(MediaPlanEntry).where(MediaPlanEntry.ends_at > now - FEED_HISTORY)
             .order_by(MediaPlanEntry.starts_at, MediaPlanEntry.id).limit(FEED_LIMIT))
    return list(session.scalars(query))


def feed_version(session: Session, now: datetime) -> tuple[Any, ...]:
    """What a feed's content depends on besides its words: how many entries it carries, the sum of their counts of
    changes (every change raises one), the latest change, and the names of their units in every language, which the
    feed shows and which change without the entries changing (two aggregates, so that an unchanged feed is answered
    `304` without being built)."""
    carried = MediaPlanEntry.ends_at > now - FEED_HISTORY
    count, changes, latest = session.execute(
        select(func.count(), func.sum(MediaPlanEntry.sequence), func.max(MediaPlanEntry.updated_at))
        .where(carried)).one()
    units = session.execute(select(Unit.id, Unit.name, Unit.names).where(Unit.id.in_(
        select(MediaPlanEntry.unit_id).where(carried))).order_by(Unit.id)).all()
    return (int(count or 0), int(changes or 0), str(latest or ""),
            tuple((unit.id, unit.name, repr(sorted((unit.names or {}).items()))) for unit in units))
