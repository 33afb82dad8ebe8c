"""Each user's choice of e-mail per kind of notification: at once, in a daily summary, or none.

Every notification is listed on the user's notifications page whatever they chose; the choice decides only the
e-mail. The defaults keep what was done before there was a choice: every kind at once. A task, a reminder and an
escalation are about a deadline; a notice is how 002 §15 informs the PR department of a publication "at once"
and 001 §6 leadership "immediately" of an information attack, so none of them waits for a summary unless its
reader says so.

A change applies to what still waits: notifications of a kind now "none" or "at once" no longer wait for the next
summary (they are dropped from it, or sent at once), and those waiting to be sent at once of a kind now in the
summary join it. Everything here only flushes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Notification, NotificationChoice, User
from db.vocabulary import EmailChoice, EmailStatus, NotificationKind
from engine.core.errors import Code, Invalid, problem

DEFAULTS: dict[NotificationKind, EmailChoice] = {kind: EmailChoice.AT_ONCE for kind in NotificationKind}
# The e-mail status of a new notification, by its recipient's choice (when e-mail is possible at all).
STATUS_OF_CHOICE = {EmailChoice.AT_ONCE: EmailStatus.PENDING, EmailChoice.DAILY: EmailStatus.SUMMARY,
                    EmailChoice.NONE: EmailStatus.NONE}


def choices_of(session: Session, user: User) -> dict[NotificationKind, EmailChoice]:
    """The user's choice for every kind, defaults filled in."""
    chosen = dict(session.execute(
        select(NotificationChoice.kind, NotificationChoice.email).where(NotificationChoice.user_id == user.id)).all())
    return {kind: chosen.get(kind, DEFAULTS[kind]) for kind in NotificationKind}


def choice_for(session: Session, users: Iterable[User], kind: NotificationKind) -> dict[int, EmailChoice]:
    """Each user's choice for one kind (one query for all of them), by user id."""
    ids = [user.id for user in users]
    chosen = dict(session.execute(
        select(NotificationChoice.user_id, NotificationChoice.email)
        .where(NotificationChoice.kind == kind, NotificationChoice.user_id.in_(ids))).all()) if ids else {}
    return {user_id: chosen.get(user_id, DEFAULTS[kind]) for user_id in ids}


def parse(given: Mapping[str, object]) -> dict[NotificationKind, EmailChoice]:
    """The choices as given (kind -> choice, as words); Invalid naming each unknown kind and each wrong choice."""
    problems = []
    parsed: dict[NotificationKind, EmailChoice] = {}
    kinds, choices = [k.value for k in NotificationKind], [c.value for c in EmailChoice]
    for key, value in given.items():
        field = f"email.{key}"
        if key not in kinds:
            problems.append(problem(field, Code.NOT_ONE_OF, f"no kind of notification is called {key!r}",
                                    value=key, choices=kinds))
        elif not isinstance(value, str) or value not in choices:
            problems.append(problem(field, Code.NOT_ONE_OF, f"must be one of: {', '.join(choices)}",
                                    value=str(value), choices=choices))
        else:
            parsed[NotificationKind(key)] = EmailChoice(value)
    if problems:
        raise Invalid("The e-mail choices have invalid entries: " + ", ".join(p["field"] for p in problems),
                      problems, code=Code.INVALID_INPUT)
    return parsed


def choose(session: Session, user: User, given: Mapping[str, object]) -> dict[NotificationKind, EmailChoice]:
    """Store the user's choices (kinds not given keep theirs) and apply them to what still waits; the choices
    now in force."""
    parsed = parse(given)
    current = {row.kind: row for row in session.scalars(
        select(NotificationChoice).where(NotificationChoice.user_id == user.id))}
    for kind, email in parsed.items():
        if kind in current:
            current[kind].email = email
        else:
            session.add(NotificationChoice(user_id=user.id, kind=kind, email=email))
        _apply_to_waiting(session, user, kind, email)
    session.flush()
    return choices_of(session, user)


def _apply_to_waiting(session: Session, user: User, kind: NotificationKind, email: EmailChoice) -> None:
    """Notifications of `kind` still waiting for an e-mail (at once or in the summary) follow the new choice.
    Conditional UPDATEs: a sender that has claimed one already ("sending") keeps it."""
    waiting = (EmailStatus.PENDING, EmailStatus.SUMMARY)
    new_status = STATUS_OF_CHOICE[email]
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.kind == kind,
               Notification.email_status.in_([s for s in waiting if s != new_status]))
        .values(email_status=new_status)
        .execution_options(synchronize_session=False))
