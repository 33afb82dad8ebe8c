"""Drafts for the Latin Uzbek catalog (uz_Latn) from the Cyrillic one (uz_Cyrl), for a translator to review.

`make uz-latn-drafts` (after the Cyrillic catalog has its new messages) fills each empty `msgstr` of
api/translations/uz_Latn from the Cyrillic translation, spelled in the Latin alphabet of 1995 (oʻ and gʻ with
U+02BB, the tutuq belgisi with U+02BC; е is ye at a word's start and after a vowel, ц is s, or ts after a vowel).
Every draft is marked fuzzy, so tests/unit/test_catalogs.py fails until a person has read it, corrected what a
letter-by-letter spelling gets wrong (loanwords, names, wording) and removed the mark: the pages never show a
transliteration made by a program, at run time or otherwise. Nothing here runs in the application.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
OKINA, TUTUQ = "\u02bb", "\u02bc"
VOWELS = frozenset("аеёиоуўэюяы")
LETTERS = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ё": "yo", "ж": "j", "з": "z", "и": "i", "й": "y",
           "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
           "ф": "f", "х": "x", "ч": "ch", "ш": "sh", "щ": "sh", "ы": "i", "э": "e", "ю": "yu", "я": "ya",
           "ў": "o" + OKINA, "қ": "q", "ғ": "g" + OKINA, "ҳ": "h", "ь": ""}
CYRILLIC_WORD = re.compile(r"[а-яёўқғҳ]+", re.IGNORECASE)


def _letter(word: str, i: int) -> str:
    """The Latin spelling of the word's i-th letter (lower case), which depends on its neighbours."""
    letter, before = word[i], word[i - 1] if i else ""
    after = word[i + 1] if i + 1 < len(word) else ""
    if letter == "е":
        return "ye" if not before or before in VOWELS or before in "ъь" else "e"
    if letter == "ц":
        return "ts" if before in VOWELS and before else "s"
    if letter == "ъ":  # объект -> obyekt; маъно -> maʼno
        return "" if after in "еёюя" and after else TUTUQ
    if letter == "с" and after == "ҳ":  # Исҳоқ -> Isʼhoq, not the sh of ш
        return "s" + TUTUQ
    return LETTERS.get(letter, letter)


def word_to_latin(word: str) -> str:
    """One Cyrillic word in Latin letters, keeping its capitals (Ўзбек -> Oʻzbek, ЎРҚ -> OʻRQ, ОАВга -> OAVga)."""
    lower, out = word.lower(), []
    for i, original in enumerate(word):
        latin = _letter(lower, i)
        if original.isupper():
            after = word[i + 1] if i + 1 < len(word) else ""
            whole = after.isupper() or (not after and i > 0 and word[i - 1].isupper())
            latin = latin.upper().replace(OKINA.upper(), OKINA) if whole else latin[:1].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


def to_latin(text: str) -> str:
    """Cyrillic Uzbek text with every Cyrillic word spelled in Latin letters; placeholders and the rest kept."""
    return CYRILLIC_WORD.sub(lambda found: word_to_latin(found.group(0)), text)


def fill_drafts(cyrillic: Catalog, latin: Catalog) -> int:
    """Fill the Latin catalog's empty messages from the Cyrillic ones, marked fuzzy; how many were filled."""
    filled = 0
    for message in latin:
        source = cyrillic.get(message.id, message.context) if message.id else None
        if source is None or not source.string or any(message.string if isinstance(message.string, tuple)
                                                      else [message.string]):
            continue
        strings = source.string if isinstance(source.string, tuple) else (source.string,)
        latin_strings = tuple(to_latin(string) for string in strings)
        message.string = latin_strings if isinstance(message.id, tuple) else latin_strings[0]
        message.flags.add("fuzzy")
        filled += 1
    return filled


def main() -> None:
    paths = {script: TRANSLATIONS / script / "LC_MESSAGES" / "messages.po" for script in ("uz_Cyrl", "uz_Latn")}
    catalogs = {}
    for script, path in paths.items():
        with path.open("rb") as file:
            catalogs[script] = read_po(file)
    filled = fill_drafts(catalogs["uz_Cyrl"], catalogs["uz_Latn"])
    with paths["uz_Latn"].open("wb") as file:
        write_po(file, catalogs["uz_Latn"], width=76, sort_output=True)
    print(f"{filled} draft(s) in {paths['uz_Latn']}: review each and remove its fuzzy mark")


if __name__ == "__main__":
    main()
