"""The language catalogs (api/translations/): up to date with the pages, forms and diagrams, complete, well formed.

A string added to a page, a form or a shipped diagram without `make extract-messages` fails here with its
msgid named; so does a msgid that a language has not translated, a translation that drops a placeholder, one
in the wrong script or alphabet, and a catalog that does not compile. No database, no app: Babel's API only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "api" / "translations"
TRANSLATED = ("ky", "ru", "uz_Cyrl", "uz_Latn", "uk")  # every msgid must have a msgstr; en is the source language
LANGUAGES = (*TRANSLATED, "en")

# The letters each language's Cyrillic alphabet has: a letter outside it is a slip into another language
# (Russian ы in Ukrainian, Kyrgyz ө in Uzbek, Latin c typed in a Cyrillic word, ...).
RU = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
ALPHABETS = {
    "ru": RU,
    "ky": RU | set("ңөү"),
    "uk": (RU - set("ёъыэ")) | set("ґєії"),
    "uz_Cyrl": (RU - set("щы")) | set("ўқғҳ"),
}
# Uzbek's Latin alphabet (1995): c only in ch, no w; oʻ and gʻ take U+02BB, the tutuq belgisi U+02BC.
OKINA, TUTUQ = "\u02bb", "\u02bc"
UZ_LATN = set("abcdefghijklmnopqrstuvxyz") | {OKINA, TUTUQ}
# Stand-ins for those two that a keyboard or a converter slips in: o' g' o‘ g` and a typewriter apostrophe as tutuq.
WRONG_OKINA = re.compile(r"[OoGg]['‘’`ʼ]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Latin-script words a Cyrillic translation may keep: names, formats and codes. "holidays" is the Python package
# the calendar comes from and "transport" an example unit key, both written as they must be typed.
LATIN_ALLOWED = {"e-mail", "email", "bpmn", "csv", "json", "xml", "id", "url", "jarchy", "camunda", "ky", "ru", "uk",
                 "en", "uz", "uz_cyrl", "pdf", "html", "api", "atom", "rss", "sms", "www", "holidays", "transport",
                 "cron", "java", "tasklist", "ad-hoc"}
# Kept too when the msgid has them: acronyms (ISO, FEEL, DMN) and identifiers in camelCase (versionTag, QName).
CODE_WORD = re.compile(r"[A-Z]{2,6}|[a-z]+[A-Z]\w*|[A-Z][a-z]*[A-Z]\w*")
# printf-style placeholders (gettext's python-format) and the {name} ones the pages' scripts fill in.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxX%]|\{[A-Za-z_]\w*\}")
# Removed before looking at scripts: placeholders, `code`, identifiers with an underscore, URLs, file names,
# Java types (List<Object>) and products' names.
TECHNICAL = re.compile(
    r"%(?:\([A-Za-z_]\w*\))?[sdifrxX]|\{\w+\}|`[^`]*`|\b\w*_\w*\b|https?://\S+|[\w/.-]+\.(?:md|bpmn|json|csv|xml)\b"
    r"|\b\w+<[^()]*>|Camunda Forms|JSON Schema|Node\.js")
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
LATIN = re.compile(r"[A-Za-z]")


def load(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def key(message: Message) -> str:
    """A message's identity across catalogs: its context and (singular) msgid."""
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return f"{message.context}\x04{msgid}" if message.context else str(msgid)


def entries(catalog: Catalog) -> dict[str, Message]:
    return {key(message): message for message in catalog if message.id}


def strings(message: Message) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) pairs to compare: for plural forms each msgstr against the plural msgid."""
    ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
    strs = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    for index, string in enumerate(strs):
        yield ids[min(index, len(ids) - 1)], string or ""


def report(language: str, problems: list[str]) -> str:
    return f"{language}: {len(problems)} message(s):\n  " + "\n  ".join(problems)


@pytest.fixture(scope="module")
def template() -> dict[str, Message]:
    return entries(load(TRANSLATIONS / "messages.pot"))


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {language: load(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po") for language in LANGUAGES}


def test_the_template_holds_exactly_what_the_pages_and_forms_say(template: dict[str, Message]) -> None:
    """What `make extract-messages` would extract now (babel.cfg and the Makefile's keywords) is the .pot."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file, "babel.cfg")
    # The Makefile's keywords: `-k _l -k lazy_gettext -k _p:1c,2 -k lazy_pgettext:1c,2`.
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "_p": ((1, "c"), 2),
                "lazy_pgettext": ((1, "c"), 2)}
    found: dict[str, str] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple | list) else message
        if msgid:
            found.setdefault(f"{context}\x04{msgid}" if context else msgid, filename)
    missing = sorted(set(found) - set(template))
    stale = sorted(set(template) - set(found))
    assert not missing and not stale, (
        "api/translations/messages.pot is out of date: run `make extract-messages`, then translate.\n"
        + "".join(f"  new in {found[msgid]}: {msgid!r}\n" for msgid in missing)
        + "".join(f"  no longer used: {msgid!r}\n" for msgid in stale))


