from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView

from api.auth import current_user
from api.blueprint import Blueprint
from api.schemas import AddWorkingDaysQuery, CalendarOut, CalendarQuery, DateOut
from api.views.common import ctx
from engine.errors import Invalid

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar", description="The working-day calendar")


@blp.route("")
class Calendar(MethodView):
    @blp.doc(operationId="getCalendar")
    @blp.arguments(CalendarQuery, location="query")
    @blp.response(200, CalendarOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """One entry a day: working or not, and why."""
        current_user()
        start, end = args["from_"], args["to"]
        if end < start or end - start > timedelta(days=366):
            raise Invalid("give a range of at most 366 days, from before to",
                          [{"field": "to", "message": "must be on or after 'from' and within 366 days"}])
        return {"items": [{"date": d.date, "working": d.working, "reason": d.reason}
                          for d in ctx().cal.days(start, end)]}


@blp.route("/add-working-days")
class AddWorkingDays(MethodView):
    @blp.doc(operationId="addWorkingDays")
    @blp.arguments(AddWorkingDaysQuery, location="query")
    @blp.response(200, DateOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The `days`-th working day after `start` (`start` itself never counts)."""
        current_user()
        return {"date": ctx().cal.add_working_days(args["start"], args["days"])}
