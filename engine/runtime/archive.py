"""Into the public archive: what a feed publishes is indexed in the same transaction (one entry a language
version; the database's full-text index follows the row, db.models.archive). A feed is one producer: releases and
responses call `index` when they publish (engine.runtime.publications); answers, when a procedure publishes
them, will call it the same way with `source="answers"`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import ArchiveEntry
from db.search_terms import indexed


@dataclass(frozen=True)
class Version:
    """One language version of a published item; `lang` None where the item does not record its language."""

    lang: str | None
    title: str
    body: str


def index(session: Session, *, source: str, source_id: int, kind: str, unit: str | None, business_key: str,
          published_at: datetime, versions: Sequence[Version]) -> list[ArchiveEntry]:
    """The item's entries; the first version is the one listed where no language is chosen."""
    rows = [ArchiveEntry(source=source, source_id=source_id, kind=kind, unit=unit, lang=v.lang, listed=i == 0,
                         business_key=business_key, published_at=published_at, title=v.title, body=v.body,
                         title_words=indexed(v.title), body_words=indexed(v.body))
            for i, v in enumerate(versions)]
    session.add_all(rows)
    return rows
