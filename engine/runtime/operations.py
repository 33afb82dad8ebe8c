"""The runtime: start, complete, claim, deliver a message, fire a timer, cancel.

Each operation is one transaction owned by its caller: lock the instance row, load the workflow,
act, run engine steps until it waits, then write the state, the projections and the audit events
together. The instance's `revision` (SQLAlchemy's version counter) turns a lost race into `Conflict`
even where the row lock is not available."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as BaseMessageEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BusinessKeySequence, HumanTask, ProcessDefinition, ProcessInstance, Timer, User
from db.session import insert_for
from db.vocabulary import EventType, InstanceStatus, LetterKind, NotificationKind, TaskStatus, TimerStatus
from engine.audit import chain
from engine.calendar import deadlines, overrides
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid, NotFound, Refusal, Unreadable, problem
from engine.core.settings import ROLES, UNIT_BOUND_ROLES
from engine.people.access import (
    PORTAL,
    check_may_assign,
    check_may_cancel,
    check_may_deliver_message,
    check_may_extend,
    check_may_learn_state,
    check_may_release,
    check_may_start,
    check_may_work_on,
    check_portal_may_start,
    is_candidate,
    may_assign,
    may_be_given,
)
from engine.people.accounts import unit_exists, user_by_username
from engine.procedures import case_definition, deadline_rules, deployed_forms
from engine.procedures.definitions import called_versions, latest_definition, not_deployed, workflow_specs
from engine.runtime import (
    absences,
    case_data,
    handover,
    letters,
    notifications,
    plan_follows,
    projection,
    standing,
    steps,
)
from engine.runtime.firing import fire_locked
from engine.spiff import clock, serializer

# -- start -------------------------------------------------------------------------------------------

def start(session: Session, ctx: EngineContext, actor: User, process_key: str, data: dict[str, Any], *,
          from_plan: bool = False) -> ProcessInstance:
    """`from_plan`: started from the media plan's entry (engine.runtime.supported_events), the one start that may
    name it (`media_plan_entry`)."""
    definition = _latest(session, process_key)
    check_may_start(actor, definition)
    if not from_plan:
        plan_follows.refuse_unlinked(process_key, data)
    at = ctx.now()
    overrides.current(session, ctx)
    data = steps.validated(session, ctx, definition.meta.get("start_form"), data, at, source=definition)
    return _start(session, ctx, definition, data, started_by=actor, at=at)


def start_from_portal(session: Session, ctx: EngineContext, process_key: str, data: dict[str, Any],
                      at: datetime) -> ProcessInstance:
    """A case filed by a member of the public on the portal: no account, the procedure's start form all the same."""
    check_portal_may_start(process_key)
    definition = _latest(session, process_key)
    overrides.current(session, ctx)
    data = steps.validated(session, ctx, definition.meta.get("start_form"), data, at, source=definition)
    return _start(session, ctx, definition, data, started_by=None, at=at, channel=PORTAL)


def start_scheduled(session: Session, ctx: EngineContext, definition: ProcessDefinition, *, occurrence: datetime,
                    at: datetime) -> ProcessInstance:
    """A case started by its process's timer start event (no one's form: the start form's defaults)."""
    overrides.current(session, ctx)
    data = steps.validated(session, ctx, definition.meta.get("start_form"), {}, at, source=definition)
    return _start(session, ctx, definition, data | {"scheduled_for": occurrence.isoformat()}, started_by=None,
                  at=at, now=clock.FrozenClock(max(at, ctx.now())))


def _latest(session: Session, process_key: str) -> ProcessDefinition:
    definition = case_definition.latest(session, process_key)
    if definition is None:
        raise not_deployed(process_key)
    return definition


