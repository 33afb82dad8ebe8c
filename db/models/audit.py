"""The append-only, hash-chained audit history, the Merkle tree over it and the signed checkpoints of that tree."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, FetchedValue, ForeignKey, Index, LargeBinary, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import EventType


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_instance", "instance_id", "id"),
        Index("ix_audit_events_occurred", "occurred_at"),
        # The sealer's look-up of the events not yet chained (engine.audit.chain.seal): few rows, found at once.
        Index("ix_audit_events_unsealed", "seq", "id", postgresql_where=text("seq IS NULL")),
    )

    id: Mapped[intpk]
    # Position in the chain, 1, 2, 3, ...: a gap shows a deleted row. Null until the sealer chains the event
    # (seq, prev_hash and hash together): writers only insert, the sealer alone numbers and links.
    seq: Mapped[int | None] = mapped_column(BigId, unique=True)
    occurred_at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(64), index=True)
    type: Mapped[EventType] = mapped_column(Vocabulary(EventType, 64), index=True)
    instance_id: Mapped[int | None] = mapped_column(BigId)
    task_id: Mapped[str | None] = mapped_column(String(36))
    subject: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # PostgreSQL: the inserting transaction (server default pg_current_xact_id()), so the sealer knows when no
    # earlier transaction can still add an event before it. Null on SQLite (one writer at a time).
    txid: Mapped[int | None] = mapped_column(BigInteger, server_default=FetchedValue())


class AuditChainHead(Base):
    """One row: the chain's last sealed seq and hash. Only the sealer (engine.audit.chain.seal) locks it: two
    sealers never number the same events; writers never touch it."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigId, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditTreeNode(Base):
    """A complete subtree of the Merkle tree over the events (engine.audit.tree): level 0 are the leaves, one per
    event in seq order; (level, idx) covers leaves [idx * 2**level, (idx + 1) * 2**level). Written once, never
    changed: about two rows per event."""

    __tablename__ = "audit_tree_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditTree(Base):
    """One row: how many events the tree holds and its root. Locking it serialises the integration of new events
    (a checkpoint's work, never a writer's)."""

    __tablename__ = "audit_tree"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigId, default=0)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditCheckpoint(Base):
    """A signed statement of the tree's size and root (a C2SP signed note), with its RFC 3161 timestamp token
    where a timestamp authority is configured. The signing key is never in the database."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[intpk]
    size: Mapped[int] = mapped_column(BigId, unique=True)
    root: Mapped[str] = mapped_column(String(64))  # hex
    origin: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(8))  # hex of the signed note's 4-byte key hash
    signature: Mapped[str] = mapped_column(String(200))  # base64 Ed25519 signature of the note's body
    note: Mapped[str] = mapped_column(Text)  # the signed note, exactly as published
    timestamp_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    timestamped_at: Mapped[datetime | None]
    timestamp_error: Mapped[str | None] = mapped_column(String(500))  # `code: detail` of the last failure
    timestamp_tried_at: Mapped[datetime | None]  # the last request for a token, whatever came of it


class CheckpointPush(Base):
    """One attempt to hand a checkpoint to a place outside the database (a directory, an e-mail address, a
    witness's URL), whatever its outcome."""

    __tablename__ = "audit_checkpoint_pushes"
    __table_args__ = (Index("ix_audit_checkpoint_pushes_checkpoint", "checkpoint_id", "id"),)

    id: Mapped[intpk]
    checkpoint_id: Mapped[int] = mapped_column(BigId, ForeignKey("audit_checkpoints.id"))
    target: Mapped[str] = mapped_column(String(500))
    attempted_at: Mapped[datetime]
    ok: Mapped[bool]
    detail: Mapped[str | None] = mapped_column(String(1000))
