"""The modeler's interface texts: collected from the npm packages the modeler bundles, then translated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from api.web import modeler_messages

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
CYRILLIC = ("ky", "ru", "uk", "uz_Cyrl")
# Names no language translates: standards and formats, the Camunda engine and its Forms, the Java language.
NAMES = {"ISO", "UTC", "cron", "BPMN", "CMMN", "DMN", "FEEL", "JSON", "QName", "URL", "Java", "Camunda", "Forms"}
# Messages that are code the admin types (a result variable's type, an attribute's value), the same in every language.
CODE = {"collectEntries (List<Object>)", "resultList (List<Map<String, Object>>)", "singleEntry (TypedValue)",
        "singleResult (Map<String, Object>)", "versionTag"}
# A Latin word, not inside a placeholder ({element}) or an expression's example (${someDate}).
LATIN_WORD = re.compile(r"(?<![\w${])[A-Za-z][A-Za-z'-]+")


def catalog(language: str) -> dict[str, str]:
    with (ROOT / "api" / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return {m.id: m.string for m in read_po(source) if isinstance(m.id, str) and isinstance(m.string, str)}


def test_the_list_holds_what_the_installed_packages_translate() -> None:
    assert (NODE_MODULES / "bpmn-js").is_dir(), "node_modules is installed by `make install` (npm ci)"
    listed = json.loads(modeler_messages.LIST.read_text(encoding="utf-8"))
    collected = modeler_messages.collect(NODE_MODULES)
    assert listed == collected, "run `make extract-messages`: the packages' texts changed " + repr(
        sorted(set(collected) ^ set(listed))[:10])
    # The palette, the context pad and the properties panel all speak through translate().
    assert {"Activate hand tool", "Append task", "General", "Documentation", "Name"} <= set(listed)
    # diagram-js's search pad (this._translate), and what the panel builds before translating it: the header's
    # element type, a list's item count, a participant's identifier.
    assert {"Search in diagram", "User Task", "Lane", "Process", "Timer Intermediate Catch Event",
            "Timer Boundary Event (Non Interrupting)", "List contains {numOfItems} items", "Participant ID"} <= set(
        listed)


def test_template_literals_and_punctuation_are_not_texts() -> None:
    listed = modeler_messages.messages()
    assert not [m for m in listed if modeler_messages.CODE.search(m) or not any(c.isalpha() for c in m)]
    # A placeholder the text shows stays: Camunda's due date field explains its expressions with one.
    assert "The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00)." in listed


@pytest.mark.parametrize("language", [*CYRILLIC, "uz_Latn"])
def test_every_modeler_text_is_translated(language: str) -> None:
    words = catalog(language)
    assert [m for m in modeler_messages.messages() if not words.get(m) and m not in CODE] == []


@pytest.mark.parametrize("language", CYRILLIC)
def test_no_modeler_text_keeps_an_english_word_in_a_cyrillic_language(language: str) -> None:
    words = catalog(language)
    english = {message: found for message in modeler_messages.messages() if message not in CODE
               if (found := set(LATIN_WORD.findall(words.get(message, ""))) - NAMES)}
    assert english == {}
