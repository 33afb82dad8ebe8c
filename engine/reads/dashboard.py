"""The leadership dashboard's figures: pure read queries over the cases, at the engine clock's `now`.

- **Requests answered this month**: information requests completed with an answer or a refusal (both go to the
  requester; a withdrawn request was never answered) whose `completed_at` falls in the current month of the
  office's time zone; on time when `completed_at <= due_at` (the statutory deadline as the case last had it,
  pauses and extensions included).
- **Open cases** (`running`) by procedure and by unit (the unit the case concerns; none for global cases).
- **Oldest overdue open cases**: running, `due_at` passed, oldest deadline first.
- **Publications by tone**: the tone of what the media published about the office. The website's own
  publications (`db.models.Publication`: releases, rebuttals, comments) record no tone; the media's pieces are
  registered as `publication_response` cases, whose start form records `tone` (positive, neutral, negative) and
  the piece's `published_at`. Each such case is one piece, counted in the office-local month it was published.
  The daily digest's `monitor` lists also carry a tone, but they have no publication date of their own and a
  piece needing an answer is registered again as a `publication_response`, so counting them too would count
  pieces twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, Unit
from db.vocabulary import InstanceStatus
from engine.core.moments import parse_moment

REQUEST_KEY = "information_request"
ANSWERED_OUTCOMES = ("answered", "refused")
RESPONSE_KEY = "publication_response"
TONES = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Timeliness:
    month: date  # the first day of the office-local month counted
    on_time: int
    late: int


@dataclass(frozen=True)
class Count:
    key: str | None
    name: str | None
    count: int


@dataclass(frozen=True)
class ToneSeries:
    months: list[date]  # first days of the office-local months, oldest first
    counts: dict[str, list[int]]  # tone -> one count a month


def month_start(moment: datetime, tz: ZoneInfo, back: int = 0) -> date:
    """The first day of the office-local month of `moment`, or of the month `back` months before it."""
    local = moment.astimezone(tz)
    index = local.year * 12 + local.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _moment(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


def requests_answered(session: Session, now: datetime, tz: ZoneInfo) -> Timeliness:
    first = month_start(now, tz)
    after = month_start(now, tz, back=-1)
    rows = session.execute(
        select(ProcessInstance.completed_at, ProcessInstance.due_at, ProcessInstance.data)
        .where(ProcessInstance.process_key == REQUEST_KEY, ProcessInstance.status == InstanceStatus.COMPLETED,
               ProcessInstance.completed_at >= _moment(first, tz), ProcessInstance.completed_at < _moment(after, tz))
    ).all()
    on_time = late = 0
    for completed_at, due_at, data in rows:
        if (data or {}).get("outcome") not in ANSWERED_OUTCOMES:
            continue
        if due_at is None or completed_at <= due_at:
            on_time += 1
        else:
            late += 1
    return Timeliness(first, on_time, late)


def open_by_procedure(session: Session) -> list[Count]:
    rows = session.execute(
        select(ProcessInstance.process_key, func.count()).where(ProcessInstance.status == InstanceStatus.RUNNING)
        .group_by(ProcessInstance.process_key).order_by(func.count().desc(), ProcessInstance.process_key)
    ).all()
    return [Count(key, None, n) for key, n in rows]


def open_by_unit(session: Session) -> list[Count]:
    """Cases that concern no unit are counted under key None, last."""
    rows = session.execute(
        select(ProcessInstance.unit_key, Unit.name, func.count())
        .outerjoin(Unit, Unit.key == ProcessInstance.unit_key)
        .where(ProcessInstance.status == InstanceStatus.RUNNING)
        .group_by(ProcessInstance.unit_key, Unit.name)
    ).all()
    counts = [Count(key, name, n) for key, name, n in rows]
    return sorted(counts, key=lambda c: (c.key is None, -c.count, c.key or ""))


def oldest_overdue(session: Session, now: datetime, limit: int = 10) -> list[ProcessInstance]:
    return list(session.scalars(
        select(ProcessInstance).where(ProcessInstance.status == InstanceStatus.RUNNING, ProcessInstance.due_at < now)
        .order_by(ProcessInstance.due_at, ProcessInstance.id).limit(limit)
    ))


def publications_by_tone(session: Session, now: datetime, tz: ZoneInfo, months: int = 6) -> ToneSeries:
    """The last `months` office-local months, this one included."""
    firsts = [month_start(now, tz, back) for back in range(months - 1, -1, -1)]
    index = {first: i for i, first in enumerate(firsts)}
    counts = {tone: [0] * months for tone in TONES}
    # The registration (started_at) bounds the scan: a piece is registered after it appears, so only cases
    # started since the first month counted can have been published in it.
    rows = session.scalars(
        select(ProcessInstance.data).where(ProcessInstance.process_key == RESPONSE_KEY,
                                           ProcessInstance.started_at >= _moment(firsts[0], tz))
    )
    for data in rows:
        tone, published = (data or {}).get("tone"), _published(data or {}, tz)
        if tone in counts and published is not None:
            slot = index.get(date(published.year, published.month, 1))
            if slot is not None:
                counts[tone][slot] += 1
    return ToneSeries(firsts, counts)


def _published(data: dict[str, Any], tz: ZoneInfo) -> date | None:
    moment = parse_moment(data.get("published_at"))
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(tz).date()


@dataclass(frozen=True)
class Figures:
    requests: Timeliness
    open_by_procedure: list[Count]
    open_by_unit: list[Count]
    overdue: list[ProcessInstance]
    tones: ToneSeries


def figures(session: Session, now: datetime, tz: ZoneInfo) -> Figures:
    return Figures(
        requests=requests_answered(session, now, tz),
        open_by_procedure=open_by_procedure(session),
        open_by_unit=open_by_unit(session),
        overdue=oldest_overdue(session, now),
        tones=publications_by_tone(session, now, tz),
    )
