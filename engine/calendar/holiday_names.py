"""Public holidays named in a reader's language where the `holidays` package has no translation for the country.

The package names a country's holidays in English and in the languages it translates for that country (KG: ky and
ru; UZ: Uzbek in Latin script and uk; UA: uk). The other interface languages read reviewed names from the catalogs:
the msgid is the package's English name, listed below for `make extract-messages`; tests/unit/test_holiday_names.py
checks that every name the package gives Kyrgyzstan, Uzbekistan and Ukraine is listed. The package puts some names
together from a holiday and a label ("Nowruz (observed)", "Day off (substituted from 12/12/2026)"): they are taken
apart by those English labels and put together again in the reader's words, a date in the reader's locale.
Flask-free: the catalogs are read by engine.core.words."""

from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import format_date

from engine.core.words import N_, Words, _p

NAMES = (
    N_("Additional day off by Presidential decree"),
    N_("Additional public holiday"),
    N_("Anniversary of the Great October Socialist Revolution"),
    N_("Christmas Day"),
    N_("Constitution Day"),
    N_("Day of Memory and Honor"),
    N_("Day of Victory over Nazism in World War II (Victory Day)"),
    N_("Day of defenders of Ukraine"),
    N_("Day of the Constitution of Ukraine"),
    N_("Day of the Great October Socialist Revolution"),
    N_("Day of the People's April Revolution"),
    N_("Day of the People's Revolution"),
    N_("Days of History and Commemoration of Ancestors"),
    N_("Defender of Ukraine Day"),
    N_("Easter Sunday (Pascha)"),
    N_("Eid al-Adha"),
    N_("Eid al-Fitr"),
    N_("Fatherland Defender's Day"),
    N_("Independence Day"),
    N_("International Women's Day"),
    N_("International Workers' Solidarity Day"),
    N_("Labor Day"),
    N_("May Holidays"),
    N_("New Year Holidays"),
    N_("New Year's Day"),
    N_("Nooruz Holiday"),
    N_("Nowruz"),
    N_("Pentecost"),
    N_("Presidential decree holiday"),
    N_("Teachers and Instructors Day"),
    N_("Victory Day"),
    N_("Women's Day"),
)

# Names the package gives several countries alike, where the reader must learn whose holiday it is ("Independence
# Day" on a Ukrainian install read in Russian is Ukraine's): worded with the country as the message's context.
COUNTRY_NAMES = (
    _p("KG", "Independence Day"), _p("UZ", "Independence Day"), _p("UA", "Independence Day"),
    _p("KG", "Constitution Day"), _p("UZ", "Constitution Day"),
)

# The package's English labels around a holiday's name (`observed_label`, ...), longest first, and ours.
LABELS = (
    (" (observed, estimated)", N_("%(holiday)s (observed, estimated)")),
    (" (observed)", N_("%(holiday)s (observed)")),
    (" (estimated)", N_("%(holiday)s (estimated)")),
)
# The package's English `substituted_label`: a day off moved from a weekend day worked by decree.
SUBSTITUTED = re.compile(r"Day off \(substituted from (?P<date>[^)]+)\)")
MOVED_FROM = N_("Day off (moved from %(date)s)")


def worded(english: str, said: Words, date_format: str, country: str = "") -> str:
    """The package's English name of a holiday in `said`'s language; `date_format`: the package's English
    `substituted_date_format` (`%m/%d/%Y`), in which a moved day off names the day it was moved from; `country`:
    whose holiday it is, for the names several countries share. A name the catalogs do not know stays as the
    package gives it."""
    moved = SUBSTITUTED.fullmatch(english)
    if moved:
        try:
            worked = datetime.strptime(moved["date"], date_format).date()
        except ValueError:
            return english
        return said(MOVED_FROM, date=day_words(worked, said))
    for label, message in LABELS:
        if english.endswith(label):
            return said(message, holiday=named(english.removesuffix(label), said, country))
    return named(english, said, country)


def named(english: str, said: Words, country: str) -> str:
    """A holiday's own name in `said`'s language, its country's where several countries share it."""
    return said.name_in(country, english) if (country, english) in COUNTRY_NAMES else said.name(english)


def day_words(day: date, said: Words) -> str:
    """A day as `said`'s language writes it in full (`12 декабря 2026 г.`)."""
    return format_date(day, "long", locale=said.locale)
