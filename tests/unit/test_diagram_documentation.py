"""The shipped diagrams document every step in every interface language (issue 15, point 1): an administrator or a
member of staff reads what a step does, and the clause it follows, in their own language
(engine/procedures/labels.py), and never a setting, a file or a path."""

import re
from importlib import resources

import pytest

from engine.procedures import labels
from engine.spiff.parser import parse_xml

DIAGRAMS = sorted(p.name.removesuffix(".bpmn") for p in resources.files("workflows").iterdir()
                  if p.name.endswith(".bpmn"))
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CYRILLIC = re.compile("[\u0400-\u04ff]")
# The English cites a clause as "§9" or "§4.7"; each translation cites the same number in its own words ("п. 9",
# "9-п.", "9-банд", "9-band"), so a translation keeps every number the English cites (docs/diagrams.md).
SECTIONS = re.compile(r"§\s?(\d+(?:\.\d+)*)")
NUMBERS = re.compile(r"\d+(?:\.\d+)*")
CYRILLIC_LANGUAGES = ("ky", "ru", "uk", "uz")
# A law's number keeps its Roman numerals in every script (Ukraine's "№ 2939-VI"): the one Latin allowed there.
LAW_NUMBER = re.compile(r"\b\d+-[IVXLC]+\b")
LATIN = re.compile(r"[A-Za-z]+")
# The project's numbering of its sources ("002 §9", "003 item 11") is nobody's law: regulations are cited by title.
SEED_NUMBER = re.compile(r"\b00\d\b")
TECHNICAL = re.compile(r"JARCHY_|\.toml|forms/|docs/|seeds/")
SOFTWARE = re.compile(r"jurisdiction profile|system setting|профил[а-яіє]* юрисдикц|юрисдикци[а-яҳ]* профил"
                      r"|yurisdiksiya profil|настройк|налаштуван|sozlama|созлама", re.IGNORECASE)


def _documented(name: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The diagram's English documentation by element id, and its translations as the version keeps them."""
    root = parse_xml(resources.files("workflows").joinpath(f"{name}.bpmn").read_bytes())
    english = {node.getparent().get("id"): (node.text or "").strip() for node in root.iter(f"{BPMN}documentation")}
    return english, labels.read(root)["documentation_labels"]


@pytest.mark.parametrize("name", DIAGRAMS)
def test_every_documented_element_is_documented_in_every_language(name: str) -> None:
    english, translated = _documented(name)
    assert english, "the diagram documents its steps"
    for element_id in english:
        assert set(translated.get(element_id, {})) == set(labels.translated_languages()), element_id


@pytest.mark.parametrize("name", DIAGRAMS)
def test_uzbek_latin_documentation_is_latin_text(name: str) -> None:
    _english, translated = _documented(name)
    for element_id, texts in translated.items():
        assert not CYRILLIC.search(texts["uz-Latn"]), f"{element_id}: {texts['uz-Latn']!r}"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_each_translation_cites_the_clauses_the_english_cites(name: str) -> None:
    english, translated = _documented(name)
    for element_id, text in english.items():
        cited = set(SECTIONS.findall(text))
        for lang, translation in translated[element_id].items():
            assert cited <= set(NUMBERS.findall(translation)), f"{element_id} ({lang}) drops a citation"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_the_documentation_staff_read_names_no_setting_or_file(name: str) -> None:
    english, translated = _documented(name)
    for element_id, text in english.items():
        for shown in (text, *translated[element_id].values()):
            assert not TECHNICAL.search(shown), f"{element_id}: {shown[:80]!r}"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_the_cyrillic_documentation_has_no_latin_word(name: str) -> None:
    """A Kyrgyz, Russian, Ukrainian or Uzbek reader reads no English word ("art.", "part", "item", "UA", "Law") and no
    "§" in their language's text: the citations are written in its own words."""
    _english, translated = _documented(name)
    for element_id, texts in translated.items():
        for lang in CYRILLIC_LANGUAGES:
            text = LAW_NUMBER.sub("", texts[lang])
            assert not LATIN.search(text) and "§" not in text, \
                f"{element_id} ({lang}): {LATIN.findall(text) or '§'} in {texts[lang][:80]!r}"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_no_documentation_cites_a_regulation_by_the_projects_number(name: str) -> None:
    english, translated = _documented(name)
    for element_id, text in english.items():
        for lang, shown in (("en", text), *translated[element_id].items()):
            assert not SEED_NUMBER.search(shown), f"{element_id} ({lang}): {shown[:80]!r}"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_the_documentation_names_no_software_setting(name: str) -> None:
    """What the law of the office's country sets is said so, never as a "jurisdiction profile" or a setting."""
    english, translated = _documented(name)
    for element_id, text in english.items():
        for lang, shown in (("en", text), *translated[element_id].items()):
            assert not SOFTWARE.search(shown), f"{element_id} ({lang}): {SOFTWARE.search(shown).group(0)!r}"
