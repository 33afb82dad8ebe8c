"""The registry of the media the office works with (002 §11; 003: the journalists and bloggers who work with the
information service, foreign media, diplomatic missions): outlets, journalists, their accreditations and the
distribution lists releases are sent to. Every change is checked here (`check_may_keep_registry`), validated here
(the API's schemas, the pages and the CSV import all end here) and recorded in the audit trail; everything only
flushes. Accreditations are engine.people.accreditation."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from marshmallow import ValidationError
from marshmallow.validate import Email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import DistributionList, DistributionListMember, Journalist, Outlet
from db.vocabulary import EventType, OutletKind
from engine.audit import chain
from engine.core.errors import Code, Conflict, Invalid, problem
from engine.core.lookup import by_key
from engine.people.access import Actor, actor_name, check_may_keep_registry

NAME_LENGTH, PHONE_LENGTH, WEBSITE_LENGTH, EMAIL_LENGTH, REASON_LENGTH = 200, 64, 300, 254, 2000
MAX_LANGUAGES = 10
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
# The territories Babel (CLDR) knows by a two-letter code: KG, UZ, UA, RU, ... (its numeric regions are left out).
_COUNTRIES = frozenset(code for code in Locale("en").territories if COUNTRY.match(code))
_email = Email()
OUTLET_FIELDS = ("name", "kind", "country", "email", "phone", "website")
JOURNALIST_FIELDS = ("name", "outlet_id", "email", "phone", "languages", "active")
LIST_FIELDS = ("name", "description", "journalist_ids")


# -- finding ----------------------------------------------------------------------------------------------

def outlet_by_id(session: Session, outlet_id: int) -> Outlet:
    return by_key(session, Outlet, outlet_id, "outlet")


def journalist_by_id(session: Session, journalist_id: int) -> Journalist:
    return by_key(session, Journalist, journalist_id, "journalist")


def list_by_id(session: Session, list_id: int) -> DistributionList:
    return by_key(session, DistributionList, list_id, "distribution list")


def members(session: Session, list_id: int) -> list[int]:
    """The journalist ids of a distribution list, in the order they were added."""
    return list(session.scalars(select(DistributionListMember.journalist_id)
                                .where(DistributionListMember.list_id == list_id)
                                .order_by(DistributionListMember.id)))


# -- rules ------------------------------------------------------------------------------------------------

def add_problem(errors: list[dict[str, Any]], field: str, message: str, code: Code = Code.INVALID_INPUT,
                **params: Any) -> None:
    """One field problem: the English `message` for logs, the `code` and `params` a page words it from."""
    errors.append(problem(field, code, message, **params))


def checked_text(errors: list[dict[str, Any]], field: str, value: Any, limit: int, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            add_problem(errors, field, "is required", Code.REQUIRED)
        return None
    if not isinstance(value, str):
        add_problem(errors, field, "must be text", Code.MUST_BE_TEXT)
        return None
    value = value.strip()
    if len(value) > limit:
        add_problem(errors, field, f"at most {limit} characters", Code.TOO_LONG, limit=limit)
    return value


def _email_address(errors: list[dict[str, Any]], field: str, value: Any, *, required: bool) -> str | None:
    text = checked_text(errors, field, value, EMAIL_LENGTH, required=required)
    if text is None:
        return None
    try:
        _email(text)
    except ValidationError:
        add_problem(errors, field, f"{text!r} is not an e-mail address", Code.NOT_AN_EMAIL, value=text)
    return text


def _country(errors: list[dict[str, Any]], value: Any) -> str | None:
    text = checked_text(errors, "country", value, 2, required=False)
    if text is None:
        return None
    text = text.upper()
    if text not in _COUNTRIES:
        add_problem(errors, "country", f"{text!r} is not a two-letter country code (ISO 3166-1: KG, UZ, UA, ...)",
                    Code.NOT_A_COUNTRY, value=text)
    return text


def _kind(errors: list[dict[str, Any]], value: Any) -> OutletKind | None:
    try:
        return OutletKind(value)
    except ValueError:
        add_problem(errors, "kind", "must be one of: " + ", ".join(k.value for k in OutletKind), Code.NOT_ONE_OF,
                    choices=[k.value for k in OutletKind])
        return None


def _languages(errors: list[dict[str, Any]], value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        add_problem(errors, "languages", "must be a list of language codes (ky, ru, uz, uk, en, ...)",
                    Code.NOT_A_LANGUAGE, value=None)
        return []
    codes: list[str] = []
    for code in (v.strip().lower() for v in value):
        try:
            known = bool(LANGUAGE.match(code)) and Locale.parse(code) is not None
        except (UnknownLocaleError, ValueError):
            known = False
        if not known:
            add_problem(errors, "languages", f"{code!r} is not a language code (ky, ru, uz, uk, en, ...)",
                        Code.NOT_A_LANGUAGE, value=code)
        elif code not in codes:
            codes.append(code)
    if len(codes) > MAX_LANGUAGES:
        add_problem(errors, "languages", f"at most {MAX_LANGUAGES} languages", Code.TOO_MANY, limit=MAX_LANGUAGES)
    return codes


def refuse(errors: list[dict[str, Any]], what: str) -> None:
    if errors:
        raise Invalid(f"the {what} has errors: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors),
                      errors, code=Code.INVALID_INPUT, params={"count": len(errors)})


def _name_taken(session: Session, model: type[Outlet] | type[DistributionList], name: str, own_id: int | None) -> bool:
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if own_id is not None:
        query = query.where(model.id != own_id)
    return session.scalar(query.limit(1)) is not None


def _duplicate(field: str, what: str, name: str) -> Conflict:
    return Conflict(f"{what} {name!r} already exists", [{"field": field, "message": "already exists"}],
                    code=Code.ALREADY_EXISTS, params={"value": name})


# -- outlets ----------------------------------------------------------------------------------------------

def outlet_values(values: dict[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An outlet's fields checked, and the problems found (each naming its field)."""
    errors: list[dict[str, Any]] = []
    out: dict[str, Any] = {}
    given = set(values) if partial else set(OUTLET_FIELDS)
    if "name" in given:
        out["name"] = checked_text(errors, "name", values.get("name"), NAME_LENGTH, required=True)
    if "kind" in given:
        out["kind"] = _kind(errors, values.get("kind"))
    if "country" in given:
        out["country"] = _country(errors, values.get("country"))
    if "email" in given:
        out["email"] = _email_address(errors, "email", values.get("email"), required=False)
    if "phone" in given:
        out["phone"] = checked_text(errors, "phone", values.get("phone"), PHONE_LENGTH, required=False)
    if "website" in given:
        out["website"] = checked_text(errors, "website", values.get("website"), WEBSITE_LENGTH, required=False)
    return out, errors


