"""The media plan's entry follows the `event_support` case started from it (docs/event_support.md): when the case
postpones the event (its `change_event` task, `postponements` grows), the entry moves to the new time, postponed
with the reason; when it cancels it (`outcome` cancelled), the entry is cancelled with the reason; when it holds it
(`held_at` set), the entry is recorded held. Each in the case's transaction, audited on the entry
(engine.people.media_plan.follow_*), its `sequence` raised.

Read from the case's data before and after a step (`steps.save`), not from the diagram's elements, so that one
rule serves whichever path got there. A change the plan sent to the case (engine.runtime.supported_events) finds
the entry already showing it and changes nothing: nothing bounces back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.people import media_plan
from engine.runtime.step import Step

PROCESS = "event_support"


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def follow(step: Step, before: dict[str, Any]) -> None:
    """Carry what the step did to the event (`before`: the case's data before it) into the plan's entry."""
    instance, session = step.instance, step.session
    data = instance.data or {}
    entry_id = data.get("media_plan_entry")
    if instance.process_key != PROCESS or not isinstance(entry_id, int):
        return
    postponed = len(data.get("postponements") or []) > len(before.get("postponements") or [])
    cancelled = data.get("outcome") == "cancelled" and before.get("outcome") != "cancelled"
    held = bool(data.get("held_at")) and not before.get("held_at")
    if not (postponed or cancelled or held):
        return
    row = media_plan.locked_entry(session, entry_id)
    if row is None:
        return
    actor = step.actor or instance.business_key  # a timer holds the event: the case itself acted
    starts = _moment(data.get("starts_at"))
    if postponed and starts is not None:
        reason = str((data["postponements"][-1] or {}).get("reason") or "")
        media_plan.follow_postponement(session, row, starts_at=starts, ends_at=_moment(data.get("ends_at")),
                                       reason=reason, tz=step.ctx.cal.timezone, actor=actor, at=step.at)
    if cancelled:
        media_plan.follow_cancellation(session, row, reason=str(data.get("cancel_reason") or ""), actor=actor,
                                       at=step.at)
    if held:
        media_plan.follow_held(session, row, actor=actor, at=step.at)
