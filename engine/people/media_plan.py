"""The media plan: the leadership's planned appearances, events and visits (000 §4.5, 001 §2 and §10, 002 §5),
kept by the PR department (`check_may_keep_media_plan`).

Every change is checked here (the API's schemas, the pages and any later procedure end here), recorded in the audit
trail with what changed, and counted in the entry's `sequence` (iCalendar's SEQUENCE, so that a subscribed calendar
program takes the new version). An entry is planned, postponed or cancelled (each with its reason), or held. Once it
is over (its end has passed) it is history: nothing of it changes but the record that it took place. Everything only
flushes. Reading one entry is engine.reads.media_plan.entry."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import MediaPlanEntry, Unit
from db.vocabulary import AppearanceFormat, EventType, MediaPlanStatus
from engine.audit import chain
from engine.core.errors import Code, Conflict, Invalid, problem
from engine.core.lookup import by_key
from engine.people.access import Actor, actor_name, check_may_keep_media_plan
from engine.people.registry import add_problem, checked_text, refuse

TITLE_LENGTH, OFFICIAL_LENGTH, PLACE_LENGTH, TEXT_LENGTH, REASON_LENGTH = 300, 200, 300, 10_000, 2000
DEFAULT_LENGTH = timedelta(hours=1)  # an appearance given no end lasts an hour
LONGEST = timedelta(days=62)  # a visit of two months is the longest entry; more is a mistyped date
FIELDS = ("title", "description", "official", "format", "starts_at", "ends_at", "all_day", "place",
          "open_to_press", "unit")
CLOSED = (MediaPlanStatus.CANCELLED, MediaPlanStatus.HELD)
Errors = list[dict[str, Any]]


def entry_by_id(session: Session, entry_id: int) -> MediaPlanEntry:
    return by_key(session, MediaPlanEntry, entry_id, "media plan entry")


def locked_entry(session: Session, entry_id: int) -> MediaPlanEntry | None:
    """The entry re-read under its row lock, until the transaction ends (its unit is joined: only the entry's row
    is locked)."""
    return session.scalars(select(MediaPlanEntry).where(MediaPlanEntry.id == entry_id)
                           .with_for_update(of=MediaPlanEntry).execution_options(populate_existing=True)
                           ).one_or_none()


def _for_change(session: Session, entry_id: int) -> MediaPlanEntry:
    """The entry to change, under its row lock (404 first): two changes at once take turns, the second reading
    what the first wrote, so that neither's fields nor its `sequence` are lost."""
    entry_by_id(session, entry_id)
    row = locked_entry(session, entry_id)
    assert row is not None
    return row


def first_day(row: MediaPlanEntry, tz: tzinfo) -> date:
    return row.starts_at.astimezone(tz).date()


def last_day(row: MediaPlanEntry, tz: tzinfo) -> date:
    """The office's day it ends on (an all-day entry's end is the start of the next day; counted on the dates, not
    on hours, which a change of summer time makes 23 or 25 a day)."""
    return (row.ends_at - timedelta(microseconds=1)).astimezone(tz).date()


def is_over(row: MediaPlanEntry, now: datetime) -> bool:
    """Over once its end has passed: history, which only the record that it was held may change."""
    return row.ends_at <= now


# -- rules ------------------------------------------------------------------------------------------------

def _when(errors: Errors, field: str, value: Any, tz: tzinfo, *, required: bool) -> datetime | date | None:
    """A moment (with an offset, or without one: the office's time) or a day (YYYY-MM-DD, for all-day entries)."""
    if value is None or value == "":
        if required:
            add_problem(errors, field, "is required", Code.REQUIRED)
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            add_problem(errors, field, "is not an ISO 8601 date or time (2026-12-10T10:00:00+06:00)",
                        Code.NOT_A_DATE)
            return None
    if isinstance(value, datetime):
        if not 1900 <= value.year <= 2200:
            add_problem(errors, field, "must lie between 1900 and 2200", Code.YEAR_OUT_OF_RANGE)
            return None
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        if not 1900 <= value.year <= 2200:
            add_problem(errors, field, "must lie between 1900 and 2200", Code.YEAR_OUT_OF_RANGE)
            return None
        return value
    add_problem(errors, field, "is not a date or a time", Code.NOT_A_DATE)
    return None