def create_outlet(session: Session, values: dict[str, Any], *, actor: Actor, at: datetime) -> Outlet:
    check_may_keep_registry(actor)
    checked, errors = outlet_values(values)
    refuse(errors, "outlet")
    if _name_taken(session, Outlet, checked["name"], None):
        raise _duplicate("name", "the outlet", checked["name"])
    row = Outlet(**checked, created_at=at, updated_at=at)
    session.add(row)
    session.flush()
    chain.record(session, type=EventType.OUTLET_CREATED, at=at, actor=actor_name(actor), subject=f"outlet:{row.id}",
                 after=describe_outlet(row))
    return row


def update_outlet(session: Session, outlet_id: int, changes: dict[str, Any], *, actor: Actor,
                  at: datetime) -> Outlet:
    check_may_keep_registry(actor)
    row = outlet_by_id(session, outlet_id)
    checked, errors = outlet_values(changes, partial=True)
    refuse(errors, "outlet")
    if "name" in checked and _name_taken(session, Outlet, checked["name"], row.id):
        raise _duplicate("name", "the outlet", checked["name"])
    _apply(session, row, checked, describe_outlet, EventType.OUTLET_UPDATED, f"outlet:{row.id}", actor, at)
    return row


def describe_outlet(row: Outlet) -> dict[str, Any]:
    return {"name": row.name, "kind": row.kind, "country": row.country, "email": row.email, "phone": row.phone,
            "website": row.website}


