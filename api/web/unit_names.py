"""A unit's name on a page, in the reader's language (engine.people.unit_names).

Where the unit has no name in the reader's language the page shows its default-language name, marked: the text
carries its own `lang` attribute (screen readers pronounce it right) and a small note names the language it is in.
Options of a select hold no markup: there the note follows the name in brackets."""

from __future__ import annotations

from flask import g
from markupsafe import Markup, escape

from api.database import session
from api.web.i18n import HTML_LANG, LANGUAGE_NAMES, current_language
from db.models import Unit
from engine.people import unit_names
from engine.reads.choices import units


def _by_key() -> dict[str, Unit]:
    """The units, read once per request: a list of tasks names many units."""
    if "_units_by_key" not in g:
        g._units_by_key = {u.key: u for u in units(session())}
    return g._units_by_key  # type: ignore[no-any-return]


def _unit(unit: Unit | str | None) -> Unit | None:
    return _by_key().get(unit) if isinstance(unit, str) else unit


def unit_name(unit: Unit | str | None) -> Markup:
    """The unit (or the unit of that key) named for the reader; an unknown key is shown as it is."""
    row = _unit(unit)
    if row is None:
        return escape(unit or "")
    language = current_language()
    text, shown_in = unit_names.name_in(row, language)
    if shown_in == language:
        return escape(text)
    return Markup('<span lang="{}">{}</span> <small class="lang-fallback">({})</small>').format(
        HTML_LANG[shown_in], text, LANGUAGE_NAMES[shown_in])


def unit_text(unit: Unit | str | None) -> str:
    """The same as plain text, for a select's options and exports."""
    row = _unit(unit)
    if row is None:
        return unit or ""
    language = current_language()
    text, shown_in = unit_names.name_in(row, language)
    return text if shown_in == language else f"{text} ({LANGUAGE_NAMES[shown_in]})"


def unit_marks() -> dict[str, Markup]:
    """Every unit's name for the reader, by key, marked where it falls back (a case's data on its pages)."""
    return {key: unit_name(unit) for key, unit in _by_key().items()}


def unit_texts() -> dict[str, str]:
    """Every unit's name for the reader, by key (a form's or an event's unit field)."""
    return {key: unit_text(unit) for key, unit in _by_key().items()}
