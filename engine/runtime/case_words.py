"""A case's search words follow its data: written with the case's row each time a step stores it
(engine.runtime.steps.save, with the step's task rows: engine.runtime.task_rows), so the index changes in the
transaction that changes the case."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db.models import CaseWords, ProcessInstance
from db.search_terms import case_text
from db.session import insert_for


def upsert(session: Session, instance: ProcessInstance) -> Any:
    """The statement that writes the case's words as its data now has them: inserted, or updated where they
    changed (an unchanged row is not rewritten, so SQLite's full-text triggers do not re-index it)."""
    words = case_text(instance.business_key, instance.data or {})
    statement = insert_for(session)(CaseWords).values(instance_id=instance.id, words=words)
    return statement.on_conflict_do_update(
        index_elements=[CaseWords.instance_id], set_={"words": statement.excluded.words},
        where=CaseWords.words != statement.excluded.words)
