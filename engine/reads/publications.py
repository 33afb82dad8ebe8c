"""What the office's website shows: the latest publications of a feed (releases or responses), newest first.
(Publishing is engine/runtime/publications.py.)"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Publication
from engine.core.errors import NotFound


def one(session: Session, feed: str, publication_id: int) -> Publication:
    """A publication of `feed` by its id; `NotFound` for any other."""
    row = session.get(Publication, publication_id) if 0 < publication_id < 2**63 else None  # beyond any id
    if row is None or row.feed != feed:
        raise NotFound(f"no publication {publication_id} in {feed}")
    return row


def latest(session: Session, feed: str, limit: int = 50) -> list[Publication]:
    return list(session.scalars(select(Publication).where(Publication.feed == feed)
                                .order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)))
