"""The office's own periodic report for leadership (issue 14, point 4): for a month, a quarter, a year or any
span of days, what the press office did: requests and their timeliness, releases published by kind and by
language, the responses to the media by verdict and outcome, the press conferences and briefings held, the
e-mails of releases to the media, the events supported and the draft acts published with the comments received.

Each part is one set-based query (grouped counts over an index-backed range; no loop over all cases): only the
requests reuse the request figures as they are (`engine.runtime.reporting`, stored figures for a closed period),
and the press conferences are decided day by day in Python over the few held near the period, since `held_at` is
written with its own offset. The page, `GET /api/v1/reports/office` and its CSV and PDF all call `office_report`.

A day is the office's: the period runs from the first day's midnight to the midnight after its last day, in the
office's time zone. Which moment counts: a release or response when published (`published_at`), a response case
when registered (`started_at`), a press conference or a supported event on the day it was held (`held_at`; its
case ended or still running, never a cancelled one), an e-mail of a release when the release was published. Each
range is an index's (publications by feed and `published_at`, archive rows by source and `published_at`, cases by
procedure and `started_at` or `completed_at`; e-mails are reached from their release).

The events supported (`event_support`) and the draft acts with their comments (`draft_act_publication`) are one
function each, `events_supported` and `draft_acts`: None ("not yet recorded") while their procedure is not
deployed.

Hand-written: the counting is the office's, no library knows it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from db.models import ArchiveEntry, Delivery, DraftComment, ProcessDefinition, ProcessInstance, Publication, User
from db.vocabulary import EmailStatus, InstanceStatus
from engine.calendar import overrides
from engine.context import EngineContext
from engine.core.errors import Code, Invalid, problem
from engine.procedures.discussion import FEED as DRAFT_FEED
from engine.procedures.discussion import PROCESS_KEY
from engine.runtime import reporting

PERIODS = ("month", "quarter", "year")
RELEASE_KINDS = ("press_release", "statement", "announcement", "report", "bulletin")
RESPONSE_KINDS = ("rebuttal", "comment")
VERDICTS = ("accurate", "distorted", "negative_true", "unverified")
# What came of a registered piece, one outcome a case: still worked on; closed as accurate (no response due);
# resolved after the observation; not resolved, no further step; escalated to a press conference or briefing;
# cancelled.
OUTCOMES = ("in_progress", "no_response", "resolved", "not_resolved", "escalated", "cancelled")
CONFERENCE_FORMATS = ("press_conference", "briefing")
DELIVERY_STATUSES = ("sent", "pending", "not_sent", "failed", "bounced")
REQUEST_FIGURES = ("received", "answered_on_time", "answered_late", "refused", "partly_refused", "forwarded",
                   "extended", "withdrawn", "open", "overdue", "median_working_days")
RESPONSE_KEY = "publication_response"
CONFERENCE_KEYS = ("press_conference", RESPONSE_KEY)  # on its own, or called inside a response
EVENT_KEY = "event_support"
DRAFT_KEY = PROCESS_KEY  # draft_act_publication


@dataclass(frozen=True)
class Period:
    """The span reported: `kind` month, quarter, year or range; `of` how it was asked (`2026-03`, `2026-Q1`,
    `2026`), None for a range."""

    kind: str
    of: str | None
    first: date
    last: date


@dataclass(frozen=True)
class OfficeReport:
    period: Period
    figures: dict[str, Any]
    requests_closed: bool  # the request figures are those stored when their period was closed


def resolve_period(period: str | None, of: str | None, first: date | None, last: date | None,
                   today: date) -> Period:
    """A month (`of` 2026-03), a quarter (2026-Q1), a year (2026), or the days `first` to `last`; nothing at all:
    the month of `today` (the office's); `Invalid` naming the offending parameter otherwise."""
    if period is None and of is None and first is None and last is None:
        return resolve_period("month", f"{today.year:04d}-{today.month:02d}", None, None, today)
    # Where two parameters go together, a refusal names both: the one missing and the one given.
    if period is None:
        if of is not None:
            raise Invalid("'of' goes with 'period'",
                          [problem("period", Code.GOES_WITH, "is required with 'of'", other="of"),
                           problem("of", Code.GOES_WITH, "needs 'period'", other="period")], code=Code.INVALID_INPUT)
        if first is None or last is None:
            given, missing = ("from", "to") if first is not None else ("to", "from")
            raise Invalid("give a period and what it is of, or the first and last day",
                          [problem(missing, Code.GOES_WITH, f"is required with '{given}'", other=given),
                           problem(given, Code.GOES_WITH, f"needs '{missing}'", other=missing)],
                          code=Code.INVALID_INPUT)
        if last < first:
            raise Invalid("the period ends before it begins", [{"field": "to", "message": "is before 'from'"}],
                          code=Code.ENDS_BEFORE_START)
        return Period("range", None, first, last)
    if period not in PERIODS:
        raise Invalid("unknown period", [{"field": "period", "message": f"must be one of {', '.join(PERIODS)}"}],
                      code=Code.NOT_ONE_OF, params={"value": period, "choices": list(PERIODS)})
    if first is not None or last is not None:
        raise Invalid("give either a period or the first and last day, not both",
                      [problem("from" if first is not None else "to", Code.GOES_WITHOUT, "goes without 'period'",
                               other="period"),
                       problem("period", Code.GOES_WITHOUT, "goes without 'from' and 'to'", other="from")],
                      code=Code.INVALID_INPUT)
    if of is None:
        raise Invalid(f"'period' {period} needs 'of'", [problem("of", Code.GOES_WITH, "is required with 'period'",
                                                                other="period"),
                                                        problem("period", Code.GOES_WITH, "needs 'of'", other="of")],
                      code=Code.INVALID_INPUT)
    shapes = {"month": r"(\d{4})-(\d{2})", "quarter": r"(\d{4})-Q([1-4])", "year": r"(\d{4})"}
    found = re.fullmatch(shapes[period], of)
    examples = {"month": "2026-03", "quarter": "2026-Q1", "year": "2026"}
    if found is None or not 1900 <= int(found.group(1)) <= 9998 or \
            (period == "month" and not 1 <= int(found.group(2)) <= 12):
        raise Invalid(f"'of' must name a {period}", [{"field": "of", "message": f"must be like {examples[period]}"}],
                      code=Code.PERIOD_SHAPE, params={"example": examples[period]})
    year = int(found.group(1))
    if period == "year":
        return Period(period, of, date(year, 1, 1), date(year, 12, 31))
    month = int(found.group(2)) if period == "month" else 3 * int(found.group(2)) - 2
    months = 1 if period == "month" else 3
    after = date(year + (month + months - 1) // 12, (month + months - 1) % 12 + 1, 1)
    return Period(period, of, date(year, month, 1), after - timedelta(days=1))


def today(session: Session, ctx: EngineContext) -> date:
    """The office's day now, which a report with no period given is of."""
    return ctx.now().astimezone(overrides.current(session, ctx).timezone).date()


def office_report(session: Session, ctx: EngineContext, actor: User, period: Period) -> OfficeReport:
    """The period's figures; read by leadership, the PR head, auditors and administrators (the request figures'
    rule, `engine.people.access.check_may_read_reports`, which `reporting.requests_report` applies)."""
    requests = reporting.requests_report(session, ctx, actor, period.first, period.last)
    tz = overrides.current(session, ctx).timezone
    start = datetime.combine(period.first, time.min, tzinfo=tz)
    end = datetime.combine(period.last + timedelta(days=1), time.min, tzinfo=tz)
    figures = {
        "requests": _requests(requests.items),
        "releases": releases(session, start, end, ctx.settings.publication_languages),
        "responses": responses(session, start, end),
        "press_conferences": press_conferences(session, period, tz),
        "distribution": distribution(session, start, end),
        "events_supported": events_supported(session, period, tz),
        "draft_acts": draft_acts(session, start, end),
    }
    return OfficeReport(period, figures, requests.closed is not None)


def _requests(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Per procedure the request figures (without their units), and the totals of both."""
    procedures = [{"process_key": item["process_key"]} | {name: item[name] for name in REQUEST_FIGURES}
                  for item in items]
    total = {name: sum(p[name] for p in procedures) for name in REQUEST_FIGURES
             if name not in ("refused", "median_working_days")}
    total["refused"] = sum(sum(p["refused"].values()) for p in procedures)
    return {"procedures": procedures, "total": total}


def _zeros(keys: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


def releases(session: Session, start: datetime, end: datetime, languages: tuple[str, ...]) -> dict[str, Any]:
    """Releases published in the span, by kind; by language, one a language version (a release in Kyrgyz and
    Russian counts once for each), from the archive's one row a version."""
    by_kind = _zeros(RELEASE_KINDS)
    for kind, n in session.execute(select(Publication.kind, func.count()).where(
            Publication.feed == "releases", Publication.published_at >= start, Publication.published_at < end)
            .group_by(Publication.kind)):
        by_kind[kind] = n
    by_language = _zeros(languages)
    for lang, n in session.execute(select(ArchiveEntry.lang, func.count()).where(
            ArchiveEntry.source == "releases", ArchiveEntry.published_at >= start, ArchiveEntry.published_at < end)
            .group_by(ArchiveEntry.lang)):
        by_language[lang or "und"] = n
    return {"published": sum(by_kind.values()), "by_kind": by_kind, "by_language": by_language}


def responses(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Pieces of the media registered in the span (`publication_response`), by verdict and by outcome, and the
    rebuttals and comments published on the site in it."""
    data = ProcessInstance.data
    # Grouped through a subquery: PostgreSQL groups by the labels, not by JSON paths bound twice.
    cases = (select(ProcessInstance.status.label("status"), data["verdict"].as_string().label("verdict"),
                    data["resolved"].as_boolean().label("resolved"), data["escalate"].as_string().label("escalate"))
             .where(ProcessInstance.process_key == RESPONSE_KEY, ProcessInstance.started_at >= start,
                    ProcessInstance.started_at < end).subquery())
    rows = session.execute(select(cases.c.status, cases.c.verdict, cases.c.resolved, cases.c.escalate, func.count())
                           .group_by(cases.c.status, cases.c.verdict, cases.c.resolved, cases.c.escalate))
    by_verdict, by_outcome = _zeros(VERDICTS), _zeros(OUTCOMES)
    for status, verdict, resolved, escalate, n in rows:
        by_verdict[verdict if verdict in VERDICTS else "unverified"] += n
        by_outcome[_outcome(status, verdict, resolved, escalate)] += n
    published = _zeros(RESPONSE_KINDS)
    for kind, n in session.execute(select(Publication.kind, func.count()).where(
            Publication.feed == "responses", Publication.published_at >= start, Publication.published_at < end)
            .group_by(Publication.kind)):
        published[kind] = n
    return {"registered": sum(by_verdict.values()), "by_verdict": by_verdict, "by_outcome": by_outcome,
            "published": published}


def _outcome(status: Any, verdict: str | None, resolved: bool | None, escalate: str | None) -> str:
    if status == InstanceStatus.CANCELLED:
        return "cancelled"
    if escalate in CONFERENCE_FORMATS:
        return "escalated"
    if resolved is True:
        return "resolved"
    if resolved is False:
        return "not_resolved"
    if verdict == "accurate" and status == InstanceStatus.COMPLETED:
        return "no_response"
    return "in_progress"


def press_conferences(session: Session, period: Period, tz: Any) -> dict[str, Any]:
    """Press conferences and briefings held in the span, on their own (`press_conference`) or called inside a
    response (whose case then carries the called procedure's `held_at`, `format` and `outcome`)."""
    data = ProcessInstance.data
    held_at = data["held_at"].as_string()
    start = datetime.combine(period.first, time.min, tzinfo=tz)
    # `held_at` is ISO 8601 with its offset: its text sorts by its own day, within a day of the office's, which
    # decides below.
    held = select(held_at, data["format"].as_string()).where(
        ProcessInstance.process_key.in_(CONFERENCE_KEYS), data["outcome"].as_string() == "held",
        held_at >= (period.first - timedelta(days=1)).isoformat(),
        held_at < (period.last + timedelta(days=2)).isoformat())
    rows = session.execute(union_all(*_held_since(held, start)))
    by_format = _zeros(CONFERENCE_FORMATS)
    for moment, format_ in rows:
        try:
            day = datetime.fromisoformat(moment).astimezone(tz).date()
        except (TypeError, ValueError):
            continue
        if period.first <= day <= period.last:
            by_format[format_ if format_ in CONFERENCE_FORMATS else "press_conference"] += 1
    return {"held": sum(by_format.values()), "by_format": by_format}


def distribution(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """The e-mails of the releases published in the span to the registry's journalists (queued when the release
    is published), by what became of them: sent, pending (`sending` too), not sent (`none`: no mail server
    configured), failed, bounced."""
    counts = _zeros(DELIVERY_STATUSES)
    for status, n in session.execute(select(Delivery.email_status, func.count()).select_from(Publication)
                                     .join(Delivery, Delivery.publication_id == Publication.id)
                                     .where(Publication.feed == "releases", Publication.published_at >= start,
                                            Publication.published_at < end).group_by(Delivery.email_status)):
        word = {EmailStatus.NONE: "not_sent", EmailStatus.SENDING: "pending"}.get(status, str(status))
        counts[word if word in DELIVERY_STATUSES else "pending"] += n
    return {"emails": sum(counts.values()), "by_status": counts}


def events_supported(session: Session, period: Period, tz: Any) -> dict[str, int] | None:
    """The leadership's events given information support (`event_support`, docs/event_support.md) held in the
    span, as `{"supported": n}`: by the rule of the press conferences, an event counts on the day it was held
    (`held_at`: its `starts_at` once the preparation was done), whatever became of its case after (its closing
    release may come later; a case cancelled or failed after the event still held it); one cancelled before it
    (`change_event`) never has a `held_at`. A case of a version that kept no `held_at` counts on its `starts_at`
    once it ended held. None ("not yet recorded") while the procedure is not deployed."""
    if session.scalars(select(ProcessDefinition.id).where(ProcessDefinition.key == EVENT_KEY).limit(1)).first() \
            is None:
        return None
    data = ProcessInstance.data
    held_at, starts_at = data["held_at"].as_string(), data["starts_at"].as_string()
    start = datetime.combine(period.first, time.min, tzinfo=tz)
    low, high = (period.first - timedelta(days=1)).isoformat(), (period.last + timedelta(days=2)).isoformat()
    held = select(held_at).where(ProcessInstance.process_key == EVENT_KEY, held_at >= low, held_at < high)
    earlier = select(starts_at).where(ProcessInstance.process_key == EVENT_KEY, held_at.is_(None),
                                      data["outcome"].as_string() == "held", starts_at >= low, starts_at < high,
                                      ProcessInstance.completed_at >= start)
    rows = session.scalars(union_all(*_held_since(held, start), earlier))
    return {"supported": sum(1 for moment in rows if _on_a_day(moment, tz, period.first, period.last))}


def draft_acts(session: Session, start: datetime, end: datetime) -> dict[str, int] | None:
    """Draft normative acts published for public discussion (`draft_act_publication`, docs/draft_acts.md) in the
    span (`published_at` of the draft on the site) and the public's comments received in it (`submitted_at`,
    whatever their moderation), as `{"published": n, "comments": n}`; None ("not yet recorded") while the
    procedure is not deployed."""
    if session.scalars(select(ProcessDefinition.id).where(ProcessDefinition.key == DRAFT_KEY).limit(1)).first() \
            is None:
        return None
    published = session.scalar(select(func.count()).select_from(Publication).where(
        Publication.feed == DRAFT_FEED, Publication.kind == "draft_act", Publication.published_at >= start,
        Publication.published_at < end)) or 0
    comments = session.scalar(select(func.count()).select_from(DraftComment).where(
        DraftComment.submitted_at >= start, DraftComment.submitted_at < end)) or 0
    return {"published": published, "comments": comments}


def _held_since(held: Any, start: datetime) -> tuple[Any, Any]:
    """The cases of `held` that may have held their event from `start` on, whatever became of them after: those
    that ended since (completed or cancelled) and those still open or failed (no `completed_at`). Two selects, not
    an OR, so that each is its index's range. One rule for press conferences and events supported alike."""
    return (held.where(ProcessInstance.completed_at >= start),
            held.where(ProcessInstance.status.in_((InstanceStatus.RUNNING, InstanceStatus.FAILED))))


def _on_a_day(moment: Any, tz: Any, first: date, last: date) -> bool:
    try:
        return first <= datetime.fromisoformat(moment).astimezone(tz).date() <= last
    except (TypeError, ValueError):
        return False
