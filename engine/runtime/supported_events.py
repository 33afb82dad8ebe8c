"""An appearance of the media plan given its information support (000 §4.5, 001 §2): an `event_support` case (EV)
started from the plan's entry, with the entry's who, what, when and where, and the entry's id as the case's
`media_plan_entry`.

An entry has at most one running support: the entry's `supported_by` names its case, set under the entry's row
lock, so that of two starts at once the second waits and is refused (409) naming the case that runs; a case that
no longer runs leaves the entry free. A cancelled or held entry, one postponed until a date is fixed, or one that
is over, has nothing to prepare for (409). What the entry lacks and the start form asks for (a place, a unit) is
refused by the form itself, naming the field.

The plan's changes reach the running support in the same transaction, through the case's own `change_event` task
(completed as the person who changed the plan, with their reason): a new time postpones the preparation to it, a
cancellation cancels the case. The title, official, place and format are copied into the case's data (audited,
`instance.data_changed`). Whether the event is open to the press, and whose unit prepares it, decide the case's
tasks and their people: they do not change under a running support (409, naming the field). Recording the entry
held is the case's while it runs (409 naming `status`). A plan change locks the case `supported_by` names, then the
entry (the order of the case's own steps), and is refused (409, to try again) when a support started meanwhile; a
change the case fails on is refused (409), nothing written. The way back, the case's postponement, cancellation and
holding reaching the entry, is engine.runtime.plan_follows."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, MediaPlanEntry, ProcessInstance, User
from db.vocabulary import AppearanceFormat, EventType, InstanceStatus, MediaPlanStatus, TaskStatus
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, Invalid
from engine.people import media_plan
from engine.people.access import check_may_keep_media_plan, may_start
from engine.procedures.definitions import latest_definition
from engine.runtime import operations, steps

PROCESS = "event_support"
# The plan's formats that event_support names alike; every other one is an "other event" there.
FORMATS = {AppearanceFormat.MEETING: "meeting", AppearanceFormat.VISIT: "visit", AppearanceFormat.SPEECH: "speech"}


def support(session: Session, ctx: EngineContext, actor: User, entry_id: int) -> ProcessInstance:
    """Start the information support of the plan's entry `entry_id`, as `actor` (who must be one who may start
    an `event_support` case). The entry's row is locked until the transaction ends: a second start at the same
    moment waits, then finds the first's case."""
    media_plan.entry_by_id(session, entry_id)  # 404 before anything is locked
    entry = media_plan.locked_entry(session, entry_id)
    assert entry is not None
    if entry.status in (MediaPlanStatus.CANCELLED, MediaPlanStatus.HELD) or entry.starts_at <= ctx.now():
        raise Conflict(f"the appearance {entry.title!r} is {entry.status if entry.starts_at > ctx.now() else 'over'}:"
                       " there is nothing left to prepare",
                       [{"field": "entry_id", "message": "is cancelled, held or over"}], code=Code.APPEARANCE_CLOSED,
                       params={"title": entry.title})
    if media_plan.is_undated(entry):
        raise Conflict(f"the appearance {entry.title!r} is postponed until a date is fixed: its support prepares "
                       "for a time; fix the new date first",
                       [{"field": "starts_at", "message": "is not fixed: the appearance is postponed without a date"}],
                       code=Code.APPEARANCE_POSTPONED, params={"title": entry.title})
    running = supporting(session, entry.id)
    if running is not None:
        raise Conflict(f"the appearance is already supported by {running.business_key}",
                       [{"field": "entry_id", "message": f"is supported by {running.business_key}"}],
                       code=Code.APPEARANCE_SUPPORTED, params={"case": running.business_key})
    instance = operations.start(session, ctx, actor, PROCESS, start_data(entry, ctx), from_plan=True)
    entry.supported_by = instance.id
    session.flush()
    return instance


def may_support(session: Session, user: User) -> bool:
    """Whether `user` may start an appearance's support (the `event_support` diagram deployed names its starters)."""
    definition = latest_definition(session, PROCESS, required=False)
    return definition is not None and may_start(user, definition)


def supporting(session: Session, entry_id: int) -> ProcessInstance | None:
    """The running `event_support` case of the entry, if any: the one its `supported_by` names, while it runs."""
    case_id = session.scalar(select(MediaPlanEntry.supported_by).where(MediaPlanEntry.id == entry_id))
    case = session.get(ProcessInstance, case_id) if case_id is not None else None
    return case if case is not None and case.status == InstanceStatus.RUNNING else None


def start_data(entry: MediaPlanEntry, ctx: EngineContext) -> dict[str, Any]:
    """The start form's data from the entry; a place or unit the entry lacks is left out, for the form to ask."""
    data = {"title": entry.title, "official": entry.official, "starts_at": _office(entry.starts_at, ctx),
            "ends_at": _office(entry.ends_at, ctx), "place": entry.place,
            "format": FORMATS.get(entry.format, "other"), "open_to_press": entry.open_to_press,
            "unit": entry.unit.key if entry.unit is not None else None, "media_plan_entry": entry.id}
    return {key: value for key, value in data.items() if value is not None}


