"""Draft acts under public discussion, as data (used by the writes of engine.runtime.draft_acts and the reads of
engine.reads.draft_acts): the procedure's key, the public feed, a published draft by its id, when its discussion
ends and whether it is open, and its comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import DraftComment, ProcessInstance, Publication
from db.vocabulary import CommentStatus, InstanceStatus
from engine.calendar.deadlines import Keeping
from engine.core.errors import Code, NotFound

PROCESS_KEY = "draft_act_publication"
FEED = "drafts"
KINDS = ("draft_act", "adopted_act")
# The case keeps its discussion's end as `due_at` and, for the reader of its data, as this copy.
END_COPIES = ("discussion_ends_at",)


def draft_of(session: Session, publication_id: int) -> Publication:
    """A published draft (not its adopted text) by its publication id; `NotFound` for anything else."""
    row = session.get(Publication, publication_id) if 0 < publication_id < 2**63 else None
    if row is None or row.feed != FEED or row.kind != "draft_act":
        raise NotFound(f"no draft act {publication_id}", code=Code.PUBLICATION_NOT_FOUND,
                       params={"publication_id": publication_id})
    return row


def discussion_end(instance: ProcessInstance) -> datetime | None:
    """When the case's discussion period ends (its current deadline, extensions included), or None before."""
    data = instance.data or {}
    value = data.get("discussion_ended_at") or data.get("due_at") or data.get("discussion_ends_at")
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def is_open(instance: ProcessInstance, at: datetime) -> bool:
    """Whether comments are taken at `at`: up to and including the period's last moment."""
    end = discussion_end(instance)
    return (instance.status == InstanceStatus.RUNNING and end is not None
            and not (instance.data or {}).get("discussion_ended_at") and at <= end)


def recounted_end(instance: ProcessInstance, counted: str, at: datetime) -> str:
    """The end of a published draft's discussion once the calendar changed, `counted` being its working days
    counted again. Art. 15 asks for at least 10 working days and a period is never shortened after publication: a
    day of rest that becomes working leaves the end where it is, a working day that becomes a day of rest moves it
    later. A period already ended (its timer not run yet) stays ended: comments after it were refused."""
    current = (instance.data or {}).get("due_at")
    if not isinstance(current, str):
        return counted
    shown = datetime.fromisoformat(current)
    if at > shown:
        return current
    return counted if datetime.fromisoformat(counted) > shown else current


# How the case keeps its period (engine.procedures.deadline_rules): recounted never shorter, its copy kept with it,
# extended only to a day of the office (its own route), never by working days added to the recounted clock, which
# could land before the end shown.
KEEPING = Keeping(recount=recounted_end, copies=END_COPIES, extended_by="/api/v1/draft-acts/{id}/period")


def comments(session: Session, instance_id: int, *, approved_only: bool = False) -> list[DraftComment]:
    query = select(DraftComment).where(DraftComment.instance_id == instance_id)
    if approved_only:
        query = query.where(DraftComment.status == CommentStatus.APPROVED)
    return list(session.scalars(query.order_by(DraftComment.submitted_at, DraftComment.id)))


def pending_ids(session: Session, instance_id: int) -> list[int]:
    """The case's comments still waiting for moderation, oldest first: the summary waits for them."""
    return list(session.scalars(select(DraftComment.id).where(
        DraftComment.instance_id == instance_id, DraftComment.status == CommentStatus.PENDING)
        .order_by(DraftComment.submitted_at, DraftComment.id)))


def approved_counts(session: Session, instance_ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(DraftComment.instance_id, func.count()).where(
        DraftComment.instance_id.in_(instance_ids), DraftComment.status == CommentStatus.APPROVED)
        .group_by(DraftComment.instance_id))
    return {instance_id: count for instance_id, count in rows}
