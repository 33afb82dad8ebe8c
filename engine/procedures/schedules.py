"""Timer start events: a deployed process whose start event is a timer starts a new case at each
occurrence (a date, a delay after deployment, or an ISO 8601 cycle such as `R/2026-01-05T09:00:00+06:00/P1D`).

Each start timer is a row with its next moment; the sweep claims a due row with a conditional UPDATE that
moves it to the following occurrence, in the same transaction as the case it starts, so an occurrence
starts one case however many sweepers race. Occurrences missed while nothing ran start one case, late;
the schedule then continues from the future. The extension property `workingDaysOnly` = `true` on the
start event skips occurrences on days the calendar says are not working days. A start timer whose expression
cannot be evaluated (it fails, runs past the sandbox's bound, or gives a cycle of zero length, which would
start cases without pause) is switched off and logged, so it never holds up the sweep or other procedures'
starts. Hand-written: SpiffWorkflow runs a timer start event inside one case and has no scheduler."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessDefinition, StartTimer
from db.vocabulary import EventType
from engine.audit import chain
from engine.calendar import overrides
from engine.calendar.days import BusinessCalendar
from engine.context import EngineContext
from engine.core.faults import describe
from engine.procedures.definitions import list_latest
from engine.spiff.parser import NS, parse_xml
from engine.spiff.sandbox_process import SandboxUnavailable

log = logging.getLogger(__name__)
MAX_SKIPPED = 4000  # occurrences skipped while looking for the next working one (about 10 years daily)


@dataclass(frozen=True)
class Occurrences:
    first: datetime
    every: timedelta | None  # None: a single occurrence
    count: int | None  # None: unbounded


def start_timer_events(xml: str) -> list[tuple[str, str, str, bool]]:
    """(start event id, kind, expression, working days only) of a process's own timer start events."""
    root = parse_xml(xml.encode("utf-8"))
    found = []
    for start in root.iterfind("./bpmn:process/bpmn:startEvent", NS):
        for kind in ("timeDate", "timeDuration", "timeCycle"):
            node = start.find(f"./bpmn:timerEventDefinition/bpmn:{kind}", NS)
            if node is not None:
                props = {p.get("name"): p.get("value") for p in start.iterfind(
                    "./bpmn:extensionElements/camunda:properties/camunda:property", NS)}
                found.append((start.get("id"), kind, (node.text or "").strip(),
                              (props.get("workingDaysOnly") or "").lower() == "true"))
    return found


def sync(session: Session, ctx: EngineContext, at: datetime) -> None:
    """Start timers follow the latest version of each process (registered at the first sweep after a
    deploy, so that deploying needs no engine context): added, moved to the new version, or switched off."""
    for definition in list_latest(session):
        rows = list(session.scalars(select(StartTimer).where(StartTimer.process_key == definition.key)))
        has_timers = bool(definition.meta.get("start_timers"))
        if any(row.definition_id != definition.id for row in rows) or (has_timers and not rows):
            register(session, ctx, definition, at)


def register(session: Session, ctx: EngineContext, definition: ProcessDefinition, at: datetime) -> None:
    events = {event_id: (kind, expression, working) for event_id, kind, expression, working
              in start_timer_events(definition.bpmn_xml)}
    rows = {row.start_event_id: row for row in session.scalars(
        select(StartTimer).where(StartTimer.process_key == definition.key))}
    for event_id, row in rows.items():
        if event_id not in events:
            row.active, row.definition_id = False, definition.id
    cal = overrides.current(session, ctx)
    for event_id, (kind, expression, working) in events.items():
        row = rows.get(event_id) or StartTimer(process_key=definition.key, start_event_id=event_id)
        row.definition_id, row.kind, row.expression = definition.id, kind, expression
        row.working_days_only = working
        session.add(row)
        found = next_or_stop(session, ctx, row, at, since=definition.deployed_at, cal=cal if working else None)
        if found is None:
            continue
        row.next_at, row.remaining = found
        row.active = row.next_at is not None
    session.flush()


