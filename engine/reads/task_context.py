"""What a task's reader sees beside its form, read-only: the earlier rounds of the case (reads only).

A form never starts with an earlier round's decision or comment (`engine.procedures.forms.carried`); instead the page
and
the API show them as context: who returned the case for rework, when and why, and what the same task held the
last time it was done. Rounds are told apart by the audit trail's order, which is exact even when two steps
share a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent, HumanTask, ProcessInstance
from db.vocabulary import EventType
from engine.procedures import case_definition, labels

REWORK = "rework"


@dataclass(frozen=True)
class Round:
    """One completed task of the case: what it was, who completed it, when, and what they submitted."""

    task_id: str
    bpmn_id: str
    name: str
    form_key: str | None
    by: str | None
    at: datetime
    data: dict[str, Any]

    @property
    def comment(self) -> str | None:
        value = self.data.get("comment")
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class TaskContext:
    returned: Round | None  # the rework decision of another task that sent the case back here, if the last was one
    last_round: Round | None  # this task's own previous round, if it was done before


def of(session: Session, task: HumanTask) -> TaskContext:
    """The earlier rounds that bear on `task`: only what was completed before it was created."""
    events = list(session.execute(
        select(AuditEvent.type, AuditEvent.task_id, AuditEvent.actor, AuditEvent.occurred_at, AuditEvent.after)
        .where(AuditEvent.instance_id == task.instance_id,
               AuditEvent.type.in_((EventType.TASK_CREATED, EventType.TASK_COMPLETED)))
        .order_by(AuditEvent.id)
    ))
    created = next((i for i, e in enumerate(events) if e.type == EventType.TASK_CREATED and e.task_id == task.id),
                   len(events))
    completions = [e for e in events[:created] if e.type == EventType.TASK_COMPLETED and e.task_id]
    rows = {row.id: row for row in session.scalars(
        select(HumanTask).where(HumanTask.id.in_({e.task_id for e in completions})))} if completions else {}
    rounds = [Round(task_id=e.task_id, bpmn_id=rows[e.task_id].bpmn_id, name=rows[e.task_id].name,
                    form_key=rows[e.task_id].form_key, by=e.actor, at=e.occurred_at, data=dict(e.after or {}))
              for e in reversed(completions) if e.task_id in rows]
    last_decision = next((r for r in rounds if "decision" in r.data), None)
    last_round = next((r for r in rounds if _same_task(rows[r.task_id], task)), None)
    # The task's own earlier rework is its last round, not a return to it.
    returned = last_decision if last_decision is not None and last_decision.data["decision"] == REWORK \
        and last_decision is not last_round else None
    return TaskContext(returned=returned, last_round=last_round)


def _same_task(done: HumanTask, task: HumanTask) -> bool:
    """The same task of the diagram, for the same unit (each contributing unit has its own round)."""
    return (done.bpmn_id, done.process_key, done.unit_key) == (task.bpmn_id, task.process_key, task.unit_key)


def documentation(session: Session, row: HumanTask, lang: str) -> labels.Documentation | None:
    """What the regulation says of the task's step: its element's documentation in `lang`, else in English, as the
    version of the case keeps it; None where it keeps none (see `labels.documentation_of`)."""
    instance = session.get(ProcessInstance, row.instance_id)
    definition = case_definition.of_case(session, instance) if instance is not None else None
    return labels.documentation_of(definition.meta or {}, row.bpmn_id, lang) if definition is not None else None
