"""The statutory clock: a case's deadline counted in the unit its law gives (working days, calendar days or hours),
paused while the requester is asked for a clarification, extended with a stated reason where the jurisdiction allows,
recomputed when the calendar changes.

A deadline is plain data kept in the case (`deadline`), so it survives serialization and shows in the history;
`due_at` is always derived from it and the calendar:
    {"from": <ISO start>, "amount": 5, "unit": "working_days", "urgent": false,
     "pauses": [{"from", "to", "days"}], "extensions": [{"days", "reason", "by", "at"}]}
A deadline of 0.4 (`"days"` and no unit) counts in working days. Each unit's due moment:
- working days: the end of the office's working day that is the n-th working day after the day of receipt;
- calendar days: the end of the office's working day on the n-th day after the day of receipt, or, when that day
  is not a working day, on the next working day. The access laws found say only "days" (docs/jurisdictions-research.md,
  "Counting calendar days"); moving a last day off a day of rest is the general rule of the civil codes' chapters
  on periods, whose exact article is yet to be read in the texts, so this is the office's rule until then;
- hours: the moment of receipt plus n hours, to the minute (UA art. 20 part 2: 48 hours).
A pause lasts the working days, the days or (`"hours"`) the whole hours waited, in the deadline's unit. Extensions
are working days, added after the deadline's own end. Timers whose expression uses `due_at` follow the deadline:
`retime` moves them when it moves and holds them while it is paused. Hand-written: the rule is the law's, no
library knows it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.calendar.days import BusinessCalendar

UNITS = ("working_days", "calendar_days", "hours")
# A held timer's due moment: far beyond any deadline, and recognisable.
HELD = "9999-12-31T00:00:00+00:00"


def _as_counted(_instance: Any, counted: str, _at: datetime) -> str:
    return counted


@dataclass(frozen=True)
class Keeping:
    """How a procedure keeps its deadline where the law gives it more than the clock's count (registered per
    procedure in engine.procedures.deadline_rules, so that the generic operations ask, never name, the procedure).
    `recount(instance, counted, at)`: the due moment once the calendar changed, `counted` being the clock's new
    count; `copies`: other names the case keeps the due moment under; `extended_by`: the route that extends it,
    where the generic extension (working days added to the clock) must not, with `{id}` for the case."""

    recount: Callable[[Any, str, datetime], str] = _as_counted
    copies: tuple[str, ...] = ()
    extended_by: str | None = None


PLAIN = Keeping()


def start(start_at: Any, amount: int, cal: BusinessCalendar, unit: str = "working_days", *,
          urgent: bool = False) -> dict[str, Any]:
    if unit not in UNITS:
        raise ValueError(f"a deadline counts in one of {', '.join(UNITS)}, not {unit!r}")
    moment = start_at.isoformat() if isinstance(start_at, datetime) else str(start_at)
    cal.local_date(moment)  # refuses what is not a date
    if unit == "hours":
        _aware(moment)
    return {"from": moment, "amount": int(amount), "unit": unit, "urgent": bool(urgent), "pauses": [],
            "extensions": []}


def unit_of(deadline: dict[str, Any]) -> str:
    return str(deadline.get("unit", "working_days"))


def amount_of(deadline: dict[str, Any]) -> int:
    """The statutory amount (a 0.4 deadline calls it `days`)."""
    return int(deadline["amount"] if "amount" in deadline else deadline["days"])


def is_paused(deadline: Any) -> bool:
    pauses = deadline.get("pauses", []) if isinstance(deadline, dict) else []
    return bool(pauses) and pauses[-1].get("to") is None


def _paused(deadline: dict[str, Any]) -> int:
    return sum(int(p.get("hours", p.get("days", 0))) for p in deadline.get("pauses", []) if p.get("to"))


def working_days(deadline: dict[str, Any]) -> int:
    """The whole span of a working-day deadline: the statutory days, the days paused and the days of extensions."""
    return amount_of(deadline) + _paused(deadline) + extended_days(deadline)


def due(deadline: dict[str, Any], cal: BusinessCalendar) -> str:
    unit, amount, extended = unit_of(deadline), amount_of(deadline) + _paused(deadline), extended_days(deadline)
    if unit == "hours":
        moment = _aware(deadline["from"]) + timedelta(hours=amount)
        if extended:
            return cal.end_of_working_day(cal.add_working_days(moment, extended)).isoformat()
        return moment.astimezone(cal.timezone).isoformat()
    if unit == "calendar_days":
        last = cal.local_date(deadline["from"]) + timedelta(days=amount)
        while not cal.is_working_day(last):
            last += timedelta(days=1)
        return cal.end_of_working_day(cal.add_working_days(last, extended) if extended else last).isoformat()
    return cal.end_of_working_day(cal.add_working_days(deadline["from"], amount + extended)).isoformat()


def _aware(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    if parsed.tzinfo is None:
        raise ValueError(f"a deadline in hours needs a moment with its offset, not {moment!r}")
    return parsed


def pause(deadline: dict[str, Any], at: datetime) -> dict[str, Any]:
    if is_paused(deadline):
        return deadline
    paused = copy.deepcopy(deadline)
    paused["pauses"].append({"from": at.isoformat(), "to": None, _pause_key(deadline): 0})
    return paused


def resume(deadline: dict[str, Any], at: datetime, cal: BusinessCalendar) -> dict[str, Any]:
    """Close the open pause: the deadline moves by what it lasted, in the deadline's unit."""
    if not is_paused(deadline):
        return deadline
    resumed = copy.deepcopy(deadline)
    last = resumed["pauses"][-1]
    last["to"] = at.isoformat()
    unit = unit_of(deadline)
    if unit == "hours":
        waited = int((at - _aware(last["from"])).total_seconds() // 3600)
    elif unit == "calendar_days":
        waited = (cal.local_date(at) - cal.local_date(last["from"])).days
    else:
        waited = cal.working_days_between(last["from"], at)
    last[_pause_key(deadline)] = max(0, waited)
    return resumed


def _pause_key(deadline: dict[str, Any]) -> str:
    return "hours" if unit_of(deadline) == "hours" else "days"


def extend(deadline: dict[str, Any], days: int, reason: str, by: str, at: datetime) -> dict[str, Any]:
    extended = copy.deepcopy(deadline)
    extended["extensions"].append({"days": days, "reason": reason, "by": by, "at": at.isoformat()})
    return extended


def extended_days(deadline: dict[str, Any]) -> int:
    return sum(int(e.get("days", 0)) for e in deadline.get("extensions", []))


def set_in_case(wf: BpmnWorkflow, deadline: dict[str, Any], due_at: str, copies: tuple[str, ...] = ()) -> None:
    """Write a changed deadline into every task still to run, so that the flow goes on with it, and set the timers
    that follow `due_at` to be counted again: where a timer is the only step waiting (a draft's discussion), its
    own copy is the case's deadline, so `retime` would see nothing to move while it keeps the moment it computed.
    `copies`: other names the case keeps the due moment under (a draft's `discussion_ends_at`), set with it."""
    for task in wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.FUTURE
                             | TaskState.LIKELY | TaskState.MAYBE):
        if "deadline" in task.data or "due_at" in task.data:
            task.data["deadline"] = copy.deepcopy(deadline)
            task.data.update(dict.fromkeys(("due_at", *(c for c in copies if c in task.data)), due_at))
    if is_paused(deadline):
        return  # its timers stay held until it resumes
    for task in list(wf.event_manager.tasks.values()):
        if _follows_deadline(task) and task.internal_data.get("event_value") not in (None, due_at):
            # A timer re-reads its data from the step before it when it is updated: both get the new deadline.
            for holder in (task, task.parent):
                if holder is not None:
                    holder.data["deadline"] = copy.deepcopy(deadline)
                    holder.data.update(dict.fromkeys(("due_at", *(c for c in copies if c in holder.data)), due_at))
            task.internal_data.pop("event_value", None)


