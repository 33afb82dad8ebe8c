"""The public archive: one row a language version of everything the office published (a release in each of its
languages, a response), searched by the database's full-text index.

The index itself is not a mapped table or column, since each database has its own (migration 0010):
- SQLite: the FTS5 virtual table `archive_fts` (unicode61 tokenizer, remove_diacritics 2) over `title_words` and
  `body_words`, an external-content table of this one kept by triggers;
- PostgreSQL: the stored generated `tsvector` column `search` ('simple' configuration; the title weighted A, the
  body B) with the GIN index `ix_archive_entries_search`.
Both read the `*_words` columns (db.search_terms), written with the row, so the index changes in the transaction
that publishes."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk

FTS_TABLE = "archive_fts"
VECTOR_COLUMN = "search"
VECTOR_INDEX = "ix_archive_entries_search"


class ArchiveEntry(Base):
    __tablename__ = "archive_entries"
    __table_args__ = (
        # Browsing without words: newest first, one entry an item (`listed`), or those of one language.
        Index("ix_archive_entries_listed", "listed", "published_at"),
        Index("ix_archive_entries_lang", "lang", "published_at"),
        Index("ix_archive_entries_source", "source", "source_id"),
        # A feed's versions published in a period, of every language (the office's report counts them).
        Index("ix_archive_entries_source_published", "source", "published_at"),
    )

    id: Mapped[intpk]
    # The feed that published it (releases, responses; answers when a procedure publishes them) and its row there.
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(64))
    # The version's language; None where the item does not record one (a response's text).
    lang: Mapped[str | None] = mapped_column(String(8))
    # The one entry of its item that a list in no particular language shows (the first language's version).
    listed: Mapped[bool]
    business_key: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime]
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    title_words: Mapped[str] = mapped_column(Text)
    body_words: Mapped[str] = mapped_column(Text)


def modelled(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    """Alembic's `include_name`: whether a database object is compared with the models (the full-text index's
    own objects, which no model declares, are not)."""
    from db.models.case_words import CASE_FTS_TABLE, CASE_VECTOR_COLUMN, CASE_VECTOR_INDEX, CaseWords

    if type_ == "table":
        return not (name or "").startswith((FTS_TABLE, CASE_FTS_TABLE))
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in {(ArchiveEntry.__tablename__, VECTOR_COLUMN),
                                                              (CaseWords.__tablename__, CASE_VECTOR_COLUMN)}
    if type_ == "index":
        return name not in (VECTOR_INDEX, CASE_VECTOR_INDEX)
    return True