def _start(session: Session, ctx: EngineContext, definition: ProcessDefinition, data: dict[str, Any], *,
           started_by: User | None, at: datetime, now: clock.Clock | None = None,
           channel: str | None = None) -> ProcessInstance:
    """`channel`: who started a case that no user started (the public portal), as its history names it."""
    pinned = called_versions(session, definition)
    spec, subprocess_specs = workflow_specs(session, definition, pinned)
    wf = BpmnWorkflow(spec, subprocess_specs, script_engine=ctx.script_engine)
    wf.get_tasks(state=TaskState.READY)[0].data.update(data)
    instance = ProcessInstance(
        definition_id=definition.id,
        process_key=definition.key,
        version=definition.version,
        business_key=_next_business_key(session, ctx, definition.meta["business_key_prefix"], at),
        status=InstanceStatus.RUNNING,
        data=data,
        started_at=at,
        started_by_id=started_by.id if started_by else None,
        state="",
        serializer_version=serializer.SERIALIZER_VERSION,
        called_versions=pinned,
    )
    session.add(instance)
    session.flush()
    standing.keep(session, instance.id, [], [])  # a new case: no task or timer rows for its first step to compare
    actor = started_by.username if started_by else channel
    chain.record(session, type=EventType.INSTANCE_STARTED, at=at, actor=actor, instance_id=instance.id,
                 subject=instance.business_key, after={"process_key": definition.key, "version": definition.version,
                                                       "data": data})
    steps.advance(steps.Step(session, ctx, instance, definition, wf, actor=actor, at=at, now=now))
    return instance


def _start_fields(session: Session, target: ProcessDefinition | None) -> set[str] | None:
    """The fields of the start form of the version a handover would start (None: it is not deployed, or has none)."""
    key = target.meta.get("start_form") if target is not None else None
    if target is None or not key:
        return None
    return set(deployed_forms.form_of(session, target, key).get("properties", {}))


def _next_business_key(session: Session, ctx: EngineContext, prefix: str, at: datetime) -> str:
    """`IR-2026-000042`: a sequence per prefix and office-local year, bumped under a row lock."""
    year = at.astimezone(ctx.cal.timezone).year
    # One statement: the row made at 1 or bumped, and locked until the transaction ends either way.
    bump = insert_for(session)(BusinessKeySequence).values(prefix=prefix, year=year, last=1)
    last = session.execute(bump.on_conflict_do_update(
        index_elements=[BusinessKeySequence.prefix, BusinessKeySequence.year],
        set_={"last": BusinessKeySequence.last + 1}).returning(BusinessKeySequence.last)).scalar_one()
    return f"{prefix}-{year}-{last:06d}"


# -- tasks -------------------------------------------------------------------------------------------

def get_task(session: Session, task_id: str) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist", code=Code.TASK_NOT_FOUND, params={"task_id": task_id})
    return task


def complete_task(
    session: Session, ctx: EngineContext, actor: User, task_id: str, data: dict[str, Any], *,
    authorised: bool = False
) -> tuple[HumanTask, ProcessInstance]:
    """`authorised`: the caller has checked the actor's right by another rule (the media plan's keeper moving a
    supported event: engine.runtime.supported_events), so the task's own candidates are not asked."""
    row, instance = _task_and_locked_case(session, task_id)
    if not authorised:
        check_may_learn_state(actor, row)
    if row.status != TaskStatus.OPEN:
        raise Conflict(f"the task is already {row.status}", code=Code.TASK_CLOSED)
    if not authorised:
        check_may_work_on(actor, row)
    at = ctx.now()
    data = steps.validated(session, ctx, row.form_key, data, at, case=instance.data or {}, instance_id=instance.id,
                           source=instance)
    step = steps.open(session, ctx, instance, actor=actor.username, at=at, completed_task_id=task_id)
    task = step.wf.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY:
        raise Conflict("the task is no longer waiting for completion", code=Code.TASK_CLOSED)
    handover_rule = handover.rule(task.task_spec)
    if handover_rule is not None:
        target = latest_definition(session, handover_rule[0], required=False)
        data = handover.hand_over(instance, task.data, data, handover_rule,
                                  _start_fields(session, target),
                                  lambda key, start_data: start(session, ctx, actor, key, start_data))
    before = {k: task.data[k] for k in data if k in task.data and task.data[k] != data[k]}
    task.data.update(data)
    with clock.using(ctx.clock):
        task.run()
    row.status, row.completed_at, row.completed_by_id, row.data = TaskStatus.COMPLETED, at, actor.id, data
    if row.assignee_id is None:
        row.assignee_id = actor.id
    chain.record(session, type=EventType.TASK_COMPLETED, at=at, actor=actor.username, instance_id=instance.id,
                 task_id=task_id, subject=row.bpmn_id, before=before or None, after=data)
    steps.advance(step)
    return row, instance


