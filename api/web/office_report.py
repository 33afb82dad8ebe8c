"""The office's report (engine.runtime.office_report) as people read it, in their language: its sections with
labelled rows, each a bar chart with its table, and the same as CSV and PDF. The page, the API's CSV and PDF and
the PDF's charts all come from `sections`, so each shows the same labels and numbers.

Written by hand: the bar charts are a few SVG rectangles and texts (an accessible `role="img"` with a title and a
description naming every bar; the numbers are in a table beside them too), which no library draws without
JavaScript or a plotting stack. The PDF is WeasyPrint's (it needs Debian's Pango, which `make install` installs),
from an HTML template with the same SVG; it fetches nothing (no network, no files): the report is self-contained."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from flask import render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from api.web.procedure_names import procedure_name, procedure_names
from engine.runtime.office_report import OfficeReport

LABELS: dict[str, Any] = {
    # requests
    "information_request": _l("Media information request"),
    "public_information_request": _l("Request for public information"),
    "received": _l("Received"), "answered_on_time": _l("Answered on time"), "answered_late": _l("Answered late"),
    "refused": _l("Refused"), "partly_refused": _l("Partly refused"), "forwarded": _l("Forwarded"),
    "extended": _l("Extended"), "withdrawn": _l("Withdrawn"), "open": _l("Open"), "overdue": _l("Overdue"),
    "median_working_days": _l("Median working days to answer"),
    # releases
    "press_release": _l("Press release"), "statement": _l("Statement"), "announcement": _l("Announcement"),
    "report": _l("Report"), "bulletin": _l("Bulletin"),
    # responses
    "accurate": _l("Accurate"), "distorted": _l("Distorted"), "negative_true": _l("Negative and true"),
    "unverified": _l("Not yet verified"),
    "in_progress": _l("In progress"), "no_response": _l("Accurate, no response due"),
    "resolved": _l("Resolved"), "not_resolved": _l("Not resolved"),
    "escalated": _l("Escalated to a press conference or briefing"), "cancelled": _l("Cancelled"),
    "rebuttal": _l("Rebuttals published"), "comment": _l("Comments published"),
    # press conferences
    "press_conference": _l("Press conference"), "briefing": _l("Briefing"),
    # distribution
    "sent": _l("Sent"), "pending": _l("Waiting to be sent"), "not_sent": _l("Not sent (no mail server)"),
    "failed": _l("Failed"), "bounced": _l("Bounced"),
    # events, draft acts
    "supported": _l("Events supported"), "published": _l("Draft acts published"),
    "comments": _l("Comments received"),
}
PERIOD_KINDS = {"month": _l("Month"), "quarter": _l("Quarter"), "year": _l("Year"), "range": _l("From–to")}
NOT_RECORDED = _l("not yet recorded")


@dataclass
class Row:
    key: str
    label: str
    value: int | float | None  # None: not recorded (or no median)


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row]
    chart: bool = True
    note: str | None = None
    tables: list[tuple[str, list[Row]]] = field(default_factory=list)  # more rows, without a chart


def label(key: str) -> str:
    if key in LABELS:
        return str(LABELS[key])
    try:  # a language code: its name in the reader's language, from Babel's locale data
        return Locale.parse(key).get_display_name(get_locale()) or key
    except (ValueError, UnknownLocaleError):
        return key


def _rows(counts: dict[str, Any]) -> list[Row]:
    return [Row(key, label(key), value) for key, value in counts.items()]


def sections(report: OfficeReport) -> list[Section]:
    f = report.figures
    requests = f["requests"]
    total = requests["total"]
    request_rows = _rows({k: total[k] for k in ("received", "answered_on_time", "answered_late", "refused",
                                                 "forwarded", "open", "overdue")})
    procedures = procedure_names()
    per_procedure = [(procedure_name(p["process_key"], procedures),
                      _rows({k: v for k, v in p.items() if k != "process_key"}
                            | {"refused": sum(p["refused"].values())}))
                     for p in requests["procedures"]]
    closed = str(_l("These figures are those stored when the period was closed.")) if report.requests_closed \
        else None
    result = [
        Section("requests", str(_l("Requests and their timeliness")), request_rows, note=closed,
                tables=per_procedure),
        Section("releases_by_kind", str(_l("Releases published, by kind")), _rows(f["releases"]["by_kind"])),
        Section("releases_by_language", str(_l("Releases published, by language")),
                _rows(f["releases"]["by_language"]),
                note=str(_l("A release counts once in each language it was published in."))),
        Section("responses_by_verdict", str(_l("Media pieces registered, by verdict")),
                _rows(f["responses"]["by_verdict"])),
        Section("responses_by_outcome", str(_l("Media pieces registered, by outcome")),
                _rows(f["responses"]["by_outcome"]), tables=[(str(_l("Responses published")),
                                                              _rows(f["responses"]["published"]))]),
        Section("press_conferences", str(_l("Press conferences and briefings held")),
                _rows(f["press_conferences"]["by_format"])),
        Section("distribution", str(_l("Releases e-mailed to the media")), _rows(f["distribution"]["by_status"])),
    ]
    for key, title, names in (("events_supported", _l("Events of the leadership supported"), ("supported",)),
                              ("draft_acts", _l("Draft normative acts"), ("published", "comments"))):
        found = f[key]
        rows = [Row(name, label(name), None if found is None else found.get(name)) for name in names]
        result.append(Section(key, str(title), rows, chart=found is not None,
                              note=str(_l("Not yet recorded: the procedure is not in use yet.")) if found is None
                              else None))
    return result


def value_text(value: int | float | None) -> str:
    """A figure as the reader's language writes numbers (`2,5` in Russian); the CSV keeps `2.5` for programs."""
    return str(NOT_RECORDED) if value is None else format_decimal(value, locale=get_locale())


