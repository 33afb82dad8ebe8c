from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import NotificationOut, NotificationQuery, page_of
from api.views.common import ctx
from engine.reads.notifications import for_user
from engine.runtime import notifications

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="What the caller was told: new tasks, reminders, escalations")


@blp.route("")
class Notifications(MethodView):
    @blp.doc(operationId="listNotifications")
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, page_of(NotificationOut, "NotificationPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's notifications, newest first; `unread=true` for the unread ones."""
        result = for_user(session(), current_user(), **args)
        return present.page(result, [present.notification(row) for row in result.items])


@blp.route("/<id:notification_id>/read")
class Read(MethodView):
    @blp.doc(operationId="readNotification")
    @blp.response(200, NotificationOut)
    @blp.alt_response(404, description="No such notification of the caller's")
    def post(self, notification_id: int) -> dict[str, Any]:
        """Mark one of the caller's notifications read (someone else's is a 404)."""
        return present.notification(notifications.mark_read(session(), current_user(), notification_id, at=ctx().now()))
