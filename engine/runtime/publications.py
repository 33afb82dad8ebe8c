"""Publishing on the office's website: a diagram marks the task that publishes with the extension property
`publish` (`release`, `response`, `draft_act` or `adopted_act`: engine.runtime.draft_acts); when the engine
completes that task, what the case holds then is published.
Releases carry a translation into every publication language (JARCHY_PUBLICATION_LANGUAGES);
responses (rebuttals and comments) carry the outlet, its medium, the link (where the medium has one), the piece's
date and summary and the text; a rebuttal also each distorted claim with its explanation (002 §16).

A release also carries its materials (000 §4.2: photo, video and audio): the case's files named by its `media`
field, described as they were at the moment of publishing. Being named there is what makes a file public
(engine.reads.publications.published_file); every other file of the case stays with its readers. What is
published is indexed for the public archive in the same transaction (engine.runtime.archive)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment, ProcessInstance, Publication
from db.vocabulary import EventType
from engine.audit import chain
from engine.core.errors import Code
from engine.core.faults import CaseFault
from engine.runtime import draft_acts
from engine.runtime.archive import Version, index
from engine.spiff.parser import own_property

PROPERTY = "publish"


def publishes(task: Any) -> str | None:
    """The feed a completed SpiffWorkflow task publishes to, if it is a publishing task."""
    value = own_property(task.task_spec, PROPERTY)
    return value if value in ("release", "response", *draft_acts.KINDS) else None


def publish(session: Session, instance: ProcessInstance, what: str, data: dict[str, Any], *, actor: str | None,
            at: datetime, languages: tuple[str, ...]) -> Publication:
    if what in draft_acts.KINDS:
        # A draft act and its adopted text (003 item 11), side by side on the draft's page.
        feed, kind = draft_acts.FEED, what
        content = draft_acts.content(session, instance, what, data, lambda ids: media(session, instance.id, ids))
    elif what == "release":
        translations = data.get("translations") or {}
        missing = [lang for lang in languages if lang not in translations]
        if missing:
            raise CaseFault(f"the release has no translation into {', '.join(missing)}",
                            code=Code.TRANSLATION_MISSING, params={"languages": missing})
        feed, kind = "releases", str(data.get("kind") or "press_release")
        content = {"translations": {lang: translations[lang] for lang in languages},
                   "media": media(session, instance.id, data.get("media"))}
    else:
        feed, kind = "responses", str(data.get("response_kind") or "comment")
        content = {"outlet": data.get("outlet"), "url": data.get("url"), "text": data.get("text"),
                   "medium": data.get("medium"), "piece_published_at": data.get("published_at"),
                   "summary": data.get("summary")}
        if kind == "rebuttal":
            # 002 §16: the public reads what was distorted and what is true, claim by claim.
            content["explanations"] = [{"claim": e.get("claim"), "explanation": e.get("explanation")}
                                       for e in data.get("explanations") or [] if isinstance(e, dict)]
    row = Publication(feed=feed, kind=kind, instance_id=instance.id, business_key=instance.business_key,
                      published_at=at, content=content)
    session.add(row)
    session.flush()
    unit = data.get("unit")
    index(session, source=feed, source_id=row.id, kind=kind,
          unit=unit if isinstance(unit, str) and 0 < len(unit) <= 64 else instance.unit_key,
          business_key=instance.business_key, published_at=at, versions=archived_versions(feed, content))
    chain.record(session, type=EventType.PUBLICATION_PUBLISHED, at=at, actor=actor, instance_id=instance.id,
                 subject=f"{feed}:{row.id}", after={"feed": feed, "kind": kind} | content)
    return row


def media(session: Session, instance_id: int, ids: Any) -> list[dict[str, Any]]:
    """The case's files of `ids` in the order chosen, as the public sees them (the form has checked that each is a
    file of this case; one that is not is left out rather than published)."""
    chosen = [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
    if not chosen:
        return []
    rows = {row.id: row for row in session.scalars(
        select(Attachment).where(Attachment.instance_id == instance_id, Attachment.id.in_(chosen)))}
    return [{"id": row.id, "filename": row.filename, "kind": str(row.kind), "content_type": row.content_type,
             "size": row.size, "sha256": row.sha256, "has_thumbnail": row.has_thumbnail}
            for row in (rows.get(i) for i in dict.fromkeys(chosen)) if row is not None]


def archived_versions(feed: str, content: dict[str, Any]) -> list[Version]:
    """What the archive searches of a publication: a release's title and text in each of its languages, in the
    order published; a response's outlet (its title), its text, each explained claim and the piece's summary (a
    response records no language)."""
    if feed == draft_acts.FEED:
        return draft_acts.archived_versions(content)
    if feed == "releases":
        return [Version(lang, _text(t.get("title")), _text(t.get("body")))
                for lang, t in (content.get("translations") or {}).items() if isinstance(t, dict)]
    explained = [f"{_text(e.get('claim'))}: {_text(e.get('explanation'))}" for e in content.get("explanations") or []]
    parts = [content.get("text"), *explained, content.get("summary")]
    return [Version(None, _text(content.get("outlet")), "\n\n".join(_text(p) for p in parts if p))]


def _text(value: Any) -> str:
    return "" if value is None else str(value)
