"""The media plan's entry follows the `event_support` case started from it (docs/event_support.md): when the case
postpones the event (its `change_event` task, `postponements` grows), the entry moves to the new time, postponed
with the reason; when it cancels it (`outcome` cancelled), the entry is cancelled with the reason; when it holds it
(`held_at` set, or, for a case of an earlier version that kept no `held_at`, `outcome` held), the entry is recorded
held. Each in the case's transaction, audited on the entry (engine.people.media_plan.follow_*), its `sequence`
raised; only for the case the entry names (`supported_by`): a case that merely says `media_plan_entry` moves
nothing, and only a start from the plan may say it (`refuse_unlinked`).

The case's postponement is held to the plan's own limits (engine.people.media_plan: an end after the start, at
most LONGEST, a postponement moves the start): what the plan would refuse, the case's `change_event` is refused
(422 naming its field), so that the two never part.

Read from the case's data before and after a step (`steps.save`), not from the diagram's elements, so that one
rule serves whichever path got there. A change the plan sent to the case (engine.runtime.supported_events) finds
the entry already showing it and changes nothing: nothing bounces back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from db.models import MediaPlanEntry
from engine.core.errors import Code, Invalid, problem
from engine.core.moments import parse_moment
from engine.people import media_plan
from engine.runtime.step import Step

PROCESS = "event_support"


def refuse_unlinked(process_key: str, data: dict[str, Any]) -> None:
    """A case started otherwise than from the plan's entry (`POST /process-instances`) names no entry: the entry's
    support is started from the entry (`POST /media-plan/{id}/support`), under its lock (422 naming the field)."""
    if process_key == PROCESS and data.get("media_plan_entry") is not None:
        raise Invalid("an event's support is linked to the media plan's entry by starting it from the entry "
                      "(POST /media-plan/{id}/support)",
                      [problem("media_plan_entry", Code.PLAN_LINK_ONLY, "is set only by a start from the media plan")],
                      code=Code.PLAN_LINK_ONLY)


def was_held(data: dict[str, Any]) -> bool:
    """Held: `held_at` kept, or ended held by a version of the procedure that kept no `held_at`."""
    return bool(data.get("held_at")) or data.get("outcome") == "held"


def follow(step: Step, before: dict[str, Any]) -> None:
    """Carry what the step did to the event (`before`: the case's data before it) into the plan's entry."""
    instance, session = step.instance, step.session
    data = instance.data or {}
    entry_id = data.get("media_plan_entry")
    if instance.process_key != PROCESS or not isinstance(entry_id, int):
        return
    postponed = len(data.get("postponements") or []) > len(before.get("postponements") or [])
    cancelled = data.get("outcome") == "cancelled" and before.get("outcome") != "cancelled"
    held = was_held(data) and not was_held(before)
    if not (postponed or cancelled or held):
        return
    row = media_plan.locked_entry(session, entry_id)
    if row is None or row.supported_by != instance.id:
        return
    actor = step.actor or instance.business_key  # a timer holds the event: the case itself acted
    starts = parse_moment(data.get("starts_at"))
    if postponed and starts is not None:
        ends = parse_moment(data.get("ends_at"))
        if row.status not in media_plan.CLOSED:  # a closed entry takes no time (follow_postponement)
            _refuse_beyond_plan(row, parse_moment(before.get("starts_at")), starts, ends)
        reason = str((data["postponements"][-1] or {}).get("reason") or "")
        media_plan.follow_postponement(session, row, starts_at=starts, ends_at=ends, reason=reason,
                                       tz=step.ctx.cal.timezone, actor=actor, at=step.at)
    if cancelled:
        media_plan.follow_cancellation(session, row, reason=str(data.get("cancel_reason") or ""), actor=actor,
                                       at=step.at)
    if held:
        media_plan.follow_held(session, row, actor=actor, at=step.at)


def _refuse_beyond_plan(row: MediaPlanEntry, was: datetime | None, starts: datetime, ends: datetime | None) -> None:
    """The case's new time as the plan would check it (its form's fields named): the start it had is no
    postponement (the plan keeps that for one until a date is fixed), the end comes after the start, and the entry
    lasts at most media_plan.LONGEST (an end not given keeps the entry's length)."""
    errors: list[dict[str, str]] = []
    if was is not None and starts == was:
        errors.append(problem("new_starts_at", Code.SAME_START,
                              "is the start the event has: postpone it to another time"))
    finish = ends if ends is not None else starts + (row.ends_at - row.starts_at)
    if finish <= starts:
        errors.append(problem("new_ends_at", Code.ENDS_BEFORE_START, "must come after new_starts_at"))
    elif finish - starts > media_plan.LONGEST:
        errors.append(problem("new_ends_at", Code.TOO_LONG_SPAN,
                              f"the media plan's entry lasts at most {media_plan.LONGEST.days} days",
                              days=media_plan.LONGEST.days))
    if errors:
        raise Invalid("the media plan's entry cannot take this time", errors, code=Code.INVALID_INPUT,
                      params={"count": len(errors)})
