"""Reading staff's discussion of a case: to exactly the case's readers (engine.people.access)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CaseComment, ProcessInstance, User
from engine.core.errors import Code, NotFound
from engine.people.access import check_may_read_instance


def of_case(session: Session, user: User, instance_id: int, *, task_id: str | None = None) -> list[CaseComment]:
    """The case's comments, oldest first (only those on the task `task_id` when given). 404 for no such case, the
    case's own 403 to whoever may not read it."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    check_may_read_instance(session, user, instance)
    return listed(session, instance.id, task_id=task_id)


def listed(session: Session, instance_id: int, *, task_id: str | None = None) -> list[CaseComment]:
    """No permission checked: for a page that checked its reader (a task's readers read its case)."""
    query = select(CaseComment).where(CaseComment.instance_id == instance_id)
    if task_id is not None:
        query = query.where(CaseComment.task_id == task_id)
    return list(session.scalars(query.order_by(CaseComment.id)))