def test_every_language_holds_every_message_of_the_template(
        template: dict[str, Message], catalogs: dict[str, Catalog], language: str) -> None:
    missing = sorted(set(template) - set(entries(catalogs[language])))
    assert not missing, report(language, [f"not merged (run `make extract-messages`): {m!r}" for m in missing])


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(template: dict[str, Message], catalogs: dict[str, Catalog],
                                     language: str) -> None:
    translated = entries(catalogs[language])
    problems = []
    for msgid in sorted(template):
        message = translated.get(msgid)
        if message is None:
            continue  # reported by the test above
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(string.strip() for _id, string in strings(message)):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, report(language, problems)


def test_translations_keep_every_placeholder_and_outer_space(catalogs: dict[str, Catalog], language: str) -> None:
    problems = []
    for msgid, message in sorted(entries(catalogs[language]).items()):
        for source, string in strings(message):
            if not string:
                continue
            wanted = sorted(p for p in PLACEHOLDER.findall(source) if p != "%%")
            got = sorted(p for p in PLACEHOLDER.findall(string) if p != "%%")
            if wanted != got:
                problems.append(f"{msgid!r}: placeholders {wanted} became {got} in {string!r}")
            # Fragments joined to others (the modeler's " or ") keep their outer spaces.
            if (source[:1].isspace(), source[-1:].isspace()) != (string[:1].isspace(), string[-1:].isspace()):
                problems.append(f"{msgid!r}: the spaces at its ends differ in {string!r}")
    assert not problems, report(language, problems)
    # Babel's own checks (python-format compatibility, plural forms).
    errors = [f"{message.id!r}: {'; '.join(map(str, errs))}" for message, errs in catalogs[language].check()]
    assert not errors, report(language, errors)


@pytest.mark.parametrize("language", [language for language in TRANSLATED if language in ALPHABETS])
def test_translations_are_written_in_the_languages_cyrillic_alphabet(catalogs: dict[str, Catalog],
                                                                     language: str) -> None:
    alphabet = ALPHABETS[language]
    problems = []
    for msgid, message in sorted(entries(catalogs[language]).items()):
        for source, string in strings(message):
            for word in WORD.findall(TECHNICAL.sub(" ", string)):
                lower = word.lower()
                if LATIN.search(word):
                    if lower not in LATIN_ALLOWED and not (CODE_WORD.fullmatch(word) and word in source):
                        problems.append(f"{msgid!r}: Latin-script word {word!r}")
                    continue
                foreign = sorted({letter for letter in lower if letter.isalpha() and letter not in alphabet})
                if foreign:
                    problems.append(f"{msgid!r}: {word!r} has letters not of this alphabet: {''.join(foreign)}")
    assert not problems, report(language, problems)


def test_the_latin_uzbek_catalog_is_written_in_the_latin_alphabet(catalogs: dict[str, Catalog]) -> None:
    """uz_Latn is reviewed Latin text: no Cyrillic letter, only Uzbek's Latin letters, oʻ and gʻ with U+02BB."""
    problems = []
    for msgid, message in sorted(entries(catalogs["uz_Latn"]).items()):
        for source, string in strings(message):
            if CYRILLIC.search(string):
                problems.append(f"{msgid!r}: Cyrillic letters in {string!r}")
            if set(WRONG_OKINA.findall(string)) - set(WRONG_OKINA.findall(source)):
                problems.append(f"{msgid!r}: oʻ or gʻ written without U+02BB in {string!r}")
            for word in WORD.findall(TECHNICAL.sub(" ", string)):
                lower = word.lower()
                if lower in LATIN_ALLOWED or (CODE_WORD.fullmatch(word) and word in source) or word in source:
                    continue
                # c stands only in ch; w and a foreign letter not at all
                foreign = "".join(sorted({letter for letter in lower.replace("ch", "")
                                          if letter.isalpha() and letter not in UZ_LATN - {"c"}}))
                if foreign:
                    problems.append(f"{msgid!r}: {word!r} has letters not of Uzbek's Latin alphabet: {foreign}")
    assert not problems, report("uz_Latn", problems)


def test_catalogs_compile(catalogs: dict[str, Catalog], language: str) -> None:
    buffer = BytesIO()
    write_mo(buffer, catalogs[language])
    assert len(buffer.getvalue()) > 28, f"{language}: the compiled catalog is empty"
