"""Draft normative acts under public discussion (`draft_act_publication`, seed 003 items 5 and 11; Ukraine's access
law art. 15): what is published of a draft and of its adopted text (feed `drafts`), the public's comments (no
account; throttled per address; refused once the period has ended), their moderation by the PR department, and
extending a discussion period, which can never be shortened.

The period is the case's statutory deadline (`deadline`, `due_at`: the jurisdiction profile's clock for the
procedure, set by the diagram when the draft is published), so a calendar override recounts it, never shortening
it (engine.procedures.discussion.recounted_end), and the timer that ends the discussion follows it
(engine.calendar.deadlines). An approved comment is written into the case's data (`comments`), where the unit's
summary must account for each (form keyword `x-accounts-for`), which waits until no comment is pending."""

from __future__ import annotations

import copy
import math
from datetime import date, datetime, timedelta
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import DraftComment, ProcessInstance, User
from db.vocabulary import CommentStatus, EventType, InstanceStatus
from engine.audit import chain
from engine.calendar import deadlines
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid, NotFound, TooManyAttempts, problem
from engine.people.access import check_may_extend_discussion, check_may_moderate_comments
from engine.people.sign_in import address_key
from engine.procedures.discussion import FEED, KINDS, PROCESS_KEY, discussion_end, draft_of, is_open
from engine.runtime import steps
from engine.runtime.archive import Version

__all__ = ["FEED", "KINDS", "PROCESS_KEY", "archived_versions", "content", "extend_discussion", "moderate",
           "submit_comment"]

PER_HOUR = 5
WINDOW = timedelta(hours=1)
# What a person writes on the site, and how long each may be.
FIELDS = {"name": 200, "contact": 300, "text": 10000}
_OPEN_TASKS = TaskState.READY | TaskState.WAITING | TaskState.STARTED


# -- publishing (called by engine.runtime.publications) ------------------------------------------------------

def content(session: Session, instance: ProcessInstance, kind: str, data: dict[str, Any],
            files: Any) -> dict[str, Any]:
    """What the public reads of a draft (title, text, files, the discussion period) or of its adopted text (title,
    text, files, the summary and each comment's outcome); `files` describes the chosen files as published."""
    if kind == "draft_act":
        return {"title": data.get("title"), "text": data.get("text"), "files": files(data.get("files")),
                "unit": data.get("unit"),
                "discussion": {"opened_at": data.get("published_at"), "ends_at": data.get("due_at")}}
    return {"title": data.get("adopted_title"), "text": data.get("adopted_text"),
            "files": files(data.get("adopted_files")), "summary": data.get("summary"),
            "comment_outcomes": [{"comment": o.get("comment"), "outcome": o.get("outcome"), "reason": o.get("reason")}
                                 for o in data.get("comment_outcomes") or [] if isinstance(o, dict)]}


def archived_versions(content: dict[str, Any]) -> list[Version]:
    """The archive keeps a draft's and an adopted text's title and text (in the language written: not recorded)."""
    return [Version(None, str(content.get("title") or ""), str(content.get("text") or ""))]


# -- the public's comments ---------------------------------------------------------------------------------------

def submit_comment(session: Session, ctx: EngineContext, publication_id: int, data: dict[str, Any], *,
                   address: str | None) -> DraftComment:
    """A comment from anyone, kept for moderation; refused past the address's hourly limit (`TooManyAttempts`,
    before anything is read), once the period has ended (`Conflict`, code `discussion_closed`), or with a field
    missing, blank or too long (`Invalid` naming each)."""
    at = ctx.now()
    source = address_key(address)
    _check_throttle(session, source, at)
    draft = draft_of(session, publication_id)
    instance = session.get(ProcessInstance, draft.instance_id)
    assert instance is not None
    if not is_open(instance, at):
        end = discussion_end(instance)
        raise Conflict(f"the discussion of this draft ended at {end.isoformat() if end else '?'}; comments are no "
                       "longer accepted", code=Code.DISCUSSION_CLOSED,
                       params={"date": end.isoformat() if end else None})
    errors = [problem(name, Code.UNKNOWN_FIELD, "is not a field of a comment", field=name)
              for name in sorted(set(data) - set(FIELDS))]
    for name, longest in FIELDS.items():
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            errors.append(problem(name, Code.REQUIRED, "is required" if value is None else "must not be blank"))
        elif len(value) > longest:
            errors.append(problem(name, Code.TOO_LONG, f"must be at most {longest} characters", limit=longest))
    if errors:
        raise Invalid("The comment has errors: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors,
                      code=Code.INVALID_INPUT)
    row = DraftComment(instance_id=instance.id, name=data["name"].strip(), contact=data["contact"].strip(),
                       text=data["text"].strip(), address=source, submitted_at=at, status=CommentStatus.PENDING)
    session.add(row)
    session.flush()
    # The contact is the writer's to the office, not the audit reader's: the trail names the comment and its writer.
    chain.record(session, type=EventType.COMMENT_RECEIVED, at=at, actor=None, instance_id=instance.id,
                 subject=instance.business_key, after={"comment": row.id, "name": row.name})
    return row


