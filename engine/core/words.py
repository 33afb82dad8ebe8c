"""What the engine writes to a person away from the pages (a notification, its e-mail) in that person's language.

The words are the pages' catalogs (compiled by the package's build or at the app's start-up), read with Babel
alone: the worker that sends an e-mail has no Flask request to take a language from. The application says where
its catalogs are (`Settings.catalogs`): the engine names no file of the layer above it. Dates and times are
Babel's for the same language, in the office's time zone. A language without a compiled catalog reads the English
source (as a page would)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_timezone_gmt, get_timezone_location
from babel.support import Translations

from engine.core.settings import BABEL_LOCALE

# The languages whose official letters write a date in figures (`Words.letter_moment`).
NUMERIC_LETTER_DATES = frozenset({"ky", "uz", "uz-Latn"})


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a message marked now and translated later)
    """Marks a message for `make extract-messages`; it is translated where it is worded (`Words.__call__`)."""
    return message


def _p(context: str, message: str) -> tuple[str, str]:
    """Marks a message with its context for `make extract-messages` (keyword `_p:1c,2`); worded by
    `Words.name_in`."""
    return context, message


@dataclass(frozen=True)
class Words:
    language: str  # one of engine.core.settings.LANGUAGES
    locale: Locale
    catalog: NullTranslations

    def __call__(self, message: str, **params: Any) -> str:
        text = self.catalog.gettext(message)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, num: int, **params: Any) -> str:
        """A counted message in the language's plural form for `num` (`%(num)d` in the message)."""
        return self.catalog.ngettext(singular, plural, num) % ({"num": num} | params)

    def name(self, english: str | None) -> str:
        """A name from data (a diagram's) through the catalog, as the pages' `translated`; empty for none."""
        return self.catalog.gettext(english) if english else ""

    def name_in(self, context: str, english: str) -> str:
        """A name the catalog words by its context (a holiday by its country: "Independence Day" of KG is
        "День независимости Кыргызской Республики"); without a translation in that context, as `name` words it."""
        text = self.catalog.pgettext(context, english)
        return text if text != english else self.name(english)

    def label(self, english: str | None, labels: dict[str, str] | None) -> str:
        """A diagram element's name: the deployed version's label in this language (`labels`, by language), else
        its English name through the catalog (as the pages name a step)."""
        return (labels or {}).get(self.language) or self.name(english)

    def moment(self, value: datetime, zone: tzinfo) -> str:
        """A moment as this language writes it (`23 марта 2026 г. 18:00`) on the office's clock, naming the
        clock's place (`Бишкек`) so that a reader elsewhere is not misled."""
        day = format_date(value.astimezone(zone), "long", locale=self.locale)
        time = format_time(value, "short", tzinfo=zone, locale=self.locale)
        place = get_timezone_location(zone, locale=self.locale, return_city=True) \
            if isinstance(zone, ZoneInfo) else ""
        return f"{day} {time}" + (f" ({place})" if place else "")

    def letter_moment(self, value: datetime, zone: tzinfo) -> str:
        """A moment as an official letter in this language writes it, on the office's clock with its offset from
        GMT (`16 марта 2026 г., 18:00 (GMT+06:00)`): the reader may be anywhere, and Babel lacks some cities' names.
        Kyrgyz and Uzbek letters write the date in figures (`16.03.2026 18:00`): in words it takes a case ending
        from the sentence around it, which Babel cannot know."""
        local = value.astimezone(zone)
        if self.language in NUMERIC_LETTER_DATES:
            written = format_date(local, "dd.MM.yyyy", locale=self.locale) + " " + local.strftime("%H:%M")
        else:  # the language's own way of joining a date and a time (`{1}, {0}`)
            written = str(self.locale.datetime_formats["medium"]).format(
                format_time(local, "short", locale=self.locale), format_date(local, "long", locale=self.locale))
        return f"{written} ({get_timezone_gmt(local, 'long', locale=self.locale)})"

    def short_moment(self, value: datetime, zone: tzinfo) -> str:
        """A moment in short (`23.03.2026, 18:00`), as a line of a list that names the clock once (the daily
        summary's lines, engine.background.summaries)."""
        return format_datetime(value, "short", tzinfo=zone, locale=self.locale)


@lru_cache(maxsize=16)
def words(language: str | None, catalogs: Path | None = None) -> Words:
    """The words of `language` (an account's `locale`) from the compiled `catalogs` (`Settings.catalogs`); English
    for none or an unknown language, and for no catalogs."""
    code = language or "en"
    babel_code = BABEL_LOCALE.get(code, code.replace("-", "_"))
    try:
        locale = Locale.parse(babel_code)
    except (ValueError, LookupError):
        code, babel_code, locale = "en", "en", Locale.parse("en")
    catalog = Translations.load(str(catalogs), [babel_code]) if catalogs else NullTranslations()
    return Words(code, locale, catalog)
