"""Signed checkpoints of the audit's Merkle tree: the tree's size and root, signed with the office's key, kept in
the database and handed to places outside it.

A checkpoint integrates every event recorded so far (engine.audit.tree), signs the size and root as a C2SP signed
note (engine.audit.notes) and stores the note; nothing new since the last one, no new checkpoint (one per size).
It works in the session it is given and flushes; the caller (CLI, sweep) owns the transaction.

Trusted timestamps (engine.audit.timestamps): where `JARCHY_TSA_URL` is set each checkpoint gets an RFC 3161 token
over its signed body, `notes.Checkpoint.body()`'s bytes (origin, size, base64 root and the signed-at line), not over
the bare root: one token then binds the size and the root together with the time the office claims, and an
auditor checks it against the very text the signature covers. The TSA is asked outside any transaction
(`stamp_data`, then `record_stamp` or `record_stamp_failure` in a short one): a TSA that is down leaves the checkpoint
standing with its `timestamp_error`, and the next sweep or `jarchy audit checkpoint` asks again for every checkpoint
still without a token. Tokens are verified on read (`timestamp_verdict`), against `JARCHY_TSA_CERT` when set."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditChainHead, AuditCheckpoint
from engine.audit import chain, keys, notes, timestamps, tree
from engine.core.settings import Settings


def latest(session: Session) -> AuditCheckpoint | None:
    return session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)).first()


def create(session: Session, settings: Settings, at: datetime) -> AuditCheckpoint:
    """A checkpoint of everything sealed until now, after sealing what can be (the latest one if nothing was
    recorded since): the tree integrates sealed events only, in seq order."""
    key = keys.signing_key(settings)  # before any work: a missing key fails before the tree is touched
    chain.seal_all(session)
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


def newest_first() -> Any:
    """The query of the checkpoints, newest first (for a paged listing)."""
    return select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc())


# -- the schedule ---------------------------------------------------------------------------------------------------

def due(session: Session, settings: Settings, at: datetime) -> bool:
    """Whether the sweep should sign one now: the schedule is on, the latest checkpoint is at least
    `audit_checkpoint_minutes` old (or there is none), and events were recorded since it (sealed or not yet)."""
    if settings.audit_checkpoint_minutes <= 0:
        return False
    # Sealed or still waiting for the sealer: a checkpoint seals before it signs.
    recorded = (session.scalar(select(AuditChainHead.last_seq).limit(1)) or 0) + chain.unsealed(session)
    last = latest(session)
    if last is None:
        return recorded > 0
    return recorded > last.size and last.signed_at <= at - timedelta(minutes=settings.audit_checkpoint_minutes)


# -- trusted timestamps ---------------------------------------------------------------------------------------------

# A TSA that failed is asked again by a sweep no sooner than this after the last request (the sweep runs every few
# seconds; `jarchy audit checkpoint` asks at once).
RETRY_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class ToStamp:
    checkpoint_id: int
    size: int
    data: bytes  # what the token is over: the note's signed body


def stamped_data(row: AuditCheckpoint) -> bytes:
    """The bytes a checkpoint's token is over: its signed note's body (origin, size, root, signed-at)."""
    return notes.signed_body(row.note).encode()


def unstamped(session: Session, at: datetime | None = None) -> list[ToStamp]:
    """The checkpoints still without a token (with `at`: those not asked for since RETRY_AFTER), oldest first."""
    query = select(AuditCheckpoint).where(AuditCheckpoint.timestamp_token.is_(None)).order_by(AuditCheckpoint.size)
    rows = session.scalars(query)
    return [ToStamp(row.id, row.size, stamped_data(row)) for row in rows
            if at is None or row.timestamp_tried_at is None or row.timestamp_tried_at <= at - RETRY_AFTER]


def request_stamp(settings: Settings, item: ToStamp) -> bytes:
    """Asks the TSA for a token over the checkpoint's body (network: never inside a transaction); raises
    timestamps.TimestampError."""
    assert settings.tsa_url is not None
    return timestamps.request_token(settings.tsa_url, item.data)


def record_stamp(session: Session, checkpoint_id: int, token: bytes, at: datetime) -> AuditCheckpoint:
    """Keeps a token, with its genTime read from it (the token checked over the body, trusted or not)."""
    row = session.get_one(AuditCheckpoint, checkpoint_id)
    stamp = timestamps.verify_token(token, stamped_data(row))  # raises TimestampInvalid for a token not over it
    row.timestamp_token, row.timestamped_at = token, stamp.gen_time
    row.timestamp_error, row.timestamp_tried_at = None, at
    session.flush()
    return row


def record_stamp_failure(session: Session, checkpoint_id: int, code: str, detail: str, at: datetime) -> None:
    row = session.get_one(AuditCheckpoint, checkpoint_id)
    row.timestamp_error, row.timestamp_tried_at = f"{code}: {detail}"[:500], at
    session.flush()


def stamp_error_code(row: AuditCheckpoint) -> str | None:
    return row.timestamp_error.partition(":")[0] if row.timestamp_error else None


def trusted_certificates(settings: Settings) -> list[bytes]:
    """The certificates trusted for the TSA (JARCHY_TSA_CERT), none when unset."""
    return timestamps.load_certificates(settings.tsa_cert) if settings.tsa_cert else []


def timestamp_verdict(row: AuditCheckpoint, trusted: list[bytes]) -> dict[str, Any] | None:
    """What a checkpoint's token proves, checked now: `{"verified": True, "time", "tsa"}`, or `{"verified": False,
    "code"}` (the check's failure, or the request's when it has no token); None: never asked (no TSA)."""
    if row.timestamp_token is None:
        code = stamp_error_code(row)
        return {"verified": False, "code": code} if code else None
    try:
        stamp = timestamps.verify_token(row.timestamp_token, stamped_data(row), trusted=trusted)
    except timestamps.TimestampInvalid as exc:
        return {"verified": False, "code": exc.code}
    return {"verified": True, "time": stamp.gen_time, "tsa": stamp.tsa}
