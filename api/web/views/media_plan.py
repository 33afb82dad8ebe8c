"""The media plan's pages: a month and a week of the leadership's appearances (with previous and next), an entry with
what may be done to it, the form that adds or changes one, and the page where a user gets, renews or ends their
private calendar link. Readers are those `may_read_media_plan` allows; the PR department, its head and the
administrator (`may_keep_media_plan`) also write.

Every page calls the engine function the REST API calls (engine.people.media_plan, engine.people.calendar_feed); a
form the engine refuses is shown again with the input kept and each offending field marked (422, or 409 for an entry
that is over, cancelled or held)."""

from __future__ import annotations

import calendar as month_grid
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from api.database import session as db_session
from api.web import refusals
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint, render
from api.web.vocabulary import APPEARANCE_FORMATS, MEDIA_PLAN_STATUSES
from db.models import MediaPlanEntry, User
from engine.core.errors import JarchyError
from engine.people import calendar_feed, media_plan
from engine.people.access import may_keep_media_plan, may_read_media_plan
from engine.reads import choices
from engine.reads import media_plan as reads
from engine.runtime import supported_events

blp = page_blueprint("web_media_plan", "/media-plan")
Errors = dict[str, list[str]]


def _errors(error: JarchyError, default_field: str) -> Errors:
    """The engine's errors by field; a refusal the pages word themselves in the reader's language."""
    found: Errors = {}
    for entry in error.errors:
        found.setdefault(str(entry.get("field") or default_field).split(".")[0], []).append(refusals.field(entry))
    if not error.errors:
        found[default_field] = [refusals.of(error)]
    return found


def _user() -> User:
    user = web_user()
    assert user is not None  # `page` let only the signed-in through
    return user


def _today() -> date:
    return ctx().cal.local_date(ctx().now())


def _day_arg(name: str, default: date) -> date:
    text = request.args.get(name, "")
    try:
        chosen = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        chosen = None
    return chosen if chosen is not None and 1900 < chosen.year < 2200 else default


def _month_arg(default: date) -> date:
    text = request.args.get("month", "")
    try:
        chosen = date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        chosen = None
    return chosen if chosen is not None and 1900 < chosen.year < 2200 else default.replace(day=1)


def _by_day(entries: list[MediaPlanEntry], first: date, last: date) -> dict[date, list[MediaPlanEntry]]:
    """Each day from `first` to `last` with the entries on it (an entry of several days on each of them)."""
    tz = ctx().cal.timezone
    days: dict[date, list[MediaPlanEntry]] = {first + timedelta(days=n): [] for n in range((last - first).days + 1)}
    for row in entries:
        start, end = media_plan.first_day(row, tz), media_plan.last_day(row, tz)
        for n in range((min(end, last) - max(start, first)).days + 1):
            days[max(start, first) + timedelta(days=n)].append(row)
    return days


def _period(first: date, last: date) -> dict[date, list[MediaPlanEntry]]:
    tz = ctx().cal.timezone
    rows = reads.all_between(db_session(), datetime.combine(first, time(0), tzinfo=tz),
                             datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz))
    return _by_day(rows, first, last)


def _common() -> dict[str, Any]:
    return {"formats": APPEARANCE_FORMATS, "statuses": MEDIA_PLAN_STATUSES, "today": _today(),
            "may_keep": may_keep_media_plan(_user()), "tz": ctx().cal.timezone}


@blp.get("")
@page(may_read_media_plan)
def month() -> tuple[str, int]:
    shown = _month_arg(_today())
    weeks = month_grid.Calendar(firstweekday=0).monthdatescalendar(shown.year, shown.month)
    days = _period(weeks[0][0], weeks[-1][-1])
    return render("media_plan/month.html", shown=shown, weeks=weeks, days=days,
                  weekdays=[format_date(d, "EEE") for d in weeks[0]],
                  previous=(shown - timedelta(days=1)).replace(day=1),
                  following=(shown + timedelta(days=32)).replace(day=1), **_common())