def _day(value: datetime | date, tz: tzinfo) -> date:
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def _span(errors: Errors, starts: Any, ends_: Any, all_day: bool, tz: tzinfo) -> tuple[datetime, datetime] | None:
    """The entry's moments from what was given: an all-day entry from the start of its first day to the start of
    the day after its last; a timed one given no end lasts DEFAULT_LENGTH."""
    if starts is None:
        return None
    if all_day:
        first = _day(starts, tz)
        last = _day(ends_, tz) if ends_ is not None else first
        if last < first:
            add_problem(errors, "ends_at", "the last day must not come before the first (starts_at)",
                        Code.ENDS_BEFORE_START)
            return None
        begin = datetime.combine(first, time(0), tzinfo=tz)
        finish = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    else:
        if not isinstance(starts, datetime):
            add_problem(errors, "starts_at", "give a time (2026-12-10T10:00), or set all_day for a whole day",
                        Code.TIME_REQUIRED)
            return None
        if ends_ is not None and not isinstance(ends_, datetime):
            add_problem(errors, "ends_at", "give a time (2026-12-10T11:30), or set all_day for whole days",
                        Code.TIME_REQUIRED)
            return None
        begin, finish = starts, ends_ if ends_ is not None else starts + DEFAULT_LENGTH
        if finish <= begin:
            add_problem(errors, "ends_at", "must come after starts_at", Code.ENDS_BEFORE_START)
            return None
    if finish - begin > LONGEST:
        add_problem(errors, "ends_at", f"an entry lasts at most {LONGEST.days} days", Code.TOO_LONG_SPAN,
                    days=LONGEST.days)
        return None
    return begin, finish