def claim(session: Session, ctx: EngineContext, actor: User, task_id: str) -> HumanTask:
    row = _open_task_locked(session, task_id, reader=actor)
    if row.assignee_id == actor.id:
        return row
    if row.assignee_id is not None:
        raise Conflict("another user holds this task", code=Code.TASK_TAKEN)
    check_may_work_on(actor, row)
    row.assignee_id = actor.id
    chain.record(session, type=EventType.TASK_CLAIMED, at=ctx.now(), actor=actor.username, instance_id=row.instance_id,
                 task_id=task_id, subject=row.bpmn_id, after={"assignee": actor.username})
    return row


def unclaim(session: Session, ctx: EngineContext, actor: User, task_id: str) -> HumanTask:
    row = _open_task_locked(session, task_id, reader=None if may_assign(actor) else actor)
    check_may_release(actor, row)
    if row.assignee_id is None:
        return row
    before = session.get(User, row.assignee_id)
    row.assignee_id = None
    chain.record(session, type=EventType.TASK_UNCLAIMED, at=ctx.now(), actor=actor.username,
                 instance_id=row.instance_id, task_id=task_id, subject=row.bpmn_id,
                 before={"assignee": before.username if before else None})
    return row


def assign(session: Session, ctx: EngineContext, actor: User, task_id: str, username: str) -> HumanTask:
    """Give an open task to one of its candidates; while they are away it goes to their deputy where the deputy
    may take it (engine.runtime.absences)."""
    check_may_assign(actor)
    row = _open_task_locked(session, task_id)
    assignee = _assignee(session, username, "username")
    refusal = _refusal_to_give(assignee, row)
    if refusal is not None:
        raise Invalid(refusal.message, [problem("username", refusal.code, refusal.message, **refusal.params)],
                      code=refusal.code, params=refusal.params)
    _give(session, ctx, actor, row, assignee, ctx.now())
    return row


MAX_REASSIGNED = 100


def reassign(session: Session, ctx: EngineContext, actor: User, task_ids: list[str], username: str,
             reason: str) -> list[HumanTask]:
    """Give several open tasks to one user at once (the PR head's inbox), all or none: every task is checked
    first, and a task the user cannot take refuses the whole, named by its place in `task_ids` with its code and
    id. Each move is audited with the reason."""
    check_may_assign(actor)
    if not reason.strip():
        raise Invalid("a reassignment needs its reason", [problem("reason", Code.REQUIRED, "must not be blank")],
                      code=Code.INVALID_INPUT)
    if not task_ids:
        raise Invalid("no tasks given", [problem("task_ids", Code.REQUIRED, "name at least one task")],
                      code=Code.INVALID_INPUT)
    if len(task_ids) > MAX_REASSIGNED:
        raise Invalid("too many tasks", [problem("task_ids", Code.TOO_MANY, "too many tasks", limit=MAX_REASSIGNED)],
                      code=Code.INVALID_INPUT)
    assignee = _assignee(session, username, "assignee")
    found = {t.id: t for t in session.scalars(select(HumanTask).where(HumanTask.id.in_(set(task_ids))))}
    # The cases are locked in one order, as every writer locks them, so two reassignments never wait on each other.
    for instance_id in sorted({t.instance_id for t in found.values()}):
        steps.lock(session, instance_id)
    problems, rows, seen = [], [], set()
    for index, task_id in enumerate(task_ids):
        field = f"task_ids.{index}"
        if task_id in seen:
            continue
        seen.add(task_id)
        if task_id not in found:
            problems.append(problem(field, Code.TASK_NOT_FOUND, "no such task", task_id=task_id))
            continue
        row = _fresh_task(session, task_id)
        refusal = (Refusal("the task is closed", Code.TASK_CLOSED, {}) if row.status != TaskStatus.OPEN
                   else _refusal_to_give(assignee, row))
        if refusal is not None:
            problems.append(problem(field, refusal.code, refusal.message, task_id=task_id, **refusal.params))
            continue
        rows.append(row)
    if problems:
        raise Invalid(f"{len(problems)} of the tasks cannot be given to {assignee.username}: none was moved",
                      problems, code=Code.INVALID_INPUT)
    at = ctx.now()
    for row in rows:
        _give(session, ctx, actor, row, assignee, at, reason=reason.strip())
    return rows


def _assignee(session: Session, username: str, field: str) -> User:
    try:
        return user_by_username(session, username)
    except NotFound as exc:
        raise Invalid(exc.detail, [problem(field, Code.USER_NOT_FOUND, "no such user", username=username)],
                      code=Code.USER_NOT_FOUND, params={"username": username}) from exc


