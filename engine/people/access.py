"""Who may do what: the contract's roles, units and task candidates, in one place."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessInstance, Unit, User, UserRole
from engine.core.errors import Code, Forbidden
from engine.core.settings import UNIT_BOUND_ROLES

READ_ALL_TASKS = frozenset({"admin", "auditor", "pr_head"})
READ_ALL_INSTANCES = frozenset({"admin", "auditor", "pr_head", "pr_department", "leadership"})
ASSIGN_ROLES = ("admin", "pr_head")


def require_role(user: User, *roles: str) -> None:
    if not set(roles).intersection(user.roles):
        raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")


def is_candidate(user: User, task: HumanTask) -> bool:
    if task.role not in user.roles:
        return False
    return task.role not in UNIT_BOUND_ROLES or (task.unit_key is not None and task.unit_key == user.unit_key)


def lane_members(session: Session, task: HumanTask) -> list[User]:
    """The active users who are candidates for `task` (its role, and its unit for a unit-bound role), by username."""
    if not task.role:
        return []  # routing failed: nobody is a candidate; admin and pr_head see it in every list
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.active.is_(True), UserRole.role == task.role)
    )
    if task.role in UNIT_BOUND_ROLES:
        if task.unit_key is None:
            return []
        query = query.join(Unit, Unit.id == User.unit_id).where(Unit.key == task.unit_key)
    return list(session.scalars(query.order_by(User.username)))


def may_be_given(user: User, task: HumanTask) -> bool:
    """Whom a task may be assigned to: an active candidate, and nobody else. (A task whose routing failed has no
    candidates: it is sent to a role and unit first, `engine.runtime.operations.reroute`.)"""
    return user.active and is_candidate(user, task)


def can_read_task(user: User, task: HumanTask) -> bool:
    return bool(READ_ALL_TASKS.intersection(user.roles)) or task.assignee_id == user.id or is_candidate(user, task) \
        or task.completed_by_id == user.id


def may_work_on(user: User, task: HumanTask) -> bool:
    """Claim or complete: the assignee, or a candidate when nobody holds the task."""
    return task.assignee_id == user.id or (task.assignee_id is None and is_candidate(user, task))


def may_assign(user: User) -> bool:
    return bool(set(ASSIGN_ROLES).intersection(user.roles))


def may_release(user: User, task: HumanTask) -> bool:
    """Give a task back to its lane: its assignee, whoever assigns, or a candidate of an unheld task (a no-op)."""
    return task.assignee_id == user.id or may_assign(user) or (task.assignee_id is None and is_candidate(user, task))


def check_may_learn_state(user: User, task: HumanTask) -> None:
    """Claim or complete, asked first: someone who could never work on the task is refused before being
    told whether it is still open, done or held by another."""
    if task.assignee_id != user.id and task.completed_by_id != user.id and not is_candidate(user, task):
        raise Forbidden("you are not among the candidates of this task")


def check_may_work_on(user: User, task: HumanTask) -> None:
    """Claim or complete: the assignee, or a candidate when nobody holds the task."""
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise Forbidden("the task is assigned to someone else", code=Code.TASK_TAKEN)
    if task.assignee_id != user.id and not is_candidate(user, task):
        raise Forbidden("you are not among the candidates of this task", code=Code.TASK_NOT_YOURS)


def candidate_clause(user: User) -> ColumnElement[bool]:
    """SQL for 'the user is among the task's candidates'."""
    clauses = []
    for role in user.roles:
        if role in UNIT_BOUND_ROLES:
            if user.unit_key is not None:
                clauses.append(and_(HumanTask.role == role, HumanTask.unit_key == user.unit_key))
        else:
            clauses.append(HumanTask.role == role)
    return or_(*clauses) if clauses else false()


def readable_instances_clause(user: User) -> ColumnElement[bool] | None:
    """None when the user reads every instance."""
    if READ_ALL_INSTANCES.intersection(user.roles):
        return None
    involved = select(HumanTask.instance_id).where(
        or_(candidate_clause(user), HumanTask.assignee_id == user.id, HumanTask.completed_by_id == user.id)
    )
    return or_(ProcessInstance.started_by_id == user.id, ProcessInstance.id.in_(involved))


def check_may_read_instance(session: Session, user: User, instance: ProcessInstance) -> None:
    clause = readable_instances_clause(user)
    if clause is None:
        return
    found = session.scalar(select(ProcessInstance.id).where(ProcessInstance.id == instance.id, clause))
    if found is None:
        raise Forbidden("you may not read this case", code=Code.CASE_NOT_YOURS)