def retime(wf: BpmnWorkflow) -> bool:
    """Move the timers that follow `due_at` to the deadline the case now has, or hold them while the
    deadline is paused. Returns whether any timer changed (the caller then refreshes timers)."""
    changed = False
    for task in list(wf.event_manager.tasks.values()):
        if not _follows_deadline(task):
            continue
        case_deadline = _case_deadline(wf)
        value = task.internal_data.get("event_value")
        if case_deadline is not None and is_paused(case_deadline[0]):
            if value != HELD:
                task.internal_data["event_value"] = HELD
                changed = True
        elif case_deadline is not None and (value == HELD or task.data.get("due_at") != case_deadline[1]):
            # A timer re-reads its data from its parent when it is updated: both get the new deadline.
            for holder in (task, task.parent):
                if holder is not None:
                    holder.data["deadline"], holder.data["due_at"] = copy.deepcopy(case_deadline[0]), case_deadline[1]
            task.internal_data.pop("event_value", None)
            changed = True
    return changed


def _follows_deadline(task: Any) -> bool:
    definition = task.task_spec.event_definition
    return isinstance(definition, TimeDateEventDefinition) and "due_at" in (definition.expression or "")


def _case_deadline(wf: BpmnWorkflow) -> tuple[dict[str, Any], str] | None:
    """The deadline of the flow's newest step (the timer's own copy may be behind it)."""
    holders = [t for t in wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
               if isinstance(t.data.get("deadline"), dict) and t.data.get("due_at")]
    if not holders:
        return None
    latest = max(holders, key=lambda t: t.last_state_change)
    return latest.data["deadline"], latest.data["due_at"]
