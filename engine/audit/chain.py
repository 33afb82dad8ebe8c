"""The append-only, hash-chained audit history.

Each event's hash covers its own fields and the previous event's hash, so an edited row no longer
matches its hash and a deleted one leaves a gap in `seq`; the chain head (one row) also holds the last
seq and hash, so removing the newest events is seen too.

Writers only insert events (`record`): no seq, no hashes, no lock, so no writer of the office ever waits for
another's audit events. One background step seals them (`seal`, from the sweep, each checkpoint and `jarchy audit
verify`): under the head row's lock, which only sealers take, it numbers the events no earlier transaction can
still precede, in `id` order, and chains their hashes. On PostgreSQL those are the events whose inserting
transaction (`txid`) is below the oldest transaction still running (`pg_snapshot_xmin`): every transaction before
it has ended, and any later one gets a higher txid. On SQLite one transaction writes at a time, so every
committed event is sealable. docs/audit.md, "Sealing: the chain without a global lock".
Hand-written: no well-kept library does hash-chained rows in SQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.models import AuditChainHead, AuditEvent
from db.session import insert_for
from db.vocabulary import EventType

GENESIS = "0" * 64
HEAD_ID = 1
SEAL_BATCH = 5000  # events a `seal` numbers at most: one sweep round's work stays short


FIELDS = ("seq", "occurred_at", "actor", "type", "instance_id", "task_id", "subject", "before", "after")


def fields_of(event: AuditEvent) -> dict[str, Any]:
    """The fields of an event that its hash and its Merkle leaf cover, as plain JSON values (the moment in UTC):
    what an export with proofs carries, so that a verifier rebuilds the same bytes."""
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor": event.actor,
        "type": str(event.type),
        "instance_id": event.instance_id,
        "task_id": event.task_id,
        "subject": event.subject,
        "before": event.before,
        "after": event.after,
    }


def canonical_fields(fields: Mapping[str, Any]) -> str:
    """The canonical text of an event's fields (`fields_of`): sorted keys, compact, UTF-8 as is. The chain, the
    tree and the offline verifier (engine.audit.offline) all hash this text."""
    return json.dumps({name: fields[name] for name in FIELDS}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)


def canonical(event: AuditEvent) -> str:
    return canonical_fields(fields_of(event))


def link(prev_hash: str, canonical_text: str) -> str:
    """The chain hash of an event from its predecessor's hash and its canonical text."""
    return hashlib.sha256((prev_hash + canonical_text).encode()).hexdigest()


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return link(prev_hash, canonical(event))


@overload
def _locked_head(session: Session) -> AuditChainHead: ...
@overload
def _locked_head(session: Session, *, wait: bool) -> AuditChainHead | None: ...
def _locked_head(session: Session, *, wait: bool = True) -> AuditChainHead | None:
    """The chain head, locked to the end of the transaction (only sealers take it); without `wait`, None when
    another sealer holds it."""
    head = session.scalars(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update(skip_locked=not wait)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if head is None:
        if not wait and session.scalar(select(AuditChainHead.id).where(AuditChainHead.id == HEAD_ID)) is not None:
            return None  # there, and held by another sealer
        # The first seal: two sealers may both get here, one row is made.
        session.execute(insert_for(session)(AuditChainHead).values(id=HEAD_ID, last_seq=0, last_hash=GENESIS)
                        .on_conflict_do_nothing())
        return _locked_head(session)
    return head


def record(
    session: Session,
    *,
    type: EventType,
    at: datetime,
    actor: str | None,
    instance_id: int | None = None,
    task_id: str | None = None,
    subject: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: inserted as is, without seq or hashes and without any lock; `seal` chains it once its
    transaction has committed. A `type` no EventType names raises ValueError here, before anything is added: a
    typo never becomes a new event type."""
    recorded = AuditEvent(
        occurred_at=at,
        actor=actor,
        type=EventType(type),
        instance_id=instance_id,
        task_id=task_id,
        subject=subject,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    session.add(recorded)
    return recorded


def _sealable(session: Session) -> Any:
    """The unsealed events that no earlier event can still join, in id order."""
    query = select(AuditEvent).where(AuditEvent.seq.is_(None))
    if session.get_bind().dialect.name == "postgresql":
        # Every transaction below the oldest one still running has ended, and a later one gets a higher txid.
        query = query.where(AuditEvent.txid < text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    return query.order_by(AuditEvent.id)


def seal(session: Session, *, limit: int = SEAL_BATCH, wait: bool = True) -> int:
    """Chain up to `limit` committed events that are not yet: consecutive seq after the head, each hash linked to
    the previous exactly as they always were, the head moved; the number sealed. The head's row lock (held to the
    caller's commit) makes concurrent sealers take turns, the second reading what the first committed; without
    `wait`, a sealer that finds the head held seals nothing (0) instead of waiting. Flushes; the caller owns the
    transaction."""
    head = _locked_head(session, wait=wait)
    if head is None:
        return 0
    events = session.scalars(_sealable(session).limit(limit)).all()
    for event in events:
        event.seq, event.prev_hash = head.last_seq + 1, head.last_hash
        event.hash = chain_hash(head.last_hash, event)
        head.last_seq, head.last_hash = event.seq, event.hash
    session.flush()
    return len(events)


def seal_all(session: Session) -> int:
    """`seal` until nothing sealable is left (a checkpoint, `jarchy audit verify`, the tests)."""
    total = 0
    while (sealed := seal(session)) == SEAL_BATCH:
        total += sealed
    return total + sealed


def unsealed(session: Session) -> int:
    """How many of the events this session sees wait for the sealer."""
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None))) or 0


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """What is hashed must equal what comes back from the JSON column."""
    return None if value is None else json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_broken: dict[str, Any] | None = None
    unsealed: int = 0  # events not yet chained: not covered by this check until the sealer chains them


def verify(session: Session, batch: int = 1000) -> Verification:
    """Checks the sealed chain, and counts the events waiting to be sealed; reads only (seal first to cover
    everything: `seal_all`)."""
    waiting = unsealed(session)
    result = _verify_sealed(session, batch)
    return Verification(result.ok, result.checked, result.first_broken, waiting)


def _verify_sealed(session: Session, batch: int) -> Verification:
    events: Iterable[AuditEvent] = session.scalars(
        select(AuditEvent).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)
        .execution_options(yield_per=batch)
    )
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for event in events:
        if event.seq != expected_seq:
            return _broken(checked, expected_seq, None, "deleted", f"event {expected_seq} is missing (deleted)")
        if event.prev_hash != prev_hash:
            return _broken(checked, event.seq, event.id, "relinked", "its link to the previous event does not match")
        if chain_hash(prev_hash, event) != event.hash:
            return _broken(checked, event.seq, event.id, "edited", "its content was changed after it was written")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = session.get(AuditChainHead, HEAD_ID)
    last_seq = head.last_seq if head else 0
    if last_seq >= expected_seq:
        return _broken(checked, expected_seq, None, "deleted",
                       f"events {expected_seq} to {last_seq} are missing (deleted)")
    if head is not None and head.last_hash != prev_hash:
        return _broken(checked, last_seq, None, "head", "the chain head does not match the last event")
    return Verification(ok=True, checked=checked)


def _broken(checked: int, seq: int, event_id: int | None, code: str, reason: str) -> Verification:
    """`code` (deleted, relinked, edited, head) for a reader to word; `reason` in English for logs and the CLI."""
    return Verification(ok=False, checked=checked,
                        first_broken={"seq": seq, "id": event_id, "code": code, "reason": reason})
