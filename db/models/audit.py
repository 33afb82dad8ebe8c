"""The append-only, hash-chained audit history."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import EventType


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_instance", "instance_id", "id"),
        Index("ix_audit_events_occurred", "occurred_at"),
    )

    id: Mapped[intpk]
    # Position in the chain, 1, 2, 3, ...: a gap shows a deleted row.
    seq: Mapped[int] = mapped_column(BigId, unique=True)
    occurred_at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(64), index=True)
    type: Mapped[EventType] = mapped_column(Vocabulary(EventType, 64), index=True)
    instance_id: Mapped[int | None] = mapped_column(BigId)
    task_id: Mapped[str | None] = mapped_column(String(36))
    subject: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """One row: the chain's last seq and hash. Locking it serialises appends across processes."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigId, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
