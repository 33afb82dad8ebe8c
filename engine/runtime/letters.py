"""Letters to the requester, who has no account: the office tells them that their request is registered (with its
number and deadline), that its deadline is extended and why (UA art. 20 part 4), that it was forwarded to the body
that holds the information (UA art. 22 part 3), and the answer or the refusal with its ground and appeal route.

Every letter is kept (`requester_letters`) and audited (`letter.written`), whether or not it can be e-mailed; it
goes out through the e-mail outbox (engine.background.mail) when the requester gave an address and the deployment
has an SMTP server. A diagram marks the step that tells the requester with the extension property `tells_requester`
(`registered`, `forwarded`, `answered`) on a plain task (`bpmn:task`, run by the engine); an extension tells them
from `engine.runtime.operations.extend`. The words are the jurisdiction profile's (`[letter]`), in the first
publication language, its dates as that language writes them in an official letter (`Words.letter_moment`); the
answer's text is the case's `letter` (composed by the diagram), followed by the names of the documents sent with it
(the case's `documents` as `send_answer` left them; none with a whole refusal), which the requester downloads from
the portal's tracking page. Everything here only flushes: the caller's transaction writes the letter with what
caused it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, RequesterLetter
from db.vocabulary import EmailStatus, EventType, LetterKind
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code
from engine.core.faults import CaseFault
from engine.core.jurisdiction import in_language
from engine.core.words import words
from engine.runtime import attachments
from engine.spiff.parser import own_property

PROPERTY = "tells_requester"
SUBJECT_LENGTH = 400


def told_by(task: Any) -> LetterKind | None:
    """The letter a completed SpiffWorkflow task writes to the requester, if it writes one."""
    value = own_property(task.task_spec, PROPERTY)
    return LetterKind(value) if value in {k.value for k in LetterKind} else None


def tell_requester(session: Session, ctx: EngineContext, instance: ProcessInstance, kind: LetterKind, *,
                   at: datetime, data: dict[str, Any] | None = None, reason: str | None = None
                   ) -> RequesterLetter | None:
    """Write the letter of `kind` from the case's data (`data`, else the case's as it stands); None when the case
    has no requester to tell (a procedure without one)."""
    data = data if data is not None else (instance.data or {})
    contact = data.get("contact")
    if not isinstance(contact, dict) or not data.get("requester_name"):
        return None
    body = _body(session, ctx, instance, kind, data, reason)
    address = contact.get("email") if isinstance(contact.get("email"), str) else None
    email = bool(address and ctx.settings.smtp_url)
    subject = f"{instance.business_key}: {data.get('subject') or ''}".strip()[:SUBJECT_LENGTH]
    row = RequesterLetter(instance_id=instance.id, kind=kind, address=address,
                          recipient=str(data["requester_name"])[:200], subject=subject, body=body, created_at=at,
                          email_status=EmailStatus.PENDING if email else EmailStatus.NONE, email_attempts=0)
    session.add(row)
    session.flush()
    chain.record(session, type=EventType.LETTER_WRITTEN, at=at, actor=None, instance_id=instance.id,
                 subject=instance.business_key,
                 after={"letter_id": row.id, "kind": kind, "to": row.recipient, "email": email, "body": body})
    return row


def of_case(session: Session, instance_id: int) -> list[RequesterLetter]:
    """What the requester was told, oldest first."""
    return list(session.scalars(select(RequesterLetter).where(RequesterLetter.instance_id == instance_id)
                                .order_by(RequesterLetter.id)))


def _body(session: Session, ctx: EngineContext, instance: ProcessInstance, kind: LetterKind, data: dict[str, Any],
          reason: str | None) -> str:
    language = ctx.settings.publication_languages[0]
    if kind == LetterKind.ANSWERED:
        letter = data.get("letter")
        if not isinstance(letter, str) or not letter:
            raise CaseFault("the case holds no letter to send the requester (`letter`)", code=Code.LETTER_MISSING)
        sent = attachments.chosen(session, instance.id, data.get("documents")) \
            if data.get("outcome") != "refused" else []
        if sent:
            heading = in_language(ctx.jurisdiction.data["letter"]["documents"], language)
            letter += f"\n\n{heading}:\n" + "\n".join(f"- {a.filename}" for a in sent)
        return letter
    template = in_language(ctx.jurisdiction.data["letter"][kind.value], language)
    holder = data.get("holder") if isinstance(data.get("holder"), dict) else {}
    due = data.get("due_at")
    return template.format(
        reference=instance.business_key, subject=data.get("subject") or "",
        due=_local(ctx, due, language) if isinstance(due, str) else "", reason=reason or "",
        holder=", ".join(str(v) for v in (holder.get("name"), holder.get("contact")) if v))


def _local(ctx: EngineContext, moment: str, language: str) -> str:
    """A due moment as the requester reads it in the letter's language: the office's date and time, and where that
    clock is."""
    return words(language).letter_moment(datetime.fromisoformat(moment), ctx.cal.timezone)
