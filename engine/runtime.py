"""The runtime: start, complete, claim, deliver a message, fire a timer, cancel.

Each operation is one transaction owned by its caller: lock the instance row, load the workflow,
act, run engine steps until it waits, then write the state, the projections and the audit events
together. The instance's `revision` (SQLAlchemy's version counter) turns a lost race into `Conflict`
even where the row lock is not available."""

from __future__ import annotations

from datetime import datetime
from typing import Any, overload
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as BaseMessageEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.exc import StaleDataError

from db.models import BusinessKeySequence, HumanTask, ProcessDefinition, ProcessInstance, Timer, User
from db.session import is_postgresql
from engine import audit, calendar_store, clock, deadlines, forms, projection, publications, serializer
from engine.access import check_may_work_on, is_candidate, require_role
from engine.accounts import unit_exists, user_by_username
from engine.context import EngineContext
from engine.definitions import called_versions, latest_definition, workflow_specs
from engine.errors import Conflict, Forbidden, Invalid, NotFound

CANCEL_ROLES = ("admin", "pr_head")
ASSIGN_ROLES = ("admin", "pr_head")
MESSAGE_ROLES = ("admin", "pr_head", "pr_department", "press_secretary")


# -- start -------------------------------------------------------------------------------------------

def start(session: Session, ctx: EngineContext, actor: User, process_key: str, data: dict[str, Any]) -> ProcessInstance:
    definition = latest_definition(session, process_key)
    assert definition is not None
    starters = definition.meta.get("starters", [])
    if not set(starters).intersection(actor.roles):
        raise Forbidden(f"only {', '.join(starters)} may start {process_key!r}")
    at = ctx.now()
    calendar_store.current(session, ctx)
    data = _validated(session, ctx, definition.meta.get("start_form"), data, at)
    return _start(session, ctx, definition, data, started_by=actor, at=at)


def start_scheduled(session: Session, ctx: EngineContext, definition: ProcessDefinition, *, occurrence: datetime,
                    at: datetime) -> ProcessInstance:
    """A case started by its process's timer start event (no one's form: the start form's defaults)."""
    calendar_store.current(session, ctx)
    data = _validated(session, ctx, definition.meta.get("start_form"), {}, at)
    return _start(session, ctx, definition, data | {"scheduled_for": occurrence.isoformat()}, started_by=None,
                  at=at)


def _start(session: Session, ctx: EngineContext, definition: ProcessDefinition, data: dict[str, Any], *,
           started_by: User | None, at: datetime) -> ProcessInstance:
    pinned = called_versions(session, definition)
    spec, subprocess_specs = workflow_specs(session, definition, pinned)
    wf = BpmnWorkflow(spec, subprocess_specs, script_engine=ctx.script_engine)
    wf.get_tasks(state=TaskState.READY)[0].data.update(data)
    instance = ProcessInstance(
        definition_id=definition.id,
        process_key=definition.key,
        version=definition.version,
        business_key=_next_business_key(session, ctx, definition.meta["business_key_prefix"], at),
        status="running",
        data=data,
        started_at=at,
        started_by_id=started_by.id if started_by else None,
        state="",
        serializer_version=serializer.SERIALIZER_VERSION,
        called_versions=pinned,
    )
    session.add(instance)
    session.flush()
    actor = started_by.username if started_by else None
    audit.record(session, type="instance.started", at=at, actor=actor, instance_id=instance.id,
                 subject=instance.business_key, after={"process_key": definition.key, "version": definition.version,
                                                       "data": data})
    _advance(session, ctx, instance, definition, wf, actor=actor, at=at)
    return instance