def bar_chart(section: Section) -> Markup:
    """A horizontal bar chart of the section's rows (None counts as 0): an image for screen readers, whose
    description names each bar and its number. Every text goes in through `Markup.format`, which escapes it."""
    rows = [(row.label, row.value or 0) for row in section.rows]
    height, label_width, bar_width = 26, 250, 260
    top = max((v for _, v in rows), default=0) or 1
    ident = f"chart-{section.key}"
    width, total_height = label_width + bar_width + 60, height * len(rows) + 8
    svg = Markup('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{w}" height="{h}" '
                 'viewBox="0 0 {w} {h}" aria-labelledby="{i}-title {i}-desc"><title id="{i}-title">{title}</title>'
                 '<desc id="{i}-desc">{desc}</desc>').format(
        w=width, h=total_height, i=ident, title=section.title,
        desc="; ".join(f"{name}: {value_text(value)}" for name, value in rows))
    for n, (name, value) in enumerate(rows):
        y = 4 + n * height
        length = round(bar_width * value / top, 1)
        svg += Markup('<text x="{lx}" y="{ty}" text-anchor="end" font-size="13">{name}</text>'
                      '<rect x="{bx}" y="{ry}" width="{length}" height="{bh}" fill="#2f6f9f"/>'
                      '<text x="{vx}" y="{ty}" font-size="13">{value}</text>').format(
            lx=label_width - 8, ty=y + 17, name=name, bx=label_width, ry=y + 4, length=length, bh=height - 8,
            vx=label_width + length + 6, value=value_text(value))
    return svg + Markup("</svg>")


def csv_text(report: OfficeReport, zone: str) -> str:
    """One row a figure: its section, key and label (in the reader's language), its value (empty when not
    recorded), and the time zone (`zone`) whose days the period counts."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "table", "figure", "label", "value", "time_zone"])
    for section in sections(report):
        for table, rows in [(section.key, section.rows), *section.tables]:
            for row in rows:
                writer.writerow([section.key, table, row.key, row.label,
                                 "" if row.value is None else f"{row.value:g}", zone])
    return buffer.getvalue()


def file_name(report: OfficeReport, extension: str) -> str:
    period = report.period
    return f"office-report-{period.first.isoformat()}-{period.last.isoformat()}.{extension}"


def pdf_bytes(report: OfficeReport) -> bytes:
    """The report as a PDF in the reader's language, its text in DejaVu Sans (Cyrillic included)."""
    from weasyprint import HTML  # imported when asked: it loads Pango
    from weasyprint.urls import URLFetcher

    html = render_template("reports/office_pdf.html", report=report, sections=sections(report),
                           chart=bar_chart, value_text=value_text, period_kinds=PERIOD_KINDS)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()  # type: ignore[no-any-return]

