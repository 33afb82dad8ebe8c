"""Leadership and the PR head: over a week, a month, a quarter, a year or chosen days, how requests were answered,
what came in by procedure and unit, what is open and overdue now, and publications by tone.

The figures come from `engine.reads.dashboard` (as `GET /api/v1/dashboard`); this view only labels them in the
reader's language, links each number to the cases list filtered to exactly the cases it counts, and shapes the
charts for Chart.js (assets/js/charts.js reads each chart from its canvas's data-chart attribute: the page's
Content-Security-Policy forbids inline scripts)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from api import present
from api.database import session as db_session
from api.web import refusals
from api.web.i18n import day_span, label
from api.web.procedure_names import procedure_name, procedure_names
from api.web.signin import page, web_user
from api.web.unit_names import unit_name, unit_text
from api.web.views.common import ctx, page_blueprint, render
from db.models import ProcessInstance
from engine.calendar import periods
from engine.core.errors import Code, Forbidden, Invalid, problem
from engine.people.access import check_may_read_instance, may_see_dashboard
from engine.reads import dashboard
from engine.reads.dashboard import Figure

blp = page_blueprint("web_dashboard")
TONE_COLOURS = {"positive": "#1f7a3a", "neutral": "#5b6575", "negative": "#b3261e"}
BAR_COLOUR = "#0b5cad"
PERIOD_KINDS = {"week": _l("Week"), "month": _l("Month"), "quarter": _l("Quarter"), "year": _l("Year"),
                "custom": _l("Chosen days")}


def read_span(args: Any, today: date) -> periods.Span:
    """The span the query asks for (`period`, `at`, `from`, `to`); `Invalid` naming the field otherwise."""
    days: dict[str, date | None] = {}
    errors = []
    for name in ("at", "from", "to"):
        value = (args.get(name) or "").strip()
        try:
            days[name] = date.fromisoformat(value) if value else None
        except ValueError:
            days[name] = None
            errors.append(problem(name, Code.NOT_A_DATE, "is not a date", value=value))
    if errors:
        raise Invalid("a day is not a date", errors, code=Code.INVALID_INPUT)
    return periods.resolve(args.get("period") or None, days["at"], days["from"], days["to"], today)


@blp.get("/dashboard", endpoint="dashboard")
@page(may_see_dashboard)
def dashboard_page() -> tuple[str, int]:
    now = ctx().now()
    tz = ctx().cal.timezone
    chosen = {name: request.args.get(name, "") for name in ("period", "from", "to")}
    chosen["period"] = chosen["period"] or ("custom" if chosen["from"] or chosen["to"] else periods.DEFAULT_KIND)
    try:
        span = read_span(request.args, now.astimezone(tz).date())
    except Invalid as invalid:
        errors = {str(e["field"]): refusals.field(e) for e in invalid.errors}
        return render("dashboard/dashboard.html", 422, now=now, chosen=chosen, errors=errors,
                      period_kinds=PERIOD_KINDS, figures=None)
    figures = dashboard.figures(db_session(), now, tz, span)
    procedures = procedure_names()
    by_procedure = [(procedure_name(c.key, procedures), c.figure) for c in figures.received_by_procedure]
    # The chart's labels are text; its table for screen readers marks a name shown in another language.
    by_unit = [(unit_name(c.key) if c.key else _("No unit"), c.figure) for c in figures.received_by_unit]
    unit_labels = [(unit_text(c.key) if c.key else _("No unit"), c.figure) for c in figures.received_by_unit]
    months = [format_date(m, "LLLL yyyy") for m in figures.tones.months]
    tones = [(label(tone), TONE_COLOURS[tone], row) for tone, row in figures.tones.figures.items()]
    if span.kind == "custom":
        chosen |= {"from": span.first.isoformat(), "to": span.last.isoformat()}
    return render(
        "dashboard/dashboard.html",
        now=now, chosen=chosen, errors={}, period_kinds=PERIOD_KINDS, figures=figures,
        span_text=day_span(span.first, span.last),
        previous=_span_url(span.previous()), following=_span_url(span.following()),
        requests=figures.requests, opened=figures.open, overdue_now=figures.overdue_now,
        by_procedure=by_procedure, by_unit=by_unit,
        procedure_chart=_bars(by_procedure, _("Cases registered")),
        unit_chart=_bars(unit_labels, _("Cases registered")),
        overdue=[(case, _case_url(case)) for case in figures.overdue],
        procedures=procedures,
        tone_names=[name for name, _colour, _counts in tones],
        tone_rows=[[month] + [row[i] for _name, _colour, row in tones] for i, month in enumerate(months)],
        tone_chart={"type": "bar", "stacked": True, "labels": months,
                    "datasets": [{"label": name, "data": [f.count for f in row], "backgroundColor": colour,
                                  "links": [cases_url(f) for f in row]} for name, colour, row in tones]},
        cases_url=cases_url,
    )


def cases_url(figure: Figure) -> str:
    """The cases list filtered to exactly the cases `figure` counts."""
    return url_for("web_staff.cases", **present.case_list_query(figure.filters))


def _span_url(span: periods.Span) -> str:
    if span.kind == "custom":
        return url_for("web_dashboard.dashboard", period="custom", **{"from": span.first.isoformat(),
                                                                      "to": span.last.isoformat()})
    return url_for("web_dashboard.dashboard", period=span.kind, at=span.first.isoformat())


def _bars(rows: list[tuple[str, Figure]], series: str) -> dict[str, Any]:
    """A horizontal bar chart whose bars open their lists (`links`, read by charts.js)."""
    return {"type": "bar", "horizontal": True, "labels": [name for name, _f in rows],
            "links": [cases_url(f) for _name, f in rows],
            "datasets": [{"label": series, "data": [f.count for _name, f in rows], "backgroundColor": BAR_COLOUR}]}


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
