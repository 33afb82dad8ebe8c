"""The documentation staff read speaks their language: in these shipped diagrams every element with a
`bpmn:documentation` carries it in every other interface language too (`jarchy:documentation`), the Uzbek in Latin
script is Latin text, and no English text shown to staff carries a setting's name or a file path."""

import re

import pytest

from engine.procedures import labels
from tests.diagrams import NS, WORKFLOWS, diagram_root

DIAGRAMS = ("public_information_request", "press_conference", "draft_act_publication", "interview_request",
            "release_approval")
CYRILLIC = re.compile("[\u0400-\u04ff]")


@pytest.mark.parametrize("key", DIAGRAMS)
def test_every_documented_element_is_documented_in_every_language(key: str) -> None:
    root = diagram_root(WORKFLOWS / f"{key}.bpmn")
    documented = {node.getparent().get("id"): node.text for node in root.iterfind(".//bpmn:documentation", NS)}
    assert documented, "the diagram documents its elements"
    translations = labels.read(root)["documentation_labels"]
    for element_id in documented:
        assert set(translations.get(element_id, {})) == set(labels.translated_languages()), element_id
        assert not CYRILLIC.search(translations[element_id]["uz-Latn"]), f"{element_id}: Cyrillic in uz-Latn"


@pytest.mark.parametrize("key", DIAGRAMS)
def test_the_documentation_names_no_setting_and_no_file(key: str) -> None:
    root = diagram_root(WORKFLOWS / f"{key}.bpmn")
    texts = [node.text or "" for node in root.iterfind(".//bpmn:documentation", NS)]
    texts += [node.text or "" for node in root.iterfind(".//jarchy:documentation", {"jarchy": labels.JARCHY_NS})]
    for text in texts:
        assert not re.search(r"JARCHY_|\.toml|forms/|docs/|seeds/", text), text[:80]
