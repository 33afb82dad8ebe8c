"""The steps every runtime operation is made of: lock the case, load its workflow (`open`: the operation's
`Step`), validate a form, run the engine until it waits, and save the state with its projections. Split from
engine/runtime/operations.py, which composes them into operations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, overload

from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.exc import StaleDataError

from db.models import HumanTask, ProcessDefinition, ProcessInstance
from db.vocabulary import LetterKind
from engine.calendar import overrides
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid, NotFound, unavailable_within
from engine.people import accounts
from engine.people.accreditation import FormLookup
from engine.procedures import case_definition, deployed_forms, discussion, forms, labels
from engine.runtime import (
    attachments,
    case_data,
    case_failures,
    distribution,
    letters,
    loading,
    notifications,
    plan_follows,
    projection,
    publications,
    standing,
    task_rows,
)
from engine.runtime.step import Step
from engine.spiff import clock, loop, pruning, sandbox_bounds, serializer

__all__ = ["Step", "advance", "lock", "lock_by_task", "open", "save", "validated"]


@overload
def lock(session: Session, instance_id: int) -> ProcessInstance: ...
@overload
def lock(session: Session, instance_id: int, *, skip_locked: bool) -> ProcessInstance | None: ...
def lock(session: Session, instance_id: int, *, skip_locked: bool = False) -> ProcessInstance | None:
    """The case's row, locked until the transaction ends; with `skip_locked`, None if another holds it."""
    instance = _locked(session, _LOCKS[("case", skip_locked)], {"which": instance_id})
    if instance is None and not skip_locked:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    return instance


def lock_by_task(session: Session, task_id: str) -> ProcessInstance | None:
    """The row of the case the task `task_id` belongs to, locked as `lock` does; None if there is no such task."""
    return _locked(session, _LOCKS[("task", False)], {"which": task_id})


def along() -> tuple[Any, ...]:
    """What a step asks next of a case it locks, as columns for the lock's statement to read along: the nonce of the
    case's version (what the process keeps of it is used: engine.procedures.case_definition), its starter's
    username (the answer names them: engine.runtime.standing), the office's unit keys (a form may name units:
    engine.people.accounts) and the calendar overrides' fingerprint (the step counts days by the calendar in force:
    engine.calendar.overrides). `took_along` hands them on."""
    return case_definition.along(), standing.along_starter(), accounts.unit_keys_along(), *overrides.fingerprint()


def took_along(session: Session, instance: ProcessInstance, values: Sequence[Any]) -> None:
    """The values of `along()`'s columns, read with `instance`, for this transaction."""
    case_definition.read_along(session, instance.definition_id, values[0])
    standing.read_along_username(session, instance.started_by_id, values[1])
    accounts.read_along_unit_keys(session, values[2])
    overrides.read_along(session, tuple(values[3:]))


def _lock_statement(which: Any, *, skip_locked: bool) -> Any:
    """The case's row with its whole state, locked, and what a step asks next read along (`along`). Built once:
    building and keying it cost more than running it."""
    return (select(ProcessInstance, *along())
            .where(which)
            .options(undefer(ProcessInstance.state))
            .with_for_update(of=ProcessInstance, skip_locked=skip_locked)
            .execution_options(populate_existing=True))


_LOCKS = {
    ("case", False): _lock_statement(ProcessInstance.id == bindparam("which"), skip_locked=False),
    ("case", True): _lock_statement(ProcessInstance.id == bindparam("which"), skip_locked=True),
    ("task", False): _lock_statement(ProcessInstance.id == select(HumanTask.instance_id).where(
        HumanTask.id == bindparam("which")).scalar_subquery(), skip_locked=False),
}


def _locked(session: Session, statement: Any, parameters: dict[str, Any]) -> ProcessInstance | None:
    row = session.execute(statement, parameters).one_or_none()
    if row is None:
        return None
    took_along(session, row[0], row[1:])
    return row[0]  # type: ignore[no-any-return]


def open(session: Session, ctx: EngineContext, instance: ProcessInstance, *, actor: str | None,
         at: datetime | None = None, now: clock.Clock | None = None, completed_task_id: str | None = None) -> Step:
    """The step on a case whose row the caller locked (`lock`) and checked: its workflow loaded with the calendar
    in force (`Unreadable` when its stored state cannot be). `at` defaults to the engine's now, once loaded."""
    definition, wf = loading.load(session, ctx, instance)
    return Step(session, ctx, instance, definition, wf, actor=actor, at=at if at is not None else ctx.now(),
                now=now, completed_task_id=completed_task_id)


def form_for(session: Session, source: ProcessDefinition | ProcessInstance | None, key: str) -> dict[str, Any]:
    """The form `key` as `source` (a definition, or a case) has it."""
    if isinstance(source, ProcessInstance):
        return deployed_forms.case_form(session, source, key)
    if isinstance(source, ProcessDefinition):
        return deployed_forms.form_of(session, source, key)
    return forms.load_form(key)


