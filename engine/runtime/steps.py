"""The steps every runtime operation is made of: lock the case, load its workflow, validate a form, run
the engine until it waits, and save the state with its projections. Split from engine/runtime/operations.py, which
composes them into operations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, overload

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.exc import StaleDataError

from db.models import ProcessDefinition, ProcessInstance
from engine.calendar import deadlines
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid, NotFound, unavailable_within
from engine.people.accounts import unit_exists
from engine.procedures import forms
from engine.runtime import case_data, case_failures, projection, publications
from engine.spiff import clock, sandbox_bounds, serializer


@overload
def lock(session: Session, instance_id: int) -> ProcessInstance: ...
@overload
def lock(session: Session, instance_id: int, *, skip_locked: bool) -> ProcessInstance | None: ...
def lock(session: Session, instance_id: int, *, skip_locked: bool = False) -> ProcessInstance | None:
    """The case's row, locked until the transaction ends; with `skip_locked`, None if another holds it."""
    instance = session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .options(undefer(ProcessInstance.state))
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if instance is None and not skip_locked:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND)
    return instance


def validated(session: Session, ctx: EngineContext, form_key: str | None, data: dict[str, Any], at: datetime
               ) -> dict[str, Any]:
    """The data a request brings, within `case_data`'s bounds, its form's defaults filled in and validated."""
    case_data.check(data)
    if not form_key:
        return data
    schema = forms.load_form(form_key)
    data = forms.fill_defaults(schema, data, at.astimezone(ctx.cal.timezone))
    forms.validate(schema, data, now=at, unit_exists=lambda key: unit_exists(session, key),
                   languages=ctx.settings.publication_languages)
    return data


def advance(session: Session, ctx: EngineContext, instance: ProcessInstance, definition: ProcessDefinition,
             wf: BpmnWorkflow, *, actor: str | None, at: datetime, completed_task_id: str | None = None,
             now: clock.Clock | None = None) -> None:
    """Run the engine until the workflow waits; a failing script or expression fails the case, recorded."""
    published: list[tuple[str, dict[str, Any]]] = []

    def note_publishing(task: Any) -> None:
        what = publications.publishes(task)
        if what:
            published.append((what, dict(task.data)))

    # One budget for the step's scripts and expressions, the new tasks' routing and due dates included.
    with sandbox_bounds.operation(ctx.settings.script_operation_seconds):
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
            case_failures.fail(session, instance, str(exc), element=None, at=at, actor=actor)
        except (SpiffWorkflowException, WorkflowException) as exc:
            fault = unavailable_within(exc)
            if fault is not None:
                raise fault from exc  # the server's fault: nothing of the step is kept, the case is not failed
            element = getattr(getattr(getattr(exc, "task", None), "task_spec", None), "bpmn_id", None)
            case_failures.fail(session, instance, f"{element}: {exc}" if element else str(exc), element=element,
                               at=at, actor=actor, message=str(exc))
        save(session, ctx, instance, definition, wf, actor=actor, at=at, completed_task_id=completed_task_id)


def save(session: Session, ctx: EngineContext, instance: ProcessInstance, definition: ProcessDefinition,
          wf: BpmnWorkflow, *, actor: str | None, at: datetime, completed_task_id: str | None = None) -> None:
    try:
        instance.state = serializer.dump(wf)
    except (TypeError, RecursionError) as exc:  # a script left a value JSON cannot hold: nothing is kept
        raise Invalid(f"the case's data holds a value that cannot be stored ({exc}); the diagram's scripts "
                      "may leave text, numbers, booleans, dates, lists and dicts") from exc
    instance.serializer_version = serializer.SERIALIZER_VERSION
    with clock.using(ctx.clock):
        projection.sync(session, ctx, instance, definition, wf, actor=actor, at=at, completed_task_id=completed_task_id)
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict("the case was changed by someone else at the same moment; reload and try again") from exc