def _refusal_to_give(assignee: User, row: HumanTask) -> Refusal | None:
    if not assignee.active:
        return Refusal("the user is deactivated", Code.USER_INACTIVE, {"username": assignee.username})
    if not may_be_given(assignee, row):
        # Whoever holds a task may complete it: giving it outside its role (or its unit) would let an auditor write
        # or one unit decide for another.
        return Refusal(f"{assignee.username} is not among the candidates of this task (its role, in its unit)",
                       Code.NOT_A_CANDIDATE, {"username": assignee.username})
    return None


def _give(session: Session, ctx: EngineContext, actor: User, row: HumanTask, assignee: User, at: datetime, *,
          reason: str | None = None) -> None:
    """`row` to `assignee`, or to their deputy while they are away (engine.runtime.absences), audited."""
    standing_in = absences.deputy_for(session, assignee, row, at)
    if standing_in is not None:
        deputy, absence = standing_in
        absences.give(session, ctx, row, assignee, deputy, absence, at=at, actor=actor.username, reason=reason)
        return
    previous = session.get(User, row.assignee_id) if row.assignee_id else None
    row.assignee_id = assignee.id
    chain.record(session, type=EventType.TASK_ASSIGNED, at=at, actor=actor.username, instance_id=row.instance_id,
                 task_id=row.id, subject=row.bpmn_id, before={"assignee": previous.username if previous else None},
                 after={"assignee": assignee.username} | ({"reason": reason} if reason else {}))


def reroute(session: Session, ctx: EngineContext, actor: User, task_id: str, role: str,
            unit: str | None) -> HumanTask:
    """Send an open task to another role (and unit, where the role is unit-bound): how a task whose routing
    failed (its role or unit expression gave nothing usable) reaches its candidates. Audited; the new candidates
    are told; an assignee who is no candidate any more gives it back."""
    check_may_assign(actor)
    row = _open_task_locked(session, task_id)
    if role not in ROLES:
        raise Invalid(f"{role!r} is not a role", [{"field": "role", "message": "is not a role"}],
                      code=Code.NOT_A_ROLE, params={"role": role})
    if role in UNIT_BOUND_ROLES and (unit is None or not unit_exists(session, unit)):
        raise Invalid(f"{role} acts for a unit: give an existing unit",
                      [{"field": "unit", "message": "is required, the key of an existing unit, for this role"}],
                      code=Code.UNIT_REQUIRED, params={"role": role})
    if role not in UNIT_BOUND_ROLES and unit is not None:
        raise Invalid(f"{role} acts for no unit", [{"field": "unit", "message": "is not taken for this role"}],
                      code=Code.UNIT_NOT_TAKEN, params={"role": role})
    before = {"role": row.role, "unit": row.unit_key}
    if (row.role, row.unit_key) == (role, unit):
        return row
    previous = session.get(User, row.assignee_id) if row.assignee_id else None
    row.role, row.unit_key = role, unit
    if previous is not None and not is_candidate(previous, row):
        row.assignee_id = None
    at = ctx.now()
    chain.record(session, type=EventType.TASK_REROUTED, at=at, actor=actor.username, instance_id=row.instance_id,
                 task_id=task_id, subject=row.bpmn_id, before=before | {"assignee": previous.username if previous
                                                                        else None},
                 after={"role": role, "unit": unit,
                        "assignee": previous.username if previous and row.assignee_id else None})
    notifications.notify_task(session, ctx, row, kind=NotificationKind.TASK, at=at)
    return row


def _open_task_locked(session: Session, task_id: str, *, reader: User | None = None) -> HumanTask:
    """The open task, its case locked; `reader` must be allowed to learn its state before they learn that it is
    closed."""
    row, _ = _task_and_locked_case(session, task_id)
    if reader is not None:
        check_may_learn_state(reader, row)
    if row.status != TaskStatus.OPEN:
        raise Conflict(f"the task is already {row.status}", code=Code.TASK_CLOSED)
    return row


def _task_and_locked_case(session: Session, task_id: str) -> tuple[HumanTask, ProcessInstance]:
    """The task as it stands once its case's row is locked, and the case. Two statements: the case is locked
    through the task's (unchanging) case id, then the task is read in a statement of its own, so that on
    PostgreSQL it sees whatever the lock waited for (a statement's snapshot is taken when it begins); the case's
    other open tasks and its waiting timers come with it, for the step's projections (engine.runtime.standing)."""
    instance = steps.lock_by_task(session, task_id)
    if instance is None:
        raise NotFound(f"task {task_id} does not exist", code=Code.TASK_NOT_FOUND, params={"task_id": task_id})
    row = standing.read(session, instance.id, task_id)
    if row is None:  # not after the lock found its case: a task row is never deleted
        raise NotFound(f"task {task_id} does not exist", code=Code.TASK_NOT_FOUND, params={"task_id": task_id})
    return row, instance


