"""The modeler's own words (bpmn-js's palette and context pad, the properties panel) in the page's language.

bpmn-js and its properties panel word their interface through a `translate` service. The English texts
they pass to it are collected from their sources in node_modules (Babel's JavaScript extractor, keywords
`translate` and diagram-js's `this._translate`) into modeler_messages.json, with the texts the panel builds
before translating them (the header's element type, "User Task" from bpmn:UserTask; a list's item count).
`make extract-messages` refreshes the list, and Babel extracts it into the catalogs like every other message;
the modeler page hands the translations of the reader's language to assets/js/modeler.js, which also gives
them to the panel's own buttons (assets/build.mjs). Written by hand: neither project ships catalogs in these
languages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

from babel.messages.extract import extract as babel_extract
from flask_babel import gettext

ROOT = Path(__file__).resolve().parents[2]
LIST = Path(__file__).with_suffix(".json")
# The packages whose interface the modeler shows (package folder, files holding their translate() calls).
SOURCES = (
    ("bpmn-js", "lib/**/*.js"),
    ("diagram-js", "lib/**/*.js"),
    ("bpmn-js-properties-panel", "dist/index.esm.js"),
    ("@bpmn-io/properties-panel", "dist/index.esm.js"),
    ("bpmn-js-bpmnlint", "dist/index.esm.js"),  # its button ("{errors} Errors, {warnings} Warnings") and lists
)
KEYWORDS = {"translate": None, "_translate": None}
# The panel's header names an element by its concrete type (bpmn-js-properties-panel's getConcreteType, one per
# key of its iconsByType table), spelt out before translate(): "TimerBoundaryEventNonInterrupting" reads
# "Timer Boundary Event (Non Interrupting)".
PANEL = "bpmn-js-properties-panel/dist/index.esm.js"
ICONS = re.compile(r"\biconsByType = \{(.*?)\n\};", re.S)
ICON_KEY = re.compile(r"^\s*'?(\w+)'?:", re.M)
# Texts the panel builds from a template literal before translating them (the literal's code is no text).
BUILT = (
    "List contains {numOfItems} item",
    "List contains {numOfItems} items",
    "Participant ID",  # translate(is(element, "bpmn:Participant") ? "Participant ID" : "ID")
    # A listener's event as its title names it ("Start: Java class"), from the panel's EVENT_TO_LABEL tables.
    "Start", "End", "Take", "Create", "Assignment", "Complete", "Delete", "Update", "Timeout",
    # bpmn-js-bpmnlint's button: translate(errors || warnings ? "{errors} Errors, {warnings} Warnings" : "No Issues")
    "{errors} Errors, {warnings} Warnings", "No Issues",
)
# A template literal's code inside a message (`${items.length}`), unlike a placeholder the text shows (`${someDate}`).
CODE = re.compile(r"\$\{[^}]*[^\w}][^}]*\}")


def collect(node_modules: Path = ROOT / "node_modules") -> list[str]:
    """Every text the packages pass to translate(), sorted."""
    found: set[str] = set()
    for package, pattern in SOURCES:
        for path in sorted((node_modules / package).glob(pattern)):
            with path.open("rb") as source:
                for _line, message, _comments, _context in babel_extract("javascript", source, KEYWORDS):
                    if isinstance(message, str) and _words(message):
                        found.add(message)
    found.update(type_labels((node_modules / PANEL).read_text(encoding="utf-8")))
    found.update(BUILT)
    return sorted(found)


def type_labels(panel_source: str) -> list[str]:
    """The panel header's element types, as its getTypeLabel spells them out for translate()."""
    table = ICONS.search(panel_source)
    if table is None:
        raise LookupError("bpmn-js-properties-panel has no iconsByType table: the header's type names moved")
    return [re.sub(r"\b(Non Interrupting)", r"(\1)", re.sub(r"(\B[A-Z])", r" \1", key))
            for key in ICON_KEY.findall(table.group(1))]


def _words(message: str) -> bool:
    """A text to translate: some letters, and not a template literal's code (`${items.length}`)."""
    return not CODE.search(message) and any(c.isalpha() for c in message.strip())


@cache
def messages() -> tuple[str, ...]:
    return tuple(json.loads(LIST.read_text(encoding="utf-8")))


def translations() -> dict[str, str]:
    """English text -> the reader's language, for the texts the catalog translates."""
    return {message: text for message in messages() if (text := gettext(message)) != message}


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extractor interface for modeler_messages.json."""
    for message in json.loads(fileobj.read().decode("utf-8")):
        yield 0, None, message, []


if __name__ == "__main__":
    LIST.write_text(json.dumps(collect(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
