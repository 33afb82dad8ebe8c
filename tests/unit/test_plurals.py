"""Counted messages in each language's plural forms (issue 15, point 5): every catalog's `Plural-Forms` is the one
CLDR gives its language (Babel's table), and Russian and Ukrainian have three distinct forms for every counted
message, the right one chosen for 1, 3, 5 and 21. No database, no app: Babel's API only."""

from __future__ import annotations

from gettext import c2py
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parents[2] / "api" / "translations"
CATALOGS = sorted(path.parts[-3] for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
THREE_FORMS = ("ru", "uk")
# Where the language's grammar gives one word for 1 and for 2-4: Ukrainian nouns in -ння (1 завдання, 3 завдання,
# 5 завдань). Any other message whose forms repeat is a form copied instead of written.
SAME_ONE_AND_FEW = {("uk", "%(num)d task")}


def load(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file)


def translations(language: str) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, load(language))
    buffer.seek(0)
    return Translations(buffer)


@pytest.mark.parametrize("language", CATALOGS)
def test_each_catalog_counts_as_its_language_does(language: str) -> None:
    catalog, expected = load(language), get_plural(language.replace("_Cyrl", "").replace("_Latn", ""))
    assert catalog.num_plurals == expected.num_plurals, language
    ours, cldr = c2py(catalog.plural_expr), c2py(expected.plural_expr)  # gettext's reading of the C expression
    assert [ours(n) for n in range(200)] == [cldr(n) for n in range(200)], language


@pytest.mark.parametrize("language", THREE_FORMS)
def test_every_counted_message_has_three_distinct_forms(language: str) -> None:
    counted = [m for m in load(language) if m.id and m.pluralizable]
    assert len(counted) >= 10
    for message in counted:
        distinct = 2 if (language, message.id[0]) in SAME_ONE_AND_FEW else 3
        assert len(set(message.string)) == distinct and all(message.string), (message.id, message.string)


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", ["остался 1 рабочий день", "осталось 3 рабочих дня", "осталось 5 рабочих дней",
            "остался 21 рабочий день"]),
    ("uk", ["залишився 1 робочий день", "залишилося 3 робочі дні", "залишилося 5 робочих днів",
            "залишився 21 робочий день"]),
])
def test_the_count_picks_its_form(language: str, expected: list[str]) -> None:
    words = translations(language)
    got = [words.ngettext("%(num)d working day left", "%(num)d working days left", n) % {"num": n}
           for n in (1, 3, 5, 21)]
    assert got == expected
