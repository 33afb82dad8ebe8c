"""Languages of the pages: Flask-Babel with the catalogs in api/translations/, one per `engine.core.settings.LANGUAGES`.

The language is the signed-in user's (remembered on their account), else the one chosen before
signing in (kept in the session), else the browser's best match. The forms' titles, descriptions
and choices are catalog messages too (`api.web.form_messages` extracts them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval
from babel.numbers import format_decimal
from babel.units import format_unit
from flask import Flask, request, session
from flask_babel import Babel, format_datetime, get_locale, gettext

from api.web.catalogs import compile_stale
from api.web.form_messages import choice_label_message
from api.web.signin import web_user
from api.web.vocabulary import EVENT_TYPES, NAMED_VALUES, STATUSES
from engine.core.settings import BABEL_LOCALE, LANGUAGES

# Each language named in itself, for the switcher.
LANGUAGE_NAMES = {
    "ky": "Кыргызча",
    "ru": "Русский",
    "uz": "Ўзбекча",
    "uz-Latn": "Oʻzbekcha",
    "uk": "Українська",
    "en": "English",
}
# The HTML lang attribute (BCP 47) of each; its Babel locale is engine.core.settings.BABEL_LOCALE.
HTML_LANG = {"ky": "ky", "ru": "ru", "uz": "uz-Cyrl", "uz-Latn": "uz-Latn", "uk": "uk", "en": "en"}
# A browser's language tag (lower case) -> the pages' language: each code, its HTML tag, and the Babel locale.
_TAGS = {tag.lower().replace("_", "-"): code for code in LANGUAGES
         for tag in (code, HTML_LANG[code], BABEL_LOCALE.get(code, code))}


def init_app(app: Flask) -> None:
    settings = app.extensions["jarchy.ctx"].settings
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", settings.timezone)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    # An install that neither built the package nor ran `make catalogs` would show every language in English.
    compile_stale(settings.catalogs or Path(app.root_path) / "translations")
    Babel(app, locale_selector=lambda: BABEL_LOCALE.get(current_language(), current_language()))
    from api.web import case_failure, deadline_words  # noqa: PLC0415 (they read this module's languages)
    from api.web.unit_names import unit_name, unit_text  # noqa: PLC0415 (it reads this module's languages)

    app.jinja_env.globals.update(LANGUAGE_NAMES=LANGUAGE_NAMES, HTML_LANG=HTML_LANG, current_language=current_language,
                                 event_label=event_label, unit_name=unit_name, unit_text=unit_text,
                                 day_span=day_span, countries=countries, case_failure=case_failure.sentence,
                                 failure_of_case=case_failure.of_case, left_words=deadline_words.left_words,
                                 clock_ground=deadline_words.clock_ground, ground_title=deadline_words.ground_title,
                                 amount_words=deadline_words.amount_words, day_kind=deadline_words.day_kind)
    app.jinja_env.filters.update(when=when, label=label, translated=translated, named=named, file_size=file_size,
                                 language_name=language_name, country_name=country_name)
    app.jinja_env.add_extension("jinja2.ext.i18n")  # {% trans %} blocks


def current_language() -> str:
    """One of engine.core.settings.LANGUAGES."""
    user = web_user() if request else None
    if user is not None and user.locale in LANGUAGES:
        return user.locale
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return str(chosen)
    return negotiate(value for value, quality in request.accept_languages if quality > 0)  # q=0: "not this one"


def requested_language(account_language: str | None) -> str:
    """The language an API call is answered in: its `Accept-Language` where it sends one (as a page negotiates
    it), else the caller's account's, else English. A page asks `current_language` instead."""
    accepted = [value for value, quality in request.accept_languages if quality > 0]
    if accepted:
        return negotiate(accepted)
    return account_language if account_language in LANGUAGES else "en"


def negotiate(accepted: Iterable[str]) -> str:
    """The first of the browser's languages (best first) that the pages speak, by RFC 4647 lookup; else English.

    Each tag is shortened a subtag at a time until one is known: `uz-Latn-UZ` finds `uz-Latn` (Uzbek in Latin),
    `uz-Cyrl-UZ`, `uz-UZ` and a plain `uz` find `uz` (Uzbek in Cyrillic, the code accounts and the API have always
    used for it), `ru-RU` finds `ru`. Werkzeug's own best_match would read `uz-Latn-UZ` as plain `uz`."""
    for value in accepted:
        subtags = value.replace("_", "-").lower().split("-")
        while subtags:
            code = _TAGS.get("-".join(subtags))
            if code is not None:
                return code
            subtags.pop()
    return "en"


