"""What a user chooses from on a page: the procedures they may start, whom a task may go to, the units a form names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessDefinition, Unit, User
from engine.people.access import lane_members, may_start
from engine.procedures.definitions import list_latest


def startable(session: Session, user: User) -> list[ProcessDefinition]:
    """The latest version of every procedure the user may start, by name."""
    return sorted((d for d in list_latest(session) if may_start(user, d)), key=lambda d: d.name)


def assignees(session: Session, task: HumanTask) -> list[User]:
    """Whom a task may be given to: its active candidates (as `engine.runtime.operations.assign` accepts), by
    username."""
    return lane_members(session, task)


def units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.name, Unit.key)))
