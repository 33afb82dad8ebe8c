"""The leadership dashboard's figures over a period, each with the cases list query that lists its cases (the same
engine function as the page `/dashboard`)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import DashboardOut, DashboardQuery
from api.views.common import ctx
from engine.calendar import periods
from engine.people.access import check_may_read_dashboard
from engine.reads import dashboard

blp = Blueprint("dashboard", __name__, url_prefix="/api/v1/dashboard", description="The leadership dashboard")


@blp.route("")
class Dashboard(MethodView):
    @blp.doc(operationId="getDashboard")
    @blp.arguments(DashboardQuery, location="query")
    @blp.response(200, DashboardOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Requests answered on time and late, cases registered by procedure and unit, open and overdue now, and
        publications by tone, over `period` (leadership, pr_head, auditor, admin); a custom period needs `from`
        and `to`, `to` not before `from` (422 naming the field)."""
        check_may_read_dashboard(current_user())
        now, tz = ctx().now(), ctx().cal.timezone
        span = periods.resolve(args.get("period"), args.get("at"), args.get("from_"), args.get("to"),
                               now.astimezone(tz).date())
        return present.dashboard_figures(dashboard.figures(session(), now, tz, span))
