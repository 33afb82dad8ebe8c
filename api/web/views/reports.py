"""The figures on requests as a page (the same engine functions as `GET /api/v1/reports/requests`): a period's
figures per procedure and unit, and closing an ended period for those who may; and the office's own report (the
same engine function as `GET /api/v1/reports/office`)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from api.database import session as db_session
from api.views.reports import csv_response, office_csv_response
from api.web import office_report as office_labels
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint, render
from engine.core.errors import Conflict, Invalid
from engine.people.access import MAY_CLOSE_REPORTS, may_read_reports
from engine.runtime import office_report as office
from engine.runtime import reporting

blp = page_blueprint("web_reports")
NAMES = {"information_request": _l("Media information request"),
         "public_information_request": _l("Request for public information")}
COLUMNS = ("received", "answered_on_time", "answered_late", "partly_refused", "forwarded", "extended", "withdrawn",
           "open", "overdue", "median_working_days")


def _period() -> tuple[date, date, list[str]]:
    today = ctx().now().astimezone(ctx().cal.timezone).date()
    errors, days = [], {}
    for name, default in (("from", today.replace(day=1)), ("to", today)):
        raw = request.values.get(name)
        try:
            days[name] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors.append(name)
            days[name] = default
    return days["from"], days["to"], errors


def _requests_figures() -> tuple[reporting.Report | None, date, date, list[str]]:
    """The figures of the period the page asks for, or None with the offending fields named."""
    period_from, period_to, errors = _period()
    user = web_user()
    assert user is not None
    try:
        return reporting.requests_report(db_session(), ctx(), user, period_from, period_to), period_from, \
            period_to, errors
    except Invalid:
        return None, period_from, period_to, [*errors, "to"]


@blp.get("/reports/requests")
@page(may_read_reports)
def requests_report() -> tuple[str, int]:
    report, period_from, period_to, errors = _requests_figures()
    user = web_user()
    assert user is not None
    return render("reports/requests.html", 422 if errors else 200, report=report, period_from=period_from,
                  period_to=period_to, errors=errors, columns=COLUMNS,
                  names=NAMES, may_close=bool(set(MAY_CLOSE_REPORTS) & set(user.roles)),
                  periods=reporting.closed_periods(db_session(), user))


@blp.get("/reports/requests.csv")
@page(may_read_reports)
def requests_report_csv() -> Response | tuple[str, int]:
    """The figures as CSV for a signed-in reader (the API's `format=csv` is the same for a token); a period the
    page would refuse gets the page, with its fields named."""
    report, _from, _to, errors = _requests_figures()
    if errors or report is None:
        return requests_report()
    return csv_response(report)


@blp.post("/reports/requests/periods")
@page(may_read_reports)
def close_period() -> Response:
    period_from, period_to, errors = _period()
    user = web_user()
    assert user is not None
    if errors:
        flash(_("Give the period's first and last day."), "error")
    else:
        try:
            closed = reporting.close_period(db_session(), ctx(), user, period_from, period_to)
            flash(_("The period is closed; its figures no longer change (SHA-256 %(hash)s).", hash=closed.sha256),
                  "success")
        except Invalid:
            flash(_("A period can be closed only once it has ended, and it must end after it begins."), "error")
        except Conflict:
            flash(_("This period overlaps a period already closed."), "error")
    return redirect(url_for("web_reports.requests_report", **{"from": period_from.isoformat(),
                                                                "to": period_to.isoformat()}))


def _office() -> tuple[office.OfficeReport | None, list[str], dict[str, str | None]]:
    """The report the query asks for (nothing: the current month), or the parameters not understood."""
    user = web_user()
    assert user is not None
    values = {name: (request.args.get(name) or "").strip() or None for name in ("period", "of", "from", "to")}
    today = office.today(db_session(), ctx())
    if not any(values.values()):  # the current month, shown as such in the form
        values |= {"period": "month", "of": f"{today.year:04d}-{today.month:02d}"}
    errors: list[str] = []
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        try:
            days[name] = date.fromisoformat(values[name]) if values[name] else None  # type: ignore[arg-type]
        except ValueError:
            errors.append(name)
            days[name] = None
    report = None
    if not errors:
        try:
            period = office.resolve_period(values["period"], values["of"], days["from"], days["to"], today)
            report = office.office_report(db_session(), ctx(), user, period)
        except Invalid as invalid:
            errors += [str(e.get("field")) for e in invalid.errors]
    return report, errors, values


@blp.get("/reports/office")
@page(may_read_reports)
def office_report() -> tuple[str, int]:
    """The office's own report for a month, a quarter, a year or a span of days: charts with their tables (the
    same engine function as `GET /api/v1/reports/office`), and its CSV and PDF."""
    report, errors, values = _office()
    query = {k: v for k, v in values.items() if v is not None}
    return render("reports/office.html", 422 if errors else 200, report=report, errors=errors, chosen=values,
                  query=query, period_kinds=office_labels.PERIOD_KINDS,
                  sections=office_labels.sections(report) if report else [], chart=office_labels.bar_chart,
                  value_text=office_labels.value_text)


@blp.get("/reports/office.<any(csv, pdf):extension>")
@page(may_read_reports)
def office_report_file(extension: str) -> Response | tuple[str, int]:
    """The report as a file, for a signed-in reader (the API's `format=csv|pdf` is the same for a token)."""
    report, errors, values = _office()
    if report is None:
        return office_report()
    if extension == "csv":
        return office_csv_response(report)
    return Response(office_labels.pdf_bytes(report), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={office_labels.file_name(report, extension)}"})
