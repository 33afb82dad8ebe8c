"""Diagrams speak every language: every shipped diagram names each element people read in every interface
language (engine/procedures/labels.py), and the parsers that run them ignore the labels."""

from importlib import resources

import pytest

from engine.procedures import labels
from engine.procedures.validation import validate

SHIPPED = sorted(p.name for p in resources.files("workflows").iterdir() if p.name.endswith(".bpmn"))


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_diagram_names_every_shown_element_in_every_language(name: str) -> None:
    _root, meta = validate(resources.files("workflows").joinpath(name).read_bytes(), known_process_keys={
        "press_conference", "release_approval", "information_request", "publication_response"})
    assert meta["element_names"], "the diagram names something"
    assert labels.missing(meta) == {lang: [] for lang in labels.translated_languages()}
    # Uzbek in Latin script is Latin text, not the Cyrillic copied over.
    assert not any("а" <= ch <= "я" for text in meta["labels"].values() for ch in text["uz-Latn"].lower())


def test_the_localized_diagram_shows_the_language_and_lanes_by_their_role() -> None:
    xml = resources.files("workflows").joinpath("breach_report.bpmn").read_bytes()
    shown = labels.localized(xml, "ru", lane_label=lambda key: f"<{key}>").decode("utf-8")
    assert 'name="Рассмотреть сообщение о нарушении"' in shown
    assert 'name="&lt;pr_head&gt;"' in shown and 'name="pr_head"' not in shown
