"""Projections of a workflow's state into ordinary tables: the instance row's data, status and due
date, the human tasks of the inbox, and the timers the sweep fires. Written in the same transaction
as the state, so queries never see one without the other."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, EndEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessDefinition, ProcessInstance, Timer
from db.vocabulary import EventType, InstanceStatus, NotificationKind, TaskStatus, TimerStatus
from engine.audit import chain
from engine.calendar import deadlines
from engine.context import EngineContext
from engine.core import moments
from engine.core.errors import unavailable_within
from engine.core.settings import ROLES, UNIT_BOUND_ROLES
from engine.procedures.definitions import definition_version
from engine.procedures.deployed_forms import case_form
from engine.procedures.forms import prefilled
from engine.runtime import notifications, standing
from engine.runtime.step import Step

UNIT_KEY_LENGTH = HumanTask.__table__.c.unit_key.type.length


def workflow_data(wf: BpmnWorkflow) -> dict[str, Any]:
    """The case's data as of now: what its open and waiting tasks see, and what its finished paths ended with.

    The newest step's values win, with one exception: a path started beside the work by a non-interrupting
    boundary event (an overdue request's escalation) carries a copy of the data as it stood when the event fired,
    so it only adds what the work itself does not hold; else an escalation still open, or finished last, would
    hide the answer sent in the meantime."""
    ended = [t for t in wf.get_tasks(state=TaskState.COMPLETED)
             if t.workflow is wf and isinstance(t.task_spec, EndEvent)]
    if wf.is_completed():
        steps = ended
        if not steps:
            return _plain(dict(wf.data) or dict(wf.last_task.data if wf.last_task else {}))
    else:
        steps = ended + wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR)
    merged: dict[str, Any] = {}
    beside = []
    for task in sorted(steps, key=lambda t: t.last_state_change):
        if _beside_the_work(task):
            beside.append(task)
        else:
            merged.update(task.data)
    for task in beside:
        for name, value in task.data.items():
            merged.setdefault(name, value)
    return _plain(merged)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    # A script may leave a date or a set in the data; the projection is JSON (the state keeps the originals).
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


def _beside_the_work(task: Any) -> bool:
    """Whether the task is on a path a non-interrupting boundary event started."""
    node = task
    while node is not None:
        spec = node.task_spec
        if isinstance(spec, BoundaryEvent) and not spec.cancel_activity:
            return True
        node = node.parent
    return False


def parse_moment(value: Any, tz: ZoneInfo) -> datetime | None:
    moment = value if isinstance(value, datetime) else moments.parse_moment(value)
    if moment is None:
        return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


HELD_AT = datetime.fromisoformat(deadlines.HELD)
WAITING_TIMERS = (TimerStatus.PENDING, TimerStatus.HELD)


def sync(step: Step) -> None:
    """The case's row, its open tasks and its waiting timers as the step leaves its workflow."""
    instance, data = step.instance, workflow_data(step.wf)
    _audit_deadline(step, instance.data or {}, data)
    instance.data = data
    unit = data.get("unit")
    instance.unit_key = unit if _fits_unit(unit) else None
    instance.due_at = parse_moment(data.get("due_at"), step.ctx.cal.timezone)
    if instance.status == InstanceStatus.RUNNING and step.wf.is_completed():
        instance.status, instance.completed_at = InstanceStatus.COMPLETED, step.at
        chain.record(step.session, type=EventType.INSTANCE_COMPLETED, at=step.at, actor=step.actor,
                     instance_id=instance.id, subject=instance.business_key, after={"outcome": data.get("outcome")})
    standing.keep(step.session, instance.id, _sync_tasks(step), _sync_timers(step))


def _audit_deadline(step: Step, before: dict[str, Any], after: dict[str, Any]) -> None:
    """A paused, resumed or moved deadline is an event of its own in the history."""
    session, instance, at, actor = step.session, step.instance, step.at, step.actor
    old, new = before.get("deadline"), after.get("deadline")
    if isinstance(new, dict):
        if deadlines.is_paused(new) and not deadlines.is_paused(old):
            chain.record(session, type=EventType.DEADLINE_PAUSED, at=at, actor=actor, instance_id=instance.id,
                         subject=instance.business_key, after={"paused_at": new["pauses"][-1]["from"]})
        elif deadlines.is_paused(old) and not deadlines.is_paused(new) and new.get("pauses"):
            # (A case cancelled while paused ends with the data it had before the pause: nothing resumed.)
            chain.record(session, type=EventType.DEADLINE_RESUMED, at=at, actor=actor, instance_id=instance.id,
                         subject=instance.business_key, after=new["pauses"][-1])
    if before.get("due_at") and after.get("due_at") and before["due_at"] != after["due_at"]:
        chain.record(session, type=EventType.DEADLINE_MOVED, at=at, actor=actor, instance_id=instance.id,
                     subject=instance.business_key, before={"due_at": before["due_at"]},
                     after={"due_at": after["due_at"]})


def _sync_tasks(step: Step) -> list[HumanTask]:
    """The case's open task rows made to match its ready tasks; its task rows it touched, returned."""
    session, ctx, instance, definition = step.session, step.ctx, step.instance, step.definition
    at, actor = step.at, step.actor
    ready = {str(t.id): t for t in step.wf.get_tasks(state=TaskState.READY, manual=True)}
    # Nothing is flushed before the tasks' expressions (due dates, roles, units) ran, which may take a script's
    # bound (steps.save flushes once). The completed task's row is still open in the database: it is skipped below.
    kept = standing.of(session, instance.id)
    rows = {row.id: row for row in (kept.open_tasks() if kept is not None else session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.OPEN)))}
    metas = {task_id: task_meta(session, instance, definition, task) for task_id, task in ready.items()}
    dues = {task_id: _task_due(ctx, instance, metas[task_id], task) for task_id, task in ready.items()}
    created = {task_id: _new_task(session, ctx, instance, definition, metas[task_id], task, at, dues[task_id])
               for task_id, task in ready.items() if task_id not in rows}
    for task_id, row in rows.items():
        if task_id in ready:
            if row.due_at != dues[task_id]:
                row.due_at = dues[task_id]
            continue
        if task_id == step.completed_task_id:
            continue  # the caller closes it with the submitted data
        row.status, row.completed_at = TaskStatus.CANCELLED, at
        chain.record(session, type=EventType.TASK_CANCELLED, at=at, actor=actor, instance_id=instance.id,
                     task_id=task_id, subject=row.bpmn_id)
    kinds = {task_id: metas[task_id].get("notification") or NotificationKind.TASK for task_id in created}
    told = notifications.told_of(session, ctx, [(row, kinds[task_id]) for task_id, (row, _) in created.items()],
                                 at=at) if created else {}
    for task_id, (row, problem) in created.items():
        session.add(row)
        if problem:
            chain.record(session, type=EventType.TASK_ROUTING_FAILED, at=at, actor=actor, instance_id=instance.id,
                         task_id=task_id, subject=row.bpmn_id, after={"message": problem, "role": row.role})
        chain.record(session, type=EventType.TASK_CREATED, at=at, actor=actor, instance_id=instance.id,
                     task_id=task_id, subject=row.bpmn_id,
                     after={"role": row.role, "unit": row.unit_key,
                            "due_at": row.due_at.isoformat() if row.due_at else None})
        notifications.notify_task(session, ctx, row, kind=kinds[task_id], at=at, told=told[task_id])
    return [*rows.values(), *(row for row, _ in created.values())]