@blp.get("/week")
@page(may_read_media_plan)
def week() -> tuple[str, int]:
    chosen = _day_arg("date", _today())
    monday = chosen - timedelta(days=chosen.weekday())
    return render("media_plan/week.html", monday=monday, sunday=monday + timedelta(days=6),
                  days=_period(monday, monday + timedelta(days=6)), previous=monday - timedelta(days=7),
                  following=monday + timedelta(days=7), **_common())


@blp.get("/<id:entry_id>")
@page(may_read_media_plan)
def entry(entry_id: int) -> tuple[str, int]:
    return _entry_page(reads.entry(db_session(), entry_id), {}, {})


def _entry_page(row: MediaPlanEntry, values: dict[str, Any], errors: Errors, status: int = 200) -> tuple[str, int]:
    tz = ctx().cal.timezone
    return render("media_plan/entry.html", status, entry=row, values=values, errors=errors,
                  first_day=media_plan.first_day(row, tz), last_day=media_plan.last_day(row, tz),
                  over=media_plan.is_over(row, ctx().now()), begun=row.starts_at <= ctx().now(),
                  may_support=supported_events.may_support(db_session(), _user()),
                  supported=supported_events.supporting(db_session(), row.id), **_common())


# -- adding and changing ----------------------------------------------------------------------------------

def _moment(prefix: str, all_day: bool) -> str | None:
    """What the form's day and time say, as the engine reads it: a day for an all-day entry, else the day and time
    (the office's); what was typed otherwise, for the engine to name."""
    day = request.form.get(f"{prefix}_on", "").strip()
    clock = request.form.get(f"{prefix}_time", "").strip()
    if not day:
        return None
    return day if all_day or not clock else f"{day}T{clock}"


def _form_values() -> dict[str, Any]:
    all_day = request.form.get("all_day") == "1"
    press = request.form.get("open_to_press", "")
    return {"title": request.form.get("title", "").strip(), "official": request.form.get("official", "").strip(),
            "format": request.form.get("format", ""), "place": request.form.get("place", "").strip() or None,
            "description": request.form.get("description", "").strip() or None,
            "unit": request.form.get("unit", "") or None, "all_day": all_day,
            "open_to_press": {"1": True, "0": False}.get(press),
            "starts_at": _moment("starts", all_day), "ends_at": _moment("ends", all_day)}


def _shown_values(row: MediaPlanEntry) -> dict[str, Any]:
    """An entry as its form shows it (the office's days and times)."""
    tz = ctx().cal.timezone
    starts, ends = row.starts_at.astimezone(tz), row.ends_at.astimezone(tz)
    return {"title": row.title, "official": row.official, "format": str(row.format), "place": row.place,
            "description": row.description, "unit": row.unit.key if row.unit else None, "all_day": row.all_day,
            "open_to_press": row.open_to_press, "starts_on": starts.date().isoformat(),
            "starts_time": "" if row.all_day else starts.strftime("%H:%M"),
            "ends_on": media_plan.last_day(row, tz).isoformat(),
            "ends_time": "" if row.all_day else ends.strftime("%H:%M")}


def _typed() -> dict[str, Any]:
    """What the form sent, to show it again."""
    values = _form_values()
    return values | {key: request.form.get(key, "") for key in ("starts_on", "starts_time", "ends_on", "ends_time")}


def _form_page(row: MediaPlanEntry | None, values: dict[str, Any], errors: Errors, status: int = 200
               ) -> tuple[str, int]:
    units = choices.units(db_session())
    return render("media_plan/form.html", status, entry=row, values=values, errors=errors, units=units, **_common())