def _apply(session: Session, row: Any, checked: dict[str, Any], describe: Any, event: EventType, subject: str,
           actor: Actor, at: datetime) -> bool:
    """Set the checked values on `row`; record what changed (nothing is recorded when nothing did)."""
    before = describe(row)
    for name, value in checked.items():
        setattr(row, name, value)
    after = describe(row)
    if after == before:
        return False
    row.updated_at = at
    session.flush()
    chain.record(session, type=event, at=at, actor=actor_name(actor), subject=subject,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return True


# -- journalists ------------------------------------------------------------------------------------------

def journalist_values(session: Session, values: dict[str, Any], *, partial: bool = False
                      ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    out: dict[str, Any] = {}
    given = set(values) if partial else set(JOURNALIST_FIELDS)
    if "name" in given:
        out["name"] = checked_text(errors, "name", values.get("name"), NAME_LENGTH, required=True)
    if "email" in given:
        out["email"] = _email_address(errors, "email", values.get("email"), required=True)
    if "phone" in given:
        out["phone"] = checked_text(errors, "phone", values.get("phone"), PHONE_LENGTH, required=False)
    if "languages" in given:
        out["languages"] = _languages(errors, values.get("languages"))
    if "active" in given:
        active = values.get("active", True)
        if not isinstance(active, bool):
            add_problem(errors, "active", "must be true or false", Code.MUST_BE_BOOLEAN)
        out["active"] = active is not False
    if "outlet_id" in given:
        outlet_id = values.get("outlet_id")
        if outlet_id is not None and (not isinstance(outlet_id, int) or isinstance(outlet_id, bool)
                                      or session.get(Outlet, outlet_id) is None):
            add_problem(errors, "outlet_id", f"{outlet_id!r} is not an outlet of the registry", Code.NOT_A_RECORD,
                        value=outlet_id)
        out["outlet_id"] = outlet_id
    return out, errors


def create_journalist(session: Session, values: dict[str, Any], *, actor: Actor, at: datetime) -> Journalist:
    check_may_keep_registry(actor)
    checked, errors = journalist_values(session, values)
    refuse(errors, "journalist")
    row = Journalist(**checked, created_at=at, updated_at=at)
    session.add(row)
    session.flush()
    chain.record(session, type=EventType.JOURNALIST_CREATED, at=at, actor=actor_name(actor),
                 subject=f"journalist:{row.id}", after=describe_journalist(row))
    return row


def update_journalist(session: Session, journalist_id: int, changes: dict[str, Any], *, actor: Actor,
                      at: datetime) -> Journalist:
    check_may_keep_registry(actor)
    row = journalist_by_id(session, journalist_id)
    checked, errors = journalist_values(session, changes, partial=True)
    refuse(errors, "journalist")
    _apply(session, row, checked, describe_journalist, EventType.JOURNALIST_UPDATED, f"journalist:{row.id}", actor,
           at)
    session.expire(row, ["outlet"])  # read again: its outlet may have changed
    return row


def describe_journalist(row: Journalist) -> dict[str, Any]:
    return {"name": row.name, "outlet_id": row.outlet_id, "email": row.email, "phone": row.phone,
            "languages": list(row.languages or []), "active": row.active}


# -- distribution lists -----------------------------------------------------------------------------------

def list_values(session: Session, values: dict[str, Any], *, partial: bool = False
                ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    out: dict[str, Any] = {}
    given = set(values) if partial else set(LIST_FIELDS)
    if "name" in given:
        out["name"] = checked_text(errors, "name", values.get("name"), NAME_LENGTH, required=True)
    if "description" in given:
        out["description"] = checked_text(errors, "description", values.get("description"), REASON_LENGTH,
                                          required=False)
    if "journalist_ids" in given:
        ids = values.get("journalist_ids") or []
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            add_problem(errors, "journalist_ids", "must be a list of journalist ids", Code.NOT_A_RECORD, value=None)
            ids = []
        unique = list(dict.fromkeys(ids))
        known = set(session.scalars(select(Journalist.id).where(Journalist.id.in_(unique)))) if unique else set()
        for index, journalist_id in enumerate(ids):
            if journalist_id not in known:
                add_problem(errors, f"journalist_ids.{index}", f"{journalist_id} is not a journalist of the registry",
                            Code.NOT_A_RECORD, value=journalist_id)
        out["journalist_ids"] = unique
    return out, errors


def create_list(session: Session, values: dict[str, Any], *, actor: Actor, at: datetime) -> DistributionList:
    check_may_keep_registry(actor)
    checked, errors = list_values(session, values)
    refuse(errors, "distribution list")
    if _name_taken(session, DistributionList, checked["name"], None):
        raise _duplicate("name", "the distribution list", checked["name"])
    ids = checked.pop("journalist_ids")
    row = DistributionList(**checked, created_at=at, updated_at=at)
    session.add(row)
    session.flush()
    session.add_all(DistributionListMember(list_id=row.id, journalist_id=i) for i in ids)
    session.flush()
    chain.record(session, type=EventType.DISTRIBUTION_LIST_CREATED, at=at, actor=actor_name(actor),
                 subject=f"distribution_list:{row.id}",
                 after={"name": row.name, "description": row.description, "journalist_ids": ids})
    return row


def update_list(session: Session, list_id: int, changes: dict[str, Any], *, actor: Actor,
                at: datetime) -> DistributionList:
    """Rename, describe, or set the members (the whole list of journalist ids: who is not in it leaves)."""
    check_may_keep_registry(actor)
    row = list_by_id(session, list_id)
    checked, errors = list_values(session, changes, partial=True)
    refuse(errors, "distribution list")
    if "name" in checked and _name_taken(session, DistributionList, checked["name"], row.id):
        raise _duplicate("name", "the distribution list", checked["name"])
    before = {"name": row.name, "description": row.description, "journalist_ids": members(session, row.id)}
    after = dict(before)
    for name in ("name", "description"):
        if name in checked:
            setattr(row, name, checked[name])
            after[name] = checked[name]
    if "journalist_ids" in checked:
        wanted = checked["journalist_ids"]
        for member in session.scalars(select(DistributionListMember).where(DistributionListMember.list_id == row.id)):
            if member.journalist_id not in wanted:
                session.delete(member)
        have = set(before["journalist_ids"])
        session.add_all(DistributionListMember(list_id=row.id, journalist_id=i) for i in wanted if i not in have)
        after["journalist_ids"] = [i for i in before["journalist_ids"] if i in wanted] + \
            [i for i in wanted if i not in have]
    if after == before:
        return row
    row.updated_at = at
    session.flush()
    chain.record(session, type=EventType.DISTRIBUTION_LIST_UPDATED, at=at, actor=actor_name(actor),
                 subject=f"distribution_list:{row.id}",
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return row
