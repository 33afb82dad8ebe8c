"""Proofs out of the audit's Merkle tree, for the API and the auditors' export: an event's inclusion in a signed
checkpoint, the consistency of two checkpoints, and the header an export with proofs carries (the checkpoint it
leads to and every checkpoint before it, each with the consistency proof from the previous one).

The proofs are read from the stored tree (engine.audit.tree); they convince nobody by themselves: a verifier
(engine.audit.offline) checks them against the checkpoints' signatures. Reads only; raises the domain errors the
API maps to 404 / 409."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from db.models import AuditCheckpoint, AuditEvent
from engine.audit import chain, checkpoints, notes, tree
from engine.audit.offline import FORMAT
from engine.core.errors import Code, Conflict, NotFound, problem


@dataclass(frozen=True)
class Inclusion:
    event: AuditEvent
    leaf: bytes
    path: list[bytes]
    checkpoint: AuditCheckpoint

    @property
    def leaf_index(self) -> int:
        assert self.event.seq is not None  # only a sealed event has a proof
        return self.event.seq - 1


@dataclass(frozen=True)
class Consistency:
    old: AuditCheckpoint
    new: AuditCheckpoint
    path: list[bytes]


def checkpoint_named(session: Session, size: int | None, field: str = "checkpoint") -> AuditCheckpoint:
    """The checkpoint of this size (None: the latest); NotFound naming `field` when there is none."""
    found = checkpoints.latest(session) if size is None else checkpoints.by_size(session, size)
    if found is None:
        detail = "no checkpoint was signed yet" if size is None else f"no checkpoint has size {size}"
        raise NotFound(detail, [problem(field, Code.CHECKPOINT_NOT_FOUND, detail, size=size)],
                       code=Code.CHECKPOINT_NOT_FOUND, params={"size": size})
    return found


def inclusion(session: Session, event_id: int, size: int | None = None) -> Inclusion:
    """The audit path of the event in the checkpoint of `size` (None: the latest)."""
    event = session.get(AuditEvent, event_id)
    if event is None:
        raise NotFound(f"audit event {event_id} does not exist", code=Code.AUDIT_EVENT_NOT_FOUND,
                       params={"event_id": event_id})
    checkpoint = checkpoint_named(session, size)
    if event.seq is None:  # not yet sealed (engine.audit.chain.seal): in no checkpoint
        raise Conflict(f"event {event_id} is not yet sealed: no checkpoint holds it",
                       code=Code.NOT_CHECKPOINTED, params={"seq": None, "size": checkpoint.size})
    if event.seq > checkpoint.size:
        raise Conflict(f"event seq {event.seq} came after the checkpoint of size {checkpoint.size}",
                       code=Code.NOT_CHECKPOINTED, params={"seq": event.seq, "size": checkpoint.size})
    return Inclusion(event, tree.leaf_of(event), tree.inclusion_proof(session, event.seq - 1, checkpoint.size),
                     checkpoint)


def consistency(session: Session, old_size: int, new_size: int) -> Consistency:
    old = checkpoint_named(session, old_size, "from")
    new = checkpoint_named(session, new_size, "to")
    return Consistency(old, new, tree.consistency_proof(session, old.size, new.size))


def checkpoint_fields(row: AuditCheckpoint) -> dict[str, Any]:
    shown: dict[str, Any] = {"size": row.size, "root": row.root, "signed_at": row.signed_at, "note": row.note}
    if row.timestamp_token:
        shown["timestamp_token"] = base64.b64encode(row.timestamp_token).decode()
    return shown


def header(session: Session, public_key: Ed25519PublicKey) -> tuple[dict[str, Any], int]:
    """The `proofs` object of an export (docs/audit.md) and the size of the checkpoint its proofs lead to (0: no
    checkpoint yet, every proof null)."""
    history = checkpoints.listing(session)
    listed, previous = [], 0
    for row in history:
        proof = tree.consistency_proof(session, previous, row.size) if previous else []
        listed.append(_jsonable(checkpoint_fields(row)) | {"consistency": [h.hex() for h in proof]})
        previous = row.size
    origin = history[-1].origin if history else None
    return ({"format": FORMAT, "origin": origin, "public_key": notes.public_key_pem(public_key),
             "checkpoint": listed[-1] if listed else None, "checkpoints": listed}, previous)


def event_proofs(session: Session, events: Iterable[AuditEvent], size: int) -> list[tuple[AuditEvent,
                                                                                          dict[str, Any] | None]]:
    """Each sealed event with its inclusion proof in the tree of `size` (None for an event after it); events not
    yet sealed are left out: no checkpoint holds them."""
    events = [e for e in events if e.seq is not None]
    paths = tree.inclusion_proofs(session, [e.seq - 1 for e in events if e.seq <= size], size) if size else {}
    return [(e, None if e.seq > size else {"leaf_index": e.seq - 1, "tree_size": size,
                                           "audit_path": [h.hex() for h in paths[e.seq - 1]]}) for e in events]


def exported(event: AuditEvent, proof: dict[str, Any] | None) -> dict[str, Any]:
    """What an export with proofs adds to an event: its fields exactly as hashed, its link and its proof."""
    return {"canonical": chain.fields_of(event), "prev_hash": event.prev_hash, "proof": proof}


def _jsonable(shown: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.astimezone(UTC).isoformat() if isinstance(v, datetime) else v) for k, v in shown.items()}
