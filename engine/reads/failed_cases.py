"""The failed cases an administrator mends (docs/failed_cases.md): each with where and why it failed, as its last
`instance.failed` event recorded it, and the case-data fields the failed step's Python reads (parsed with `ast`,
engine.spiff.failed_tasks), so that a correction form can offer them. A case's own page also gets the values those
fields hold now, in the data the failed step runs with (its workflow loaded through runtime.loading). Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent, ProcessDefinition, ProcessInstance
from db.vocabulary import EventType, InstanceStatus
from engine.context import EngineContext
from engine.core.errors import Unreadable
from engine.core.paging import Paged, paged
from engine.procedures import case_definition, labels
from engine.procedures.definitions import workflow_specs
from engine.runtime import loading
from engine.spiff import failed_tasks
from engine.spiff.sandbox import SAFE_NAMES


@dataclass(frozen=True)
class FailedStep:
    """A step the case stopped at, with the values (now) of the fields its Python reads; `absent`: read, not held."""

    element_id: str
    name: str | None
    names: dict[str, str]
    gateway: bool
    values: dict[str, Any]
    absent: list[str]


@dataclass(frozen=True)
class FailedCase:
    instance_id: int
    business_key: str
    process_key: str
    version: int
    failed_at: datetime | None
    element_id: str | None
    element_name: str | None  # English, the diagram's own name
    element_names: dict[str, str]  # the element's names in the other languages
    code: str | None
    params: dict[str, Any]
    message: str | None
    exception: str | None
    reads: list[str]  # the case-data fields the failed element's Python reads
    steps: list[FailedStep] = field(default_factory=list)  # the case's page only: where it stands, with the values

    def name_in(self, lang: str) -> str | None:
        return self.element_names.get(lang) or self.element_name


def failed_cases(session: Session, ctx: EngineContext, *, process_key: str | None = None, page: int = 1,
                 per_page: int = 20) -> Paged[FailedCase]:
    """The failed cases, the latest failed first (by case, newest first), of one procedure where named."""
    query = select(ProcessInstance).where(ProcessInstance.status == InstanceStatus.FAILED)
    if process_key:
        query = query.where(ProcessInstance.process_key == process_key)
    result = paged(session, query.order_by(ProcessInstance.id.desc()), page, per_page)
    events = _last_failures(session, [i.id for i in result.items])
    known = _known_names(ctx)
    items = [_failed_case(session, instance, events.get(instance.id), known) for instance in result.items]
    return Paged(items, result.total, result.page, result.per_page)


def failed_case(session: Session, ctx: EngineContext, instance: ProcessInstance) -> FailedCase:
    """One failed case with the steps it stands at and their fields' values now (none if its state cannot be
    read: it can only be cancelled)."""
    event = _last_failures(session, [instance.id]).get(instance.id)
    known = _known_names(ctx)
    found = _failed_case(session, instance, event, known)
    try:
        definition, wf = loading.load(session, ctx, instance)
    except Unreadable:
        return found
    meta = definition.meta or {}
    stood: list[FailedStep] = []
    for task in failed_tasks.stuck(wf, found.element_id):
        spec = task.task_spec
        data = failed_tasks.seen_data(task)
        reads = failed_tasks.names_read(spec, known)
        stood.append(FailedStep(
            element_id=spec.bpmn_id, name=spec.bpmn_name or meta.get("element_names", {}).get(spec.bpmn_id),
            names=labels.names_of(meta, spec.bpmn_id), gateway=failed_tasks.is_gateway(task),
            values={name: data[name] for name in reads if name in data},
            absent=[name for name in reads if name not in data]))
    return FailedCase(**{**found.__dict__, "steps": stood})


def _known_names(ctx: EngineContext) -> frozenset[str]:
    """What a script reads that is not the case's data: the sandbox's builtins and classes, the office's
    functions."""
    return SAFE_NAMES | frozenset(ctx.script_functions().build())


def _last_failures(session: Session, instance_ids: list[int]) -> dict[int, AuditEvent]:
    found: dict[int, AuditEvent] = {}
    if not instance_ids:
        return found
    for event in session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id.in_(instance_ids), AuditEvent.type == EventType.INSTANCE_FAILED)
            .order_by(AuditEvent.id)):
        found[event.instance_id] = event  # the last one of each case wins
    return found


def _failed_case(session: Session, instance: ProcessInstance, event: AuditEvent | None,
                 known: frozenset[str]) -> FailedCase:
    after = event.after if event is not None and isinstance(event.after, dict) else {}
    element = after.get("element_id") if isinstance(after.get("element_id"), str) else None
    definition = case_definition.of_case(session, instance)
    meta = (definition.meta if definition is not None else None) or {}
    code, params = after.get("code"), after.get("params")
    return FailedCase(
        instance_id=instance.id, business_key=instance.business_key, process_key=instance.process_key,
        version=instance.version, failed_at=event.occurred_at if event is not None else None, element_id=element,
        element_name=meta.get("element_names", {}).get(element) if element else None,
        element_names=labels.names_of(meta, element) if element else {},
        code=code if isinstance(code, str) else None, params=params if isinstance(params, dict) else {},
        message=after.get("message") if isinstance(after.get("message"), str) else instance.failure,
        exception=after.get("exception") if isinstance(after.get("exception"), str) else None,
        reads=_reads(session, definition, instance, element, known) if element and definition else [])


def _reads(session: Session, definition: ProcessDefinition, instance: ProcessInstance, element: str,
           known: frozenset[str]) -> list[str]:
    spec, called = workflow_specs(session, definition, instance.called_versions or {})
    for process in (spec, *called.values()):
        task_spec = process.task_specs.get(element)
        if task_spec is not None:
            return failed_tasks.names_read(task_spec, known)
    return []