def _next_business_key(session: Session, ctx: EngineContext, prefix: str, at: datetime) -> str:
    """`IR-2026-000042`: a sequence per prefix and office-local year, bumped under a row lock."""
    year = at.astimezone(ctx.cal.timezone).year
    dialect_insert = postgresql.insert if is_postgresql(session) else sqlite.insert
    session.execute(dialect_insert(BusinessKeySequence).values(prefix=prefix, year=year, last=0)
                    .on_conflict_do_nothing())
    row = session.scalars(
        select(BusinessKeySequence)
        .where(BusinessKeySequence.prefix == prefix, BusinessKeySequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    row.last += 1
    return f"{prefix}-{year}-{row.last:06d}"


# -- tasks -------------------------------------------------------------------------------------------

def get_task(session: Session, task_id: str) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    return task


def complete_task(
    session: Session, ctx: EngineContext, actor: User, task_id: str, data: dict[str, Any]
) -> tuple[HumanTask, ProcessInstance]:
    row = get_task(session, task_id)
    instance = _lock(session, row.instance_id)
    row = _fresh_task(session, task_id)
    if row.status != "open":
        raise Conflict(f"the task is already {row.status}")
    check_may_work_on(actor, row)
    at = ctx.now()
    data = _validated(session, ctx, row.form_key, data, at)
    definition, wf = _load(session, ctx, instance)
    task = wf.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY:
        raise Conflict("the task is no longer waiting for completion")
    before = {k: task.data[k] for k in data if k in task.data and task.data[k] != data[k]}
    task.data.update(data)
    with clock.using(ctx.clock):
        task.run()
    row.status, row.completed_at, row.completed_by_id, row.data = "completed", at, actor.id, data
    if row.assignee_id is None:
        row.assignee_id = actor.id
    audit.record(session, type="task.completed", at=at, actor=actor.username, instance_id=instance.id,
                 task_id=task_id, subject=row.bpmn_id, before=before or None, after=data)
    _advance(session, ctx, instance, definition, wf, actor=actor.username, at=at, completed_task_id=task_id)
    return row, instance


def claim(session: Session, ctx: EngineContext, actor: User, task_id: str) -> HumanTask:
    row = _open_task_locked(session, task_id)
    if row.assignee_id == actor.id:
        return row
    if row.assignee_id is not None:
        raise Conflict("another user holds this task")
    check_may_work_on(actor, row)
    row.assignee_id = actor.id
    audit.record(session, type="task.claimed", at=ctx.now(), actor=actor.username, instance_id=row.instance_id,
                 task_id=task_id, subject=row.bpmn_id, after={"assignee": actor.username})
    return row


def unclaim(session: Session, ctx: EngineContext, actor: User, task_id: str) -> HumanTask:
    row = _open_task_locked(session, task_id)
    may_release = row.assignee_id == actor.id or bool(set(ASSIGN_ROLES).intersection(actor.roles))
    if not may_release and not (row.assignee_id is None and is_candidate(actor, row)):
        raise Forbidden("only the assignee, pr_head or admin may release this task")
    if row.assignee_id is None:
        return row
    before = session.get(User, row.assignee_id)
    row.assignee_id = None
    audit.record(session, type="task.unclaimed", at=ctx.now(), actor=actor.username, instance_id=row.instance_id,
                 task_id=task_id, subject=row.bpmn_id, before={"assignee": before.username if before else None})
    return row


def assign(session: Session, ctx: EngineContext, actor: User, task_id: str, username: str) -> HumanTask:
    require_role(actor, *ASSIGN_ROLES)
    row = _open_task_locked(session, task_id)
    try:
        assignee = user_by_username(session, username)
    except NotFound as exc:
        raise Invalid(exc.detail, [{"field": "username", "message": "no such user"}]) from exc
    if not assignee.active:
        raise Invalid("the user is deactivated", [{"field": "username", "message": "is deactivated"}])
    previous = session.get(User, row.assignee_id) if row.assignee_id else None
    row.assignee_id = assignee.id
    audit.record(session, type="task.assigned", at=ctx.now(), actor=actor.username, instance_id=row.instance_id,
                 task_id=task_id, subject=row.bpmn_id, before={"assignee": previous.username if previous else None},
                 after={"assignee": assignee.username})
    return row


def _open_task_locked(session: Session, task_id: str) -> HumanTask:
    row = get_task(session, task_id)
    _lock(session, row.instance_id)
    row = _fresh_task(session, task_id)
    if row.status != "open":
        raise Conflict(f"the task is already {row.status}")
    return row


def _fresh_task(session: Session, task_id: str) -> HumanTask:
    return session.scalars(
        select(HumanTask).where(HumanTask.id == task_id).execution_options(populate_existing=True)
    ).one()


# -- messages, cancel --------------------------------------------------------------------------------

def deliver_message(
    session: Session, ctx: EngineContext, actor: User, instance_id: int, name: str, data: dict[str, Any]
) -> ProcessInstance:
    require_role(actor, *MESSAGE_ROLES)
    instance = _lock(session, instance_id)
    if instance.status != "running":
        raise Conflict(f"the case is {instance.status}")
    definition, wf = _load(session, ctx, instance)
    if name not in waiting_messages(wf):
        raise Conflict(f"the case is not waiting for the message {name!r}")
    at = ctx.now()
    with clock.using(ctx.clock):
        wf.send_event(BpmnEvent(MessageEventDefinition(name), {"payload": data, "result_var": name}))
    audit.record(session, type="message.delivered", at=at, actor=actor.username, instance_id=instance.id,
                 subject=name, after={"name": name, "data": data})
    _advance(session, ctx, instance, definition, wf, actor=actor.username, at=at)
    return instance


def waiting_messages(wf: BpmnWorkflow) -> set[str]:
    """Names of the messages the case waits for, event-based gateways included."""
    names = set()
    for task in wf.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        for candidate in [definition, *getattr(definition, "event_definitions", [])]:
            if isinstance(candidate, BaseMessageEventDefinition):
                names.add(candidate.name)
    return names


def cancel(session: Session, ctx: EngineContext, actor: User, instance_id: int, reason: str) -> ProcessInstance:
    require_role(actor, *CANCEL_ROLES)
    instance = _lock(session, instance_id)
    if instance.status not in ("running", "failed"):
        raise Conflict(f"the case is already {instance.status}")
    definition, wf = _load(session, ctx, instance)
    at = ctx.now()
    wf.cancel()
    before = {"status": instance.status}
    instance.status, instance.completed_at = "cancelled", at
    audit.record(session, type="instance.cancelled", at=at, actor=actor.username, instance_id=instance.id,
                 subject=instance.business_key, before=before, after={"status": "cancelled", "reason": reason})
    _save(session, ctx, instance, definition, wf, actor=actor.username, at=at)
    return instance


# -- deadlines ---------------------------------------------------------------------------------------

def extend(session: Session, ctx: EngineContext, actor: User, instance_id: int, working_days: int,
           reason: str) -> ProcessInstance:
    """Move a case's deadline by working days with a stated reason, within what the deployment allows."""
    require_role(actor, "pr_head")
    instance = _lock(session, instance_id)
    if instance.status != "running":
        raise Conflict(f"the case is {instance.status}")
    allowed = ctx.settings.request_extension_days
    if allowed <= 0:
        raise Invalid("this deployment allows no extension of deadlines (JARCHY_REQUEST_EXTENSION_DAYS=0)",
                      [{"field": "working_days", "message": "no extension is allowed here"}])
    definition, wf = _load(session, ctx, instance)
    deadline = instance.data.get("deadline")
    if not isinstance(deadline, dict):
        raise Invalid("this case has no statutory deadline to extend",
                      [{"field": "working_days", "message": "the case has no deadline"}])
    used = deadlines.extended_days(deadline)
    if used + working_days > allowed:
        raise Invalid(f"at most {allowed} working days of extension are allowed; {used} are used",
                      [{"field": "working_days", "message": f"at most {allowed - used} more working days"}])
    at = ctx.now()
    extended = deadlines.extend(deadline, working_days, reason, actor.username, at)
    due = deadlines.due(extended, ctx.cal)
    deadlines.set_in_case(wf, extended, due)
    audit.record(session, type="deadline.extended", at=at, actor=actor.username, instance_id=instance.id,
                 subject=instance.business_key, before={"due_at": instance.data.get("due_at")},
                 after={"due_at": due, "working_days": working_days, "reason": reason})
    _advance(session, ctx, instance, definition, wf, actor=actor.username, at=at)
    return instance


def recompute_deadline(session: Session, ctx: EngineContext, instance_id: int, *, actor: str, why: str) -> bool:
    """After a calendar change: count the case's deadline again. Returns whether it moved."""
    instance = _lock(session, instance_id)
    deadline = (instance.data or {}).get("deadline")
    if instance.status != "running" or not isinstance(deadline, dict):
        return False
    definition, wf = _load(session, ctx, instance)
    due = deadlines.due(deadline, ctx.cal)
    if due == instance.data.get("due_at"):
        return False
    at = ctx.now()
    deadlines.set_in_case(wf, deadline, due)
    audit.record(session, type="deadline.recomputed", at=at, actor=actor, instance_id=instance.id,
                 subject=instance.business_key, before={"due_at": instance.data.get("due_at")},
                 after={"due_at": due, "why": why})
    _advance(session, ctx, instance, definition, wf, actor=actor, at=at)
    return True


# -- timers ------------------------------------------------------------------------------------------

def fire_timer(session: Session, ctx: EngineContext, timer_id: int, at: datetime) -> bool:
    """Fire one due timer, at most once: the row is re-read under the instance's lock."""
    timer = session.get(Timer, timer_id)
    if timer is None or timer.status != "pending":
        return False
    # A case locked by someone else (another sweeper firing it, a user completing a task) is skipped, not
    # waited for: its timer stays pending for the next sweep, and parallel sweepers do not march in step.
    instance = _lock(session, timer.instance_id, skip_locked=True)
    if instance is None:
        return False
    timer = session.scalars(select(Timer).where(Timer.id == timer_id).execution_options(populate_existing=True)).one()
    if timer.status != "pending" or timer.due_at > at or instance.status != "running":
        return False
    definition, wf = _load(session, ctx, instance)
    # `at` is the moment the sweep fires as of (`jarchy timers fire-due --at`): SpiffWorkflow must see it too.
    _advance(session, ctx, instance, definition, wf, actor=None, at=at, now=clock.FrozenClock(max(at, ctx.now())))
    session.refresh(timer)
    return timer.status == "fired"


def due_timer_ids(session: Session, at: datetime, limit: int = 500) -> list[int]:
    """Pending timers due by `at` of running cases (a failed case's timers wait for it to be repaired)."""
    return list(session.scalars(
        select(Timer.id)
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .where(Timer.status == "pending", Timer.due_at <= at, ProcessInstance.status == "running")
        .order_by(Timer.due_at)
        .limit(limit)
    ))


# -- shared steps ------------------------------------------------------------------------------------

@overload
def _lock(session: Session, instance_id: int) -> ProcessInstance: ...
@overload
def _lock(session: Session, instance_id: int, *, skip_locked: bool) -> ProcessInstance | None: ...
def _lock(session: Session, instance_id: int, *, skip_locked: bool = False) -> ProcessInstance | None:
    """The case's row, locked until the transaction ends; with `skip_locked`, None if another holds it."""
    instance = session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .options(undefer(ProcessInstance.state))
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if instance is None and not skip_locked:
        raise NotFound(f"case {instance_id} does not exist")
    return instance


def _load(session: Session, ctx: EngineContext, instance: ProcessInstance) -> tuple[ProcessDefinition, BpmnWorkflow]:
    calendar_store.current(session, ctx)
    definition = session.get(ProcessDefinition, instance.definition_id)
    assert definition is not None
    specs = workflow_specs(session, definition, instance.called_versions)
    return definition, serializer.load(instance.state, specs, ctx.script_engine)


def _validated(session: Session, ctx: EngineContext, form_key: str | None, data: dict[str, Any], at: datetime
               ) -> dict[str, Any]:
    if not form_key:
        return data
    schema = forms.load_form(form_key)
    data = forms.fill_defaults(schema, data, at.astimezone(ctx.cal.timezone))
    forms.validate(schema, data, now=at, unit_exists=lambda key: unit_exists(session, key),
                   languages=ctx.settings.publication_languages)
    return data


def _advance(session: Session, ctx: EngineContext, instance: ProcessInstance, definition: ProcessDefinition,
             wf: BpmnWorkflow, *, actor: str | None, at: datetime, completed_task_id: str | None = None,
             now: clock.Clock | None = None) -> None:
    """Run the engine until the workflow waits; a failing script or expression fails the case, recorded."""
    published: list[tuple[str, dict[str, Any]]] = []

    def note_publishing(task: Any) -> None:
        what = publications.publishes(task)
        if what:
            published.append((what, dict(task.data)))

    try:
        with clock.using(now or ctx.clock):
            wf.do_engine_steps(did_complete_task=note_publishing)
            wf.refresh_timers()
            wf.do_engine_steps(did_complete_task=note_publishing)
            # A step may have moved or paused the deadline: the timers that follow it move too, and
            # one that is now due fires at once (bounded: each round only acts on what the last changed).
            for _ in range(3):
                if not deadlines.retime(wf):
                    break
                wf.refresh_timers()
                wf.do_engine_steps(did_complete_task=note_publishing)
        for what, data in published:
            publications.publish(session, instance, what, data, actor=actor, at=at,
                                 languages=ctx.settings.publication_languages)
    except ValueError as exc:  # a publication the case's data cannot make
        instance.status, instance.failure = "failed", str(exc)
        audit.record(session, type="instance.failed", at=at, actor=actor, instance_id=instance.id,
                     subject=None, after={"element_id": None, "message": str(exc)})
    except (SpiffWorkflowException, WorkflowException) as exc:
        element = getattr(getattr(getattr(exc, "task", None), "task_spec", None), "bpmn_id", None)
        instance.status, instance.failure = "failed", f"{element}: {exc}" if element else str(exc)
        audit.record(session, type="instance.failed", at=at, actor=actor, instance_id=instance.id,
                     subject=element, after={"element_id": element, "message": str(exc)})
    _save(session, ctx, instance, definition, wf, actor=actor, at=at, completed_task_id=completed_task_id)


def _save(session: Session, ctx: EngineContext, instance: ProcessInstance, definition: ProcessDefinition,
          wf: BpmnWorkflow, *, actor: str | None, at: datetime, completed_task_id: str | None = None) -> None:
    try:
        instance.state = serializer.dump(wf)
    except TypeError as exc:  # a script left a value no JSON holds: nothing of the step is kept
        raise Invalid(f"the case's data holds a value that cannot be stored ({exc}); the diagram's scripts "
                      "may leave text, numbers, booleans, dates, lists and dicts") from exc
    instance.serializer_version = serializer.SERIALIZER_VERSION
    with clock.using(ctx.clock):
        projection.sync(session, ctx, instance, definition, wf, actor=actor, at=at, completed_task_id=completed_task_id)
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict("the case was changed by someone else at the same moment; reload and try again") from exc
