"""What the office's website shows: the latest publications of a feed (releases or responses), newest first.
(Publishing is engine/runtime/publications.py.)"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Publication


def latest(session: Session, feed: str, limit: int = 50) -> list[Publication]:
    return list(session.scalars(select(Publication).where(Publication.feed == feed)
                                .order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)))
