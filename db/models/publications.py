"""What the press office published on its website: releases and responses (rebuttals, comments)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk


class Publication(Base):
    __tablename__ = "publications"
    # A case's publications by its key (a draft's adopted text, found however old the draft).
    __table_args__ = (Index("ix_publications_feed", "feed", "published_at"),
                      Index("ix_publications_feed_instance", "feed", "instance_id"))

    id: Mapped[intpk]
    feed: Mapped[str] = mapped_column(String(16))  # releases or responses
    kind: Mapped[str] = mapped_column(String(32))  # press_release, statement, ... / rebuttal, comment
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"))
    business_key: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime]
    # releases: {"translations": {lang: {title, body}}}; responses: {"outlet", "url", "text"}
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
