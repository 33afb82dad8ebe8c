"""Mending a failed case (docs/failed_cases.md): an administrator runs its failed steps again (`retry`), with the
case's data corrected for them where the data was at fault, or marks one failed step done without running it
(`skip`), each with a reason and audited. Like every operation: lock the case, load its workflow, act, run the
engine until it waits (`steps.advance`, which fails the case again, with the new error, if a step fails again),
save and audit.

What SpiffWorkflow offers is a task's state: a failed step is a task left in ERROR (or, for a timer whose
expression failed, left FUTURE: engine.spiff.failed_tasks), and running it again means making it READY for the
engine's next steps. The task's spec is whatever the case's version has now: a case moved to a fixed version of
its procedure runs the fixed step. SpiffWorkflow has no operation of this kind with a reason, corrections and an
audit trail (spiff-arena resets a task and edits its data as separate, unaudited calls), hence this module."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent, ProcessInstance, User
from db.vocabulary import EventType, InstanceStatus
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid, problem, unavailable_within
from engine.people.access import check_may_mend_cases
from engine.runtime import case_data, case_failures, steps
from engine.spiff import clock, failed_tasks

MAX_REASON = 2000
# Failures after the step had ended (a publication or a letter the case's data could not make): no step is left to
# run again, and resuming the case would go on without what it failed to make.
AFTER_THE_STEP = frozenset({Code.TRANSLATION_MISSING, Code.LETTER_MISSING})


def retry(session: Session, ctx: EngineContext, actor: User, instance_id: int, *, reason: str,
          corrections: dict[str, Any] | None = None) -> ProcessInstance:
    """Run the failed case's failed steps again, its data first corrected with `corrections` (field: value) where
    given; the case runs on (or fails again, with the new error). A case that failed outside any step but not after
    one (the sweep's work on it: a timer's firing) is resumed: running again, the sweep tries again."""
    check_may_mend_cases(actor)
    reason = _reason(reason)
    if corrections is not None:
        _check_corrections(corrections)
    instance = _failed(session, instance_id)
    last = last_failure(session, instance.id)
    step = steps.open(session, ctx, instance, actor=actor.username)
    stuck = failed_tasks.stuck(step.wf, last.get("element_id"))
    if not stuck and last.get("code") in AFTER_THE_STEP:
        raise Conflict("the case failed after its step had ended (a publication or a letter its data could not make): "
                       "there is no step to run again; cancel the case", code=Code.NOTHING_TO_RETRY)
    if corrections and not stuck:
        raise Invalid("no failed step reads the case's data: there is nothing to correct",
                      [problem("data", Code.NO_FAILED_DATA, "no failed step reads the case's data")],
                      code=Code.NO_FAILED_DATA)
    before, absent = _correct(stuck, corrections or {})
    elements = [task.task_spec.bpmn_id for task in stuck]
    failure = instance.failure
    instance.status, instance.failure = InstanceStatus.RUNNING, None
    chain.record(session, type=EventType.INSTANCE_RETRIED, at=step.at, actor=actor.username, instance_id=instance.id,
                 subject=elements[0] if elements else None,
                 before={"status": InstanceStatus.FAILED, "failure": failure, "data": before, "absent_fields": absent},
                 after={"status": InstanceStatus.RUNNING, "elements": elements, "data": corrections or {},
                        "version": instance.version, "reason": reason})
    if _ready_again(step, stuck):
        steps.advance(step)
    return instance


def skip(session: Session, ctx: EngineContext, actor: User, instance_id: int, *, element_id: str,
         reason: str) -> ProcessInstance:
    """Mark the failed step `element_id` done without running it: the case goes on from there with its data as it
    is. A gateway is never skipped (which way would the case go?): its data is corrected and it is retried. The case
    is running again unless another of its steps is still failed."""
    check_may_mend_cases(actor)
    reason = _reason(reason)
    instance = _failed(session, instance_id)
    last = last_failure(session, instance.id)
    step = steps.open(session, ctx, instance, actor=actor.username)
    stuck = failed_tasks.stuck(step.wf, last.get("element_id"))
    chosen = [task for task in stuck if task.task_spec.bpmn_id == element_id]
    if not chosen:
        raise Invalid(f"the case did not stop at {element_id!r}",
                      [problem("element_id", Code.NOT_A_FAILED_ELEMENT, "the case did not stop at this element",
                               element_id=element_id)],
                      code=Code.NOT_A_FAILED_ELEMENT, params={"element_id": element_id})
    if any(failed_tasks.is_gateway(task) for task in chosen):
        raise Invalid(f"{element_id!r} is a gateway: it chooses the case's way, so it is not skipped; correct the "
                      "data its conditions read and retry",
                      [problem("element_id", Code.GATEWAY_NOT_SKIPPED, "a gateway is not skipped",
                               element_id=element_id)],
                      code=Code.GATEWAY_NOT_SKIPPED, params={"element_id": element_id})
    failure = instance.failure
    left = [task for task in stuck if task not in chosen]
    if not left:
        instance.status, instance.failure = InstanceStatus.RUNNING, None
    chain.record(session, type=EventType.INSTANCE_SKIPPED, at=step.at, actor=actor.username, instance_id=instance.id,
                 subject=element_id, before={"status": InstanceStatus.FAILED, "failure": failure},
                 after={"status": instance.status, "element_id": element_id, "version": instance.version,
                        "reason": reason})
    with clock.using(ctx.clock):
        for task in chosen:
            if task.state == TaskState.FUTURE:
                task._set_state(TaskState.READY)  # a timer never readied: done as if it had fired
            task.complete()
    steps.advance(step)
    return instance


def last_failure(session: Session, instance_id: int) -> dict[str, Any]:
    """What the case's last `instance.failed` event recorded (`element_id`, `code`, ...); empty if none."""
    after = session.scalars(select(AuditEvent.after).where(
        AuditEvent.instance_id == instance_id, AuditEvent.type == EventType.INSTANCE_FAILED)
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    return after if isinstance(after, dict) else {}


def _failed(session: Session, instance_id: int) -> ProcessInstance:
    instance = steps.lock(session, instance_id)
    if instance.status != InstanceStatus.FAILED:
        raise Conflict(f"the case is {instance.status}, not failed", code=Code.CASE_NOT_FAILED,
                       params={"status": str(instance.status)})
    return instance


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("mending a case needs its reason", [problem("reason", Code.REQUIRED, "must not be blank")],
                      code=Code.INVALID_INPUT)
    if len(reason) > MAX_REASON:
        raise Invalid("the reason is too long",
                      [problem("reason", Code.TOO_LONG, f"at most {MAX_REASON} characters", limit=MAX_REASON)],
                      code=Code.INVALID_INPUT)
    return reason


def _check_corrections(corrections: dict[str, Any]) -> None:
    """Corrections are case data like a form's: plain JSON within `case_data`'s bounds, named `data.<field>`."""
    try:
        case_data.check(corrections)
    except Invalid as exc:
        named = [entry | {"field": "data" if entry.get("field") in (None, "(data)") else f"data.{entry['field']}"}
                 for entry in exc.errors]
        raise Invalid(exc.detail, named, code=exc.code or Code.DATA_INVALID, params=exc.params) from exc
    bad = [name for name in corrections if not name.isidentifier() or name.startswith("_")]
    if bad:
        raise Invalid("a corrected field must be a name a script can read",
                      [problem(f"data.{name}", Code.DATA_INVALID, "is not a name a script can read", path=name)
                       for name in bad], code=Code.DATA_INVALID, params={"path": bad[0]})


def _correct(stuck: list[Any], corrections: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Set the corrected fields in the data each failed step runs with; the values they had (from the first
    step that had them) and the fields none had."""
    before: dict[str, Any] = {}
    for task in stuck:
        data = failed_tasks.seen_data(task)
        for name in corrections:
            if name in data and name not in before:
                before[name] = data[name]
        data.update(corrections)
    absent = sorted(name for name in corrections if name not in before)
    return _plain(before), absent


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """The old values as the audit trail stores them (a script may have left a date)."""
    return {name: value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)
            for name, value in values.items()}


def _ready_again(step: steps.Step, stuck: list[Any]) -> bool:
    """Make the failed steps runnable by the engine's next steps. A timer readied again evaluates its expression
    at once: if it fails again, the case is failed again here (and saved) and False is returned."""
    with clock.using(step.ctx.clock):
        for task in stuck:  # the timers first: one failing again leaves the other steps as they were
            if task.state == TaskState.ERROR:
                continue
            try:
                task.task_spec._update(task)
            except (SpiffWorkflowException, WorkflowException) as exc:
                fault = unavailable_within(exc)
                if fault is not None:
                    raise fault from exc
                element = task.task_spec.bpmn_id
                case_failures.fail(step.session, step.instance, f"{element}: {exc}", element=element, at=step.at,
                                   actor=step.actor, message=str(exc), exc=exc)
                steps.save(step)
                return False
    for task in stuck:
        if task.state == TaskState.ERROR:
            task._set_state(TaskState.READY)
    return True
