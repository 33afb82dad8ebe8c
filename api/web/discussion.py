"""A case's discussion on its pages (the case page, a task's page): each comment as a reader sees it, and the
posting or editing form with its errors at the fields, worded in the reader's language (api.web.refusals).

The text is shown as written: escaped by the template (never HTML) with its line breaks kept (CSS `pre-wrap`);
each `@username` it mentions is shown as the person's name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web import refusals
from api.web.i18n import named
from db.models import Attachment, CaseComment, HumanTask, User
from engine.core.errors import Invalid
from engine.reads import case_comments as reads
from engine.runtime.case_comments import EDIT_WINDOW, MENTION


@dataclass
class Shown:
    id: int
    author: str
    posted_at: datetime
    edited_at: datetime | None
    task_id: str | None
    task_name: str | None
    parts: list[tuple[str, str | None]]  # (text, None) or (username, the person's name)
    files: list[Attachment]
    editable: bool  # by the reader, now


@dataclass
class Form:
    """What was entered into a posting form (comment_id None) or an edit form, and its errors by field."""

    comment_id: int | None = None
    text: str = ""
    attachments: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    problem: str | None = None  # a refusal of the whole form


def refused(form: Form, error: Invalid) -> Form:
    """The form again with the engine's refusal worded at its fields."""
    for entry in error.errors:
        form.errors.setdefault(str(entry.get("field") or "text"), []).append(refusals.field(entry))
    if not error.errors:
        form.problem = refusals.of(error)
    return form


def of_case(session: Session, reader: User, instance_id: int, now: datetime, *,
            task_id: str | None = None) -> list[Shown]:
    """The case's comments (those on the task `task_id` when given) for a reader the page has checked."""
    rows = reads.listed(session, instance_id, task_id=task_id)
    return shown(session, reader, rows, now)


def shown(session: Session, reader: User, rows: list[CaseComment], now: datetime) -> list[Shown]:
    people = _people(session, {r.author_id for r in rows}, {n for r in rows for n in r.mentions or []})
    by_id, by_name = people
    tasks = {t.id: t for t in session.scalars(select(HumanTask).where(
        HumanTask.id.in_({r.task_id for r in rows if r.task_id})))} if any(r.task_id for r in rows) else {}
    wanted = {i for r in rows for i in r.attachment_ids or []}
    files = {a.id: a for a in session.scalars(select(Attachment).where(Attachment.id.in_(wanted)))} if wanted else {}
    return [
        Shown(id=r.id, author=by_id.get(r.author_id, ""), posted_at=r.posted_at, edited_at=r.edited_at,
              task_id=r.task_id,
              task_name=named(tasks[r.task_id].name, tasks[r.task_id].names) if r.task_id in tasks else None,
              parts=_parts(r.text, {n: by_name[n] for n in r.mentions or [] if n in by_name}),
              files=[files[i] for i in r.attachment_ids or [] if i in files],
              editable=r.author_id == reader.id and now - r.posted_at <= EDIT_WINDOW)
        for r in rows
    ]


def _people(session: Session, ids: set[int], usernames: set[str]) -> tuple[dict[int, str], dict[str, str]]:
    """Authors' names by id, and the mentioned people's names by username."""
    if not ids and not usernames:
        return {}, {}
    rows = session.scalars(select(User).where(User.id.in_(ids) | User.username.in_(usernames)))
    by_id, by_name = {}, {}
    for user in rows:
        by_id[user.id] = user.display_name
        by_name[user.username] = user.display_name
    return by_id, by_name


def _parts(text: str, mentioned: dict[str, str]) -> list[tuple[str, str | None]]:
    """The text cut at each mention of someone it told (as the engine found them), for the template to escape."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".-")
        if name not in mentioned:
            continue
        if match.start() > at:
            parts.append((text[at:match.start()], None))
        parts.append((name, mentioned[name]))
        at = match.start() + 1 + len(name)
    if at < len(text):
        parts.append((text[at:], None))
    return parts
