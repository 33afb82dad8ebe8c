"""What a requester sees of their own request on the portal's private link: its status, the deadline the law gives
and any extension, where it was forwarded, and the answer or the refusal (its ground and the appeal route) once the
letter carrying it was written, with the documents sent with the answer (their names, types and sizes; each
downloaded with the same token, `sent_document`); and every letter the office wrote them. A wrong reference and a
wrong token read alike: not found, as do a file that is not among the documents sent and any file before then."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment, PortalRequest, ProcessInstance, RequesterLetter
from db.vocabulary import InstanceStatus, LetterKind
from engine.core.errors import Code, NotFound
from engine.people.credentials import tracking_token_hash
from engine.reads.attachments import chosen_of

# A hash compared when the reference is unknown, so that both refusals take the same time.
_NOBODY = tracking_token_hash("")


@dataclass(frozen=True)
class Letter:
    kind: str
    written_at: datetime
    body: str


@dataclass(frozen=True)
class Document:
    """A file sent with the answer, as the requester sees it."""

    id: str
    filename: str
    content_type: str
    size: int


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
    documents: list[Document] = field(default_factory=list)


def track(session: Session, reference: str, token: str) -> Tracking:
    instance = _requested(session, reference, token)
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
        documents=[Document(a.id, a.filename, a.content_type, a.size)
                   for a in _sent(session, instance, answered=answered)],
    )


def sent_document(session: Session, reference: str, token: str, attachment_id: str) -> Attachment:
    """One of the documents sent with the answer, to the holder of the request's token; not found alike for a wrong
    reference or token, a file of another case, a file of this case not sent, and any file before the answer."""
    instance = _requested(session, reference, token)
    answered = session.scalar(select(RequesterLetter.id).where(RequesterLetter.instance_id == instance.id,
                                                               RequesterLetter.kind == LetterKind.ANSWERED)
                              .limit(1)) is not None
    found = next((a for a in _sent(session, instance, answered=answered) if a.id == attachment_id), None)
    if found is None:
        raise NotFound("no request has this reference and token", code=Code.REQUEST_NOT_FOUND)
    return found


def _requested(session: Session, reference: str, token: str) -> ProcessInstance:
    found = session.execute(
        select(ProcessInstance, PortalRequest.token_hash)
        .join(PortalRequest, PortalRequest.instance_id == ProcessInstance.id)
        .where(ProcessInstance.business_key == reference[:64])).first()
    expected = found[1] if found is not None else _NOBODY
    if not hmac.compare_digest(expected, tracking_token_hash(token)) or found is None:
        raise NotFound("no request has this reference and token", code=Code.REQUEST_NOT_FOUND)
    return found[0]  # type: ignore[no-any-return]


def _sent(session: Session, instance: ProcessInstance, *, answered: bool) -> list[Attachment]:
    """The documents sent with the answer (the case's `documents` as sent), once the answer's letter is written; none
    with a whole refusal."""
    data = instance.data or {}
    if not answered or data.get("outcome") not in ("answered", "partly_refused"):
        return []
    return chosen_of(session, instance.id, data.get("documents"))


def _status(instance: ProcessInstance, outcome: Any, answered: bool) -> str:
    """`open` while the office works on it; then the outcome the requester was told."""
    if instance.status == InstanceStatus.CANCELLED:
        return "cancelled"
    if outcome in ("forwarded", "withdrawn") or (answered and outcome in ("answered", "refused", "partly_refused")):
        return str(outcome)
    return "open"
