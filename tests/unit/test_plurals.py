"""Counted messages in each language's plural forms (issue 15, point 5): every catalog's `Plural-Forms` is the one
CLDR gives its language (Babel's table), and Russian and Ukrainian write all three forms of every counted
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
# Counted messages whose translation inflects no word by the count (`не более %(num)d`, an abbreviated unit): their
# three forms may be one text. Every other counted message writes "one" and "many" differently (1 день, 5 дней).
UNINFLECTED = {"At most %(num)d is allowed."}


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
def test_every_counted_message_has_its_three_forms(language: str) -> None:
    """Three forms written, each with the count. Two of them may rightly be one word (a genitive after "не более":
    1 символа, 3 символов, 5 символов; Ukrainian nouns in -ння: 1 завдання, 3 завдання), but "one" and "many" differ
    wherever the count inflects a word."""
    counted = [m for m in load(language) if m.id and m.pluralizable]
    assert len(counted) >= 10
    for message in counted:
        forms = message.string
        assert len(forms) == 3 and all("%(num)" in form for form in forms), (message.id, forms)
        if message.id[0] != message.id[1] and message.id[0] not in UNINFLECTED:
            assert forms[0] != forms[2], (message.id, forms)


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