@blp.route("/new", methods=["GET", "POST"])
@page(may_keep_media_plan)
def new() -> Any:
    if request.method == "GET":
        # The press's admission is a decision: never pre-filled.
        return _form_page(None, {"format": "", "open_to_press": None,
                                 "starts_on": request.args.get("date", "")[:10]}, {})
    try:
        row = media_plan.create_entry(db_session(), _form_values(), tz=ctx().cal.timezone, actor=_user(),
                                      at=ctx().now())
    except JarchyError as error:
        return _form_page(None, _typed(), _errors(error, "title"), error.status)
    flash(_("The appearance was added to the media plan."), "success")
    return redirect(url_for(".entry", entry_id=row.id))


@blp.route("/<id:entry_id>/edit", methods=["GET", "POST"])
@page(may_keep_media_plan)
def edit(entry_id: int) -> Any:
    row = reads.entry(db_session(), entry_id)
    if row.status in media_plan.CLOSED or media_plan.is_over(row, ctx().now()):
        flash(_("This appearance can no longer be changed."), "error")
        return redirect(url_for(".entry", entry_id=entry_id))
    if request.method == "GET":
        return _form_page(row, _shown_values(row), {})
    try:
        supported_events.update_entry(db_session(), ctx(), _user(), entry_id, _form_values(),
                                      moved_reason=_("Moved in the media plan"))
    except JarchyError as error:
        return _form_page(row, _typed(), _errors(error, "title"), error.status)
    flash(_("The changes were saved."), "success")
    return redirect(url_for(".entry", entry_id=entry_id))


@blp.post("/<id:entry_id>/<any(postpone, cancel, held):action>")
@page(may_keep_media_plan)
def act(entry_id: int, action: str) -> Any:
    row = reads.entry(db_session(), entry_id)
    reason = request.form.get("reason", "")
    try:
        if action == "postpone":
            all_day = row.all_day
            supported_events.postpone_entry(db_session(), ctx(), _user(), entry_id, reason=reason,
                                            starts_at=_moment("starts", all_day),
                                            ends_at=_moment("ends", all_day) if request.form.get("ends_on") else None)
        elif action == "cancel":
            supported_events.cancel_entry(db_session(), ctx(), _user(), entry_id, reason=reason,
                                          told=request.form.get("told", "").splitlines())
        else:
            supported_events.record_held(db_session(), ctx(), _user(), entry_id)
    except JarchyError as error:
        errors = {f"{action}-{k}": v for k, v in _errors(error, "reason").items()}
        return _entry_page(row, dict(request.form) | {"action": action}, errors, error.status)
    flash({"postpone": _("The appearance was postponed."), "cancel": _("The appearance was cancelled."),
           "held": _("The appearance is recorded as held.")}[action], "success")
    return redirect(url_for(".entry", entry_id=entry_id))


@blp.post("/<id:entry_id>/support")
@page(may_read_media_plan)
def support(entry_id: int) -> Any:
    """Start the appearance's information support and go to its case (the engine decides who may)."""
    try:
        case = supported_events.support(db_session(), ctx(), _user(), entry_id)
    except JarchyError as error:
        flash(refusals.of(error), "error")
        return redirect(url_for(".entry", entry_id=entry_id))
    flash(_("The information support of the appearance has begun: %(case)s.", case=case.business_key), "success")
    return redirect(url_for("web_staff.case", instance_id=case.id))


# -- the calendar feed ----------------------------------------------------------------------------------

@blp.route("/subscribe", methods=["GET", "POST"])
@page(may_read_media_plan)
def subscribe() -> Any:
    """Get (or renew) the private link, shown once; or end it."""
    user, shown = _user(), None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            calendar_feed.revoke(db_session(), user, at=ctx().now())
            flash(_("Your calendar link was ended: calendar programs using it get nothing more."), "success")
        else:
            token = calendar_feed.issue(db_session(), user, at=ctx().now())
            shown = url_for("media_plan.Feed", token=token, _external=True)
    body, status = render("media_plan/subscribe.html", link=calendar_feed.current(db_session(), user), shown=shown)
    return body, status, {"Cache-Control": "no-store"}  # the link, shown once, is kept by no cache