def close(session: Session, instance: ProcessInstance, *, actor: str | None, at: datetime) -> None:
    """A case ended without its workflow (its stored state cannot be read): its open tasks and waiting timers
    end with it, as `sync` would end them."""
    for row in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                       HumanTask.status == TaskStatus.OPEN)):
        row.status, row.completed_at = TaskStatus.CANCELLED, at
        chain.record(session, type=EventType.TASK_CANCELLED, at=at, actor=actor, instance_id=instance.id,
                     task_id=row.id, subject=row.bpmn_id)
    for timer in session.scalars(select(Timer).where(Timer.instance_id == instance.id,
                                                     Timer.status.in_(WAITING_TIMERS))):
        timer.status = TimerStatus.CANCELLED
        chain.record(session, type=EventType.TIMER_CANCELLED, at=at, actor=actor, instance_id=instance.id,
                     task_id=timer.task_id, subject=timer.bpmn_id, after={"due_at": timer.due_at.isoformat()})


def _new_task(session: Session, ctx: EngineContext, instance: ProcessInstance, definition: ProcessDefinition,
              meta: dict[str, Any], task: Any, at: datetime, due: datetime | None) -> tuple[HumanTask, str | None]:
    """The inbox row of a ready task. A role or unit expression that fails leaves the task with its lane's
    role (or none): admin and pr_head see every task and send it to a role and unit (`operations.reroute`); the
    failure is returned to audit."""
    bpmn_id = task.task_spec.bpmn_id
    problem = None
    role, unit = meta.get("lane"), None
    try:
        if meta.get("role"):
            role = _evaluate(ctx, task, meta["role"])
        if str(role) in UNIT_BOUND_ROLES:
            unit = _evaluate(ctx, task, meta["unit"]) if meta.get("unit") else task.data.get("unit")
    except SpiffWorkflowException as exc:
        problem = f"routing of {bpmn_id} failed: {exc}"
    # What an expression gives is checked like input: a role is one of the roles, a unit a unit key.
    if role and str(role) not in ROLES:
        problem = f"routing of {bpmn_id} failed: {str(role)[:80]!r} is not a role"
        role = meta.get("lane")
        unit = None
    if unit is not None and not _fits_unit(unit):
        problem = f"routing of {bpmn_id} failed: {str(unit)[:80]!r} is not a unit key"
        unit = None
    role = str(role or "")
    form_key = meta.get("form")
    return HumanTask(
        id=str(task.id),
        instance_id=instance.id,
        process_key=_process_key(instance, definition, task),
        bpmn_id=bpmn_id,
        name=meta.get("name") or bpmn_id,
        names=meta.get("names") or None,
        lane=task.task_spec.lane or meta.get("lane"),
        role=role,
        unit_key=str(unit) if unit else None,
        status=TaskStatus.OPEN,
        form_key=form_key,
        created_at=at,
        due_at=due,
        data=prefilled(form_key, task.data, lambda key: case_form(session, instance, key)),
    ), problem


