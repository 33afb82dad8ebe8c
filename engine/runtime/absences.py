"""Absences and deputies (issue 16, point 4): a user away from `starts_at` until `ends_at` names a deputy, who
takes the tasks the user holds when the absence begins, and the tasks given to the user while it lasts.

A task passes only to a deputy who is one of its candidates (engine.people.access.may_be_given: the rules of
claiming): a task the deputy may not take stays with the absent user, and the PR head is told so that it can be
reassigned. The hand-over happens once, at the absence's start: the sweeper (engine.background.sweeper) finds the
absences that have begun and claims each with a conditional UPDATE of `handed_over_at`, so two sweepers hand over
once; an absence recorded when it has begun already is handed over as it is recorded. When the absence ends nothing
moves back: the tasks stay with whoever has them. Every change is an audit event naming the absence.

Everything here only flushes: the caller's transaction writes the absence, the moves and their events together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Absence, HumanTask, ProcessInstance, User
from db.vocabulary import EventType, NotificationKind, TaskStatus
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid, NotFound, problem
from engine.core.words import N_, Words
from engine.people import absences as absence_reads
from engine.people.access import Actor, actor_name, check_may_set_absence, may_be_given, role_members
from engine.people.accounts import user_by_username
from engine.runtime import notifications, steps

NOTE_LIMIT = 2000
REASON = "absence"  # the reason a move for an absence records


@dataclass(frozen=True)
class Period:
    """What a reader gave: a day (the office's, from its start; `until` a day includes it) or a moment."""

    starts: date | datetime
    ends: date | datetime


def moments(period: Period, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC-aware instants: a day starts at the office's midnight, `until` a day ends at the next."""
    return _moment(period.starts, zone, next_day=False), _moment(period.ends, zone, next_day=True)


def _moment(value: date | datetime, zone: tzinfo, *, next_day: bool) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    day = value + timedelta(days=1) if next_day else value
    return datetime.combine(day, time.min, tzinfo=zone)


# -- recording and ending --------------------------------------------------------------------------------

def record(session: Session, ctx: EngineContext, actor: Actor, username: str, period: Period, *, deputy: str,
           note: str | None) -> Absence:
    """Record `username`'s absence. Refused, naming the field: an end not after the start (`until`), an end that
    has passed (`until`), an absence of the user's over any of the time (`from`), a deputy who is no active user, the
    user, or away over any of the time (`deputy`)."""
    user = user_by_username(session, username)
    check_may_set_absence(actor, user)
    at = ctx.now()
    starts, ends = moments(period, ctx.cal.timezone)
    if ends <= starts:
        raise Invalid("an absence ends after it begins",
                      [problem("until", Code.ENDS_BEFORE_START, "must come after from")], code=Code.INVALID_INPUT)
    if ends <= at:
        raise Invalid("the absence would be over already",
                      [problem("until", Code.ABSENCE_OVER, "must lie in the future")], code=Code.INVALID_INPUT)
    taken = _overlapping(session, user.id, starts, ends)
    if taken is not None:
        raise Invalid(f"{user.username} is absent already from {taken.starts_at} until {taken.ends_at}",
                      [problem("from", Code.ABSENCE_OVERLAPS, "overlaps another absence of the user",
                               **_span(ctx, taken))], code=Code.INVALID_INPUT)
    stand_in = _deputy(session, ctx, user, deputy, starts, ends)
    absence = Absence(user_id=user.id, deputy_id=stand_in.id, starts_at=starts, ends_at=ends,
                      note=(note or "").strip()[:NOTE_LIMIT] or None, created_at=at, created_by=actor_name(actor))
    session.add(absence)
    session.flush()
    chain.record(session, type=EventType.ABSENCE_RECORDED, at=at, actor=actor_name(actor),
                 subject=f"user:{user.username}",
                 after={"absence": absence.id, "user": user.username, "deputy": stand_in.username,
                        "from": starts.isoformat(), "until": ends.isoformat(), "note": absence.note})
    if starts <= at:
        hand_over(session, ctx, absence.id, at)
    return absence


def _deputy(session: Session, ctx: EngineContext, user: User, username: str, starts: datetime,
            ends: datetime) -> User:
    try:
        deputy = user_by_username(session, username)
    except NotFound as exc:
        raise Invalid(exc.detail, [problem("deputy", Code.USER_NOT_FOUND, "no such user", username=username)],
                      code=Code.INVALID_INPUT) from exc
    if deputy.id == user.id:
        raise Invalid("a user cannot be their own deputy",
                      [problem("deputy", Code.DEPUTY_SELF, "must be another user")], code=Code.INVALID_INPUT)
    if not deputy.active:
        raise Invalid("the deputy is deactivated", [problem("deputy", Code.USER_INACTIVE, "is deactivated",
                                                            username=deputy.username)], code=Code.INVALID_INPUT)
    away = _overlapping(session, deputy.id, starts, ends)
    if away is not None:
        raise Invalid(f"{deputy.username} is absent over part of this time",
                      [problem("deputy", Code.DEPUTY_ABSENT, "is absent over part of this time",
                               username=deputy.username, **_span(ctx, away))], code=Code.INVALID_INPUT)
    return deputy


def _overlapping(session: Session, user_id: int, starts: datetime, ends: datetime) -> Absence | None:
    return session.scalars(select(Absence).where(
        Absence.user_id == user_id, Absence.starts_at < ends, Absence.ends_at > starts,
    ).order_by(Absence.starts_at).limit(1)).first()


def _span(ctx: EngineContext, absence: Absence) -> dict[str, str]:
    """The days an absence covers, the office's (`until` the last day it includes)."""
    zone = ctx.cal.timezone
    last = (absence.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    return {"from": absence.starts_at.astimezone(zone).date().isoformat(), "to": last.isoformat()}


def end(session: Session, ctx: EngineContext, actor: Actor, username: str, absence_id: int) -> Absence:
    """End an absence now (the user is back early) or cancel one that has not begun. Nothing moves back."""
    user = user_by_username(session, username)
    check_may_set_absence(actor, user)
    absence = session.scalars(select(Absence).where(Absence.id == absence_id, Absence.user_id == user.id)
                              .with_for_update()).one_or_none()
    if absence is None:
        raise NotFound(f"{user.username} has no absence {absence_id}", code=Code.ABSENCE_NOT_FOUND,
                       params={"absence_id": absence_id})
    at = ctx.now()
    if absence.ended_at is not None or absence.ends_at <= at:
        raise Conflict("the absence is over already", code=Code.ABSENCE_OVER)
    before = {"until": absence.ends_at.isoformat()}
    # A cancelled absence keeps no time at all: it is then [start, start), which overlaps nothing.
    absence.ends_at = max(absence.starts_at, at)
    absence.ended_at, absence.ended_by = at, actor_name(actor)
    chain.record(session, type=EventType.ABSENCE_ENDED, at=at, actor=actor_name(actor),
                 subject=f"user:{user.username}", before=before,
                 after={"absence": absence.id, "user": user.username, "until": absence.ends_at.isoformat(),
                        "cancelled": absence.ends_at == absence.starts_at})
    session.flush()
    return absence


# -- who is away -----------------------------------------------------------------------------------------

def deputy_for(session: Session, user: User, task: HumanTask, at: datetime) -> tuple[User, Absence] | None:
    """Whom a task given to `user` goes to instead: their deputy while they are away, if the deputy may take it."""
    absence = absence_reads.current(session, user.id, at)
    if absence is None:
        return None
    deputy = session.get(User, absence.deputy_id)
    if deputy is None or not may_be_given(deputy, task):
        return None
    return deputy, absence


# -- the hand-over at the start --------------------------------------------------------------------------

def begun(session: Session, at: datetime, limit: int = 200) -> list[int]:
    """The absences begun by `at`, still running, whose hand-over has not happened."""
    return list(session.scalars(select(Absence.id).where(
        Absence.handed_over_at.is_(None), Absence.starts_at <= at, Absence.ends_at > at,
    ).order_by(Absence.starts_at, Absence.id).limit(limit)))


def hand_over(session: Session, ctx: EngineContext, absence_id: int, at: datetime) -> int:
    """Hand the absent user's open tasks to the deputy, once: returns how many moved (0 when another sweeper, or
    an earlier call, has handed this absence over)."""
    claimed = session.execute(
        update(Absence).where(Absence.id == absence_id, Absence.handed_over_at.is_(None)).values(handed_over_at=at)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return 0
    absence = session.scalars(select(Absence).where(Absence.id == absence_id)
                              .execution_options(populate_existing=True)).one()
    user, deputy = session.get(User, absence.user_id), session.get(User, absence.deputy_id)
    assert user is not None and deputy is not None
    held = session.scalars(select(HumanTask).where(HumanTask.assignee_id == user.id,
                                                   HumanTask.status == TaskStatus.OPEN)
                           .order_by(HumanTask.instance_id, HumanTask.id)).all()
    moved, kept = [], []
    for instance_id in sorted({t.instance_id for t in held}):
        steps.lock(session, instance_id)  # in one order, as every writer of these tasks locks their cases
    for task in held:
        session.refresh(task)
        if task.status != TaskStatus.OPEN or task.assignee_id != user.id:
            continue
        if may_be_given(deputy, task):
            give(session, ctx, task, user, deputy, absence, at=at)
            moved.append(task.id)
        else:
            kept.append(task)
    for task in kept:
        _tell_pr_heads(session, ctx, task, user, deputy, absence, at)
    chain.record(session, type=EventType.ABSENCE_STARTED, at=at, actor=None, subject=f"user:{user.username}",
                 after={"absence": absence.id, "user": user.username, "deputy": deputy.username,
                        "handed_over": moved, "kept": [t.id for t in kept]})
    return len(moved)


def give(session: Session, ctx: EngineContext, task: HumanTask, user: User, deputy: User, absence: Absence, *,
         at: datetime, actor: str | None = None, reason: str | None = None) -> None:
    """`task`, held by (or being given to) the absent `user`, passes to `deputy`, who is told. `reason`: the one
    the assigner gave, kept beside the absence's."""
    previous = session.get(User, task.assignee_id) if task.assignee_id else None
    task.assignee_id = deputy.id
    chain.record(session, type=EventType.TASK_HANDED_OVER, at=at, actor=actor, instance_id=task.instance_id,
                 task_id=task.id, subject=task.bpmn_id,
                 before={"assignee": previous.username if previous else None},
                 after={"assignee": deputy.username, "reason": REASON, "absence": absence.id,
                        "absent": user.username} | ({"assigner_reason": reason} if reason else {}))
    session.flush()
    notifications.notify(
        session, kind=NotificationKind.TASK, users=[deputy],
        message=lambda said: _handed_text(session, ctx, said, task, user, absence), at=at,
        instance_id=task.instance_id, task_id=task.id, email_enabled=ctx.settings.smtp_url is not None,
        catalogs=ctx.settings.catalogs)


def _case(session: Session, task: HumanTask) -> str:
    instance = session.get(ProcessInstance, task.instance_id)
    return instance.business_key if instance is not None else f"#{task.instance_id}"


def _task_name(said: Words, task: HumanTask) -> str:
    return (task.names or {}).get(said.language) or said.name(task.name)


def _handed_text(session: Session, ctx: EngineContext, said: Words, task: HumanTask, user: User,
                 absence: Absence) -> str:
    return said(N_("You stand in for %(user)s, absent until %(until)s: “%(task)s” for case %(case)s is yours now."),
                user=user.display_name, until=said.moment(absence.ends_at, ctx.cal.timezone),
                task=_task_name(said, task), case=_case(session, task))


def _tell_pr_heads(session: Session, ctx: EngineContext, task: HumanTask, user: User, deputy: User,
                   absence: Absence, at: datetime) -> None:
    def text(said: Words) -> str:
        return said(N_("%(user)s is absent until %(until)s, and their deputy %(deputy)s may not take “%(task)s” "
                       "for case %(case)s: it stays with %(user)s until you reassign it."),
                    user=user.display_name, until=said.moment(absence.ends_at, ctx.cal.timezone),
                    deputy=deputy.display_name, task=_task_name(said, task), case=_case(session, task))

    notifications.notify(session, kind=NotificationKind.NOTICE, users=role_members(session, "pr_head", None),
                         message=text, at=at, instance_id=task.instance_id, task_id=task.id,
                         email_enabled=ctx.settings.smtp_url is not None, catalogs=ctx.settings.catalogs)
