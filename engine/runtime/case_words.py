"""A case's search words follow its data: written with the case's row each time a step stores it
(engine.runtime.steps.save, with the step's task rows: engine.runtime.task_rows), so the index changes in the
transaction that changes the case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm import Session

from db.models import CaseWords, ProcessInstance
from db.search_terms import case_text
from db.session import insert_for

_STATEMENTS: dict[str, Any] = {}  # by database


def statement(session: Session) -> Any:
    """The statement that writes a case's words (`parameters`): inserted, or updated where they changed (an
    unchanged row is not rewritten, so SQLite's full-text triggers do not re-index it). Built once a database."""
    dialect = session.get_bind().dialect.name
    if dialect not in _STATEMENTS:
        upsert = insert_for(session)(CaseWords).values(instance_id=bindparam("case_words_instance_id"),
                                                       words=bindparam("case_words_words"))
        _STATEMENTS[dialect] = upsert.on_conflict_do_update(
            index_elements=[CaseWords.instance_id], set_={"words": upsert.excluded.words},
            where=CaseWords.words != upsert.excluded.words)
    return _STATEMENTS[dialect]


def parameters(instance: ProcessInstance) -> dict[str, Any]:
    """The case's words as its data now has them, for `statement`."""
    return {"case_words_instance_id": instance.id,
            "case_words_words": case_text(instance.business_key, instance.data or {})}
