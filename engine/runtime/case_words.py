"""A case's search words follow its data: written with the case's row each time a step stores it
(engine.runtime.projection.sync), so the index changes in the transaction that changes the case."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import CaseWords, ProcessInstance
from db.search_terms import case_text


def follow(session: Session, instance: ProcessInstance) -> None:
    words = case_text(instance.business_key, instance.data or {})
    row = session.get(CaseWords, instance.id)
    if row is None:
        session.add(CaseWords(instance_id=instance.id, words=words))
    elif row.words != words:
        row.words = words
