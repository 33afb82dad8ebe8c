"""What the office's website shows: the latest publications of a feed (releases or responses), newest first, and
the files a published release carries. (Publishing is engine/runtime/publications.py.)"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment, Publication
from engine.core.errors import Code, NotFound


def one(session: Session, feed: str, publication_id: int) -> Publication:
    """A publication of `feed` by its id; `NotFound` for any other."""
    row = session.get(Publication, publication_id) if 0 < publication_id < 2**63 else None  # beyond any id
    if row is None or row.feed != feed:
        raise NotFound(f"no publication {publication_id} in {feed}", code=Code.PUBLICATION_NOT_FOUND,
                       params={"publication_id": publication_id})
    return row


def latest(session: Session, feed: str, limit: int = 50) -> list[Publication]:
    return list(session.scalars(select(Publication).where(Publication.feed == feed)
                                .order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)))


def published_file(session: Session, attachment_id: str) -> Attachment:
    """A file that a published release carries, for anyone; `NotFound` for every other file (one of a case not
    yet published, or still under embargo, or of the case but not chosen for the release), as for none."""
    return carried_file(session, attachment_id, feed="releases", field="media")


def carried_file(session: Session, attachment_id: str, *, feed: str, field: str,
                 instance_id: int | None = None) -> Attachment:
    """A file that a publication of `feed` lists in its content's `field` (of the case `instance_id`, where
    given): being listed there is what makes a file public. Any other file: `NotFound`, as for none."""
    row = session.get(Attachment, attachment_id) if len(attachment_id) <= 36 else None
    if row is not None and instance_id in (None, row.instance_id):
        published = session.scalars(select(Publication).where(Publication.feed == feed,
                                                               Publication.instance_id == row.instance_id))
        if any(item.get("id") == row.id for p in published for item in p.content.get(field) or []):
            return row
    raise NotFound(f"no published file {attachment_id}", code=Code.FILE_NOT_FOUND, params={"file_id": attachment_id})
