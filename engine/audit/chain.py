"""The append-only, hash-chained audit history.

Each event's hash covers its own fields and the previous event's hash, so an edited row no longer
matches its hash and a deleted one leaves a gap in `seq`; the chain head (one locked row) also holds
the last seq and hash, so removing the newest events is seen too.

Events are chained when the session flushes them, in the order they were recorded, not when recorded:
the head row, which every writer of the office shares, is locked only from then to the commit, so an
operation's scripts (up to their time bound) run before it and never hold other writers back.
Hand-written: no well-kept library does hash-chained rows in SQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as orm_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditChainHead, AuditEvent
from db.vocabulary import EventType

GENESIS = "0" * 64
HEAD_ID = 1
HEAD_CACHE = "jarchy_audit_head"  # session.info: the transaction and the chain head it locked
PENDING = "jarchy_audit_pending"  # session.info: events recorded, not yet chained


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


def _head(session: Session) -> AuditChainHead:
    """The chain head, locked once per transaction: later events of the same transaction reuse it."""
    transaction = session.get_transaction()
    held = session.info.get(HEAD_CACHE)
    if held is not None and held[0] is transaction:
        return held[1]  # type: ignore[no-any-return]
    head = session.scalars(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if head is None:
        head = AuditChainHead(id=HEAD_ID, last_seq=0, last_hash=GENESIS)
        session.add(head)
    session.info[HEAD_CACHE] = (transaction, head)
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
    """Append one event; it is chained (seq, hashes) when the session flushes, and the head row stays locked
    from then until the caller's transaction ends. A `type` no EventType names raises ValueError here, before
    anything is added: a typo never becomes a new event type."""
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
    session.info.setdefault(PENDING, []).append(recorded)
    return recorded


@orm_event.listens_for(Session, "before_flush")
def _chain_pending(session: Session, _context: Any, _instances: Any) -> None:
    # An event a rolled-back savepoint took out of the session is not chained: it would leave a gap.
    pending = [e for e in session.info.pop(PENDING, []) if e in session]
    if not pending:
        return
    head = _head(session)
    for recorded in pending:
        recorded.seq, recorded.prev_hash = head.last_seq + 1, head.last_hash
        recorded.hash = chain_hash(head.last_hash, recorded)
        head.last_seq, head.last_hash = recorded.seq, recorded.hash


@orm_event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """What is hashed must equal what comes back from the JSON column."""
    return None if value is None else json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_broken: dict[str, Any] | None = None


def verify(session: Session, batch: int = 1000) -> Verification:
    events: Iterable[AuditEvent] = session.scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
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
