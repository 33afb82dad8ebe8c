"""Distribution of a published release to the media (000 §4.2, 001 §9: releases go to the media with their photo,
video and audio materials; 003: to the journalists and bloggers who work with the information service, foreign
media and diplomatic missions).

When a release is published (engine.runtime.publications, at once or when its embargo timer fires), the case's
`distribution_lists` (ids of the registry's lists, chosen by the release's author or the PR department) name who
receives it: one delivery a journalist, however many of the lists they are in (and one an address, should two
journalists share one), active journalists only. Each delivery is the release in the recipient's language, the
first of their languages the release was translated into, else the state language (the first publication
language); it carries the link to the public page and the links to its media (`media_links`), never the files.
The e-mail goes out through the outbox (engine.background.mail, box "deliveries"); nothing exists to send before
the release is published, so nothing is sent before its embargo. Deliveries are recorded per recipient and their
fate (sent, failed, bounced) is kept on the row and in the audit trail. Everything here only flushes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Delivery, DistributionListMember, Journalist, ProcessInstance, Publication, User
from db.vocabulary import EmailStatus, EventType
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid, NotFound, problem
from engine.people.access import check_may_record_bounce

FIELD = "distribution_lists"
SUBJECT_LENGTH, REASON_LENGTH = 400, 2000


def media_links(public_url: str, publication: Publication) -> list[tuple[str, str]]:
    """The absolute links to a release's photos, video, audio and documents, for its e-mail: links only, since a
    video may weigh gigabytes, and the public site serves each file a published release carries to anyone."""
    return [(str(item.get("filename")), f"{public_url}/public/media/{item['id']}")
            for item in publication.content.get("media") or []]


def chosen_lists(data: dict[str, Any]) -> list[int]:
    value = data.get(FIELD)
    return [i for i in value if isinstance(i, int) and not isinstance(i, bool)] if isinstance(value, list) else []


def prepare(session: Session, ctx: EngineContext, instance: ProcessInstance, publication: Publication,
            data: dict[str, Any], *, at: datetime) -> list[Delivery]:
    """The deliveries of a release just published, one a recipient of its chosen lists (pending e-mail where the
    deployment has an SMTP server, else recorded as not e-mailed)."""
    lists = chosen_lists(data)
    if not lists:
        return []
    recipients = _recipients(session, lists)
    translations: dict[str, dict[str, str]] = publication.content.get("translations") or {}
    state_language = ctx.settings.publication_languages[0]
    link = f"{ctx.settings.public_url}/public/releases/{publication.id}"
    media = media_links(ctx.settings.public_url, publication)
    email = ctx.settings.smtp_url is not None
    rows = []
    for journalist in recipients:
        language = language_for(journalist.languages or [], translations, state_language)
        text = translations.get(language) or next(iter(translations.values()), {"title": "", "body": ""})
        rows.append(Delivery(
            instance_id=instance.id, publication_id=publication.id, journalist_id=journalist.id,
            address=journalist.email, recipient=journalist.name[:200], language=language,
            subject=" ".join(str(text.get("title", "")).split())[:SUBJECT_LENGTH] or instance.business_key,
            body=compose(text, link, media, instance.business_key), created_at=at,
            email_status=EmailStatus.PENDING if email else EmailStatus.NONE, email_attempts=0))
    session.add_all(rows)
    session.flush()
    chain.record(session, type=EventType.DISTRIBUTION_PREPARED, at=at, actor=None, instance_id=instance.id,
                 subject=f"releases:{publication.id}",
                 after={"lists": lists, "email": email,
                        "recipients": [{"delivery_id": r.id, "journalist_id": r.journalist_id, "address": r.address,
                                        "language": r.language} for r in rows]})
    return rows


def _recipients(session: Session, lists: list[int]) -> list[Journalist]:
    """The active journalists of `lists`, each once (and each address once), in the order they joined the lists."""
    found = session.scalars(
        select(Journalist).join(DistributionListMember, DistributionListMember.journalist_id == Journalist.id)
        .where(DistributionListMember.list_id.in_(lists), Journalist.active.is_(True))
        .order_by(DistributionListMember.id))
    seen_ids: set[int] = set()
    seen_addresses: set[str] = set()
    chosen = []
    for journalist in found:
        address = journalist.email.strip().lower()
        if journalist.id in seen_ids or address in seen_addresses:
            continue
        seen_ids.add(journalist.id)
        seen_addresses.add(address)
        chosen.append(journalist)
    return chosen


def language_for(preferred: list[Any], translations: dict[str, Any], state_language: str) -> str:
    """The first of the recipient's languages the release has, else the state language (else any it has)."""
    for language in preferred:
        if language in translations:
            return str(language)
    if state_language in translations or not translations:
        return state_language
    return next(iter(translations))


def compose(text: dict[str, Any], link: str, media: list[tuple[str, str]], business_key: str) -> str:
    """The e-mail's text: the release as published, the link to its public page and its media's links, each
    after its file's name."""
    parts = [str(text.get("title", "")), "", str(text.get("body", "")), "", link]
    parts += [f"{name}: {url}" for name, url in media]
    parts += ["", "-- ", business_key]
    return "\n".join(parts) + "\n"


# -- what became of a delivery -------------------------------------------------------------------------------

def record_bounce(session: Session, actor: User, delivery_id: int, reason: str, *, at: datetime) -> Delivery:
    """A sent delivery the mail system (or the journalist's office) reported undeliverable afterwards. Recording
    the same bounce again changes nothing; a delivery not sent yet, or failed, cannot bounce (409)."""
    check_may_record_bounce(actor)
    row = session.get(Delivery, delivery_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(f"delivery {delivery_id} does not exist", code=Code.DELIVERY_NOT_FOUND,
                       params={"delivery_id": delivery_id})
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > REASON_LENGTH:
        raise Invalid("say why it bounced", [problem("reason", Code.REQUIRED, "is required") if not text else
                                             problem("reason", Code.TOO_LONG, f"at most {REASON_LENGTH} characters",
                                                     limit=REASON_LENGTH)], code=Code.INVALID_INPUT)
    if row.email_status == EmailStatus.BOUNCED:
        return row
    if row.email_status != EmailStatus.SENT:
        raise Conflict(f"only a sent delivery can bounce; this one is {row.email_status}",
                       [{"field": "delivery_id", "message": f"the delivery is {row.email_status}"}],
                       code=Code.DELIVERY_NOT_SENT, params={"status": str(row.email_status)})
    row.email_status, row.bounced_at, row.email_error = EmailStatus.BOUNCED, at, text
    session.flush()
    chain.record(session, type=EventType.DELIVERY_BOUNCED, at=at, actor=actor.username, instance_id=row.instance_id,
                 subject=f"delivery:{row.id}", after={"delivery_id": row.id, "address": row.address, "reason": text})
    return row