def _fresh_task(session: Session, task_id: str) -> HumanTask:
    return session.scalars(
        select(HumanTask).where(HumanTask.id == task_id).execution_options(populate_existing=True)
    ).one()


# -- messages, cancel --------------------------------------------------------------------------------

def deliver_message(
    session: Session, ctx: EngineContext, actor: User, instance_id: int, name: str, data: dict[str, Any]
) -> ProcessInstance:
    check_may_deliver_message(actor)
    case_data.check(data)
    instance = steps.lock(session, instance_id)
    if instance.status != InstanceStatus.RUNNING:
        raise Conflict(f"the case is {instance.status}", code=Code.CASE_CLOSED)
    step = steps.open(session, ctx, instance, actor=actor.username)
    if name not in waiting_messages(step.wf):
        raise Conflict(f"the case is not waiting for the message {name!r}", code=Code.NOT_WAITING,
                       params={"message": name})
    with clock.using(ctx.clock):
        step.wf.send_event(BpmnEvent(MessageEventDefinition(name), {"payload": data, "result_var": name}))
    chain.record(session, type=EventType.MESSAGE_DELIVERED, at=step.at, actor=actor.username, instance_id=instance.id,
                 subject=name, after={"name": name, "data": data})
    steps.advance(step)
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
    check_may_cancel(actor)
    instance = steps.lock(session, instance_id)
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.FAILED):
        raise Conflict(f"the case is already {instance.status}", code=Code.CASE_CLOSED)
    try:
        step: steps.Step | None = steps.open(session, ctx, instance, actor=actor.username)
    except Unreadable:
        step = None  # a case whose state cannot be read can still be ended: its tasks and timers end with it
    at = step.at if step is not None else ctx.now()
    before = {"status": instance.status}
    instance.status, instance.completed_at = InstanceStatus.CANCELLED, at
    chain.record(session, type=EventType.INSTANCE_CANCELLED, at=at, actor=actor.username, instance_id=instance.id,
                 subject=instance.business_key, before=before,
                 after={"status": InstanceStatus.CANCELLED, "reason": reason})
    if step is None:
        projection.close(session, instance, actor=actor.username, at=at)
        session.flush()
        return instance
    as_it_stood = dict(instance.data or {})
    step.wf.cancel()
    steps.save(step)
    # A cancelled workflow ends on no path, and what it then holds may be an older task's data: the case keeps the
    # data it had (an event_support case's `held_at`, which the office's report counts: docs/office_report.md).
    instance.data = (instance.data or {}) | as_it_stood
    session.flush()
    return instance


# -- deadlines ---------------------------------------------------------------------------------------

def extend(session: Session, ctx: EngineContext, actor: User, instance_id: int, working_days: int,
           reason: str) -> ProcessInstance:
    """Move a case's deadline by working days with a stated reason, as the law in force allows: within the
    profile's window and maximum where it gives an extension rule for the procedure (UA art. 20 part 4), else
    within JARCHY_REQUEST_EXTENSION_DAYS. Where the case has a requester, they are told, with the reason. A procedure
    that extends its deadline by a route of its own (a draft act's discussion) is refused here (`Conflict` naming
    the route): one way to extend each deadline."""
    check_may_extend(actor)
    if not reason.strip():
        # The reason is the requester's to read (UA art. 20 part 4: "with a justification").
        raise Invalid("an extension needs its reason", [{"field": "reason", "message": "must not be blank"}],
                      code=Code.REQUIRED)
    instance = steps.lock(session, instance_id)
    if instance.status != InstanceStatus.RUNNING:
        raise Conflict(f"the case is {instance.status}", code=Code.CASE_CLOSED)
    own_route = deadline_rules.of(instance.process_key).extended_by
    if own_route is not None:
        # Working days added to the clock's count could land before the end the case shows (kept longer after a
        # calendar change), and would not move its copies: the procedure's own route extends it.
        raise Conflict(f"this case's deadline is extended with POST {own_route.format(id=instance.id)}, not here",
                       code=Code.OWN_EXTENSION)
    deadline = (instance.data or {}).get("deadline")
    if not isinstance(deadline, dict):
        raise Invalid("this case has no statutory deadline to extend",
                      [{"field": "working_days", "message": "the case has no deadline"}], code=Code.NO_DEADLINE)
    refusal = _extension_refusal(ctx, instance.process_key, deadline, working_days, ctx.now())
    if refusal is not None:
        raise Invalid(refusal, [{"field": "working_days", "message": refusal}], code=Code.EXTENSION_REFUSED)
    step = steps.open(session, ctx, instance, actor=actor.username)
    extended = deadlines.extend(deadline, working_days, reason, actor.username, step.at)
    due = deadlines.due(extended, ctx.cal)
    deadlines.set_in_case(step.wf, extended, due)
    chain.record(session, type=EventType.DEADLINE_EXTENDED, at=step.at, actor=actor.username, instance_id=instance.id,
                 subject=instance.business_key, before={"due_at": instance.data.get("due_at")},
                 after={"due_at": due, "working_days": working_days, "reason": reason})
    steps.advance(step)
    letters.tell_requester(session, ctx, instance, LetterKind.EXTENDED, at=step.at, reason=reason)
    return instance