# -- the plan's changes reach the running support -----------------------------------------------------------

DETAILS = ("title", "official", "place", "format")  # copied into the case's data
FIXED = ("open_to_press", "unit")  # decide the case's tasks and people: not changed under a running support
PLAN_FIELDS = {"new_starts_at": "starts_at", "new_ends_at": "ends_at"}  # change_event's fields, as the plan says


def update_entry(session: Session, ctx: EngineContext, actor: User, entry_id: int, changes: dict[str, Any], *,
                 moved_reason: str) -> MediaPlanEntry:
    """Change an entry (engine.people.media_plan.update_entry) and its running support with it: a new start
    postpones the case's preparation to it and its end (`moved_reason`, in the actor's words: the PATCH gives
    none); the title, official, place and format, and an end changed alone, are copied into the case's data.
    `open_to_press` or `unit` changing under a running support: 409 naming the field."""
    check_may_keep_media_plan(actor)
    current, running = _locked(session, entry_id)
    if running is not None:
        _refuse_fixed(current, changes, running)
    was = current.starts_at
    row = media_plan.update_entry(session, entry_id, changes, tz=ctx.cal.timezone, actor=actor, at=ctx.now())
    if running is not None:
        # The preparation, its reminder and its wait are for the start: a new start restarts them; a new end alone
        # is a detail of the case's data.
        moved = row.starts_at != was
        _copy_details(session, ctx, actor, running, row, with_end=not moved)
        if moved:
            _change_event(session, ctx, actor, running, {
                "decision": "postpone", "reason": moved_reason, "new_starts_at": _office(row.starts_at, ctx),
                "new_ends_at": _office(row.ends_at, ctx)}, "starts_at")
    return row


def postpone_entry(session: Session, ctx: EngineContext, actor: User, entry_id: int, *, reason: Any,
                   starts_at: Any = None, ends_at: Any = None, all_day: Any = None) -> MediaPlanEntry:
    """Postpone an entry (engine.people.media_plan.postpone) and its running support to the new time, with the
    reason. A supported entry needs the new time (422 naming `starts_at`): its support prepares for one."""
    check_may_keep_media_plan(actor)
    _, running = _locked(session, entry_id)
    if running is not None and starts_at is None:
        raise Invalid(f"the appearance is supported by {running.business_key}, which prepares for a time: give "
                      "the new one, or cancel the appearance",
                      [{"field": "starts_at", "message": f"is required: {running.business_key} prepares for it"}],
                      code=Code.SUPPORT_NEEDS_TIME, params={"case": running.business_key})
    row = media_plan.postpone(session, entry_id, reason=reason, starts_at=starts_at, ends_at=ends_at,
                              all_day=all_day, tz=ctx.cal.timezone, actor=actor, at=ctx.now())
    if running is not None:
        _change_event(session, ctx, actor, running, {
            "decision": "postpone", "reason": row.status_reason, "new_starts_at": _office(row.starts_at, ctx),
            "new_ends_at": _office(row.ends_at, ctx)}, "starts_at")
    return row


def cancel_entry(session: Session, ctx: EngineContext, actor: User, entry_id: int, *, reason: Any,
                 told: list[str] | None = None) -> MediaPlanEntry:
    """Cancel an entry (engine.people.media_plan.cancel) and its running support, with the reason; the support's
    cancellation says who was told (`told`, required then: 422 naming it)."""
    check_may_keep_media_plan(actor)
    _, running = _locked(session, entry_id)
    told = [name.strip() for name in told or [] if isinstance(name, str) and name.strip()]
    if running is not None and not told:
        raise Invalid(f"the appearance is supported by {running.business_key}: say who was told of the "
                      "cancellation (the official, the journalists admitted, the hosts)",
                      [{"field": "told", "message": f"is required: {running.business_key} is cancelled with it"}],
                      code=Code.SUPPORT_NEEDS_TOLD, params={"case": running.business_key})
    row = media_plan.cancel(session, entry_id, reason=reason, actor=actor, at=ctx.now())
    if running is not None:
        _change_event(session, ctx, actor, running, {"decision": "cancel", "reason": row.status_reason,
                                                     "told": list(dict.fromkeys(told))}, "status")
    return row


def record_held(session: Session, ctx: EngineContext, actor: User, entry_id: int) -> MediaPlanEntry:
    """Record that the appearance took place (engine.people.media_plan.record_held), unless a support runs: its
    case records it held when the event is held (the preparation done and its start come), and a record made in
    the plan alone would leave the case preparing, free to move an entry already held (409 naming `status`)."""
    check_may_keep_media_plan(actor)
    _, running = _locked(session, entry_id)
    if running is not None:
        raise Conflict(f"{running.business_key} supports the appearance: the case records it held when the event is "
                       "held (its preparation done and its start come); cancel the case first to record it here",
                       [{"field": "status", "message": f"is recorded held by {running.business_key}"}],
                       code=Code.APPEARANCE_SUPPORTED)
    return media_plan.record_held(session, entry_id, actor=actor, at=ctx.now())


