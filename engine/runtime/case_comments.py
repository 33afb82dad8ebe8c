"""Staff's discussion of a case: a comment on the case or on one of its tasks, with the case's files it refers to
and the people it mentions (`@username`), each told by a notification. Not the public's comments on a draft act
(engine.runtime.draft_acts): those are moderated, these are the staff's own words.

A comment is part of the audit trail: posting records `case_comment.added` with its whole text, an edit
`case_comment.edited` with the text before and after, so the trail alone shows everything that was ever said, in
order. Its author may correct it within EDIT_WINDOW of posting; after that it stands (409). Nobody deletes one.
Everything here only flushes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CaseComment, HumanTask, ProcessInstance, User
from db.vocabulary import EventType
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Forbidden, Invalid, NotFound, problem
from engine.people.access import check_may_discuss, may_read_instance
from engine.runtime.attachments import attachments_of_case
from engine.runtime.notifications import notify_mentioned

MAX_TEXT = 4000  # characters: a comment, not a document (a document is attached)
MAX_ATTACHMENTS = 20
EDIT_WINDOW = timedelta(minutes=1)
# `@username` where a username starts (not inside an e-mail address such as press@gov.kg); a username's own "@"
# is not followed. A full stop or hyphen that ends a sentence is not part of the name.
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9_.-]{0,63})")


def mentioned(text: str) -> list[str]:
    """The usernames `text` mentions, each once, in the order they first appear."""
    return list(dict.fromkeys(m.group(1).rstrip(".-") for m in MENTION.finditer(text)))


def post(session: Session, ctx: EngineContext, user: User, instance_id: int, text: Any, *,
         task_id: Any = None, attachment_ids: Any = None) -> CaseComment:
    """`user` comments on the case (on its task `task_id` when given). 404 for no such case, the case's own 403 to
    whoever may not read it, 403 to a reader who may not comment (an auditor, an administrator); 422 naming each
    wrong field, with nothing kept."""
    instance = _case(session, instance_id)
    check_may_discuss(session, user, instance)
    problems: list[dict[str, Any]] = []
    said = _text(text, problems)
    task = _task(session, instance, task_id, problems)
    files = _files(session, instance, attachment_ids, problems)
    readers = _readers(session, instance, mentioned(said), problems) if said else []
    if problems:
        raise Invalid("the comment cannot be taken", problems, code=Code.INVALID_INPUT)
    now = ctx.now()
    row = CaseComment(instance_id=instance.id, task_id=task.id if task else None, author_id=user.id, text=said,
                      attachment_ids=files, mentions=[u.username for u in readers], posted_at=now, edited_at=None)
    session.add(row)
    session.flush()
    chain.record(session, type=EventType.CASE_COMMENT_ADDED, at=now, actor=user.username, instance_id=instance.id,
                 task_id=row.task_id, subject=f"case_comment:{row.id}",
                 after={"text": said, "attachments": files, "mentions": row.mentions})
    _tell(session, ctx, readers, user, instance, row)
    return row


def edit(session: Session, ctx: EngineContext, user: User, comment_id: int, text: Any) -> CaseComment:
    """Its author corrects the comment within EDIT_WINDOW of posting it (409 after); the text before is kept in
    the audit event. Someone newly mentioned is told; someone mentioned before is not told again."""
    row = readable(session, user, comment_id)
    instance = session.get(ProcessInstance, row.instance_id)
    assert instance is not None
    check_may_discuss(session, user, instance)
    if row.author_id != user.id:
        raise Forbidden("only its author may edit a comment", code=Code.NOT_COMMENT_AUTHOR)
    now = ctx.now()
    if now - row.posted_at > EDIT_WINDOW:
        seconds = int(EDIT_WINDOW.total_seconds())
        raise Conflict(f"a comment can be edited only within {seconds} seconds of posting it",
                       code=Code.EDIT_WINDOW_OVER, params={"seconds": seconds})
    problems: list[dict[str, Any]] = []
    said = _text(text, problems)
    new = [name for name in mentioned(said) if name not in row.mentions] if said else []
    readers = _readers(session, instance, new, problems)
    if problems:
        raise Invalid("the comment cannot be taken", problems, code=Code.INVALID_INPUT)
    before = row.text
    row.text, row.edited_at = said, now
    row.mentions = [*row.mentions, *(u.username for u in readers)]
    chain.record(session, type=EventType.CASE_COMMENT_EDITED, at=now, actor=user.username, instance_id=instance.id,
                 task_id=row.task_id, subject=f"case_comment:{row.id}",
                 before={"text": before}, after={"text": said, "mentions": [u.username for u in readers]})
    session.flush()
    _tell(session, ctx, readers, user, instance, row)
    return row


def readable(session: Session, user: User, comment_id: int) -> CaseComment:
    """The comment, to a reader of its case; to anyone else it does not exist (404: its id tells nothing)."""
    row = session.get(CaseComment, comment_id)
    instance = session.get(ProcessInstance, row.instance_id) if row is not None else None
    if row is None or instance is None or not may_read_instance(session, user, instance):
        raise NotFound(f"comment {comment_id} does not exist", code=Code.CASE_COMMENT_NOT_FOUND,
                       params={"comment_id": comment_id})
    return row


def _case(session: Session, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    return instance


def _text(text: Any, problems: list[dict[str, Any]]) -> str:
    if text is not None and not isinstance(text, str):
        problems.append(problem("text", Code.MUST_BE_TEXT, "must be text"))
        return ""
    said = (text or "").strip()
    if not said:
        problems.append(problem("text", Code.REQUIRED, "is required"))
    elif len(said) > MAX_TEXT:
        problems.append(problem("text", Code.TOO_LONG, f"is longer than {MAX_TEXT} characters", limit=MAX_TEXT))
    return said


def _task(session: Session, instance: ProcessInstance, task_id: Any,
          problems: list[dict[str, Any]]) -> HumanTask | None:
    if task_id in (None, ""):
        return None
    task = session.get(HumanTask, task_id) if isinstance(task_id, str) else None
    if task is None or task.instance_id != instance.id:
        problems.append(problem("task_id", Code.NOT_A_CASE_TASK, f"{task_id!r} is not a task of this case",
                                task_id=str(task_id)))
        return None
    return task


def _files(session: Session, instance: ProcessInstance, ids: Any, problems: list[dict[str, Any]]) -> list[str]:
    if ids in (None, ""):
        return []
    wanted = [ids] if isinstance(ids, str) else ids if isinstance(ids, list) else None
    if wanted is None or not all(isinstance(i, str) for i in wanted):
        problems.append(problem("attachments", Code.NOT_A_CASE_FILE, "must be a list of file ids", file_id=""))
        return []
    wanted = list(dict.fromkeys(wanted))
    if len(wanted) > MAX_ATTACHMENTS:
        problems.append(problem("attachments", Code.TOO_MANY, f"more than {MAX_ATTACHMENTS} files",
                                limit=MAX_ATTACHMENTS))
        return []
    found = attachments_of_case(session, instance.id, wanted)
    for missing in (i for i in wanted if i not in found):
        problems.append(problem("attachments", Code.NOT_A_CASE_FILE, f"{missing!r} is not a file of this case",
                                file_id=missing))
    return wanted


def _readers(session: Session, instance: ProcessInstance, usernames: Iterable[str],
             problems: list[dict[str, Any]]) -> list[User]:
    """The users mentioned, each an active reader of the case; anyone else is refused naming `text` and the name.
    The refusal is the same for no such user and for one who may not read the case: it tells the writer nothing
    they did not know, and the mentioned person is never told of a case they may not read."""
    names = list(usernames)
    if not names:
        return []
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(names)))}
    found = []
    for name in names:
        user = users.get(name)
        if user is None or not user.active or not may_read_instance(session, user, instance):
            problems.append(problem("text", Code.MENTION_NOT_READER, f"@{name} may not read this case",
                                    username=name))
        else:
            found.append(user)
    return found


def _tell(session: Session, ctx: EngineContext, readers: list[User], author: User, instance: ProcessInstance,
          row: CaseComment) -> None:
    others = [u for u in readers if u.id != author.id]  # mentioning oneself tells nobody
    if others:
        notify_mentioned(session, ctx, others, author=author, instance=instance, task_id=row.task_id, text=row.text,
                         at=row.edited_at or row.posted_at)
