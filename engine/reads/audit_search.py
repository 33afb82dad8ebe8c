"""The auditors' searches: events by procedure, actor, type, case and office-local dates; cases by procedure,
status, unit and start date. Read only.

Event searches extend `engine.reads.queries.audit_events` (the REST API's search, so both filter alike) with the two
filters only the pages offer: the procedure and the case's registration number, both of the event's instance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, ProcessInstance
from db.vocabulary import InstanceStatus
from engine.reads import queries

CASE_STATUSES = tuple(InstanceStatus)


@dataclass(frozen=True)
class EventFilter:
    process_key: str | None = None
    actor: str | None = None
    type: str | None = None
    business_key: str | None = None
    since: date | None = None  # office-local days, both ends included
    until: date | None = None


@dataclass(frozen=True)
class CaseFilter:
    process_key: str | None = None
    status: str | None = None
    unit: str | None = None
    since: date | None = None
    until: date | None = None


def day_bounds(since: date | None, until: date | None, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """[start of `since`, start of the day after `until`) in the office's time zone: an auditor's "from 2 to 5
    March" means those office days whole, wherever the server runs."""
    start = datetime.combine(since, time(), tzinfo=tz) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=tz) if until else None
    return start, end


def events(session: Session, f: EventFilter, tz: ZoneInfo) -> Select[Any]:
    """Every matching event, in the order written (id; seq is null until sealed)."""
    since, until = day_bounds(f.since, f.until, tz)
    query = queries.audit_events(session, actor=f.actor, type=f.type, since=since, until=until)
    if f.process_key or f.business_key:
        cases = select(ProcessInstance.id)
        if f.process_key:
            cases = cases.where(ProcessInstance.process_key == f.process_key)
        if f.business_key:
            cases = cases.where(ProcessInstance.business_key == f.business_key)
        query = query.where(AuditEvent.instance_id.in_(cases))
    return query


def cases(session: Session, f: CaseFilter, tz: ZoneInfo) -> Select[Any]:
    """Every matching case, newest first."""
    query = select(ProcessInstance)
    if f.process_key:
        query = query.where(ProcessInstance.process_key == f.process_key)
    if f.status:
        query = query.where(queries.matches(ProcessInstance.status, InstanceStatus, f.status))
    if f.unit:
        query = query.where(ProcessInstance.unit_key == f.unit)
    since, until = day_bounds(f.since, f.until, tz)
    if since:
        query = query.where(ProcessInstance.started_at >= since)
    if until:
        query = query.where(ProcessInstance.started_at < until)
    return query.order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())


def event_types(session: Session) -> list[str]:
    """The event types the history holds, for the search's choice."""
    return list(session.scalars(select(AuditEvent.type).distinct().order_by(AuditEvent.type)))


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the field had no value before
    after: str | None  # None: the field has no value after


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """An event's data, field by field, before -> after, with unchanged fields left out when both sides exist.

    Nested values (a case's start data, a contact) are shown as compact JSON: an auditor reads what was
    stored, not a reinterpretation of it."""
    before, after = before or {}, after or {}
    rows = []
    for key in list(after) + [k for k in before if k not in after]:
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        rows.append(Change(key, _shown(old) if key in before else None, _shown(new) if key in after else None))
    return rows


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
