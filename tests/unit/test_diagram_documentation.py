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
# A clause citation reads the same in every language ("002 §9", "Law 2939-VI art. 20" keep their numbers).
SECTIONS = re.compile(r"§\s?\d+(?:\.\d+)*")
TECHNICAL = re.compile(r"JARCHY_|\.toml|forms/|docs/|seeds/")


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
            assert cited <= set(SECTIONS.findall(translation)), f"{element_id} ({lang}) drops a citation"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_the_documentation_staff_read_names_no_setting_or_file(name: str) -> None:
    english, translated = _documented(name)
    for element_id, text in english.items():
        for shown in (text, *translated[element_id].values()):
            assert not TECHNICAL.search(shown), f"{element_id}: {shown[:80]!r}"
