"""The words of each case, searched by the database's full-text index (the inbox's and the cases list's `q`).

One row a case: `words` holds what the index reads (db.search_terms.indexed) of the case's registration number and
of the text in its data (subject, outlet, requester, question, body, ...: engine.runtime.case_words). As for the
archive (db.models.archive), the index itself is each database's own (migration 0018):
- SQLite: the FTS5 external-content table `case_fts` (unicode61, remove_diacritics 2), kept by triggers;
- PostgreSQL: the stored generated `tsvector` column `search` ('simple') with the GIN index
  `ix_case_words_search`."""

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId

CASE_FTS_TABLE = "case_fts"
CASE_VECTOR_COLUMN = "search"
CASE_VECTOR_INDEX = "ix_case_words_search"


class CaseWords(Base):
    __tablename__ = "case_words"

    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"), primary_key=True,
                                             autoincrement=False)
    words: Mapped[str] = mapped_column(Text)
