"""A due date read at a glance, in the reader's language: "3 working days left", "5 hours left", its urgency's
class, and the legal ground of the clock it is counted on (jurisdictions/*.toml `ground`); and the derivation of
a case's deadline (engine.calendar.deadline_story) as the case page words it; why a day of the calendar counts or not,
as the calendar page words it."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from api.web.i18n import HTML_LANG, LANGUAGE_NAMES, current_language
from engine.calendar.days import CalendarDay


def left_words(left: dict[str, Any] | None) -> str:
    """What is left of a due moment (an open task's `time_left`, api.present), worded; empty for none."""
    if not left:
        return ""
    amount, unit = int(left["amount"]), left["unit"]
    if left["urgency"] == "overdue":
        if amount == 0:
            return _("due earlier today") if unit != "hours" else _("due within the last hour")
        if unit == "hours":
            return ngettext("%(num)d hour late", "%(num)d hours late", amount)
        if unit == "calendar_days":
            return ngettext("%(num)d day late", "%(num)d days late", amount)
        return ngettext("%(num)d working day late", "%(num)d working days late", amount)
    if unit == "hours":
        return _("less than an hour left") if amount == 0 else ngettext(
            "%(num)d hour left", "%(num)d hours left", amount)
    if amount == 0:
        return _("due today")
    if unit == "calendar_days":
        return ngettext("%(num)d day left", "%(num)d days left", amount)
    return ngettext("%(num)d working day left", "%(num)d working days left", amount)


def clock_ground(process_key: str, urgent: bool = False) -> Markup:
    """The legal ground of a procedure's clock in the reader's language, marked with its own language where the
    profile words it only in another; empty where the profile words none."""
    jurisdiction = current_app.extensions["jarchy.ctx"].jurisdiction
    found = jurisdiction.ground(process_key, current_language(), urgent=urgent)
    if found is None:
        return Markup("")
    text, language = found
    if language == current_language() or language not in HTML_LANG:
        return Markup("{}").format(text)
    return Markup('<span lang="{}">{}</span> <small class="lang-fallback">({})</small>').format(
        HTML_LANG[language], text, LANGUAGE_NAMES[language])


def ground_title(process_key: str, urgent: bool = False) -> str:
    """The same ground as plain text, for a `title` (hover) attribute: looked up once a page for each procedure's
    clock, however many rows of the list show it."""
    known: dict[tuple[str, bool, str], str] = g.setdefault("ground_titles", {})
    key = (process_key, urgent, current_language())
    if key not in known:
        found = current_app.extensions["jarchy.ctx"].jurisdiction.ground(process_key, key[2], urgent=urgent)
        known[key] = found[0] if found else ""
    return known[key]


def amount_words(amount: int, unit: str) -> str:
    """A statutory amount in its unit: "14 working days", "48 hours", "7 days"."""
    if unit == "hours":
        return ngettext("%(num)d hour", "%(num)d hours", amount)
    if unit == "calendar_days":
        return ngettext("%(num)d day", "%(num)d days", amount)
    return ngettext("%(num)d working day", "%(num)d working days", amount)


def day_kind(kind: str) -> str:
    """Why a day counted otherwise than its weekday says (engine.calendar.days.BusinessCalendar.kind)."""
    return {
        "weekend": _("Weekend"), "holiday": _("Public holiday"), "day_off": _("Day off"),
        "office_day_off": _("Day off set by the office"), "office_working_day": _("Working day set by the office"),
        "worked_by_decree": _("Weekend day worked by decree"), "working": _("Working day"),
    }.get(kind, kind)


def day_reason(day: CalendarDay, holidays: list[str], typed: str | None = None) -> str:
    """Why a day of the calendar is what it is, worded from its kind (never the engine's English reason): the
    public holidays' names (`holidays`, in the reader's language), the office's own reason as typed for an override
    (`typed`), the day off a weekend day worked by decree was moved to."""
    if day.kind.startswith("office_") and typed:
        return typed
    if day.kind == "holiday" and holidays:
        return "; ".join(holidays)
    if day.kind == "worked_by_decree" and day.day_off_on is not None:
        return _("Weekend day worked by decree; the day off is moved to %(date)s",
                 date=format_date(day.day_off_on, "long"))
    return day_kind(day.kind)
