"""The registry of the media as the pages and the API list it: outlets, journalists with their accreditations,
distribution lists with their members, and the choices a case's form offers (engine.procedures.forms
`with_registry`). Reads only; the changes are engine.people.registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Accreditation, DistributionList, DistributionListMember, Journalist, Outlet
from engine.core.paging import Paged, paged
from engine.people.accreditation import accreditations_of, valid_on


@dataclass(frozen=True)
class JournalistRow:
    """A journalist with their accreditations (latest ending first) and the one valid on the day asked about."""

    journalist: Journalist
    accreditations: list[Accreditation]
    current: Accreditation | None
    list_ids: list[int]


@dataclass(frozen=True)
class ListRow:
    row: DistributionList
    journalist_ids: list[int]


def outlets(session: Session, *, page: int = 1, per_page: int = 100, q: str | None = None,
            kind: str | None = None) -> Paged[Outlet]:
    query = select(Outlet).order_by(func.lower(Outlet.name), Outlet.id)
    if q:
        query = query.where(func.lower(Outlet.name).contains(q.lower(), autoescape=True))
    if kind:
        query = query.where(Outlet.kind == kind)
    return paged(session, query, page, per_page)


def all_outlets(session: Session) -> list[Outlet]:
    return list(session.scalars(select(Outlet).order_by(func.lower(Outlet.name), Outlet.id)))


def journalists(session: Session, day: date, *, page: int = 1, per_page: int = 100, q: str | None = None,
                outlet_id: int | None = None, list_id: int | None = None, accredited: bool | None = None,
                active: bool | None = None) -> Paged[JournalistRow]:
    """Journalists by name; `accredited` keeps those accredited (or not) on `day`."""
    query = select(Journalist).order_by(func.lower(Journalist.name), Journalist.id)
    if q:
        needle = q.lower()
        query = query.where(or_(func.lower(Journalist.name).contains(needle, autoescape=True),
                                func.lower(Journalist.email).contains(needle, autoescape=True)))
    if outlet_id is not None:
        query = query.where(Journalist.outlet_id == outlet_id)
    if list_id is not None:
        query = query.where(Journalist.id.in_(select(DistributionListMember.journalist_id)
                                              .where(DistributionListMember.list_id == list_id)))
    if active is not None:
        query = query.where(Journalist.active.is_(active))
    if accredited is not None:
        valid = select(Accreditation.journalist_id).where(
            Accreditation.revoked_at.is_(None), Accreditation.valid_from <= day, Accreditation.valid_until >= day)
        query = query.where(Journalist.id.in_(valid) if accredited else Journalist.id.not_in(valid))
    found = paged(session, query, page, per_page)
    return Paged(_with_accreditations(session, found.items, day), found.total, found.page, found.per_page)


def journalist(session: Session, row: Journalist, day: date) -> JournalistRow:
    return _with_accreditations(session, [row], day)[0]


def _with_accreditations(session: Session, rows: list[Journalist], day: date) -> list[JournalistRow]:
    ids = [r.id for r in rows]
    accreditations = accreditations_of(session, ids)
    lists: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for list_id, journalist_id in session.execute(
                select(DistributionListMember.list_id, DistributionListMember.journalist_id)
                .where(DistributionListMember.journalist_id.in_(ids)).order_by(DistributionListMember.list_id)):
            lists[journalist_id].append(list_id)
    return [JournalistRow(r, accreditations[r.id], valid_on(accreditations[r.id], day), lists[r.id]) for r in rows]


def all_journalists(session: Session) -> list[Journalist]:
    return list(session.scalars(select(Journalist).order_by(func.lower(Journalist.name), Journalist.id)))


def distribution_lists(session: Session) -> list[ListRow]:
    """Every distribution list by name, with its members' ids."""
    rows = list(session.scalars(select(DistributionList).order_by(func.lower(DistributionList.name))))
    members: dict[int, list[int]] = {r.id: [] for r in rows}
    for list_id, journalist_id in session.execute(
            select(DistributionListMember.list_id, DistributionListMember.journalist_id)
            .order_by(DistributionListMember.id)):
        members.setdefault(list_id, []).append(journalist_id)
    return [ListRow(r, members[r.id]) for r in rows]


def choices(session: Session) -> dict[str, list[tuple[int, str]]]:
    """What a form's `x-registry` fields offer: the active journalists ("Name (Outlet)") and the distribution
    lists, by name."""
    people = session.execute(
        select(Journalist.id, Journalist.name, Outlet.name).outerjoin(Outlet, Outlet.id == Journalist.outlet_id)
        .where(Journalist.active.is_(True)).order_by(func.lower(Journalist.name), Journalist.id)).all()
    lists = session.execute(select(DistributionList.id, DistributionList.name)
                            .order_by(func.lower(DistributionList.name))).all()
    return {"journalist": [(i, f"{name} ({outlet})" if outlet else name) for i, name, outlet in people],
            "distribution_list": [(i, name) for i, name in lists]}


def names(session: Session, journalist_ids: list[int]) -> dict[int, str]:
    """Journalists' names with their outlets, for showing a case's data."""
    if not journalist_ids:
        return {}
    rows = session.execute(select(Journalist.id, Journalist.name, Outlet.name)
                           .outerjoin(Outlet, Outlet.id == Journalist.outlet_id)
                           .where(Journalist.id.in_(journalist_ids))).all()
    return {i: f"{name} ({outlet})" if outlet else name for i, name, outlet in rows}

