from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import TimerOut, TimerQuery, page_of
from engine.people.access import check_may_read_timers
from engine.reads import queries

blp = Blueprint("timers", __name__, url_prefix="/api/v1/timers", description="Pending timers")


@blp.route("")
class Timers(MethodView):
    @blp.doc(operationId="listTimers")
    @blp.arguments(TimerQuery, location="query")
    @blp.response(200, page_of(TimerOut, "TimerPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Pending timers, soonest first."""
        check_may_read_timers(current_user())
        result = queries.pending_timers(session(), **args)
        return present.page(result, present.timers(result.items))
