"""The leadership dashboard's figures over a span of days (`engine.calendar.periods.Span`: a week, a month, a quarter,
a year or custom days, in the office's time zone), as pure read queries; `now` for what is open and overdue now.

Each figure is counted with the cases list's own filters (`engine.reads.case_filters.CaseFilters`), and carries
them (`Figure.filters`), so that the page links each number to exactly the cases it counts.

- **Requests answered in the span**: information requests completed with an answer or a refusal (both go to the
  requester; a withdrawn request was never answered) whose `completed_at` falls in the span; on time when
  `completed_at <= due_at` (the statutory deadline as the case last had it, pauses and extensions included).
- **Cases received in the span** (`started_at`) by procedure and by unit (the unit the case concerns; none for
  global cases).
- **Now**: the cases open and, of them, those past their deadline; the oldest overdue ones listed.
- **Publications by tone**: the tone of what the media published about the office. The website's own
  publications (`db.models.Publication`: releases, rebuttals, comments) record no tone; the media's pieces are
  registered as `publication_response` cases, whose start form records `tone` (positive, neutral, negative) and
  the piece's `published_at`. Each such case is one piece, counted in the office-local month it was published,
  for the months of the span. The daily digest's `monitor` lists also carry a tone, but they have no publication
  date of their own and a piece needing an answer is registered again as a `publication_response`, so counting
  them too would count pieces twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, Unit
from db.vocabulary import InstanceStatus
from engine.calendar.periods import Span
from engine.reads.case_filters import RESPONSE_KEY, CaseFilters, published_pieces

REQUEST_KEY = "information_request"
ANSWERED_OUTCOMES = ("answered", "refused")
TONES = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Figure:
    """A number and the cases list's parameters that list exactly the cases it counts (`process_key`, `status`,
    and the fields of `CaseFilters`)."""

    count: int
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Timeliness:
    on_time: Figure
    late: Figure


@dataclass(frozen=True)
class Count:
    key: str | None
    name: str | None
    figure: Figure

    @property
    def count(self) -> int:
        return self.figure.count


@dataclass(frozen=True)
class ToneSeries:
    months: list[date]  # first days of the office-local months the span touches, oldest first
    counts: dict[str, list[int]]  # tone -> one count a month, only pieces published within the span
    figures: dict[str, list[Figure]]  # the same counts, each with the cases list's filters that list its pieces


def _filters(tz: ZoneInfo, now: datetime, **given: Any) -> tuple[CaseFilters, dict[str, Any]]:
    """The engine's filters and the same as the list's parameters (only those given)."""
    return CaseFilters(tz=tz, now=now, **given), given


def _count(session: Session, wheres: list[Any]) -> int:
    return session.scalar(select(func.count()).select_from(ProcessInstance).where(*wheres)) or 0


def requests_answered(session: Session, span: Span, tz: ZoneInfo, now: datetime) -> Timeliness:
    shown = {}
    for name, overdue in (("on_time", False), ("late", True)):
        filters, params = _filters(tz, now, closed_from=span.first, closed_to=span.last,
                                   outcome=ANSWERED_OUTCOMES, overdue=overdue)
        wheres = [ProcessInstance.process_key == REQUEST_KEY, ProcessInstance.status == InstanceStatus.COMPLETED,
                  *filters.clauses(session)]
        shown[name] = Figure(_count(session, wheres), {"process_key": REQUEST_KEY,
                                                       "status": InstanceStatus.COMPLETED.value, **params})
    return Timeliness(**shown)


def received_by_procedure(session: Session, span: Span, tz: ZoneInfo, now: datetime) -> list[Count]:
    filters, params = _filters(tz, now, started_from=span.first, started_to=span.last)
    rows = session.execute(
        select(ProcessInstance.process_key, func.count()).where(*filters.clauses(session))
        .group_by(ProcessInstance.process_key).order_by(func.count().desc(), ProcessInstance.process_key)
    ).all()
    return [Count(key, None, Figure(n, {"process_key": key, **params})) for key, n in rows]


def received_by_unit(session: Session, span: Span, tz: ZoneInfo, now: datetime) -> list[Count]:
    """Cases that concern no unit are counted under key None, last."""
    filters, params = _filters(tz, now, started_from=span.first, started_to=span.last)
    rows = session.execute(
        select(ProcessInstance.unit_key, Unit.name, func.count())
        .outerjoin(Unit, Unit.key == ProcessInstance.unit_key)
        .where(*filters.clauses(session))
        .group_by(ProcessInstance.unit_key, Unit.name)
    ).all()
    counts = [Count(key, name, Figure(n, {**params, **({"unit": key} if key else {"no_unit": True})}))
              for key, name, n in rows]
    return sorted(counts, key=lambda c: (c.key is None, -c.count, c.key or ""))


def open_now(session: Session, tz: ZoneInfo, now: datetime) -> tuple[Figure, Figure]:
    """The cases open now, and those of them past their deadline."""
    running = ProcessInstance.status == InstanceStatus.RUNNING
    late, params = _filters(tz, now, overdue=True)
    status = {"status": InstanceStatus.RUNNING.value}
    return (Figure(_count(session, [running]), status),
            Figure(_count(session, [running, *late.clauses(session)]), {**status, **params}))


def oldest_overdue(session: Session, now: datetime, limit: int = 10) -> list[ProcessInstance]:
    return list(session.scalars(
        select(ProcessInstance).where(ProcessInstance.status == InstanceStatus.RUNNING, ProcessInstance.due_at < now)
        .order_by(ProcessInstance.due_at, ProcessInstance.id).limit(limit)
    ))


def months_of(span: Span) -> list[date]:
    """The first days of the months the span touches, oldest first."""
    firsts, index = [], span.first.year * 12 + span.first.month - 1
    while date(index // 12, index % 12 + 1, 1) <= span.last:
        firsts.append(date(index // 12, index % 12 + 1, 1))
        index += 1
    return firsts


def publications_by_tone(session: Session, span: Span, tz: ZoneInfo) -> ToneSeries:
    firsts = months_of(span)
    index = {first: i for i, first in enumerate(firsts)}
    counts = {tone: [0] * len(firsts) for tone in TONES}
    for _piece, tone, published in published_pieces(session, tz, span.first, span.last):
        if tone in counts:
            counts[tone][index[date(published.year, published.month, 1)]] += 1
    # Each month's number lists the pieces of its tone published in the days of that month the span holds.
    bounds = [(max(first, span.first), min(_month_end(first), span.last)) for first in firsts]
    figures = {tone: [Figure(n, {"process_key": RESPONSE_KEY, "tone": tone, "published_from": first,
                                 "published_to": last}) for n, (first, last) in zip(numbers, bounds, strict=True)]
               for tone, numbers in counts.items()}
    return ToneSeries(firsts, counts, figures)


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@dataclass(frozen=True)
class Figures:
    span: Span
    requests: Timeliness
    received_by_procedure: list[Count]
    received_by_unit: list[Count]
    open: Figure
    overdue_now: Figure
    overdue: list[ProcessInstance]
    tones: ToneSeries


def figures(session: Session, now: datetime, tz: ZoneInfo, span: Span) -> Figures:
    """The dashboard over `span`; what is open and overdue as of `now`."""
    opened, late = open_now(session, tz, now)
    return Figures(
        span=span,
        requests=requests_answered(session, span, tz, now),
        received_by_procedure=received_by_procedure(session, span, tz, now),
        received_by_unit=received_by_unit(session, span, tz, now),
        open=opened,
        overdue_now=late,
        overdue=oldest_overdue(session, now),
        tones=publications_by_tone(session, span, tz),
    )