def _unit(session: Session, errors: Errors, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        add_problem(errors, "unit", "must be a unit key", Code.NOT_A_RECORD, value=None)
        return None
    found = session.scalar(select(Unit.id).where(Unit.key == value))
    if found is None:
        add_problem(errors, "unit", f"{value!r} is not a unit", Code.NOT_A_RECORD, value=value)
    return found


def _boolean(errors: Errors, field: str, value: Any, *, required: bool, default: bool = False) -> bool:
    if value is None:
        if required:
            add_problem(errors, field, "is required: true or false", Code.REQUIRED)
        return default
    if not isinstance(value, bool):
        add_problem(errors, field, "must be true or false", Code.MUST_BE_BOOLEAN)
        return default
    return value


def _format(errors: Errors, value: Any) -> AppearanceFormat:
    if value is None or value == "":
        return AppearanceFormat.OTHER
    try:
        return AppearanceFormat(value)
    except ValueError:
        add_problem(errors, "format", "must be one of: " + ", ".join(f.value for f in AppearanceFormat),
                    Code.NOT_ONE_OF)
        return AppearanceFormat.OTHER


def checked_values(session: Session, values: dict[str, Any], tz: tzinfo, now: datetime, *,
                   current: MediaPlanEntry | None = None) -> dict[str, Any]:
    """An entry's fields checked (for a change: the given ones over the entry's), each problem naming its field;
    raises Invalid (422) when there is one."""
    errors: Errors = []
    given = set(values) if current is not None else set(FIELDS)
    out: dict[str, Any] = {}
    if "title" in given:
        out["title"] = checked_text(errors, "title", values.get("title"), TITLE_LENGTH, required=True)
    if "official" in given:
        out["official"] = checked_text(errors, "official", values.get("official"), OFFICIAL_LENGTH, required=True)
    if "description" in given:
        out["description"] = checked_text(errors, "description", values.get("description"), TEXT_LENGTH,
                                          required=False)
    if "place" in given:
        out["place"] = checked_text(errors, "place", values.get("place"), PLACE_LENGTH, required=False)
    if "format" in given:
        out["format"] = _format(errors, values.get("format"))
    if "open_to_press" in given:
        out["open_to_press"] = _boolean(errors, "open_to_press", values.get("open_to_press"), required=True)
    if "unit" in given:
        out["unit_id"] = _unit(session, errors, values.get("unit"))
    if given & {"starts_at", "ends_at", "all_day"}:
        all_day = _boolean(errors, "all_day", values.get("all_day", current.all_day if current else False),
                           required=False)
        starts = _when(errors, "starts_at", values["starts_at"] if "starts_at" in values else
                       _kept(current, "starts_at", all_day, tz), tz, required=True)
        if "ends_at" in values:
            ends_ = _when(errors, "ends_at", values["ends_at"], tz, required=False)
        elif current is not None and "starts_at" in values and starts is not None \
                and all_day == current.all_day:
            ends_ = _moved_end(current, starts, tz)  # a new start keeps the length
        else:
            ends_ = _when(errors, "ends_at", _kept(current, "ends_at", all_day, tz), tz, required=False)
        span = _span(errors, starts, ends_, all_day, tz)
        if span is not None:
            # An all-day entry may be of today (it began at midnight); a timed one must not have begun, unless it is
            # the start it already had.
            today = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
            begun = span[0] < (today if all_day else now)
            if span[1] <= now or (begun and (current is None or span[0] != current.starts_at)):
                add_problem(errors, "starts_at", "lies in the past: the plan is of appearances to come",
                            Code.IN_THE_PAST)
            out.update(starts_at=span[0], ends_at=span[1], all_day=all_day)
    refuse(errors, "media plan entry")
    return out


def _moved_end(current: MediaPlanEntry, starts: datetime | date, tz: tzinfo) -> datetime | date:
    if current.all_day:
        return _day(starts, tz) + (last_day(current, tz) - first_day(current, tz))
    return starts + (current.ends_at - current.starts_at) if isinstance(starts, datetime) else starts


def _kept(current: MediaPlanEntry | None, field: str, all_day: bool, tz: tzinfo) -> Any:
    """An entry's start or end as a change that leaves it out keeps it: a day for an all-day entry (its end is the
    last day, not the start of the next), else the moment."""
    if current is None:
        return None
    if field == "starts_at":
        return _day(current.starts_at, tz) if all_day else current.starts_at
    if not all_day:
        return current.ends_at if not current.all_day else None
    return last_day(current, tz) if current.all_day else _day(current.ends_at, tz)


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def describe(row: MediaPlanEntry) -> dict[str, Any]:
    """An entry as the audit trail keeps it."""
    return {"title": row.title, "description": row.description, "official": row.official,
            "format": str(row.format), "starts_at": _utc(row.starts_at), "ends_at": _utc(row.ends_at),
            "all_day": row.all_day, "place": row.place, "open_to_press": row.open_to_press,
            "unit": row.unit.key if row.unit is not None else None, "status": str(row.status),
            "status_reason": row.status_reason}


# -- changes ----------------------------------------------------------------------------------------------

def create_entry(session: Session, values: dict[str, Any], *, tz: tzinfo, actor: Actor, at: datetime
                 ) -> MediaPlanEntry:
    """Plan an appearance (from now on: the plan is of appearances to come)."""
    check_may_keep_media_plan(actor)
    checked = checked_values(session, values, tz, at)
    row = MediaPlanEntry(**checked, uid=f"{uuid.uuid4()}@jarchy", status=MediaPlanStatus.PLANNED, sequence=0,
                         created_at=at, created_by=actor_name(actor), updated_at=at, updated_by=actor_name(actor))
    session.add(row)
    session.flush()
    session.refresh(row, ["unit"])
    chain.record(session, type=EventType.MEDIA_PLAN_CREATED, at=at, actor=actor_name(actor),
                 subject=f"media_plan:{row.id}", after=describe(row))
    return row


def _open_for_change(row: MediaPlanEntry, at: datetime, what: str) -> None:
    if row.status in CLOSED:
        raise Conflict(f"the entry is {row.status}: it cannot be {what}",
                       [{"field": "status", "message": f"is {row.status}"}],
                       code=Code.ENTRY_STATUS, params={"status": str(row.status)})
    if is_over(row, at):
        raise Conflict(f"the entry is over: it cannot be {what}, only recorded as held",
                       [{"field": "ends_at", "message": "has passed"}], code=Code.ENTRY_OVER)


def _record(session: Session, row: MediaPlanEntry, before: dict[str, Any], event: EventType, actor: Actor,
            at: datetime) -> bool:
    session.flush()
    session.refresh(row, ["unit"])
    after = describe(row)
    if after == before:
        return False
    row.sequence += 1
    row.updated_at, row.updated_by = at, actor_name(actor)
    session.flush()
    chain.record(session, type=event, at=at, actor=actor_name(actor), subject=f"media_plan:{row.id}",
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return True


def update_entry(session: Session, entry_id: int, changes: dict[str, Any], *, tz: tzinfo, actor: Actor,
                 at: datetime) -> MediaPlanEntry:
    """Change any of an entry's fields (not one that is over, cancelled or held); a change that changes nothing
    records nothing."""
    check_may_keep_media_plan(actor)
    row = _for_change(session, entry_id)
    _open_for_change(row, at, "changed")
    checked = checked_values(session, changes, tz, at, current=row)
    before = describe(row)
    for name, value in checked.items():
        setattr(row, name, value)
    _record(session, row, before, EventType.MEDIA_PLAN_UPDATED, actor, at)
    return row


def _reason(reason: Any) -> str:
    errors: Errors = []
    text = checked_text(errors, "reason", reason, REASON_LENGTH, required=True)
    refuse(errors, "reason")
    assert text is not None
    return text


def postpone(session: Session, entry_id: int, *, reason: Any, tz: tzinfo, actor: Actor, at: datetime,
             starts_at: Any = None, ends_at: Any = None, all_day: Any = None) -> MediaPlanEntry:
    """Postpone an entry, with the reason: to a new time when one is given, else until a date is fixed (a later
    change sets it). The start it had is kept (`postponed_from`)."""
    check_may_keep_media_plan(actor)
    row = _for_change(session, entry_id)
    _open_for_change(row, at, "postponed")
    text = _reason(reason)
    moved = {k: v for k, v in (("starts_at", starts_at), ("ends_at", ends_at), ("all_day", all_day))
             if v is not None}
    checked = checked_values(session, moved, tz, at, current=row) if moved else {}
    if checked.get("starts_at") == row.starts_at:
        # The start it has is no new time: a postponement without one is until a date is fixed (is_undated).
        raise Invalid("the entry already starts then: postpone it to another time, or without one until a date "
                      "is fixed", [problem("starts_at", Code.SAME_START, "is the start the entry has")],
                      code=Code.SAME_START)
    _postponed(session, row, checked, text, actor, at)
    return row


def _postponed(session: Session, row: MediaPlanEntry, moved: dict[str, Any], reason: str, actor: Actor,
               at: datetime) -> None:
    """The entry postponed with its reason (to the moments `moved`, if any), audited, its `sequence` raised."""
    before = describe(row) | {"postponed_from": _utc(row.postponed_from)}
    row.postponed_from = row.starts_at
    for name, value in moved.items():
        setattr(row, name, value)
    row.status, row.status_reason = MediaPlanStatus.POSTPONED, reason
    session.flush()
    session.refresh(row, ["unit"])
    after = describe(row) | {"postponed_from": _utc(row.postponed_from)}
    row.sequence += 1
    row.updated_at, row.updated_by = at, actor_name(actor)
    session.flush()
    chain.record(session, type=EventType.MEDIA_PLAN_POSTPONED, at=at, actor=actor_name(actor),
                 subject=f"media_plan:{row.id}",
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})


def cancel(session: Session, entry_id: int, *, reason: Any, actor: Actor, at: datetime) -> MediaPlanEntry:
    """Cancel an entry, with the reason; it stays in the plan (and in the feeds, as cancelled)."""
    check_may_keep_media_plan(actor)
    row = _for_change(session, entry_id)
    _open_for_change(row, at, "cancelled")
    text = _reason(reason)
    before = describe(row)
    row.status, row.status_reason = MediaPlanStatus.CANCELLED, text
    _record(session, row, before, EventType.MEDIA_PLAN_CANCELLED, actor, at)
    return row


def record_held(session: Session, entry_id: int, *, actor: Actor, at: datetime) -> MediaPlanEntry:
    """Record that the appearance took place: once it has begun, and only of an entry not cancelled."""
    check_may_keep_media_plan(actor)
    row = _for_change(session, entry_id)
    if row.status in CLOSED:
        raise Conflict(f"the entry is already {row.status}", [{"field": "status", "message": f"is {row.status}"}],
                       code=Code.ENTRY_STATUS, params={"status": str(row.status)})
    if row.starts_at > at:
        raise Conflict("the entry has not begun yet: it can be recorded as held once it has",
                       [{"field": "starts_at", "message": "has not come yet"}], code=Code.ENTRY_NOT_BEGUN)
    before = describe(row)
    row.status = MediaPlanStatus.HELD
    _record(session, row, before, EventType.MEDIA_PLAN_HELD, actor, at)
    return row


def is_undated(row: MediaPlanEntry) -> bool:
    """Postponed until a date is fixed (the feed's TENTATIVE): its start is still the one it was postponed from. A
    postponement to a time always moves the start (`postpone` and the case's `change_event` refuse the start the
    entry has, engine.runtime.plan_follows), so the two are never confused."""
    return row.status == MediaPlanStatus.POSTPONED and row.postponed_from == row.starts_at


# -- the entry follows its supporting case (engine.runtime.plan_follows) -----------------------------------
# The case is the authority here: the person who postponed, cancelled or held the event in it may do so there
# (the case's own rules), so no right to keep the plan is asked. Each is audited as the plan's own changes are,
# with the case named as the actor when nobody acted (a timer); each does nothing when the entry already shows it,
# so that a change the plan sent to the case does not come back.

def follow_postponement(session: Session, row: MediaPlanEntry, *, starts_at: datetime, ends_at: datetime | None,
                        reason: str, tz: tzinfo, actor: Actor, at: datetime) -> bool:
    """The entry moved to the case's new time (an end not given keeps the entry's length), postponed with the
    case's reason; False when it is already there, cancelled or held."""
    finish = ends_at if ends_at is not None else starts_at + (row.ends_at - row.starts_at)
    if row.status in CLOSED or (row.starts_at == starts_at and row.ends_at == finish):
        return False
    midnight = starts_at.astimezone(tz).time() == time(0) and finish.astimezone(tz).time() == time(0)
    _postponed(session, row, {"starts_at": starts_at, "ends_at": finish, "all_day": row.all_day and midnight},
               reason, actor, at)
    return True


def follow_cancellation(session: Session, row: MediaPlanEntry, *, reason: str, actor: Actor, at: datetime) -> bool:
    """The entry cancelled with the case's reason; False when it is already cancelled or held."""
    if row.status in CLOSED:
        return False
    before = describe(row)
    row.status, row.status_reason = MediaPlanStatus.CANCELLED, reason
    return _record(session, row, before, EventType.MEDIA_PLAN_CANCELLED, actor, at)


def follow_held(session: Session, row: MediaPlanEntry, *, actor: Actor, at: datetime) -> bool:
    """The entry recorded held when its case held the event; False when it is already held or cancelled."""
    if row.status in CLOSED:
        return False
    before = describe(row)
    row.status = MediaPlanStatus.HELD
    return _record(session, row, before, EventType.MEDIA_PLAN_HELD, actor, at)
