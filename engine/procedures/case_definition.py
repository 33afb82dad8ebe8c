"""The definition a case runs on, read once a session.

A deployed version never changes, and SQLAlchemy's identity map keeps an object only while something else refers
to it: without a hold, each step of one request (validating the form, loading the workflow, presenting the answer)
read the same row again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import ProcessDefinition, ProcessInstance

_HELD = "jarchy_definitions"  # session.info: the definitions this session read, by id


def of_case(session: Session, instance: ProcessInstance) -> ProcessDefinition | None:
    held: dict[int, ProcessDefinition] = session.info.setdefault(_HELD, {})
    definition = held.get(instance.definition_id)
    if definition is None:
        definition = session.get(ProcessDefinition, instance.definition_id)
        if definition is not None:
            held[instance.definition_id] = definition
    return definition
