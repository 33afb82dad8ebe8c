"""The figures on requests the access laws expect (engine.runtime.reporting): a period's report as JSON or CSV, and
closing a period so that its figures no longer change."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_babel import force_locale, gettext

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import (
    TEXT,
    OfficeReportOut,
    OfficeReportQuery,
    PeriodIn,
    PeriodOut,
    PeriodsOut,
    ReportOut,
    ReportQuery,
)
from api.views.common import ctx
from api.web import office_report as office_exports
from api.web.i18n import requested_language
from api.web.procedure_names import procedure_name, procedure_names
from api.web.unit_names import unit_texts
from engine.core.settings import BABEL_LOCALE
from engine.runtime import office_report, reporting

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Figures on requests for information; the office's own report")


@blp.route("/requests")
class RequestsReport(MethodView):
    @blp.doc(operationId="requestsReport")
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, ReportOut)
    @blp.alt_response(200, schema=TEXT, content_type="text/csv",
                      description="One row a procedure and a unit; refusals one column a ground")
    def get(self, args: dict[str, Any]) -> Any:
        """Per procedure and unit: received, answered on time and late, refused by ground, partly refused,
        forwarded, extended, withdrawn, open, overdue, and the median working days to answer."""
        report = reporting.requests_report(session(), ctx(), current_user(), args["from_"], args["to"])
        if args["format"] == "csv":
            return csv_response(report)
        return present.requests_report(report)


@blp.route("/requests/periods")
class Periods(MethodView):
    @blp.doc(operationId="listClosedPeriods")
    @blp.response(200, PeriodsOut)
    def get(self) -> dict[str, Any]:
        """The closed reporting periods, oldest first."""
        return {"items": [present.period(p) for p in reporting.closed_periods(session(), current_user())]}

    @blp.doc(operationId="closePeriod")
    @blp.arguments(PeriodIn)
    @blp.response(201, PeriodOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Close an ended period: its figures are stored with their SHA-256 and no longer change (pr_head, admin);
        an overlapping closed period is 409."""
        return present.period(reporting.close_period(session(), ctx(), current_user(), body["from_"], body["to"]))


@blp.route("/office")
class OfficeReport(MethodView):
    @blp.doc(operationId="officeReport")
    @blp.arguments(OfficeReportQuery, location="query")
    @blp.response(200, OfficeReportOut)
    @blp.alt_response(200, schema=TEXT, content_type="text/csv",
                      description="One row a figure: section, table, figure, label (the reader's language), value")
    @blp.alt_response(200, schema={"type": "string", "format": "binary"}, content_type="application/pdf",
                      description="The report with its charts, in the reader's language")
    def get(self, args: dict[str, Any]) -> Any:
        """The office's report for leadership: requests and their timeliness, releases by kind and language,
        responses by verdict and outcome, press conferences held, e-mails to the media, events supported, draft
        acts and comments (null: not yet recorded). `period` (month, quarter, year) with `of`, or `from` and `to`;
        none of them: the current month."""
        period = office_report.resolve_period(args.get("period"), args.get("of"), args.get("from_"), args.get("to"),
                                              office_report.today(session(), ctx()))
        reader = current_user()
        report = office_report.office_report(session(), ctx(), reader, period)
        # A token carries no page session: the words follow the call's Accept-Language, else the reader's account.
        language = requested_language(reader.locale)
        with force_locale(BABEL_LOCALE.get(language, language)):
            if args["format"] == "csv":
                return office_csv_response(report)
            if args["format"] == "pdf":
                return Response(office_exports.pdf_bytes(report), mimetype="application/pdf", headers={
                    "Content-Disposition": f"attachment; filename={office_exports.file_name(report, 'pdf')}"})
        return present.office_report(report)


def csv_response(report: reporting.Report) -> Response:
    """The requests' figures, one row a procedure and each of its units. The period's days are the office's (a
    case received at 23:30 in Bishkek counts on that day): the last column names its time zone on every row, as
    the audit CSV does, so a file read away from the HTTP response still says which calendar it keeps.

    The keys stay for programs; the procedure and the unit are also named in the reader's language, in the two
    columns after the time zone (added there so that a program reading the columns by position reads what it
    read before)."""
    grounds = sorted({g for item in report.items for row in [item, *item["units"]] for g in row["refused"]})
    columns = ["process_key", "unit", *reporting.FIGURES, "median_working_days",
               *(f"refused:{g}" for g in grounds), "time_zone", "procedure_name", "unit_name"]
    zone = ctx().cal.timezone.key
    procedures, units = procedure_names(), unit_texts()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for item in report.items:
        named = procedure_name(item["process_key"], procedures)
        for row, unit, unit_name in [(item, "(all)", gettext("All units")),
                                     *((u, u["unit"] or "(none)", units.get(u["unit"], u["unit"]) if u["unit"]
                                        else gettext("No unit")) for u in item["units"])]:
            writer.writerow([item["process_key"], unit, *(row[f] for f in reporting.FIGURES),
                             "" if row["median_working_days"] is None else f"{row['median_working_days']:g}",
                             *(row["refused"].get(g, 0) for g in grounds), zone, named, unit_name])
    name = f"requests-{report.period_from.isoformat()}-{report.period_to.isoformat()}.csv"
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}", "X-Time-Zone": zone})


def office_csv_response(report: office_report.OfficeReport) -> Response:
    """The office's report as CSV (api.web.office_report.csv_text), its days the office's: the last column and
    the X-Time-Zone header name the time zone."""
    zone = ctx().cal.timezone.key
    return Response(office_exports.csv_text(report, zone), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={office_exports.file_name(report, 'csv')}",
        "X-Time-Zone": zone})
