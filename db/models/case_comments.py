"""Staff's discussion of a case: comments on the case or on one of its tasks, by the staff who may read it (not the
public's comments on a draft act, db.models.draft_acts). Editable by their author for a minute, never deleted; each
version is in the audit trail (engine.runtime.case_comments)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk


class CaseComment(Base):
    __tablename__ = "case_comments"
    __table_args__ = (Index("ix_case_comments_instance", "instance_id", "id"),)

    id: Mapped[intpk]
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"))
    # A task of the same case, when the comment is about it (shown on the task's page too).
    task_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("human_tasks.id"))
    author_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    # Ids of files attached to the same case (db.models.attachments), in the order given.
    attachment_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The usernames it mentions (each told once, when first mentioned).
    mentions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    posted_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]
