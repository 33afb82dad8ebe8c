"""The database's events checked against a checkpoint kept outside it (`jarchy audit verify --checkpoint`, and the
latest stored checkpoint on `GET /audit/verify`).

The chain check trusts the database: whoever can write it can recompute every hash. A signed checkpoint cannot be
recomputed without the office's key, so the events as they are now are hashed into leaves again (never the stored
tree's nodes, which a rewrite may have rewritten too) and their root compared with the signed one. When it differs,
the first changed event is named by comparing leaf by leaf with a reference that still gives the signed root: a
witness's mirror of the leaves (DIR/leaves, 32 bytes a leaf) or else the database's stored tree. Events after the
checkpoint that claim a moment before it was signed (beyond a tolerance for clocks) are called backdated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent
from engine.audit import merkle, notes, tree
from engine.audit.offline import BACKDATED

LEAF = 32


@dataclass(frozen=True)
class Outcome:
    ok: bool
    size: int
    signed_at: datetime | None
    reference: str | None = None  # what named the first changed event: "mirror", "stored tree" or None
    first_broken: dict[str, Any] | None = None
    remarks: tuple[str, ...] = ()


def mirror_leaves(directory: Path) -> list[bytes]:
    """The leaf hashes of a directory mirror (the shared layout's DIR/leaves), [] when it has none."""
    try:
        data = (directory / "leaves").read_bytes()
    except FileNotFoundError:
        return []
    return [data[i:i + LEAF] for i in range(0, len(data) - len(data) % LEAF, LEAF)]


def check(session: Session, note: str, public_key: Ed25519PublicKey,
          mirror: list[bytes] | None = None) -> Outcome:
    """The events against the signed note; raises notes.BadNote when the note is not signed by the key."""
    signed = notes.open_note(note, public_key)
    return against(session, signed.size, signed.root, signed.signed_at, mirror)


def against(session: Session, size: int, root: bytes, signed_at: datetime | None,
            mirror: list[bytes] | None = None) -> Outcome:
    found = list(tree.recomputed_leaves(session, size))
    remarks: list[str] = []
    leaves = [leaf for _, leaf in found]
    if len(found) == size and merkle.root(leaves) == root:
        return _backdated(session, size, signed_at) or Outcome(True, size, signed_at)
    reference, name = None, None
    if mirror is not None:
        if len(mirror) >= size and merkle.root(mirror[:size]) == root:
            reference, name = mirror[:size], "mirror"
        else:
            remarks.append("the mirror's leaves do not give the checkpoint's root: not used")
    if reference is None:
        stored = _stored(session, size)
        if stored is not None and merkle.root(stored) == root:
            reference, name = stored, "stored tree"
        else:
            remarks.append("the database's stored tree does not give the checkpoint's root: not used")
    for position, (seq, leaf) in enumerate(found):
        if seq != position + 1:
            return _broken(size, signed_at, name, remarks, position + 1, None, "deleted",
                           f"event {position + 1} is missing, though the checkpoint of size {size} covers it")
        if reference is not None and leaf != reference[position]:
            return _broken(size, signed_at, name, remarks, seq, _id_of(session, seq), "changed",
                           f"it differs from the event the checkpoint of size {size} signed")
    if len(found) < size:
        missing = len(found) + 1
        return _broken(size, signed_at, name, remarks, missing, None, "deleted",
                       f"events {missing} to {size} are missing, though the checkpoint of size {size} covers them")
    return _broken(size, signed_at, name, remarks, None, None, "root",
                   f"the events do not give the root signed for size {size}, and no mirror or stored tree that "
                   "does names the event")


def _stored(session: Session, size: int) -> list[bytes] | None:
    try:
        leaves = tree.stored_leaves(session, 0, size)
    except ValueError:
        return None
    return leaves if len(leaves) == size else None


def _id_of(session: Session, seq: int) -> int | None:
    return session.scalar(select(AuditEvent.id).where(AuditEvent.seq == seq))


def _backdated(session: Session, size: int, signed_at: datetime | None) -> Outcome | None:
    if signed_at is None:
        return None
    event = session.scalars(select(AuditEvent).where(AuditEvent.seq > size,
                                                     AuditEvent.occurred_at < signed_at - BACKDATED)
                            .order_by(AuditEvent.seq).limit(1)).first()
    if event is None:
        return None
    return _broken(size, signed_at, None, [], event.seq, event.id, "backdated",
                   f"backdated: it came after the checkpoint of size {size} but claims "
                   f"{event.occurred_at.isoformat()}, before the checkpoint was signed ({signed_at.isoformat()})")


def _broken(size: int, signed_at: datetime | None, reference: str | None, remarks: list[str], seq: int | None,
            event_id: int | None, code: str, reason: str) -> Outcome:
    return Outcome(False, size, signed_at, reference, {"seq": seq, "id": event_id, "code": code, "reason": reason},
                   tuple(remarks))
