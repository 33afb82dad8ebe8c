"""What the public site shows of draft acts under discussion: the drafts open for comment and those closed, one
draft with its approved comments and, once published, its adopted text; the files a draft or its adopted text
carries (and no other file); and, for staff, every comment of a case with its moderation.
(Writing is engine/runtime/draft_acts.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.orm import Session

from db.models import Attachment, DraftComment, ProcessInstance, Publication, User
from db.vocabulary import InstanceStatus
from engine.core.errors import Code, NotFound
from engine.core.paging import Paged, paged
from engine.people.access import check_may_read_instance, may_moderate_comments
from engine.procedures import discussion as draft_acts
from engine.procedures.discussion import FEED
from engine.reads import publications

PER_PAGE = 20


@dataclass(frozen=True)
class Draft:
    publication: Publication
    adopted: Publication | None
    ends_at: datetime | None
    open: bool
    comments: list[DraftComment]  # approved ones only, oldest first (empty in a list of drafts)
    comment_count: int


def drafts(session: Session, at: datetime, page: int = 1, per_page: int = PER_PAGE) -> Paged[Draft]:
    """A page of the published drafts, those open for comment first, then newest first, each with its adopted text
    where published (read by its case, however old the draft) and its discussion's end. The order is the query's, so
    page 1 carries every open draft before any closed one (an old draft whose discussion was extended is not buried
    behind closed ones)."""
    query = (select(Publication).join(ProcessInstance, ProcessInstance.id == Publication.instance_id)
             .where(Publication.feed == FEED, Publication.kind == "draft_act")
             .order_by(case((_running_discussion(), 0), else_=1), Publication.published_at.desc(),
                       Publication.id.desc()))
    found = paged(session, query, page, per_page)
    keys = [row.instance_id for row in found.items]
    adopted = {row.instance_id: row for row in session.scalars(select(Publication).where(
        Publication.feed == FEED, Publication.kind == "adopted_act", Publication.instance_id.in_(keys))
        .order_by(Publication.id))}
    instances = {i.id: i for i in session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(keys)))}
    counts = draft_acts.approved_counts(session, keys)
    return Paged([Draft(row, adopted.get(row.instance_id), draft_acts.discussion_end(instances[row.instance_id]),
                        draft_acts.is_open(instances[row.instance_id], at), [], counts.get(row.instance_id, 0))
                  for row in found.items], found.total, found.page, found.per_page)


def _running_discussion() -> ColumnElement[bool]:
    """The cases whose discussion runs as far as the database knows: published, its end not yet reached by its timer.
    A period past its end whose timer has not run yet (a sweep away) sorts with them, and shows closed (`is_open`)."""
    data = ProcessInstance.data
    return and_(ProcessInstance.status == InstanceStatus.RUNNING, data["due_at"].as_string().is_not(None),
                data["discussion_ended_at"].as_string().is_(None))


def one(session: Session, publication_id: int, at: datetime) -> Draft:
    """A published draft by its publication id (or by its adopted text's: the archive links either), with its
    approved comments; `NotFound` for anything else."""
    row = session.get(Publication, publication_id) if 0 < publication_id < 2**63 else None
    if row is not None and row.feed == FEED and row.kind == "adopted_act":
        found = session.scalars(select(Publication).where(Publication.feed == FEED, Publication.kind == "draft_act",
                                                          Publication.instance_id == row.instance_id)).first()
        publication_id = found.id if found is not None else publication_id
    row = draft_acts.draft_of(session, publication_id)
    instance = session.get(ProcessInstance, row.instance_id)
    assert instance is not None
    adopted = session.scalars(select(Publication).where(Publication.feed == FEED, Publication.kind == "adopted_act",
                                                        Publication.instance_id == row.instance_id)).first()
    approved = draft_acts.comments(session, row.instance_id, approved_only=True)
    return Draft(row, adopted, draft_acts.discussion_end(instance), draft_acts.is_open(instance, at), approved,
                 len(approved))


def pending_comments(session: Session, instance: ProcessInstance) -> list[int]:
    """The ids of a draft act's comments still waiting for moderation, which the summary waits for (none for a case
    of another procedure)."""
    return draft_acts.pending_ids(session, instance.id) if instance.process_key == draft_acts.PROCESS_KEY else []


def draft_file(session: Session, publication_id: int, attachment_id: str) -> Attachment:
    """A file the draft or its adopted text carries, for anyone; any other file (of the case or not): `NotFound`."""
    draft = draft_acts.draft_of(session, publication_id)
    return publications.carried_file(session, attachment_id, feed=FEED, field="files", instance_id=draft.instance_id)


def comments_of_case(session: Session, user: User, instance_id: int) -> list[DraftComment]:
    """Every comment of a draft act's case, pending and rejected ones too: to its moderators and its readers (a case
    of another procedure has none)."""
    instance = session.get(ProcessInstance, instance_id) if 0 < instance_id < 2**63 else None
    if instance is None:
        raise NotFound(f"no case {instance_id}", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    if not may_moderate_comments(user):
        check_may_read_instance(session, user, instance)
    return draft_acts.comments(session, instance_id)
