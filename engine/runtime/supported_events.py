"""An appearance of the media plan given its information support (000 §4.5, 001 §2): an `event_support` case (EV)
started from the plan's entry, with the entry's who, what, when and where, and the entry's id as the case's
`media_plan_entry`.

An entry has at most one running support: a second start is refused (409) naming the case that runs. A cancelled
or held entry, or one that is over, has nothing left to prepare (409). What the entry lacks and the start form asks
for (a place, a unit) is refused by the form itself, naming the field."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import MediaPlanEntry, ProcessInstance, User
from db.vocabulary import AppearanceFormat, InstanceStatus, MediaPlanStatus
from engine.context import EngineContext
from engine.core.errors import Code, Conflict
from engine.people import media_plan
from engine.people.access import may_start
from engine.procedures.definitions import latest_definition
from engine.runtime import operations

PROCESS = "event_support"
# The plan's formats that event_support names alike; every other one is an "other event" there.
FORMATS = {AppearanceFormat.MEETING: "meeting", AppearanceFormat.VISIT: "visit", AppearanceFormat.SPEECH: "speech"}


def support(session: Session, ctx: EngineContext, actor: User, entry_id: int) -> ProcessInstance:
    """Start the information support of the plan's entry `entry_id`, as `actor` (who must be one who may start
    an `event_support` case)."""
    entry = media_plan.entry_by_id(session, entry_id)
    if entry.status in (MediaPlanStatus.CANCELLED, MediaPlanStatus.HELD) or entry.starts_at <= ctx.now():
        raise Conflict(f"the appearance {entry.title!r} is {entry.status if entry.starts_at > ctx.now() else 'over'}:"
                       " there is nothing left to prepare",
                       [{"field": "entry_id", "message": "is cancelled, held or over"}], code=Code.APPEARANCE_CLOSED)
    running = supporting(session, entry.id)
    if running is not None:
        raise Conflict(f"the appearance is already supported by {running.business_key}",
                       [{"field": "entry_id", "message": f"is supported by {running.business_key}"}],
                       code=Code.APPEARANCE_SUPPORTED)
    return operations.start(session, ctx, actor, PROCESS, start_data(entry, ctx))


def may_support(session: Session, user: User) -> bool:
    """Whether `user` may start an appearance's support (the `event_support` diagram deployed names its starters)."""
    definition = latest_definition(session, PROCESS, required=False)
    return definition is not None and may_start(user, definition)


def supporting(session: Session, entry_id: int) -> ProcessInstance | None:
    """The running `event_support` case of the entry, if any (the few running EV cases are read, not every case)."""
    running = session.scalars(select(ProcessInstance).where(ProcessInstance.process_key == PROCESS,
                                                            ProcessInstance.status == InstanceStatus.RUNNING))
    return next((case for case in running if (case.data or {}).get("media_plan_entry") == entry_id), None)


def start_data(entry: MediaPlanEntry, ctx: EngineContext) -> dict[str, Any]:
    """The start form's data from the entry; a place or unit the entry lacks is left out, for the form to ask."""
    tz = ctx.cal.timezone
    data = {"title": entry.title, "official": entry.official, "starts_at": entry.starts_at.astimezone(tz).isoformat(),
            "ends_at": entry.ends_at.astimezone(tz).isoformat(), "place": entry.place,
            "format": FORMATS.get(entry.format, "other"), "open_to_press": entry.open_to_press,
            "unit": entry.unit.key if entry.unit is not None else None, "media_plan_entry": entry.id}
    return {key: value for key, value in data.items() if value is not None}
