"""Signed checkpoints of the audit's Merkle tree: the tree's size and root, signed with the office's key, kept in
the database and handed to places outside it.

A checkpoint integrates every event recorded so far (engine.audit.tree), signs the size and root as a C2SP signed
note (engine.audit.notes) and stores the note; nothing new since the last one, no new checkpoint (one per size).
It works in the session it is given and flushes; the caller (CLI, sweep) owns the transaction."""

from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditCheckpoint
from engine.audit import keys, notes, tree
from engine.core.settings import Settings


def latest(session: Session) -> AuditCheckpoint | None:
    return session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)).first()


def create(session: Session, settings: Settings, at: datetime) -> AuditCheckpoint:
    """A checkpoint of everything recorded until now (the latest one if nothing was recorded since)."""
    key = keys.signing_key(settings)  # before any work: a missing key fails before the tree is touched
    head = tree.integrate(session)
    last = latest(session)
    if last is not None and last.size == head.size:
        return last
    checkpoint = notes.Checkpoint(settings.checkpoint_origin, head.size, head.root, at)
    note = notes.sign(checkpoint, key)
    signature = notes.signature_of(note, checkpoint.origin, key.public_key())
    assert signature is not None
    row = AuditCheckpoint(size=head.size, root=head.root.hex(), origin=checkpoint.origin, signed_at=at,
                          key_id=notes.key_hash(checkpoint.origin, key.public_key()).hex(),
                          signature=base64.b64encode(signature).decode(), note=note)
    session.add(row)
    session.flush()
    return row


def by_size(session: Session, size: int) -> AuditCheckpoint | None:
    return session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.size == size)).first()


def listing(session: Session) -> list[AuditCheckpoint]:
    return list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size)))
