"""The signed-in user's notifications: the list (newest first, all or unread), marking read, following one to its
task or case, and their choice of e-mail per kind. The same engine functions as `/api/v1/notifications` and
`/api/v1/me/notification-settings`; every user has notifications, so every signed-in user has these pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from babel.dates import format_time, get_timezone_location
from flask import Response, flash, g, redirect, request, url_for
from flask_babel import format_timedelta, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from api.database import session as db_session
from api.web.signin import page, safe_next, web_user
from api.web.views.common import ctx, page_blueprint, render
from api.web.vocabulary import EMAIL_CHOICES, NOTIFICATION_KINDS
from db.models import Notification, User
from db.vocabulary import NotificationKind
from engine.core.errors import Invalid
from engine.reads.notifications import for_user, unread_count
from engine.runtime import notification_choices, notifications

blp = page_blueprint("web_notifications")
PER_PAGE = 20
MAX_PAGE = 1_000_000
SHOWN = {"unread": True, "all": None}


def _user() -> User:
    user = web_user()
    assert user is not None  # `page` let only the signed-in through
    return user


def unread_in_bar() -> int:
    """The signed-in user's unread count, for the bar of every page (once a request). An error page shown after
    the database failed the request shows the bar without it."""
    if "unread_notifications" not in g:
        user = web_user()
        try:
            g.unread_notifications = unread_count(db_session(), user) if user is not None else 0
        except SQLAlchemyError:
            g.unread_notifications = 0
    return int(g.unread_notifications)


def ago(value: Any) -> str:
    """How long ago, in the reader's language (`3 hours ago`); anything within the last minute is `1 minute ago`
    (Babel would say `in 0 seconds` of this very moment)."""
    if not value:
        return ""
    return format_timedelta(min(value - ctx().now(), -timedelta(seconds=1)), granularity="minute",
                            add_direction=True)


@blp.get("/notifications")
@page()
def notifications_page() -> tuple[str, int]:
    show = request.args.get("show", "all")
    show = show if show in SHOWN else "all"
    number = min(max(request.args.get("page", default=1, type=int) or 1, 1), MAX_PAGE)
    result = for_user(db_session(), _user(), unread=SHOWN[show], page=number, per_page=PER_PAGE)
    return render("notifications/list.html", result=result, show=show, kinds=NOTIFICATION_KINDS,
                  unread=unread_in_bar(), ago=ago)


@blp.post("/notifications/<id:notification_id>/read")
@page()
def read(notification_id: int) -> Response:
    notifications.mark_read(db_session(), _user(), notification_id, at=ctx().now())
    return redirect(safe_next(request.form.get("next")) or url_for("web_notifications.notifications_page"))


@blp.post("/notifications/read-all")
@page()
def read_all() -> Response:
    count = notifications.mark_all_read(db_session(), _user(), at=ctx().now())
    flash(ngettext("%(num)d notification marked read.", "%(num)d notifications marked read.", count), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("web_notifications.notifications_page"))


@blp.post("/notifications/<id:notification_id>/open")
@page()
def open_(notification_id: int) -> Response:
    """Follow a notification to its task (or, `to=case`, its case): it is read once opened, as GitHub's are. A POST
    (a GET only reads), answered with a 303 to the page."""
    row: Notification = notifications.mark_read(db_session(), _user(), notification_id, at=ctx().now())
    if request.form.get("to") != "case" and row.task_id is not None:
        return redirect(url_for("web_staff.task", task_id=row.task_id), 303)
    if row.instance_id is not None:
        return redirect(url_for("web_staff.case", instance_id=row.instance_id), 303)
    return redirect(url_for("web_notifications.notifications_page"), 303)


# -- the choice of e-mail -------------------------------------------------------------------------------------

@blp.get("/settings/notifications")
@page()
def settings() -> tuple[str, int]:
    return _settings_page(notification_choices.choices_of(db_session(), _user()))


@blp.post("/settings/notifications")
@page()
def save_settings() -> Response | tuple[str, int]:
    given = {kind.value: request.form.get(f"email-{kind.value}", "") for kind in NotificationKind}
    try:
        notification_choices.choose(db_session(), _user(), given)
    except Invalid as exc:
        wrong = {entry["field"].removeprefix("email.") for entry in exc.errors}
        chosen = notification_choices.choices_of(db_session(), _user())
        return _settings_page(chosen, wrong=wrong, status=422)
    flash(_("Your e-mail choices are saved."), "success")
    return redirect(url_for("web_notifications.settings"))


def _settings_page(chosen: dict[Any, Any], *, wrong: set[str] | None = None, status: int = 200) -> tuple[str, int]:
    settings = ctx().settings
    return render("notifications/settings.html", status, chosen=chosen, kinds=NOTIFICATION_KINDS,
                  choices=EMAIL_CHOICES, wrong=wrong or set(), user=_user(),
                  sends_email=settings.smtp_url is not None,
                  summary_at=format_time(settings.email_summary_at, "short", locale=get_locale()),
                  place=get_timezone_location(ctx().cal.timezone, locale=get_locale(), return_city=True))
