"""The figures on requests for information that the access laws expect an office to keep (UA: Law 2939-VI art. 14
part 1 item 3, a record of requests; KG: Law No. 217; UZ: ZRU-369): for a period of receipt, per procedure and per
unit, how many were received, answered on time and late, refused (by ground), partly refused, forwarded, extended,
withdrawn, still open and overdue, and the median of the working days from receipt to the answer.

A case counts in the period of its day of receipt (`received_at`, office-local). An answer (answered, refused or
partly refused: each is an answer the law recognises) counts once it was sent (`sent_at` of the sending task), on
time when no later than `due_at`; an overdue case whose escalation is still open counts as answered all the same.
A cancelled case counts only as received. Hand-written: the counting is the law's, no library knows it.

Closing a reporting period: its figures are stored as they stand, with
the SHA-256 of their canonical JSON (keys sorted, no spaces, UTF-8), so that they no longer change when a case of the
period moves later; the audit trail records who closed it and the hash. A period may be closed once it has ended,
and periods never overlap."""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, ReportPeriod, User
from db.vocabulary import EventType, InstanceStatus
from engine.audit import chain
from engine.calendar import overrides
from engine.calendar.days import BusinessCalendar
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid
from engine.core.moments import parse_moment
from engine.people.access import check_may_close_reports, check_may_read_reports

PROCEDURES = ("information_request", "public_information_request")
ANSWERS = ("answered", "refused", "partly_refused")
FIGURES = ("received", "answered_on_time", "answered_late", "partly_refused", "forwarded", "extended", "withdrawn",
           "open", "overdue")


@dataclass(frozen=True)
class Report:
    period_from: date
    period_to: date
    items: list[dict[str, Any]]
    closed: ReportPeriod | None = None


def requests_report(session: Session, ctx: EngineContext, actor: User, period_from: date, period_to: date
                    ) -> Report:
    """The period's figures: the stored ones when exactly this period was closed, else counted now."""
    check_may_read_reports(actor)
    if period_to < period_from:
        raise Invalid("the period ends before it begins", [{"field": "to", "message": "is before 'from'"}],
                      code=Code.ENDS_BEFORE_START)
    closed = session.scalars(select(ReportPeriod).where(ReportPeriod.period_from == period_from,
                                                        ReportPeriod.period_to == period_to)).first()
    if closed is not None:
        return Report(period_from, period_to, closed.report["items"], closed)
    return Report(period_from, period_to, count(session, overrides.current(session, ctx), period_from, period_to,
                                                ctx.now()))


def count(session: Session, cal: BusinessCalendar, period_from: date, period_to: date,
          now: datetime) -> list[dict[str, Any]]:
    """One item a procedure, each with its units (`unit` None: no unit named)."""
    # received_at never lies after the registration, so a case received in the period was started in it or later.
    earliest = datetime.combine(period_from, time.min, tzinfo=cal.timezone)
    rows = session.scalars(select(ProcessInstance).where(ProcessInstance.process_key.in_(PROCEDURES),
                                                         ProcessInstance.started_at >= earliest)
                           .order_by(ProcessInstance.id))
    cases: dict[str, dict[str | None, list[ProcessInstance]]] = {key: defaultdict(list) for key in PROCEDURES}
    for row in rows:
        data = row.data or {}
        received = data.get("received_at")
        if not isinstance(received, str) or not period_from <= cal.local_date(received) <= period_to:
            continue
        unit = data.get("unit") if isinstance(data.get("unit"), str) else None
        cases[row.process_key][unit].append(row)
    items = []
    for key in PROCEDURES:
        everything = [c for group in cases[key].values() for c in group]
        item = {"process_key": key} | _figures(everything, cal, now)
        item["units"] = [{"unit": unit} | _figures(group, cal, now)
                         for unit, group in sorted(cases[key].items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]
        items.append(item)
    return items


def _figures(cases: list[ProcessInstance], cal: BusinessCalendar, now: datetime) -> dict[str, Any]:
    figures: dict[str, Any] = dict.fromkeys(FIGURES, 0)
    refused: dict[str, int] = defaultdict(int)
    days: list[int] = []
    for case in cases:
        data = case.data or {}
        outcome = data.get("outcome")
        due, sent = parse_moment(data.get("due_at"), aware=True), parse_moment(data.get("sent_at"), aware=True)
        figures["received"] += 1
        deadline = data.get("deadline")
        if isinstance(deadline, dict) and deadline.get("extensions"):
            figures["extended"] += 1
        # An answer counts once sent (an overdue case may stay running for its escalation after it).
        if outcome in ANSWERS and sent is not None:
            figures["answered_on_time" if due is None or sent <= due else "answered_late"] += 1
            received = parse_moment(data.get("received_at"), aware=True)
            if received is not None:
                days.append(cal.working_days_between(received, sent))
            if outcome == "refused":
                refused[str(data.get("refusal_ground") or "")] += 1
            elif outcome == "partly_refused":
                figures["partly_refused"] += 1
        elif outcome in ("forwarded", "withdrawn"):
            figures[outcome] += 1
        elif case.status == InstanceStatus.RUNNING:
            figures["open"] += 1
            if due is not None and now > due:
                figures["overdue"] += 1
    figures["refused"] = dict(sorted(refused.items()))
    # Always a float, as the API gives it, so that a closed report's hash is the hash of what a reader gets.
    figures["median_working_days"] = float(statistics.median(days)) if days else None
    return figures


def closed_periods(session: Session, actor: User) -> list[ReportPeriod]:
    check_may_read_reports(actor)
    return list(session.scalars(select(ReportPeriod).order_by(ReportPeriod.period_from)))


def canonical(report: dict[str, Any]) -> bytes:
    return json.dumps(report, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def close_period(session: Session, ctx: EngineContext, actor: User, period_from: date, period_to: date
                 ) -> ReportPeriod:
    check_may_close_reports(actor)
    now = ctx.now()
    cal = overrides.current(session, ctx)
    if period_to < period_from:
        raise Invalid("the period ends before it begins", [{"field": "to", "message": "is before 'from'"}],
                      code=Code.ENDS_BEFORE_START)
    today = now.astimezone(cal.timezone).date()
    if period_to >= today:
        raise Invalid("a period can be closed only once it has ended",
                      [{"field": "to", "message": f"must be before today ({today.isoformat()})"}],
                      code=Code.PERIOD_NOT_ENDED, params={"today": today.isoformat()})
    overlapping = session.scalars(select(ReportPeriod).where(ReportPeriod.period_from <= period_to,
                                                             ReportPeriod.period_to >= period_from)).first()
    if overlapping is not None:
        raise Conflict(f"the period {overlapping.period_from.isoformat()} to {overlapping.period_to.isoformat()} "
                       "is already closed and overlaps this one", code=Code.PERIOD_CLOSED,
                       params={"from": overlapping.period_from.isoformat(), "to": overlapping.period_to.isoformat()})
    report = {"from": period_from.isoformat(), "to": period_to.isoformat(),
              "items": count(session, cal, period_from, period_to, now)}
    digest = hashlib.sha256(canonical(report)).hexdigest()
    row = ReportPeriod(period_from=period_from, period_to=period_to, closed_at=now, closed_by=actor.username,
                       report=report, sha256=digest)
    session.add(row)
    session.flush()
    chain.record(session, type=EventType.REPORT_CLOSED, at=now, actor=actor.username, instance_id=None,
                 subject=f"report:{period_from.isoformat()}/{period_to.isoformat()}",
                 after={"from": report["from"], "to": report["to"], "sha256": digest})
    return row
