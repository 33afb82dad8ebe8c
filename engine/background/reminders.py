"""Reminders: a task's recipients are told a few working days before it falls due (JARCHY_REMINDER_DAYS).

Once per task: a sweeper claims the task with a conditional UPDATE before it notifies, so two sweepers
racing never remind twice. A task created after that moment (a short clock: a response due the next working day,
002 §16) is reminded half way to its due moment, if at least two hours separate it from that moment; else its
new-task notice, which carried the due date, is all."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessInstance
from db.vocabulary import EventType, InstanceStatus, NotificationKind, TaskStatus
from engine.audit import chain
from engine.calendar import overrides
from engine.calendar.days import BusinessCalendar
from engine.context import EngineContext
from engine.runtime import notifications

SHORTEST = timedelta(hours=2)


def reminder_moment(cal: BusinessCalendar, due_at: datetime, days: int, created_at: datetime) -> datetime | None:
    """The same clock time, `days` working days before the due day (office time); for a task created later, half
    way from its creation to its due moment; None for one created less than two hours before it."""
    local_due = due_at.astimezone(cal.timezone)
    day = cal.add_working_days(local_due, -days)
    moment = datetime.combine(day, local_due.timetz())
    if created_at < moment:
        return moment
    if due_at - created_at < SHORTEST:
        return None
    return created_at + (due_at - created_at) / 2


def due(session: Session, ctx: EngineContext, at: datetime) -> list[tuple[str, int]]:
    """The open tasks whose reminder moment has come by `at` and who were not reminded yet: (task id, case id)."""
    days = ctx.settings.reminder_days
    if days <= 0:
        return []
    cal = overrides.current(session, ctx)
    # Working days are at most ~3x calendar days apart around long holidays: a wide, cheap pre-filter.
    horizon = at + timedelta(days=3 * days + 14)
    # Only running cases' tasks: a failed case's tasks wait for the case, not for their people.
    candidates = session.execute(
        select(HumanTask.id, HumanTask.instance_id, HumanTask.due_at, HumanTask.created_at)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(HumanTask.status == TaskStatus.OPEN, HumanTask.reminded_at.is_(None), HumanTask.due_at.is_not(None),
               HumanTask.due_at > at, HumanTask.due_at <= horizon,
               ProcessInstance.status == InstanceStatus.RUNNING)
    ).all()
    return [(task_id, instance_id) for task_id, instance_id, due_at, created_at in candidates
            if (moment := reminder_moment(cal, due_at, days, created_at)) is not None and moment <= at]


def remind(session: Session, ctx: EngineContext, task_id: str, at: datetime) -> int:
    """Tell the task's recipients, once: 1 if this call reminded them, 0 if another sweeper did."""
    claimed = session.execute(
        update(HumanTask).where(HumanTask.id == task_id, HumanTask.reminded_at.is_(None),
                                HumanTask.status == TaskStatus.OPEN).values(reminded_at=at)
    ).rowcount
    if claimed != 1:
        return 0
    task = session.get(HumanTask, task_id)
    assert task is not None
    told = notifications.notify_task(session, ctx, task, kind=NotificationKind.REMINDER, at=at)
    chain.record(session, type=EventType.TASK_REMINDED, at=at, actor=None, instance_id=task.instance_id,
                 task_id=task_id, subject=task.bpmn_id,
                 after={"due_at": task.due_at.isoformat() if task.due_at else None, "recipients": len(told)})
    return 1
