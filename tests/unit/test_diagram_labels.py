"""Diagrams speak every language: every shipped diagram names each element people read in every interface
language and translates its documentation (engine/procedures/labels.py), and the parsers that run them ignore the
labels."""

import re
from importlib import resources

import pytest

from engine.procedures import labels
from engine.procedures.validation import validate
from engine.spiff.parser import parse_xml

SHIPPED = sorted(p.name for p in resources.files("workflows").iterdir() if p.name.endswith(".bpmn"))
KNOWN = {"press_conference", "release_approval", "information_request", "publication_response"}
CYRILLIC = re.compile("[\u0400-\u04ff]")
DOCUMENTED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:jarchy="http://jarchy.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="p" name="Media request" isExecutable="true">
    <bpmn:documentation>The procedure.</bpmn:documentation>
    <bpmn:userTask id="answer" name="Answer">
      <bpmn:documentation>002 §9: the answer within 14 working days.</bpmn:documentation>
      <bpmn:extensionElements>
        <jarchy:label lang="ru">Ответить</jarchy:label>
        <jarchy:documentation lang="ru">002 §9: ответ.</jarchy:documentation>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="done" name="Answered" />
  </bpmn:process>
</bpmn:definitions>
""".encode()


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_diagram_names_every_shown_element_in_every_language(name: str) -> None:
    _root, meta = validate(resources.files("workflows").joinpath(name).read_bytes(), known_process_keys=KNOWN)
    assert meta["element_names"], "the diagram names something"
    assert labels.missing(meta) == {lang: [] for lang in labels.translated_languages()}
    # Uzbek in Latin script is Latin text, not the Cyrillic copied over.
    assert not any("а" <= ch <= "я" for text in meta["labels"].values() for ch in text["uz-Latn"].lower())


def test_the_localized_diagram_shows_the_language_and_lanes_by_their_role() -> None:
    xml = resources.files("workflows").joinpath("breach_report.bpmn").read_bytes()
    shown = labels.localized(xml, "ru", lane_label=lambda key: f"<{key}>").decode("utf-8")
    assert 'name="Рассмотреть сообщение о нарушении"' in shown
    assert 'name="&lt;pr_head&gt;"' in shown and 'name="pr_head"' not in shown


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_diagram_translates_the_documentation_of_every_documented_element(name: str) -> None:
    _root, meta = validate(resources.files("workflows").joinpath(name).read_bytes(), known_process_keys=KNOWN)
    assert meta["element_documentation"], "the diagram documents its steps"
    assert labels.missing_documentation(meta) == {lang: [] for lang in labels.translated_languages()}
    # Uzbek in Latin script is Latin text, not the Cyrillic copied over.
    latin = [text["uz-Latn"] for text in meta["documentation_labels"].values()]
    assert not [text for text in latin if CYRILLIC.search(text)]


def test_a_version_keeps_the_english_documentation_and_lists_what_lacks_a_translation() -> None:
    meta = labels.read(parse_xml(DOCUMENTED))
    assert meta["element_documentation"] == {"p": "The procedure.",
                                             "answer": "002 §9: the answer within 14 working days."}
    missing = labels.missing_documentation(meta)
    assert missing["ru"] == [{"id": "p", "name": "Media request"}]
    assert missing["ky"] == [{"id": "p", "name": "Media request"}, {"id": "answer", "name": "Answer"}]
    # An element without documentation lacks none, and a version deployed before versions kept it lists nothing.
    assert "done" not in str(missing)
    assert labels.missing_documentation({"element_names": meta["element_names"]}) == {
        lang: [] for lang in labels.translated_languages()}


def test_a_steps_documentation_is_the_readers_language_else_english_marked_so() -> None:
    meta = labels.read(parse_xml(DOCUMENTED))
    assert labels.documentation_of(meta, "answer", "ru") == labels.Documentation(
        "002 §9: ответ.", "ru")
    assert labels.documentation_of(meta, "answer", "ky") == labels.Documentation(
        "002 §9: the answer within 14 working days.", "en")
    assert labels.documentation_of(meta, "done", "ru") is None
    assert labels.documentation_of({}, "answer", "ru") is None


def test_the_localized_diagram_carries_the_documentation_in_the_readers_language() -> None:
    shown = labels.localized(DOCUMENTED, "ru", lane_label=str).decode("utf-8")
    assert '<bpmn:documentation xml:lang="ru">002 §9: ответ.</bpmn:documentation>' in shown
    assert '<bpmn:documentation xml:lang="en">The procedure.</bpmn:documentation>' in shown
    assert "within 14 working days</bpmn:documentation>" not in shown
