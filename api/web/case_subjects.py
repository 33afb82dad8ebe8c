"""What a case's history events are about when it is not one of its diagram's elements, named for a person: a file
by its name, a publication by its feed and title, a delivery by its recipient, a letter by its subject, a user by
the name they are known by. The chain stores ids (`b0e5a981-…`, `releases:1`, `delivery:7`); a press officer reads
"Пресс-релизы, «Мэрия открыла…»". The case's own registration number, as some events' subject, names nothing more."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from api.database import session as db_session
from api.web.i18n import current_language, label
from db.models import Attachment, Delivery, DistributionList, ProcessInstance, Publication, RequesterLetter, User

# A publication's feed as the public site titles it (api.web.views.public_site.FEED_NAMES, by the feed's key).
FEEDS = {"releases": _l("Press releases"), "responses": _l("Rebuttals and comments"),
         "drafts": _l("Draft acts for discussion")}
# The messages the shipped diagrams wait for, by the name their diagram gives them; a message of an administrator's
# own diagram is shown by its name made readable.
MESSAGES = {"clarification": _l("Clarification from the requester")}


def names(instance: ProcessInstance, subjects: Iterable[str]) -> dict[str, str]:
    """The name of each of `subjects` (of the case's events) that this module knows, by subject; one query for
    each kind of thing named. A subject it does not know (an element's id, another's) is not in the answer."""
    ids: dict[str, set[str]] = {"attachment": set(), "publication": set(), "delivery": set(), "letter": set()}
    found: dict[str, str] = {}
    for subject in set(subjects):
        kind, _sep, rest = subject.partition(":")
        if subject == instance.business_key:
            found[subject] = ""  # the case itself: its page says which
        elif kind in FEEDS and rest.isdigit():
            ids["publication"].add(rest)
        elif kind in ("delivery", "letter") and rest.isdigit():
            ids[kind].add(rest)
        elif kind == "user" and rest:
            found[subject] = rest  # named below where the person has an account
        elif _sep == "" and len(subject) == 36 and subject.count("-") == 4:  # an attachment's uuid
            ids["attachment"].add(subject)
    session = db_session()
    known = people({subject.partition(":")[2] for subject in found if subject.startswith("user:")})
    found |= {f"user:{username}": name for username, name in known.items()}
    if ids["attachment"]:
        for attachment_id, filename in session.execute(select(Attachment.id, Attachment.filename).where(
                Attachment.instance_id == instance.id, Attachment.id.in_(ids["attachment"]))):
            found[attachment_id] = filename
    if ids["publication"]:
        for row in session.scalars(select(Publication).where(
                Publication.instance_id == instance.id, Publication.id.in_([int(i) for i in ids["publication"]]))):
            found[f"{row.feed}:{row.id}"] = publication(row.feed, row.content)
    if ids["delivery"]:
        for delivery_id, recipient, address in session.execute(select(
                Delivery.id, Delivery.recipient, Delivery.address).where(
                Delivery.instance_id == instance.id, Delivery.id.in_([int(i) for i in ids["delivery"]]))):
            found[f"delivery:{delivery_id}"] = f"{recipient} <{address}>" if recipient else address
    if ids["letter"]:
        for letter_id, subject in session.execute(select(RequesterLetter.id, RequesterLetter.subject).where(
                RequesterLetter.instance_id == instance.id,
                RequesterLetter.id.in_([int(i) for i in ids["letter"]]))):
            found[f"letter:{letter_id}"] = subject
    return found


def publication(feed: str, content: dict[str, Any]) -> str:
    """A publication as "feed, “title”": a release by its title in the reader's language (else its first), a
    response by the outlet it answers, a draft act by its title."""
    title = _title(content)
    where = str(FEEDS[feed]) if feed in FEEDS else label(feed)
    return gettext("%(feed)s, “%(title)s”", feed=where, title=title) if title else where


def _title(content: dict[str, Any]) -> str:
    translations = content.get("translations")
    if isinstance(translations, dict) and translations:
        text = translations.get(current_language()) or next(iter(translations.values()))
        return " ".join(str((text or {}).get("title") or "").split()) if isinstance(text, dict) else ""
    if isinstance(content.get("outlet"), str) and content["outlet"]:
        return str(content["outlet"])
    return " ".join(str(content.get("title") or "").split())


def people(usernames: set[str]) -> dict[str, str]:
    """Each of `usernames` with the name the person is known by; one query. A username no account has (removed
    from the directory) is not in the answer, and is shown as it is."""
    names = {u for u in usernames if u and u != "system"}
    if not names:
        return {}
    return {username: display_name or username for username, display_name in db_session().execute(
        select(User.username, User.display_name).where(User.username.in_(names)))}


def lists(ids: set[int]) -> dict[int, str]:
    """The distribution lists `ids` by their names; one query."""
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return {}
    return {list_id: name for list_id, name in db_session().execute(
        select(DistributionList.id, DistributionList.name).where(DistributionList.id.in_(wanted)))}


def message(name: str) -> str:
    """A message a case received, as the reader reads it."""
    return str(MESSAGES[name]) if name in MESSAGES else label(name)
