from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import (
    NotificationOut,
    NotificationPage,
    NotificationQuery,
    NotificationSettingsIn,
    NotificationSettingsOut,
    ReadAllOut,
)
from api.views.common import ctx
from engine.reads.notifications import for_user, unread_count
from engine.runtime import notification_choices, notifications

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="What the caller was told: new tasks, reminders, escalations")
settings_blp = Blueprint("notification_settings", __name__, url_prefix="/api/v1/me/notification-settings",
                         description="The caller's choice of e-mail per kind of notification")


@blp.route("")
class Notifications(MethodView):
    @blp.doc(operationId="listNotifications")
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, NotificationPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's notifications, newest first; `unread=true` for the unread ones; `unread` counts them."""
        user = current_user()
        result = for_user(session(), user, **args)
        return present.page(result, [present.notification(row) for row in result.items]) | {
            "unread": unread_count(session(), user)}


@blp.route("/<id:notification_id>/read")
class Read(MethodView):
    @blp.doc(operationId="readNotification")
    @blp.response(200, NotificationOut)
    @blp.alt_response(404, description="No such notification of the caller's")
    def post(self, notification_id: int) -> dict[str, Any]:
        """Mark one of the caller's notifications read (someone else's is a 404)."""
        return present.notification(notifications.mark_read(session(), current_user(), notification_id, at=ctx().now()))


@blp.route("/read-all")
class ReadAll(MethodView):
    @blp.doc(operationId="readAllNotifications")
    @blp.response(200, ReadAllOut)
    def post(self) -> dict[str, Any]:
        """Mark every unread notification of the caller's read."""
        return {"read": notifications.mark_all_read(session(), current_user(), at=ctx().now()), "unread": 0}


@settings_blp.route("")
class Settings(MethodView):
    @settings_blp.doc(operationId="getNotificationSettings")
    @settings_blp.response(200, NotificationSettingsOut)
    def get(self) -> dict[str, Any]:
        """For each kind of notification, whether the caller gets it by e-mail at once, in a daily summary or not."""
        return present.notification_settings(notification_choices.choices_of(session(), current_user()),
                                             ctx().settings, ctx().cal.timezone)

    @settings_blp.doc(operationId="setNotificationSettings")
    @settings_blp.arguments(NotificationSettingsIn)
    @settings_blp.response(200, NotificationSettingsOut)
    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        """Choose e-mail per kind (`at_once`, `daily`, `none`); an unknown kind or choice is a 422 naming it
        (`email.<kind>`), and nothing is changed."""
        chosen = notification_choices.choose(session(), current_user(), body["email"])
        return present.notification_settings(chosen, ctx().settings, ctx().cal.timezone)
