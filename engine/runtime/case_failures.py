"""One broken case never stops the others: work that goes over many cases (the sweep's timers, the deadline
recount after a calendar change) does each case in a transaction or savepoint of its own, and a case whose
work fails for a reason of its own is recorded as failed (status `failed`, the `failure` text an
administrator reads, audit `instance.failed`) while the others go on.

What is the case's fault and what is not: a lost race (`Conflict`, `NotFound`) or the database itself
being unavailable says nothing of the case, and the next round simply tries again; anything else (a
state that cannot be read, a value the database refuses, an engine error) would fail the same way at
every round, so it is recorded once on the case, whose timers then wait (only running cases' are due)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessInstance
from db.vocabulary import EventType, InstanceStatus
from engine.audit import chain
from engine.core.errors import JarchyError
from engine.core.faults import MAX_FAILURE_TEXT, describe, is_case_fault

log = logging.getLogger(__name__)
T = TypeVar("T")


def fail(session: Session, instance: ProcessInstance, failure: str, *, element: str | None, at: datetime,
         actor: str | None, message: str | None = None) -> None:
    """Mark the case failed with what an administrator reads (`failure`), and record it in its history (with
    `message`, the failure without the element it names, when given)."""
    instance.status, instance.failure = InstanceStatus.FAILED, failure[:MAX_FAILURE_TEXT]
    chain.record(session, type=EventType.INSTANCE_FAILED, at=at, actor=actor, instance_id=instance.id, subject=element,
                 after={"element_id": element, "message": (message or failure)[:MAX_FAILURE_TEXT]})


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
    fail(session, instance, f"{doing}: {describe(exc)}", element=None, at=at, actor=actor)
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
        # The audit chain's head may have been locked inside the savepoint: lock it again when next needed.
        session.info.pop(chain.HEAD_CACHE, None)
        if not is_case_fault(exc):
            raise
        log.warning("%s failed: %s", doing, describe(exc), exc_info=not isinstance(exc, JarchyError))
        record(session, instance_id, exc, doing=doing, at=at, actor=actor)
        return None
