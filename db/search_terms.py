"""The words of the archive's full-text index, made the same way for what is indexed and for what is asked.

Both databases index these words, not the raw text, so that SQLite (FTS5) and PostgreSQL (tsvector) find the
same things whatever the server's locale (a PostgreSQL created with the `C` locale lower-cases only ASCII):

- Unicode NFKC, then `casefold`: "ПРЕСС" is "пресс", "Їжак" is "їжак", full-width letters are plain ones;
- diacritics are removed from Latin letters only ("é" is "e", "ş" is "s"), as SQLite's unicode61
  `remove_diacritics` does: Cyrillic letters with marks are letters of their own (Ukrainian і/ї, и/й; Russian
  е/ё; Kyrgyz ө, ү, ң and Uzbek ў, қ, ғ, ҳ have no marks to remove) and stay apart;
- an apostrophe inside a word is dropped (Ukrainian "м'ясо", "м’ясо" and "мʼясо" are one word);
- a word is a run of letters and digits; everything else (punctuation, hyphens, quotes, `*`, parentheses)
  separates words: "пресс-релиз" is "пресс" and "релиз".

Written by hand: this is a few lines of the standard library's `unicodedata` and `re`; no tokenizer library
does exactly this pairing with the two databases' own tokenizers."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
INNER_APOSTROPHE = re.compile(r"(?<=[^\W_])['’ʼ](?=[^\W_])")


def _without_latin_marks(text: str) -> str:
    out: list[str] = []
    latin = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if not latin:
                out.append(char)
            continue
        latin = "LATIN" in unicodedata.name(char, "")
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def words(text: str | None) -> list[str]:
    """The index's words of `text`, in order (repeats kept)."""
    if not text:
        return []
    folded = unicodedata.normalize("NFKC", text).casefold()
    if not folded.isascii():
        folded = _without_latin_marks(folded)
    return WORD.findall(INNER_APOSTROPHE.sub("", folded))


def indexed(text: str | None) -> str:
    """What the index reads for `text`: its words, one space between."""
    return " ".join(words(text))


MAX_CASE_TEXT = 100_000  # characters of a case's text indexed (a long draft's tail is not searched)


def case_text(business_key: str, data: object) -> str:
    """What a case's search index reads: its registration number, then every text in its data (subject, outlet,
    requester, question, body, nested contacts and lists alike), in the data's order, as index words."""
    texts: list[str] = [business_key]

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return indexed("\n".join(texts)[:MAX_CASE_TEXT])