def _locked(session: Session, entry_id: int) -> tuple[MediaPlanEntry, ProcessInstance | None]:
    """The entry under its row lock and its running support, if any, under the case's: the case's own steps lock
    the case, then the entry (engine.runtime.plan_follows), and the plan's changes take them in the same order, so
    that a change on each side at once waits instead of deadlocking. The case is the one `supported_by` named
    before the entry was locked: a support started (or a case named) meanwhile is a 409, to try again, rather than
    a change that passes its case by."""
    media_plan.entry_by_id(session, entry_id)  # 404 before anything is locked
    named = session.scalar(select(MediaPlanEntry.supported_by).where(MediaPlanEntry.id == entry_id))
    case = steps.lock(session, named) if named is not None else None
    entry = media_plan.locked_entry(session, entry_id)
    assert entry is not None
    if entry.supported_by != named:
        raise Conflict("the appearance's support changed meanwhile (one was started at the same moment): reload "
                       "and try again", [{"field": "supported_by", "message": "changed meanwhile"}],
                       code=Code.CHANGED_CONCURRENTLY)
    return entry, case if case is not None and case.status == InstanceStatus.RUNNING else None


def _office(moment: Any, ctx: EngineContext) -> str:
    return str(moment.astimezone(ctx.cal.timezone).isoformat())


def _refuse_fixed(row: MediaPlanEntry, changes: dict[str, Any], running: ProcessInstance) -> None:
    current = {"open_to_press": row.open_to_press, "unit": row.unit.key if row.unit is not None else None}
    given = {field: (changes[field] or None) if field == "unit" else changes[field] for field in FIXED
             if field in changes}  # a blank unit is none
    for field, value in given.items():
        if value != current[field]:
            raise Conflict(f"{field} cannot change while {running.business_key} supports the appearance: its tasks "
                           f"and people follow from it; cancel that support (the case) first, then start a new one",
                           [{"field": field, "message": f"is fixed while {running.business_key} runs"}],
                           code=Code.APPEARANCE_FIXED, params={"case": running.business_key, "field": field})


def _change_event(session: Session, ctx: EngineContext, actor: User, running: ProcessInstance,
                  data: dict[str, Any], field: str) -> None:
    """Complete the case's `change_event` task as `actor` (who keeps the plan: the case's own history then names
    them and their reason); 409 naming `field` when the event is past its preparation in the case."""
    task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == running.id,
                                                        HumanTask.bpmn_id == "change_event",
                                                        HumanTask.status == TaskStatus.OPEN))
    if task_id is None:
        raise Conflict(f"{running.business_key} has held the event already: its time can no longer change",
                       [{"field": field, "message": f"{running.business_key} has held the event"}],
                       code=Code.APPEARANCE_SUPPORTED, params={"case": running.business_key})
    try:
        operations.complete_task(session, ctx, actor, task_id, data, authorised=True)
    except Invalid as refused:  # the case's form refused the plan's values: named as the plan names them
        raise Invalid(f"{running.business_key} cannot take the change: {refused.detail}",
                      [error | {"field": PLAN_FIELDS.get(error.get("field", ""), error.get("field"))}
                       for error in refused.errors], code=refused.code, params=refused.params) from refused
    if running.status == InstanceStatus.FAILED:
        # The case broke on the change: the plan is not changed alone (the caller's transaction is rolled back,
        # the case's failure with it), and the one who changed it is told which case to have looked at.
        raise Conflict(f"{running.business_key} failed taking the change ({running.failure}): nothing was changed; "
                       "an administrator looks at the case", [{"field": field, "message": f"{running.business_key} "
                                                               "failed taking the change"}],
                       code=Code.APPEARANCE_CASE_FAILED, params={"case": running.business_key})


def _copy_details(session: Session, ctx: EngineContext, actor: User, running: ProcessInstance,
                  row: MediaPlanEntry, *, with_end: bool) -> None:
    """The entry's title, official, place and format (and its end, `with_end`) into the case's data, where they
    differ (audited)."""
    wanted = {name: getattr(row, name) for name in DETAILS} | {"format": FORMATS.get(row.format, "other")} \
        | ({"ends_at": _office(row.ends_at, ctx)} if with_end else {})
    data = running.data or {}
    changed = {k: v for k, v in wanted.items() if v is not None and data.get(k) != v}
    if not changed:
        return
    instance = steps.lock(session, running.id)
    step = steps.open(session, ctx, instance, actor=actor.username)
    for task in step.wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        task.data.update(changed)
    chain.record(session, type=EventType.INSTANCE_DATA_CHANGED, at=step.at, actor=actor.username,
                 instance_id=instance.id, subject=instance.business_key,
                 before={k: data.get(k) for k in changed}, after=changed | {"media_plan_entry": row.id})
    steps.save(step)
