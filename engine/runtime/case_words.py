"""A case's search words follow its data: written with the case's row each time a step stores it
(engine.runtime.projection.sync), so the index changes in the transaction that changes the case."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import CaseWords, ProcessInstance
from db.search_terms import case_text
from db.session import insert_for


def follow(session: Session, instance: ProcessInstance) -> None:
    """One statement: the words inserted, or updated where they changed (an unchanged row is not rewritten, so
    SQLite's full-text triggers do not re-index it)."""
    words = case_text(instance.business_key, instance.data or {})
    upsert = insert_for(session)(CaseWords).values(instance_id=instance.id, words=words)
    session.execute(upsert.on_conflict_do_update(
        index_elements=[CaseWords.instance_id], set_={"words": upsert.excluded.words},
        where=CaseWords.words != upsert.excluded.words))
