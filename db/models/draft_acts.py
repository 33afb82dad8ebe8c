"""Public comments on a draft normative act under discussion (`draft_act_publication`): written by anyone on the
public site, shown only once the PR department approved them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import CommentStatus


class DraftComment(Base):
    """One comment: who wrote it (a name and a contact, never shown with the contact), its text, the address it came
    from (an IPv6 address by its /64: the throttle counts these), and its moderation."""

    __tablename__ = "draft_comments"
    __table_args__ = (Index("ix_draft_comments_instance", "instance_id", "status", "submitted_at"),
                      Index("ix_draft_comments_address", "address", "submitted_at"))

    id: Mapped[intpk]
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"))
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    status: Mapped[CommentStatus] = mapped_column(Vocabulary(CommentStatus, 16))
    reason: Mapped[str | None] = mapped_column(Text)
    moderated_by: Mapped[str | None] = mapped_column(String(64))
    moderated_at: Mapped[datetime | None]