def _check_throttle(session: Session, source: str, at: datetime) -> None:
    recent = list(session.scalars(
        select(DraftComment.submitted_at).where(DraftComment.address == source,
                                                DraftComment.submitted_at > at - WINDOW)
        .order_by(DraftComment.submitted_at).limit(PER_HOUR)))
    if len(recent) >= PER_HOUR:
        retry_after = max(1, math.ceil((recent[0] + WINDOW - at).total_seconds()))
        raise TooManyAttempts(f"at most {PER_HOUR} comments an hour may be sent from one address", retry_after,
                              code=Code.THROTTLED, params={"limit": PER_HOUR})


def moderate(session: Session, ctx: EngineContext, actor: User, comment_id: int, decision: str,
             reason: str | None) -> DraftComment:
    """The PR department approves a comment (it shows on the draft's page and joins the case's `comments`, which
    the summary accounts for) or rejects it with a reason (it never shows). Once only, while the case runs; audited."""
    check_may_moderate_comments(actor)
    comment = session.get(DraftComment, comment_id) if 0 < comment_id < 2**63 else None
    if comment is None:
        raise NotFound(f"no comment {comment_id}", code=Code.COMMENT_NOT_FOUND, params={"comment_id": comment_id})
    if decision not in ("approve", "reject"):
        raise Invalid("decision must be approve or reject",
                      [{"field": "decision", "message": "must be one of: approve, reject"}], code=Code.NOT_ONE_OF)
    if decision == "reject" and not (reason or "").strip():
        raise Invalid("a rejection needs its reason", [{"field": "reason", "message": "is required to reject"}],
                      code=Code.REQUIRED)
    instance = steps.lock(session, comment.instance_id)
    session.refresh(comment)
    if comment.status != CommentStatus.PENDING:
        raise Conflict(f"the comment is already {comment.status}", code=Code.COMMENT_DECIDED,
                       params={"status": str(comment.status)})
    if instance.status != InstanceStatus.RUNNING:
        # A case cancelled while its comment waited takes it no more. A discussion summed up needs no check of its
        # own: a comment is pending only once taken while the period runs, before the summary's task exists, and
        # the summary cannot be completed while any is pending (engine.runtime.steps).
        raise Conflict(f"the case is {instance.status}: its comments can no longer be moderated",
                       code=Code.CASE_CLOSED)
    at = ctx.now()
    before = {"status": str(comment.status)}
    comment.status = CommentStatus.APPROVED if decision == "approve" else CommentStatus.REJECTED
    comment.reason = (reason or "").strip() or None
    comment.moderated_by, comment.moderated_at = actor.username, at
    if comment.status == CommentStatus.APPROVED:
        step = steps.open(session, ctx, instance, actor=actor.username)
        listed = {"id": comment.id, "name": comment.name, "text": comment.text,
                  "submitted_at": comment.submitted_at.astimezone(ctx.cal.timezone).isoformat()}
        for holder in _holders(step.wf):
            held = holder.data.get("comments")
            holder.data["comments"] = [*(held if isinstance(held, list) else []), listed]
        steps.save(step)
    chain.record(session, type=EventType.COMMENT_MODERATED, at=at, actor=actor.username, instance_id=instance.id,
                 subject=instance.business_key, before=before,
                 after={"comment": comment.id, "status": str(comment.status), "reason": comment.reason})
    session.flush()
    return comment