def _extension_refusal(ctx: EngineContext, process_key: str, deadline: dict[str, Any], working_days: int,
                       at: datetime) -> str | None:
    """Why the law in force does not allow this extension now, or None."""
    if deadline.get("urgent"):
        return "an urgent request's deadline cannot be extended"
    rule = ctx.jurisdiction.extension(process_key)
    used = deadlines.extended_days(deadline)
    if rule is None:
        allowed = ctx.settings.request_extension_days
        if allowed <= 0:
            return "this deployment allows no extension of deadlines (JARCHY_REQUEST_EXTENSION_DAYS=0)"
        if used + working_days > allowed:
            return f"at most {allowed} working days of extension are allowed; {used} are used: {allowed - used} more"
        return None
    if deadlines.unit_of(deadline) != "working_days":
        return "the law in force extends only a deadline counted in working days"
    window = ctx.cal.end_of_working_day(ctx.cal.add_working_days(deadline["from"], rule.announce_within))
    if at > window:
        return (f"an extension must be announced within {rule.announce_within} working days of receipt, by "
                f"{window.isoformat()} ({rule.source})")
    total = deadlines.amount_of(deadline) + used
    if total + working_days > rule.until:
        return (f"the deadline may reach at most {rule.until} working days after the day of receipt in all; it is "
                f"at {total}: {max(0, rule.until - total)} more ({rule.source})")
    return None


def recompute_deadline(session: Session, ctx: EngineContext, instance_id: int, *, actor: str, why: str) -> bool:
    """After a calendar change: count the case's deadline again. Returns whether it moved."""
    instance = steps.lock(session, instance_id)
    deadline = (instance.data or {}).get("deadline")
    if instance.status != InstanceStatus.RUNNING or not isinstance(deadline, dict):
        return False
    keeping = deadline_rules.of(instance.process_key)
    due = keeping.recount(instance, deadlines.due(deadline, ctx.cal), ctx.now())
    if due == instance.data.get("due_at"):
        return False
    step = steps.open(session, ctx, instance, actor=actor)
    deadlines.set_in_case(step.wf, deadline, due, copies=keeping.copies)
    chain.record(session, type=EventType.DEADLINE_RECOMPUTED, at=step.at, actor=actor, instance_id=instance.id,
                 subject=instance.business_key, before={"due_at": instance.data.get("due_at")},
                 after={"due_at": due, "why": why})
    steps.advance(step)
    return True


# -- timers ------------------------------------------------------------------------------------------

def fire_timer(session: Session, ctx: EngineContext, timer_id: int, at: datetime) -> bool:
    """Fire one due timer, at most once: the row is re-read under the instance's lock. (The sweep claims its
    timers instead: engine.runtime.firing.)"""
    timer = session.get(Timer, timer_id)
    if timer is None or timer.status != TimerStatus.PENDING:
        return False
    # A case locked by someone else (another sweeper firing it, a user completing a task) is skipped, not
    # waited for: its timer stays pending for the next sweep, and parallel sweepers do not march in step.
    instance = steps.lock(session, timer.instance_id, skip_locked=True)
    if instance is None:
        return False
    return fire_locked(session, ctx, timer_id, instance, at)
