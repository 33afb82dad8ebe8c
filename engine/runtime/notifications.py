"""Notifications: a new task, a reminder or an escalation told to the people who must act on it.

Every notification lands in the recipient's notification list (`GET /api/v1/notifications`, the page
`/notifications`); when SMTP is configured its e-mail follows the recipient's choice for its kind
(engine.runtime.notification_choices): queued at once (`email_status` "pending", sent by `engine.background.mail`),
kept for their daily summary ("summary", engine.background.summaries), or none. Each one is an
audit event. Everything here only flushes: the caller's transaction writes the notifications together
with whatever caused them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, bindparam, null, update
from sqlalchemy.orm import Session

from db.models import Absence, HumanTask, Notification, NotificationChoice, ProcessInstance, User
from db.vocabulary import EmailChoice, EmailStatus, EventType, NotificationKind
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code, NotFound
from engine.core.settings import ROLES, UNIT_BOUND_ROLES
from engine.core.words import N_, Words, words
from engine.people.access import lanes_members_query, role_members
from engine.runtime import notification_choices
from engine.spiff.parser import own_property

KIND_TITLES = {
    NotificationKind.TASK: N_("New task"),
    NotificationKind.REMINDER: N_("Reminder"),
    NotificationKind.ESCALATION: N_("Escalation"),
    NotificationKind.NOTICE: N_("For your information"),
    NotificationKind.MENTION: N_("Mention"),
}
# A notification is written in each recipient's language (their account's): a function of the language, or one
# text for everyone.
Message = str | Callable[[Words], str]


def recipients(session: Session, task: HumanTask, at: datetime | None = None) -> list[User]:
    """Whom a task concerns: its assignee (while active), else every active candidate of its lane.

    A deactivated assignee's task stays with the lane (the contract), so its candidates are told instead. With
    `at`, a candidate away then whose deputy is a candidate too is left out: the deputy is told (engine.runtime
    .absences)."""
    return _told(session, [(task, None)], at)[task.id][0]


Told = tuple[list[User], dict[int, EmailChoice] | None]  # whom, and each one's e-mail choice (None: not read)


def _told(session: Session, tasks: list[tuple[HumanTask, NotificationKind | None]], at: datetime | None,
          ) -> dict[str, Told]:
    """`recipients` of each task, and where a kind is given each candidate's e-mail choice for it; the candidates of
    all the tasks with their absences at `at` and their choices read in one statement (an assignee's choice is
    left to `notify`)."""
    told: dict[str, Told] = {}
    lanes = []
    for task, kind in tasks:
        assignee = session.get(User, task.assignee_id) if task.assignee_id is not None else None
        if assignee is not None and assignee.active:
            told[task.id] = [assignee], None
        elif task.role:
            lanes.append((task, kind))
        else:
            told[task.id] = [], {}  # routing failed: nobody is a candidate; admin and pr_head see it in every list
    kinds = tuple(sorted({kind for _, kind in lanes if kind is not None}))
    query = _candidates(tuple(dict.fromkeys((task.role, task.unit_key) for task, _ in lanes)), at is not None, kinds)
    if query is None:
        return told | {task.id: ([], {}) for task, _ in lanes}
    rows = session.execute(query, {"at": at} if at is not None else {}).unique().all()
    for task, kind in lanes:
        mine = [r for r in rows if r[1] == task.role and (task.role not in UNIT_BOUND_ROLES or r[2] == task.unit_key)]
        members = list(dict.fromkeys(r[0] for r in mine))
        ids = {m.id for m in members}
        gone = {r[0].id: r[3] for r in mine if r[3] is not None}
        whom = [m for m in members if m.id not in gone or gone[m.id].deputy_id not in ids]
        if kind is None:
            told[task.id] = whom, None
            continue
        chosen = {r[0].id: r[5] for r in mine if r[4] == kind}
        told[task.id] = whom, {m.id: chosen.get(m.id) or notification_choices.DEFAULTS[kind] for m in whom}
    return told


_CANDIDATES: dict[tuple[Any, ...], Any] = {}  # statements by lanes, with absences, kinds: an office has few lanes
_CANDIDATES_LIMIT = 256
_UNKNOWN = object()


def _candidates(lanes: tuple[tuple[str, str | None], ...], at: bool, kinds: tuple[NotificationKind, ...]) -> Any:
    """The statement of `_told`'s rows: each candidate of `lanes` with the role and unit they hold it by, any
    absence at the parameter `at`, their choice for each of `kinds`. Built once for each: building and keying a
    statement of this size costs more than running it."""
    key = (lanes, at, kinds)
    known = _CANDIDATES.get(key, _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    query = lanes_members_query(lanes)
    if query is not None:
        query = query.add_columns(Absence if at else null(), NotificationChoice.kind if kinds else null(),
                                  NotificationChoice.email if kinds else null())
        if at:
            moment = bindparam("at")
            query = query.outerjoin(Absence, and_(Absence.user_id == User.id, Absence.starts_at <= moment,
                                                  Absence.ends_at > moment))
        if kinds:
            query = query.outerjoin(NotificationChoice, and_(NotificationChoice.user_id == User.id,
                                                             NotificationChoice.kind.in_(kinds)))
    if len(_CANDIDATES) >= _CANDIDATES_LIMIT:
        _CANDIDATES.clear()  # a new combination of lanes now and then: starting over is cheap
    _CANDIDATES[key] = query
    return query


def notify(
    session: Session,
    *,
    kind: NotificationKind,
    users: list[User],
    message: Message,
    at: datetime,
    instance_id: int | None,
    task_id: str | None,
    email_enabled: bool,
    catalogs: Path | None = None,
    chosen: dict[int, EmailChoice] | None = None,
) -> list[Notification]:
    """One notification a user, each with its audit event; e-mail is queued for those with an address, as each
    chose for `kind` (`chosen`, where the caller read it along with the users). A message written per language is
    worded from `catalogs` (`Settings.catalogs`). Flushed, so that the rows have their ids, unless the session
    holds its writes back (`no_autoflush`: a step's projections, written in one flush)."""
    if kind not in KIND_TITLES:
        raise ValueError(f"unknown notification kind {kind!r}")
    rows = []
    if chosen is None:
        chosen = notification_choices.choice_for(session, users, kind) if email_enabled else {}
    for user in users:
        email = bool(email_enabled and user.email)
        rows.append(Notification(
            user_id=user.id,
            kind=kind,
            instance_id=instance_id,
            task_id=task_id,
            message=message if isinstance(message, str) else message(words(user.locale, catalogs)),
            created_at=at,
            read_at=None,
            # As the recipient chose for this kind: at once, waiting for their daily summary, or none.
            email_status=notification_choices.STATUS_OF_CHOICE[chosen[user.id]] if email else EmailStatus.NONE,
            email_attempts=0,
        ))
    session.add_all(rows)
    if session.autoflush:  # the rows' ids for the caller, unless it holds its writes back (a step flushes at its end)
        session.flush()
    for user, row in zip(users, rows, strict=True):
        chain.record(session, type=EventType.NOTIFICATION_CREATED, at=at, actor=None, instance_id=instance_id,
                     task_id=task_id, subject=f"user:{user.username}",
                     after={"kind": kind, "user": user.username, "task_id": task_id,
                            "email": row.email_status in (EmailStatus.PENDING, EmailStatus.SUMMARY)})
    return rows


def task_message(session: Session, ctx: EngineContext, task: HumanTask, kind: NotificationKind,
                 said: Words | None = None) -> str:
    """One line a person understands, in their language: what, which case, by when (the office's clock)."""
    said = said or words("en")
    instance = session.get(ProcessInstance, task.instance_id)
    case = instance.business_key if instance is not None else f"#{task.instance_id}"
    name = said.label(task.name, task.names)
    if task.due_at is None:
        return said(N_("%(kind)s: \u201c%(task)s\u201d for case %(case)s."), kind=said(KIND_TITLES[kind]),
                    task=name, case=case)
    return said(N_("%(kind)s: \u201c%(task)s\u201d for case %(case)s, due %(due)s."),
                kind=said(KIND_TITLES[kind]), task=name, case=case, due=said.moment(task.due_at, ctx.cal.timezone))


def notify_task(session: Session, ctx: EngineContext, task: HumanTask, *,
                kind: NotificationKind = NotificationKind.TASK,
                at: datetime, told: Told | None = None) -> list[Notification]:
    """Tell the task's recipients about it (a new task, a reminder, an escalation); `told`: whom, as `told_of`
    read them with other tasks'."""
    email_enabled = ctx.settings.smtp_url is not None
    users, chosen = told if told is not None else told_of(session, ctx, [(task, kind)], at=at)[task.id]
    return notify(
        session,
        kind=kind,
        users=users,
        message=lambda said: task_message(session, ctx, task, kind, said),
        at=at,
        instance_id=task.instance_id,
        task_id=task.id,
        email_enabled=email_enabled,
        catalogs=ctx.settings.catalogs,
        chosen=chosen if email_enabled else None,
    )


def told_of(session: Session, ctx: EngineContext, tasks: list[tuple[HumanTask, NotificationKind]], *,
            at: datetime) -> dict[str, Told]:
    """Whom `notify_task` tells of each of several tasks (the tasks a step opens), read in one statement, by task
    id."""
    email_enabled = ctx.settings.smtp_url is not None
    return _told(session, [(task, kind if email_enabled else None) for task, kind in tasks], at)


# -- a case told to a role (a plain task's `informs`) ----------------------------------------------------

INFORMS = "informs"


def informed_by(task: Any) -> str | None:
    """The role a completed SpiffWorkflow task tells of its case (extension property `informs` on a plain task)."""
    value = own_property(task.task_spec, INFORMS)
    return value if value in ROLES else None


def inform(session: Session, ctx: EngineContext, instance: ProcessInstance, role: str, what: str,
           data: dict[str, Any], *, at: datetime, labels: dict[str, str] | None = None) -> list[Notification]:
    """Tell every active holder of `role` (of the case's unit, for a unit-bound role) of the case: `what` happened
    (the step's English name; `labels` its names in other languages, the deployed version's) and the case's
    summary, urgent first. 002 §15: the PR department is informed of a
    publication at once; 001 §6: leadership "immediately" of an information attack."""
    summary = data.get("summary") or data.get("subject") or data.get("what")

    def text(said: Words) -> str:
        told = said(N_("%(kind)s: %(what)s, case %(case)s"),
                    kind=said(KIND_TITLES[NotificationKind.NOTICE]), what=said.label(what, labels),
                    case=instance.business_key)
        if data.get("urgent") is True:
            told = said(N_("URGENT.")) + " " + told
        if isinstance(summary, str) and summary:
            told += f": {summary[:300]}"
        return told if told.endswith((".", "!", "?", "\u2026")) else told + "."  # a summary's own stop is kept

    unit = data.get("unit") if isinstance(data.get("unit"), str) else None
    return notify(session, kind=NotificationKind.NOTICE, users=role_members(session, role, unit), message=text,
                  at=at, instance_id=instance.id, task_id=None, email_enabled=ctx.settings.smtp_url is not None,
                  catalogs=ctx.settings.catalogs)


# -- a mention in a staff comment -------------------------------------------------------------------------

def notify_mentioned(session: Session, ctx: EngineContext, users: list[User], *, author: User,
                     instance: ProcessInstance, task_id: str | None, text: str, at: datetime) -> list[Notification]:
    """Tell each of `users` (readers of the case) that `author` named them in a comment on it, with its start."""
    excerpt = text if len(text) <= 200 else text[:199] + "\u2026"

    def message(said: Words) -> str:
        return said(N_("%(kind)s: %(who)s mentioned you in case %(case)s: \u201c%(text)s\u201d"),
                    kind=said(KIND_TITLES[NotificationKind.MENTION]), who=author.display_name,
                    case=instance.business_key, text=excerpt)

    return notify(session, kind=NotificationKind.MENTION, users=users, message=message, at=at,
                  instance_id=instance.id, task_id=task_id, email_enabled=ctx.settings.smtp_url is not None,
                  catalogs=ctx.settings.catalogs)


# -- the recipient's side ------------------------------------------------------------------------------


def mark_read(session: Session, user: User, notification_id: int, *, at: datetime) -> Notification:
    """Only the owner may; anyone else is told it does not exist. Reading twice keeps the first moment."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"notification {notification_id} does not exist", code=Code.NOTIFICATION_NOT_FOUND,
                       params={"notification_id": notification_id})
    if row.read_at is None:
        row.read_at = at
        session.flush()
    return row


def mark_all_read(session: Session, user: User, *, at: datetime) -> int:
    """Every unread notification of the user's read at `at` (one UPDATE); how many were unread."""
    return session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=at)
        .execution_options(synchronize_session=False)).rowcount or 0
