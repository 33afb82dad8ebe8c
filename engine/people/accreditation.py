"""Accreditation of the registry's journalists (engine.people.registry) to the office's events: valid on the days
from `valid_from` to `valid_until`, both included, in the office's calendar, unless revoked (with a reason, by
someone, at a moment). `accreditation_problem` says why a journalist is not accredited on a day, in words that name
them; `FormLookup` is what a case's form asks of the registry (engine.procedures.forms `x-registry`). Everything
only flushes; every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Accreditation, DistributionList, Journalist
from db.vocabulary import EventType
from engine.audit import chain
from engine.core.errors import Code, Conflict, Refusal
from engine.core.lookup import by_key
from engine.people.access import Actor, actor_name, check_may_keep_registry
from engine.people.registry import REASON_LENGTH, add_problem, checked_text, journalist_by_id, refuse


def accreditation_by_id(session: Session, accreditation_id: int) -> Accreditation:
    return by_key(session, Accreditation, accreditation_id, "accreditation")


def accredit(session: Session, journalist_id: int, *, valid_from: date, valid_until: date, actor: Actor,
             at: datetime) -> Accreditation:
    """Admit a journalist to the office's events on the days from `valid_from` to `valid_until`."""
    check_may_keep_registry(actor)
    journalist = journalist_by_id(session, journalist_id)
    errors: list[dict[str, Any]] = []
    if valid_until < valid_from:  # either may be the one mistyped: both are named
        add_problem(errors, "valid_from", "must not come after valid_until", Code.ENDS_BEFORE_START)
        add_problem(errors, "valid_until", "must not come before valid_from", Code.ENDS_BEFORE_START)
    if not journalist.active:
        add_problem(errors, "journalist_id", f"{journalist.name} no longer works with the office (inactive)",
                    Code.JOURNALIST_INACTIVE, name=journalist.name)
    refuse(errors, "accreditation")
    row = Accreditation(journalist_id=journalist.id, valid_from=valid_from, valid_until=valid_until,
                        granted_by=actor_name(actor), granted_at=at)
    session.add(row)
    session.flush()
    chain.record(session, type=EventType.ACCREDITATION_GRANTED, at=at, actor=actor_name(actor),
                 subject=f"journalist:{journalist.id}",
                 after={"accreditation_id": row.id, "journalist": journalist.name,
                        "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()})
    return row


def revoke(session: Session, accreditation_id: int, *, reason: str, actor: Actor, at: datetime) -> Accreditation:
    """End an accreditation early, with the reason (told to no one automatically; kept and audited)."""
    check_may_keep_registry(actor)
    row = accreditation_by_id(session, accreditation_id)
    errors: list[dict[str, Any]] = []
    text = checked_text(errors, "reason", reason, REASON_LENGTH, required=True)
    refuse(errors, "revocation")
    if row.revoked_at is not None:
        raise Conflict(f"the accreditation was already revoked on {row.revoked_at.date().isoformat()}",
                       [{"field": "reason", "message": "already revoked"}], code=Code.ALREADY_REVOKED,
                       params={"date": row.revoked_at.date().isoformat()})
    row.revoked_at, row.revoked_by, row.revoke_reason = at, actor_name(actor), text
    session.flush()
    chain.record(session, type=EventType.ACCREDITATION_REVOKED, at=at, actor=actor_name(actor),
                 subject=f"journalist:{row.journalist_id}", after={"accreditation_id": row.id, "reason": text})
    return row


def accreditations_of(session: Session, journalist_ids: Iterable[int]) -> dict[int, list[Accreditation]]:
    """Each journalist's accreditations, latest ending first."""
    ids = list(set(journalist_ids))
    found: dict[int, list[Accreditation]] = {i: [] for i in ids}
    if not ids:
        return found
    for row in session.scalars(select(Accreditation).where(Accreditation.journalist_id.in_(ids))
                               .order_by(Accreditation.valid_until.desc(), Accreditation.id.desc())):
        found[row.journalist_id].append(row)
    return found


def valid_on(rows: Iterable[Accreditation], day: date) -> Accreditation | None:
    return next((r for r in rows if r.revoked_at is None and r.valid_from <= day <= r.valid_until), None)


def accreditation_problem(journalist: Journalist, rows: list[Accreditation], day: date) -> Refusal | None:
    """Why `journalist` is not accredited on `day` (None when they are): it names them, their outlet and the
    accreditation that came closest."""
    if valid_on(rows, day) is not None and journalist.active:
        return None
    who, name = describe_who(journalist), journalist.name
    if not journalist.active:
        return Refusal(f"{who} no longer works with the office (inactive in the registry)",
                             Code.JOURNALIST_INACTIVE, {"name": name})
    if not rows:
        return Refusal(f"{who} has no accreditation", Code.NOT_ACCREDITED, {"name": name})
    covering = [r for r in rows if r.valid_from <= day <= r.valid_until]
    if covering:
        r = covering[0]
        revoked = r.revoked_at.date().isoformat() if r.revoked_at else None
        return Refusal(f"{who}: the accreditation was revoked on {revoked or ''} ({r.revoke_reason})",
                             Code.ACCREDITATION_REVOKED, {"name": name, "date": revoked})
    later = [r for r in rows if r.valid_from > day and r.revoked_at is None]
    if later:
        first = min(later, key=lambda r: r.valid_from)
        return Refusal(f"{who}: the accreditation is not yet valid on {day.isoformat()} "
                             f"(from {first.valid_from.isoformat()})",
                             Code.ACCREDITATION_NOT_YET, {"name": name, "date": first.valid_from.isoformat()})
    ended = max((r for r in rows if r.valid_until < day), key=lambda r: r.valid_until, default=None)
    if ended is not None:
        return Refusal(f"{who}: the accreditation expired on {ended.valid_until.isoformat()}",
                             Code.ACCREDITATION_EXPIRED, {"name": name, "date": ended.valid_until.isoformat()})
    return Refusal(f"{who}: the accreditation was revoked", Code.ACCREDITATION_REVOKED, {"name": name})


def describe_who(journalist: Journalist) -> str:
    outlet = journalist.outlet.name if journalist.outlet is not None else None
    return f"{journalist.name} ({outlet + ', ' if outlet else ''}journalist {journalist.id})"


# -- what the forms ask of the registry -------------------------------------------------------------------

class FormLookup:
    """What a case's form checks against the registry (engine.procedures.forms.Registry), in one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def journalist_problem(self, journalist_id: int, day: date | None) -> Refusal | None:
        """None when the journalist is in the registry (and, with `day`, accredited on it); else why not."""
        journalist = self._session.get(Journalist, journalist_id)
        if journalist is None:
            return Refusal(f"{journalist_id} is not a journalist of the registry", Code.NOT_A_RECORD,
                           {"value": journalist_id})
        if day is None:
            return None
        return accreditation_problem(journalist, accreditations_of(self._session, [journalist_id])[journalist_id], day)

    def list_exists(self, list_id: int) -> bool:
        return self._session.get(DistributionList, list_id) is not None
