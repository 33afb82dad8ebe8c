"""Leadership and the PR head: how requests are answered, what is open and overdue, publications by tone.

The figures come from `engine.reads.dashboard`; this view only labels them in the reader's language and shapes
them for Chart.js (assets/js/charts.js reads each chart from its canvas's data-chart attribute: the page's
Content-Security-Policy forbids inline scripts)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from api.database import session as db_session
from api.web.i18n import label
from api.web.procedure_names import procedure_name, procedure_names
from api.web.signin import page, web_user
from api.web.unit_names import unit_name, unit_text
from api.web.views.common import ctx, page_blueprint, render
from db.models import ProcessInstance
from engine.core.errors import Forbidden
from engine.people.access import check_may_read_instance, may_see_dashboard
from engine.reads import dashboard

blp = page_blueprint("web_dashboard")
TONE_COLOURS = {"positive": "#1f7a3a", "neutral": "#5b6575", "negative": "#b3261e"}
BAR_COLOUR = "#0b5cad"


@blp.get("/dashboard", endpoint="dashboard")
@page(may_see_dashboard)
def dashboard_page() -> tuple[str, int]:
    now = ctx().now()
    tz = ctx().cal.timezone
    figures = dashboard.figures(db_session(), now, tz)
    procedures = procedure_names()
    by_procedure = [(procedure_name(c.key, procedures), c.count) for c in figures.open_by_procedure]
    # The chart's labels are text; its table for screen readers marks a name shown in another language.
    by_unit = [(unit_name(c.key) if c.key else _("No unit"), c.count) for c in figures.open_by_unit]
    unit_labels = [(unit_text(c.key) if c.key else _("No unit"), c.count) for c in figures.open_by_unit]
    months = [format_date(m, "LLLL yyyy") for m in figures.tones.months]
    tones = [(label(tone), TONE_COLOURS[tone], counts) for tone, counts in figures.tones.counts.items()]
    return render(
        "dashboard/dashboard.html",
        now=now,
        month=format_date(figures.requests.month, "LLLL yyyy"),
        requests=figures.requests,
        by_procedure=by_procedure,
        by_unit=by_unit,
        procedure_chart=_bars(by_procedure, _("Open cases")),
        unit_chart=_bars(unit_labels, _("Open cases")),
        overdue=[(case, _case_url(case)) for case in figures.overdue],
        procedures=procedures,
        tone_names=[name for name, _colour, _counts in tones],
        tone_rows=[[month] + [counts[i] for _name, _colour, counts in tones] for i, month in enumerate(months)],
        tone_chart={"type": "bar", "stacked": True, "labels": months,
                    "datasets": [{"label": name, "data": counts, "backgroundColor": colour}
                                 for name, colour, counts in tones]},
    )


def _bars(rows: list[tuple[str, int]], series: str) -> dict[str, Any]:
    return {"type": "bar", "horizontal": True, "labels": [name for name, _n in rows],
            "datasets": [{"label": series, "data": [n for _name, n in rows], "backgroundColor": BAR_COLOUR}]}


def _case_url(case: ProcessInstance) -> str | None:
    """A link to the staff case page, for readers who may open that case (and where that page is served)."""
    user = web_user()
    if user is None:
        return None
    try:
        check_may_read_instance(db_session(), user, case)
        return url_for("web_staff.case", instance_id=case.id)
    except (Forbidden, BuildError):
        return None