def _holders(wf: Any) -> list[Any]:
    """The tasks whose data the flow goes on with: the open and waiting ones and, for a waiting timer, the step before
    it, whose data SpiffWorkflow copies into the timer again when it looks at it (as engine.calendar.deadlines.retime
    does for a deadline)."""
    found: dict[Any, Any] = {}
    for task in wf.get_tasks(state=_OPEN_TASKS):
        found[task.id] = task
        if task.state == TaskState.WAITING and task.parent is not None:
            found[task.parent.id] = task.parent
    return list(found.values())


# -- the discussion period -----------------------------------------------------------------------------------------

def extend_discussion(session: Session, ctx: EngineContext, actor: User, instance_id: int, ends_on: date,
                      reason: str) -> ProcessInstance:
    """Move the end of a published draft's discussion to the end of the working day `ends_on`, later than it is now,
    with a stated reason (recorded: `discussion.extended`). Shortening it, or a day that is no working day, is
    refused naming `ends_on`; a case that is no draft under discussion: 409."""
    check_may_extend_discussion(actor)
    if not reason.strip():
        raise Invalid("an extension needs its reason", [{"field": "reason", "message": "must not be blank"}],
                      code=Code.REQUIRED)
    instance = steps.lock(session, instance_id)
    data = instance.data or {}
    deadline = data.get("deadline")
    if instance.process_key != PROCESS_KEY:
        raise NotFound(f"case {instance_id} is not a draft act", code=Code.CASE_NOT_FOUND,
                       params={"case_id": instance_id})
    if instance.status != InstanceStatus.RUNNING or not isinstance(deadline, dict) \
            or data.get("discussion_ended_at") or not data.get("published_at"):
        raise Conflict("this draft is not under discussion: its period can be extended only while it runs",
                       code=Code.DISCUSSION_CLOSED)
    end = datetime.fromisoformat(data["due_at"])
    if ctx.now() > end:  # ended, though its timer has not run yet: comments were already refused after it
        raise Conflict("this draft's discussion period has ended: it can no longer be extended",
                       code=Code.DISCUSSION_CLOSED)
    current = ctx.cal.local_date(end)
    if ends_on <= current:
        message = (f"the discussion period cannot be shortened after publication: it ends on {current.isoformat()}"
                   if ends_on < current else f"the discussion period already ends on {current.isoformat()}")
        raise Invalid(message, [{"field": "ends_on", "message": message}], code=Code.DISCUSSION_END,
                      params={"date": current.isoformat()})
    if not ctx.cal.is_working_day(ends_on):
        message = f"{ends_on.isoformat()} is not a working day of the office"
        raise Invalid(message, [{"field": "ends_on", "message": message}], code=Code.NOT_A_WORKING_DAY,
                      params={"date": ends_on.isoformat()})
    step = steps.open(session, ctx, instance, actor=actor.username)
    # Counted from the end its working days give, which a calendar change may have left behind the end shown (it
    # never shortens a period: engine.procedures.discussion.recounted_end), so that the new end is `ends_on`; its
    # record names the working days added to the end shown, which is what the reader saw moved.
    days = ctx.cal.working_days_between(ctx.cal.local_date(deadlines.due(deadline, ctx.cal)), ends_on)
    extended = deadlines.extend(deadline, days, reason, actor.username, step.at)
    due = deadlines.due(extended, ctx.cal)
    deadlines.set_in_case(step.wf, extended, due)
    for holder in _holders(step.wf):
        holder.data.update(deadline=copy.deepcopy(extended), due_at=due, discussion_ends_at=due)
    chain.record(session, type=EventType.DISCUSSION_EXTENDED, at=step.at, actor=actor.username,
                 instance_id=instance.id, subject=instance.business_key, before={"ends_at": data["due_at"]},
                 after={"ends_at": due, "working_days": ctx.cal.working_days_between(current, ends_on),
                        "reason": reason})
    steps.advance(step)
    return instance
