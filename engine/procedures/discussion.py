"""Draft acts under public discussion, as data (used by the writes of engine.runtime.draft_acts and the reads of
engine.reads.draft_acts): the procedure's key, the public feed, a published draft by its id, when its discussion
ends and whether it is open, and its comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import DraftComment, ProcessInstance, Publication
from db.vocabulary import CommentStatus, InstanceStatus
from engine.core.errors import NotFound

PROCESS_KEY = "draft_act_publication"
FEED = "drafts"
KINDS = ("draft_act", "adopted_act")


def draft_of(session: Session, publication_id: int) -> Publication:
    """A published draft (not its adopted text) by its publication id; `NotFound` for anything else."""
    row = session.get(Publication, publication_id) if 0 < publication_id < 2**63 else None
    if row is None or row.feed != FEED or row.kind != "draft_act":
        raise NotFound(f"no draft act {publication_id}")
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


def comments(session: Session, instance_id: int, *, approved_only: bool = False) -> list[DraftComment]:
    query = select(DraftComment).where(DraftComment.instance_id == instance_id)
    if approved_only:
        query = query.where(DraftComment.status == CommentStatus.APPROVED)
    return list(session.scalars(query.order_by(DraftComment.submitted_at, DraftComment.id)))


def approved_counts(session: Session, instance_ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(DraftComment.instance_id, func.count()).where(
        DraftComment.instance_id.in_(instance_ids), DraftComment.status == CommentStatus.APPROVED)
        .group_by(DraftComment.instance_id))
    return {instance_id: count for instance_id, count in rows}