def validated(session: Session, ctx: EngineContext, form_key: str | None, data: dict[str, Any], at: datetime,
              case: dict[str, Any] | None = None, instance_id: int | None = None,
              source: ProcessDefinition | ProcessInstance | None = None) -> dict[str, Any]:
    """The data a request brings, within `case_data`'s bounds, its form's defaults filled in and validated (against
    the case's data `case` where the form checks itself against it, and the files attached to the case
    `instance_id`). The form is the one `source` pinned: the definition a case starts on, or the case whose task
    it is (a running case keeps the forms of its version); without one, the shipped file."""
    case_data.check(data)
    if not form_key:
        return data
    schema = form_for(session, source, form_key)
    data = forms.fill_defaults(schema, data, at.astimezone(ctx.cal.timezone))
    # In the office's time zone: a keyword that asks for "today" (an accreditation's day) means the office's day.
    forms.validate(schema, data, now=at.astimezone(ctx.cal.timezone),
                   unit_exists=lambda key: accounts.unit_exists(session, key),
                   languages=ctx.settings.publication_languages,
                   refusal_grounds=tuple(ctx.jurisdiction.refusal_ground_keys()), case=case,
                   attached=lambda ids: attachments.attachments_of_case(session, instance_id, ids),
                   registry=FormLookup(session),
                   pending=lambda: discussion.pending_ids(session, instance_id) if instance_id else [])
    return data


def advance(step: Step) -> None:
    """Run the engine until the workflow waits, then save; a failing script or expression fails the case,
    recorded."""
    session, instance = step.session, step.instance
    published: list[tuple[str, dict[str, Any]]] = []
    told: list[tuple[LetterKind, dict[str, Any]]] = []
    informed: list[tuple[str, str, dict[str, str], dict[str, Any]]] = []

    def note_effects(task: Any) -> None:
        what = publications.publishes(task)
        if what:
            published.append((what, dict(task.data)))
        letter = letters.told_by(task)
        if letter:
            told.append((letter, dict(task.data)))
        role = notifications.informed_by(task)
        if role:
            spec, meta = task.task_spec, step.definition.meta or {}
            # The case's diagram's labels for the step, when the step is its own (not a called diagram's).
            own = meta.get("element_names", {}).get(spec.bpmn_id) == spec.bpmn_name
            informed.append((role, spec.bpmn_name or spec.bpmn_id,
                             labels.names_of(meta, spec.bpmn_id) if own else {}, dict(task.data)))

    # One budget for the step's scripts and expressions, the new tasks' routing and due dates included.
    with sandbox_bounds.operation(step.ctx.settings.script_operation_seconds):
        try:
            loop.run_until_waiting(step.wf, step.engine_clock, note_effects)
            for what, data in published:
                row = publications.publish(session, instance, what, data, actor=step.actor, at=step.at,
                                           languages=step.ctx.settings.publication_languages)
                if what == "release":  # to the media of its distribution lists, now that it is public
                    distribution.prepare(session, step.ctx, instance, row, data, at=step.at)
            for letter, data in told:
                letters.tell_requester(session, step.ctx, instance, letter, at=step.at, data=data)
            for role, what, names, data in informed:
                notifications.inform(session, step.ctx, instance, role, what, data, at=step.at, labels=names)
        except ValueError as exc:  # a publication or a letter the case's data cannot make
            case_failures.fail(session, instance, str(exc), element=None, at=step.at, actor=step.actor, exc=exc)
        except (SpiffWorkflowException, WorkflowException) as exc:
            fault = unavailable_within(exc)
            if fault is not None:
                raise fault from exc  # the server's fault: nothing of the step is kept, the case is not failed
            element = getattr(getattr(getattr(exc, "task", None), "task_spec", None), "bpmn_id", None)
            case_failures.fail(session, instance, f"{element}: {exc}" if element else str(exc), element=element,
                               at=step.at, actor=step.actor, message=str(exc), exc=exc)
        save(step)


def save(step: Step) -> None:
    """The workflow's state stored in the case's row, with its projections, its tree pruned of what the engine no
    longer needs (engine/spiff/pruning.py); a lost race is `Conflict`."""
    instance = step.instance
    before = dict(instance.data or {})
    # The projections' reads (the case's open tasks and timers, the candidates to notify) need nothing they write
    # flushed first: everything the step wrote goes in the one flush below, its audit events in one INSERT.
    with clock.using(step.ctx.clock), step.session.no_autoflush:
        projection.sync(step)
    plan_follows.follow(step, before)  # an event supported from the media plan: its entry follows the case
    # After the projections, which read the step's whole tree (a timer that fired in it); the caller's transaction
    # rolls back what they wrote if the state cannot be stored.
    pruning.prune(step.wf)
    try:
        instance.state = serializer.dump(step.wf)
    except (TypeError, RecursionError) as exc:  # a script left a value JSON cannot hold: nothing is kept
        raise Invalid(f"the case's data holds a value that cannot be stored ({exc}); the diagram's scripts "
                      "may leave text, numbers, booleans, dates, lists and dicts",
                      code=Code.CASE_DATA_UNSTORABLE) from exc
    instance.serializer_version = serializer.SERIALIZER_VERSION
    try:
        task_rows.write(step.session, instance)
        step.session.flush()
    except StaleDataError as exc:
        raise Conflict("the case was changed by someone else at the same moment; reload and try again",
                       code=Code.CHANGED_CONCURRENTLY) from exc
