from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import AddWorkingDaysQuery, CalendarOut, CalendarQuery, DateOut, OverrideIn, OverrideOut
from api.views.common import ctx
from engine.calendar import overrides
from engine.core.errors import Code, Invalid
from engine.runtime import calendar_change

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar", description="The working-day calendar")


@blp.route("")
class Calendar(MethodView):
    @blp.doc(operationId="getCalendar")
    @blp.arguments(CalendarQuery, location="query")
    @blp.response(200, CalendarOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """One entry a day: working or not, and why."""
        current_user()
        overrides.current(session(), ctx())
        start, end = args["from_"], args["to"]
        if end < start or end - start > timedelta(days=366):
            raise Invalid("give a range of at most 366 days, from before to",
                          [{"field": "to", "message": "must be on or after 'from' and within 366 days"}],
                          code=Code.TOO_LONG_SPAN, params={"days": 366})
        return present.calendar_days(ctx().cal.days(start, end))


@blp.route("/overrides/<string:day>")
class Override(MethodView):
    @blp.doc(operationId="setCalendarOverride")
    @blp.arguments(OverrideIn)
    @blp.response(200, OverrideOut)
    def put(self, body: dict[str, Any], day: str) -> dict[str, Any]:
        """Declare a day working or not (admin); running cases' deadlines are counted again."""
        user = current_user()
        row, moved = calendar_change.set_override(session(), ctx(), day=lambda: _day(day), working=body["working"],
                                                 reason=body["reason"], actor=user, at=ctx().now())
        return present.override(row, moved)


def _day(text: str) -> date:
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or len(text) != 10 or not 1900 <= parsed.year <= 2200:
        raise Invalid("the date must be YYYY-MM-DD between 1900 and 2200",
                      [{"field": "date", "message": f"{text!r} is not a date"}], code=Code.NOT_A_DATE,
                      params={"value": text})
    return parsed


@blp.route("/add-working-days")
class AddWorkingDays(MethodView):
    @blp.doc(operationId="addWorkingDays")
    @blp.arguments(AddWorkingDaysQuery, location="query")
    @blp.response(200, DateOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The `days`-th working day after `start` (`start` itself never counts)."""
        current_user()
        return present.working_day(overrides.add_working_days(session(), ctx(), args["start"], args["days"]))