def next_or_stop(session: Session, ctx: EngineContext, row: StartTimer, at: datetime, *, since: datetime,
                  cal: BusinessCalendar | None, strictly_after: datetime | None = None
                  ) -> tuple[datetime | None, int | None] | None:
    """The schedule's next occurrence from `since` (and how many it has in all); None when it cannot be computed,
    in which case the start timer is stopped and says so (`_stopped`). A sandbox that cannot start is the
    server's fault, not the schedule's: it is raised."""
    try:
        occurrences = evaluate(ctx, row.kind, row.expression, since)
        return next_occurrence(occurrences, since, cal, strictly_after=strictly_after), occurrences.count
    except SandboxUnavailable:
        raise
    except Exception as exc:  # the administrator's expression: whatever it raises
        _stopped(session, row, exc, at)
        return None


def _stopped(session: Session, row: StartTimer, exc: Exception, at: datetime) -> None:
    """A start timer whose occurrences cannot be computed starts no more cases (until a new version is
    deployed), and says so once in the history; the other procedures' schedules go on."""
    row.next_at, row.remaining, row.active = None, None, False
    session.flush()
    log.warning("start timer %s of %s stopped: %s", row.start_event_id, row.process_key, describe(exc))
    chain.record(session, type=EventType.START_TIMER_FAILED, at=at, actor=None, subject=f"definition:{row.process_key}",
                 after={"process_key": row.process_key, "start_event_id": row.start_event_id,
                        "message": describe(exc), "next_at": None})


def evaluate(ctx: EngineContext, kind: str, expression: str, at: datetime) -> Occurrences:
    """The occurrences an expression describes, as of `at` (a duration counts from `at`); ValueError when it
    describes none: the expression fails or runs past its bound, or its value is not a schedule."""
    try:
        value = ctx.script_engine.environment.evaluate(expression, {})
        if not isinstance(value, str):
            raise ValueError(f"a timer start expression must give ISO 8601 text, not {value!r}")
        if kind == "timeDate":
            return Occurrences(_aware(datetime.fromisoformat(value), ctx), None, 1)
        if kind == "timeDuration":
            return Occurrences(at + TimerEventDefinition.get_timedelta_from_start(
                TimerEventDefinition.parse_iso_duration(value), at), None, 1)
        cycles, start, every = TimerEventDefinition.parse_iso_recurring_interval(value)
    except SandboxUnavailable:
        raise  # the server's fault, not the schedule's
    except ValueError:
        raise
    except Exception as exc:  # a script's error, a bound hit, SpiffWorkflow's bare Exception for a bad value
        raise ValueError(f"the timer start expression {expression!r} failed: {exc}") from exc
    if every <= timedelta(0):
        raise ValueError(f"the timer cycle {value!r} has zero length")
    return Occurrences(_aware(start, ctx), every, None if cycles < 0 else cycles)


def next_occurrence(occ: Occurrences, after: datetime, cal: BusinessCalendar | None,
                    strictly_after: datetime | None = None) -> datetime | None:
    """The first occurrence not before `after` (or after `strictly_after`) that falls on a working day
    when `cal` is given; None when the schedule is exhausted."""
    if occ.every is None:
        moment = occ.first
        if strictly_after is not None and moment <= strictly_after:
            return None
        return moment
    step = occ.every
    if step <= timedelta(0):
        return None  # a cycle of zero length never moves on (refused at deploy; `evaluate` refuses it too)
    index = 0
    if strictly_after is not None:
        index = max(0, int((strictly_after - occ.first) / step) + 1)
    elif after > occ.first:
        index = max(0, int((after - occ.first) / step))
        if occ.first + index * step < after:
            index += 1
    for _ in range(MAX_SKIPPED):
        if occ.count is not None and index >= occ.count:
            return None
        moment = occ.first + index * step
        if strictly_after is not None and moment <= strictly_after:
            index += 1
            continue
        if cal is None or cal.is_working_day(moment):
            return moment
        index += 1
    return None


def reschedule_working_days(session: Session, ctx: EngineContext, at: datetime) -> None:
    """After a calendar change: start timers that keep to working days take their next occurrence anew."""
    cal = overrides.current(session, ctx)
    for row in session.scalars(select(StartTimer).where(StartTimer.active.is_(True),
                                                        StartTimer.working_days_only.is_(True))):
        found = next_or_stop(session, ctx, row, at, since=at, cal=cal)
        if found is None:
            continue
        row.next_at = found[0]
        row.active = row.next_at is not None


def _aware(moment: datetime, ctx: EngineContext) -> datetime:
    return moment.replace(tzinfo=ctx.cal.timezone) if moment.tzinfo is None else moment