def _fits_unit(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= UNIT_KEY_LENGTH


def _process_key(instance: ProcessInstance, definition: ProcessDefinition, task: Any) -> str:
    """A call activity's tasks carry the called procedure's key; an embedded subprocess's, the caller's."""
    called = set(definition.meta.get("called", []))
    workflow = task.workflow
    while workflow is not None and workflow is not workflow.top_workflow:
        if workflow.spec.name in called:
            return str(workflow.spec.name)
        workflow = workflow.parent_workflow
    return instance.process_key


def task_meta(session: Session, instance: ProcessInstance, definition: ProcessDefinition, task: Any) -> dict[str, Any]:
    """What the diagram says of a task (form, lane, role, unit, due date), from the diagram it is in: the
    case's own, or the version of a called process pinned when the case started."""
    key = _process_key(instance, definition, task)
    owner = definition
    if key != instance.process_key and key in (instance.called_versions or {}):
        owner = definition_version(session, key, instance.called_versions[key])
    return owner.meta.get("tasks", {}).get(task.task_spec.bpmn_id) or {
        "name": task.task_spec.bpmn_name or task.task_spec.bpmn_id, "lane": task.task_spec.lane}


def _task_due(ctx: EngineContext, instance: ProcessInstance, meta: dict[str, Any], task: Any) -> datetime | None:
    """The task's `camunda:dueDate` expression, else the case's deadline (also when the expression fails)."""
    expression = meta.get("due")
    if expression:
        try:
            return parse_moment(_evaluate(ctx, task, expression), ctx.cal.timezone) or instance.due_at
        except SpiffWorkflowException:
            return instance.due_at
    return instance.due_at


def _evaluate(ctx: EngineContext, task: Any, expression: str) -> Any:
    try:
        return ctx.script_engine.evaluate(task, expression)
    except SpiffWorkflowException as exc:
        fault = unavailable_within(exc)
        if fault is not None:
            raise fault from exc  # the server's fault, not a routing failure of the case
        raise


def _timer_definitions(task: Any) -> list[TimerEventDefinition]:
    """A timer event, or the timers of an event-based gateway (SpiffWorkflow's multiple event)."""
    definition = task.task_spec.event_definition
    if isinstance(definition, TimerEventDefinition):
        return [definition]
    return [d for d in getattr(definition, "event_definitions", []) if isinstance(d, TimerEventDefinition)]


def _timer_bpmn_id(task: Any, definition: TimerEventDefinition) -> str:
    """An event-based gateway holds its events' definitions in the order of its outgoing catch events."""
    spec = task.task_spec
    if spec.event_definition is definition:
        return str(spec.bpmn_id)
    definitions = getattr(spec.event_definition, "event_definitions", [])
    index = next(i for i, d in enumerate(definitions) if d is definition)
    if index < len(spec.outputs) and getattr(spec.outputs[index], "bpmn_id", None):
        return str(spec.outputs[index].bpmn_id)
    return str(spec.bpmn_id)


def _sync_timers(step: Step) -> list[Timer]:
    """Pending timers with their due moments; a timer held while its deadline is paused is `held`. The case's
    timer rows it touched, returned."""
    session, instance, at, actor = step.session, step.instance, step.at, step.actor
    waiting: dict[str, tuple[str, datetime]] = {}
    for task in step.wf.event_manager.tasks.values():
        for definition in _timer_definitions(task):
            due = parse_moment(definition.details(task).value, step.ctx.cal.timezone)
            if due is not None and (str(task.id) not in waiting or due < waiting[str(task.id)][1]):
                waiting[str(task.id)] = (_timer_bpmn_id(task, definition), due)
    kept = standing.of(session, instance.id)
    known = kept.timers if kept is not None else None
    rows = {row.task_id: row for row in (
        [t for t in known if t.status in WAITING_TIMERS] if known is not None else session.scalars(
            select(Timer).where(Timer.instance_id == instance.id, Timer.status.in_(WAITING_TIMERS))))}
    for task_id, row in rows.items():
        if task_id in waiting:
            due = waiting[task_id][1]
            status = _waiting_status(due)
            if (row.status, row.due_at) != (status, due):
                moved = EventType.TIMER_HELD if status == TimerStatus.HELD else EventType.TIMER_MOVED
                chain.record(session, type=moved, at=at, actor=actor, instance_id=instance.id, task_id=task_id,
                             subject=row.bpmn_id, before={"due_at": row.due_at.isoformat()},
                             after={"due_at": due.isoformat()})
                row.status, row.due_at = status, due
            continue
        fired = _timer_fired(step.wf, task_id)
        row.status = TimerStatus.FIRED if fired else TimerStatus.CANCELLED
        row.fired_at = at if fired else None
        chain.record(session, type=EventType.TIMER_FIRED if fired else EventType.TIMER_CANCELLED, at=at, actor=actor,
                     instance_id=instance.id, task_id=task_id, subject=row.bpmn_id,
                     after={"due_at": row.due_at.isoformat()})
    made = [Timer(instance_id=instance.id, task_id=task_id, bpmn_id=bpmn_id, due_at=due, status=_waiting_status(due))
            for task_id, (bpmn_id, due) in waiting.items() if task_id not in rows]
    session.add_all(made)
    return [*rows.values(), *made]


def _waiting_status(due: datetime) -> TimerStatus:
    return TimerStatus.HELD if due == HELD_AT else TimerStatus.PENDING


def _timer_fired(wf: BpmnWorkflow, task_id: str) -> bool:
    """Completed because its time came, not because a sibling event (a message) won the race."""
    try:
        task = wf.get_task_from_id(UUID(task_id))
    except (SpiffWorkflowException, KeyError):
        return False
    if task is None or task.state != TaskState.COMPLETED:
        return False
    if isinstance(task.task_spec.event_definition, TimerEventDefinition):
        return True
    seen = task.internal_data.get("seen_events", [])
    return any(isinstance(getattr(e, "event_definition", None), TimerEventDefinition) for e in seen)
