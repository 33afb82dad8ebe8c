"""The modeler's own words (bpmn-js's palette and context pad, the properties panel) in the page's language.

bpmn-js and its properties panel word their interface through a `translate` service. The English texts
they pass to it are collected from their sources in node_modules (Babel's JavaScript extractor, keyword
`translate`) into modeler_messages.json, which `make extract-messages` refreshes and which Babel extracts
into the catalogs like every other message; the modeler page hands the translations of the reader's
language to assets/js/modeler.js. Written by hand: neither project ships catalogs in these languages.
"""

from __future__ import annotations

import json
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
)


def collect(node_modules: Path = ROOT / "node_modules") -> list[str]:
    """Every text the packages pass to translate(), sorted."""
    found: set[str] = set()
    for package, pattern in SOURCES:
        for path in sorted((node_modules / package).glob(pattern)):
            with path.open("rb") as source:
                for _line, message, _comments, _context in babel_extract("javascript", source, {"translate": None}):
                    if isinstance(message, str) and _words(message):
                        found.add(message)
    return sorted(found)


def _words(message: str) -> bool:
    """A text to translate: some letters, and not a template literal's code (`${...}`)."""
    return "${" not in message and any(c.isalpha() for c in message)


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
