"""What a requester sees of their own request on the portal's private link: its status, the deadline the law gives
and any extension, where it was forwarded, and the answer or the refusal (its ground and the appeal route) once the
letter carrying it was written; and every letter the office wrote them. A wrong reference and a wrong token read
alike: not found."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PortalRequest, ProcessInstance, RequesterLetter
from db.vocabulary import InstanceStatus, LetterKind
from engine.core.errors import NotFound
from engine.people.credentials import tracking_token_hash

# A hash compared when the reference is unknown, so that both refusals take the same time.
_NOBODY = tracking_token_hash("")


@dataclass(frozen=True)
class Letter:
    kind: str
    written_at: datetime
    body: str


@dataclass(frozen=True)
class Tracking:
    reference: str
    status: str
    received_at: str | None
    due_at: str | None
    extended_to: str | None = None
    forwarded_to: str | None = None
    answer: str | None = None
    refusal: dict[str, Any] | None = None
    letters: list[Letter] = field(default_factory=list)


def track(session: Session, reference: str, token: str) -> Tracking:
    found = session.execute(
        select(ProcessInstance, PortalRequest.token_hash)
        .join(PortalRequest, PortalRequest.instance_id == ProcessInstance.id)
        .where(ProcessInstance.business_key == reference[:64])).first()
    expected = found[1] if found is not None else _NOBODY
    if not hmac.compare_digest(expected, tracking_token_hash(token)) or found is None:
        raise NotFound("no request has this reference and token")
    instance: ProcessInstance = found[0]
    data = instance.data or {}
    letters = [Letter(r.kind, r.created_at, r.body) for r in session.scalars(
        select(RequesterLetter).where(RequesterLetter.instance_id == instance.id).order_by(RequesterLetter.id))]
    answered = any(letter.kind == LetterKind.ANSWERED for letter in letters)
    outcome = data.get("outcome")
    deadline = data.get("deadline") if isinstance(data.get("deadline"), dict) else {}
    holder = data.get("forwarded_to") if isinstance(data.get("forwarded_to"), dict) else None
    refusal = data.get("refusal") if isinstance(data.get("refusal"), dict) else None
    return Tracking(
        reference=instance.business_key,
        status=_status(instance, outcome, answered),
        received_at=data.get("received_at"),
        due_at=data.get("due_at"),
        extended_to=data.get("due_at") if deadline.get("extensions") else None,
        forwarded_to=", ".join(str(v) for v in (holder.get("name"), holder.get("contact")) if v) if holder else None,
        answer=data.get("answer") if answered and outcome in ("answered", "partly_refused") else None,
        refusal=({"ground": refusal.get("ground"), "title": refusal.get("title"), "law": refusal.get("law"),
                  "appeal": refusal.get("appeal"), "withheld": data.get("withheld") if outcome == "partly_refused"
                  else None}
                 if answered and refusal and outcome in ("refused", "partly_refused") else None),
        letters=letters,
    )


def _status(instance: ProcessInstance, outcome: Any, answered: bool) -> str:
    """`open` while the office works on it; then the outcome the requester was told."""
    if instance.status == InstanceStatus.CANCELLED:
        return "cancelled"
    if outcome in ("forwarded", "withdrawn") or (answered and outcome in ("answered", "refused", "partly_refused")):
        return str(outcome)
    return "open"
