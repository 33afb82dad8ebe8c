"""One broken case never stops the others: work that goes over many cases (the sweep's timers, the deadline
recount after a calendar change) does each case in a transaction or savepoint of its own, and a case whose
work fails for a reason of its own is recorded as failed (status `failed`, the `failure` text an
administrator reads, audit `instance.failed`) while the others go on.

What is the case's fault and what is not: a lost race (`Conflict`, `NotFound`) or the database itself
being unavailable says nothing of the case, and the next round simply tries again; anything else (a
state that cannot be read, a value the database refuses, an engine error) would fail the same way at
every round, so it is recorded once on the case, whose timers then wait (only running cases' are due).

Why it failed is recorded as a code with parameters (`reason`: a script's error, data it lacks, a bound, a
gateway with no way out, ...), which pages word in their reader's language; the English stays in `message`, and
the exception's type (`ZeroDivisionError`) in `exception`: technical details for administrators and auditors, never
a parameter of the sentence a press officer reads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.specs.ExclusiveChoice import ExclusiveChoice
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.models import ProcessInstance
from db.vocabulary import EventType, InstanceStatus
from engine.audit import chain
from engine.core.errors import Code, JarchyError, Refusal
from engine.core.faults import MAX_FAILURE_TEXT, CaseFault, describe, is_case_fault
from engine.spiff.sandbox import SandboxSyntaxError, ScriptLimitExceeded

log = logging.getLogger(__name__)
T = TypeVar("T")


def fail(session: Session, instance: ProcessInstance, failure: str, *, element: str | None, at: datetime,
         actor: str | None, exc: BaseException, message: str | None = None) -> None:
    """Mark the case failed with what an administrator reads (`failure`), and record it in its history (with
    `message`, the failure without the element it names, when given, and the `code` and `params` of why, which
    a page words in its reader's language: `message` stays English, for the auditor's record)."""
    instance.status, instance.failure = InstanceStatus.FAILED, failure[:MAX_FAILURE_TEXT]
    why = reason(exc)
    chain.record(session, type=EventType.INSTANCE_FAILED, at=at, actor=actor, instance_id=instance.id, subject=element,
                 after={"element_id": element, "message": (message or failure)[:MAX_FAILURE_TEXT],
                        "exception": type(_cause(exc) or exc).__name__, "code": why.code, "params": why.params})


def reason(exc: BaseException) -> Refusal:
    """Why a case failed, as a code with parameters: told apart by the exceptions, never by their English. The
    parameters are what a sentence for staff may name (a line of the script, a missing name), never the exception's
    type, which `fail` keeps apart for the administrators."""
    message = describe(exc)
    if isinstance(exc, JarchyError) and exc.code:
        return Refusal(message, exc.code, exc.params)
    if isinstance(exc, CaseFault):
        return Refusal(message, exc.code, exc.params)
    if isinstance(exc, DBAPIError):
        return Refusal(message, Code.DATABASE_REFUSED, {})
    cause = _cause(exc)
    if isinstance(cause, ScriptLimitExceeded) or isinstance(exc, ScriptLimitExceeded):
        return Refusal(message, Code.SCRIPT_LIMIT, {})
    if isinstance(cause, SandboxSyntaxError):
        return Refusal(message, Code(cause.code), cause.params | _line(exc))
    spec = getattr(getattr(exc, "task", None), "task_spec", None) or getattr(exc, "task_spec", None)
    missing = (cause.name or getattr(cause, "missing_name", None)) if isinstance(cause, NameError) else None
    if isinstance(missing, str):  # its name, kept as data by the sandbox process (engine.spiff.sandbox_process)
        return Refusal(message, Code.MISSING_DATA, {"name": missing})
    if cause is not None:
        if getattr(spec, "script", None) is not None:  # a script task's own script
            return Refusal(message, Code.SCRIPT_FAILED, _line(exc))
        return Refusal(message, Code.EXPRESSION_FAILED, {})
    if isinstance(spec, SubWorkflowTask):
        return Refusal(message, Code.SUBPROCESS_MISSING, {})
    if isinstance(spec, (ExclusiveChoice, InclusiveGateway)):
        return Refusal(message, Code.NO_PATH, {})
    return Refusal(message, Code.CASE_FAILED, {})


def _cause(exc: BaseException) -> BaseException | None:
    """The error a script or expression raised, which SpiffWorkflow keeps only as its error's context."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        if not isinstance(seen, (SpiffWorkflowException, WorkflowException)) or isinstance(seen, ScriptLimitExceeded):
            return seen if seen is not exc else None
        seen = seen.__cause__ or seen.__context__
    return None


def _line(exc: BaseException) -> dict[str, int]:
    line = getattr(exc, "line_number", None)
    return {"script_line": line} if isinstance(line, int) and line > 0 else {}


def record(session: Session, instance_id: int, exc: BaseException, *, doing: str, at: datetime,
           actor: str | None) -> bool:
    """After `doing` failed on a running case and was rolled back: the case is recorded failed. False when the
    case is gone, no longer running, or held by someone else right now (the next round sees it again)."""
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.id == instance_id)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)
    ).one_or_none()
    if instance is None or instance.status != InstanceStatus.RUNNING:
        return False
    fail(session, instance, f"{doing}: {describe(exc)}", element=None, at=at, actor=actor, exc=exc)
    session.flush()
    return True


def in_savepoint(session: Session, instance_id: int, work: Callable[[], T], *, doing: str, at: datetime,
                 actor: str | None) -> T | None:
    """`work` on one case inside the caller's transaction. When it fails by the case's fault, what it did is
    rolled back, the failure is recorded on the case and None is returned; other failures propagate."""
    try:
        with session.begin_nested():
            return work()
    except Exception as exc:
        if not is_case_fault(exc):
            raise
        log.warning("%s failed: %s", doing, describe(exc), exc_info=not isinstance(exc, JarchyError))
        record(session, instance_id, exc, doing=doing, at=at, actor=actor)
        return None