def language_name(code: str) -> str:
    """A language as a person reads it, never its code: an interface language named in itself (as the switcher
    names it), another (a journalist's, a publication language) in the reader's language, as Babel knows it."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(get_locale())
    except (ValueError, UnknownLocaleError):
        name = None
    return name[:1].upper() + name[1:] if name else code  # a code Babel does not know is all there is to show


def country_name(code: str) -> str:
    """A country (`KG`) by its name in the reader's language (Кыргызстан), as Babel knows it; else the code."""
    return str(get_locale().territories.get(code.upper(), code))


# Two-letter codes the locale data names that are no country: unions, the unknown region, CLDR's pseudo-locales.
NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


def countries() -> list[tuple[str, str]]:
    """The countries (ISO 3166-1 alpha-2 codes, as the registry stores them) with their names in the reader's
    language, by name: an administrator picks Кыргызстан, never types KG."""
    named = ((code, str(name)) for code, name in get_locale().territories.items()
             if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES)
    return sorted(named, key=lambda pair: pair[1].casefold())


def when(value: datetime | None, style: str = "medium") -> str:
    """A moment in the office's time zone and the reader's language, to the minute: the locale's date of `style`
    (`medium`, `long`, `full`) with its short time (staff never read seconds); an empty string for none."""
    if not value:
        return ""
    locale = get_locale()
    pattern = str(locale.datetime_formats[style]).format(
        locale.time_formats["short"].pattern, locale.date_formats[style].pattern)
    return format_datetime(value, pattern)


def day_span(first: date, last: date) -> str:
    """A span of days as the reader's language writes it (`1–31 марта 2026 г.`, `1–31 March 2026`), by Babel."""
    return format_interval(first, last, "yMMMMd", locale=get_locale())


def translated(text: str | None) -> str:
    """A name from data (a diagram's process or task, a form's title) through the catalogs, as plain text.

    Templates show such names with `|translated`, never with `_()`: Jinja's `_()` is for the templates' own
    messages, which it trusts as markup (and formats with `%`), so a name an administrator typed would reach
    the page as HTML. This returns a `str`, which Jinja escapes."""
    return str(gettext(text)) if text else ""


def named(english: str | None, names: dict[str, str] | None = None) -> str:
    """A diagram's name (a task's, a procedure's) in the reader's language: the diagram's own translation
    (`names`, by language: engine/procedures/labels.py), else the catalog's (versions deployed before diagrams
    carried labels), else the English source. Plain text, as `translated`."""
    return (names or {}).get(current_language()) or translated(english)


def diagram_name(meta: dict[str, Any], element_id: str, english: str | None) -> str:
    """An element of a deployed version named in the reader's language (see `named`)."""
    return named(english, meta.get("labels", {}).get(element_id))


def file_size(size: int) -> str:
    """A file's size in the reader's language (`1.5 MB`), counted in powers of 1024 as the limits are."""
    unit, value = "digital-byte", float(size)
    for name, factor in (("digital-gigabyte", 1 << 30), ("digital-megabyte", 1 << 20), ("digital-kilobyte", 1 << 10)):
        if size >= factor:
            unit, value = name, size / factor
            break
    locale = get_locale()
    if str(locale) in CYRILLIC_UZBEK_UNITS and locale.script == "Cyrl":
        return f"{format_decimal(value, '#,##0.#', locale=locale)} {CYRILLIC_UZBEK_UNITS[str(locale)][unit]}"
    return format_unit(value, unit, length="short", format="#,##0.#", locale=locale)


# CLDR names Uzbek's digital units only in Latin script (`byte`, `kB`): Cyrillic Uzbek writes them as below.
CYRILLIC_UZBEK_UNITS = {"uz_Cyrl": {"digital-byte": "байт", "digital-kilobyte": "КБ", "digital-megabyte": "МБ",
                                    "digital-gigabyte": "ГБ"}}


def label(value: Any, schema: dict[str, Any] | None = None) -> str:
    """A machine value shown to a person (`in_person` → "In person"), through the catalog.

    With the enum's schema, its `x-enum-labels` give the English message first."""
    if value is None or value == "":
        return ""
    if not schema and value in NAMED_VALUES:
        return str(NAMED_VALUES[value])
    if not schema and value in STATUSES:
        return str(STATUSES[value])
    return gettext(choice_label_message(schema or {}, value))


def event_label(event_type: str) -> str:
    """An audit event's type as a person reads it (`task.completed` → "Task completed"), through the catalog."""
    if event_type in EVENT_TYPES:
        return str(EVENT_TYPES[event_type])  # type: ignore[index]
    # A type no EventType names (a row written around the application) is still shown, made readable.
    return label(event_type.replace(".", "_"))
