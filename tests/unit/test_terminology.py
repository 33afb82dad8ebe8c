"""One term a concept in each language (issue 15, leftovers): the catalogs and the shipped diagrams' labels and
documentation never mix spellings or synonyms of the office's key terms.

Ukrainian writes the compounds of прес- as one word, as the orthography in force since 2019 (Український правопис,
§ 24) does: пресреліз, прессекретар, пресконференція, пресслужба, пресцентр; "пресекретар" (one с) and the Russian
"пресс-" are misspellings; one apostrophe throughout. Kyrgyz says басма сөз катчысы and басма сөз кызматы (never
the half-borrowed "пресс-катчы", "пресс-кызмат") and суроочу for the one who asks for information (арыз ээси is the
complainant, another concept). Uzbek says сўровчи / soʻrovchi for the requester."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
# A forbidden variant (a regular expression) and the term to write instead, by catalog.
GLOSSARY: dict[str, dict[str, str]] = {
    "uk": {r"\bпрес-реліз": "пресреліз", r"\bпрес-секретар|\bпресекретар|\bпресс-секретар": "прессекретар",
           r"\bпрес-конференц": "пресконференція", r"\bпрес-служб": "пресслужба", r"\bпрес-центр": "пресцентр",
           r"\bзаявник": "запитувач",
           # One apostrophe (the catalog's ASCII one, as in "пам'ять"), never a mix with ’ or ʼ.
           r"(?<=[а-яіїєґ])[’ʼ](?=[а-яіїєґ])": "'"},
    "ky": {r"\bпресс-катчы": "басма сөз катчысы", r"\bпресс-кызмат": "басма сөз кызматы",
           r"\bсуроо-талап ээс": "суроочу"},
    "uz_Cyrl": {r"\bсўров берувчи": "сўровчи", r"\bпресс-секретар": "матбуот котиби"},
    "uz_Latn": {r"\bsoʻrov beruvchi": "soʻrovchi", r"\bpress-sekretar": "matbuot kotibi"},
}
# The diagrams mark a label's language as the pages do (uz is the Cyrillic script).
DIAGRAM_LANGUAGE = {"uk": "uk", "ky": "ky", "uz_Cyrl": "uz", "uz_Latn": "uz-Latn"}


def catalog_texts(catalog: str) -> list[str]:
    with (ROOT / "api" / "translations" / catalog / "LC_MESSAGES" / "messages.po").open("rb") as f:
        messages = read_po(f)
    return [text for m in messages if m.id for text in ((m.string,) if isinstance(m.string, str) else m.string)]


def diagram_texts(language: str) -> list[str]:
    found = []
    for path in sorted((ROOT / "workflows").glob("*.bpmn")):
        found += re.findall(rf'<jarchy:(?:label|documentation) lang="{language}">(.*?)</jarchy:', path.read_text(
            encoding="utf-8"), re.DOTALL)
    return found


def misuses(catalog: str, texts: list[str]) -> list[str]:
    return sorted({f"{m.group(0)!r} (write {term!r}) in: {text[:80]}" for text in texts
                   for pattern, term in GLOSSARY[catalog].items()
                   for m in re.finditer(pattern, text, re.IGNORECASE)})


@pytest.mark.parametrize("catalog", list(GLOSSARY))
def test_the_catalog_uses_one_term_a_concept(catalog: str) -> None:
    assert misuses(catalog, catalog_texts(catalog)) == []


@pytest.mark.parametrize("catalog", list(GLOSSARY))
def test_the_shipped_diagrams_use_the_catalogs_terms(catalog: str) -> None:
    texts = diagram_texts(DIAGRAM_LANGUAGE[catalog])
    assert texts, "the diagrams carry labels in this language"
    assert misuses(catalog, texts) == []


def test_the_glossary_finds_a_forbidden_variant() -> None:
    assert misuses("uk", ["Погодити прес-реліз"]) and misuses("uk", ["Пресекретар підрозділу"])
    assert not misuses("uk", ["Погодити пресреліз, який готує прессекретар"])
