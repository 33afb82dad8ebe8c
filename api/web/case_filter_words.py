"""The cases list's further filters (those a dashboard figure opens it with) said in the reader's language, so that
a reader sees why the list holds what it holds."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from api.web.i18n import day_span, label
from api.web.unit_names import unit_text


def _days(kept: dict[str, str | list[str]], prefix: str) -> str | None:
    first, last = (date.fromisoformat(str(kept[n])) if n in kept else None for n in (f"{prefix}_from", f"{prefix}_to"))
    if first and last:
        return day_span(first, last) if first <= last else None
    if first:
        return _("from %(day)s", day=format_date(first, "long"))
    if last:
        return _("until %(day)s", day=format_date(last, "long"))
    return None


def described(kept: dict[str, str | list[str]]) -> list[str]:
    """One phrase a filter given."""
    words = []
    received, closed, published = _days(kept, "started"), _days(kept, "closed"), _days(kept, "published")
    if received:
        words.append(_("registered %(days)s", days=received))
    if closed:
        words.append(_("closed %(days)s", days=closed))
    if published:
        words.append(_("about a media piece published %(days)s", days=published))
    if kept.get("tone"):
        words.append(_("tone of the piece: %(tone)s", tone=label(str(kept["tone"]))))
    if kept.get("overdue") == "1":
        words.append(_("past the deadline"))
    elif kept.get("overdue") == "0":
        words.append(_("within the deadline"))
    if kept.get("no_unit"):
        words.append(_("concerning no unit"))
    elif kept.get("unit"):
        words.append(_("unit: %(unit)s", unit=unit_text(str(kept["unit"]))))
    outcomes = kept.get("outcome")
    if isinstance(outcomes, list):
        words.append(_("ended: %(outcomes)s", outcomes=", ".join(label(o) for o in outcomes)))
    return words
