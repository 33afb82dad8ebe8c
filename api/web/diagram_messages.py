"""The shipped diagrams' words as catalog messages: the names of processes, lanes and flow elements.

Written by hand: Babel has no BPMN extractor. A diagram carries its own names in every language
(`jarchy:label`, engine/procedures/labels.py), which the pages show first; these catalog messages are the
fallback where a version has no label in the reader's language (versions deployed before diagrams carried
labels), and otherwise the name is shown as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from defusedxml import ElementTree

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
# Sequence flows are named on the diagram only (gateway branches), and lanes are role keys shown by their
# role's label: the pages never show these names.
# Data inputs and outputs are named by the variables they carry.
SKIPPED = {f"{BPMN}{tag}" for tag in ("sequenceFlow", "definitions", "message", "error", "signal", "lane",
                                       "dataInput", "dataOutput", "dataObject", "dataObjectReference")}


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extractor interface: (line number, function, message, comments)."""
    root = ElementTree.parse(fileobj).getroot()
    seen: set[str] = set()
    for element in root.iter():
        name = element.get("name")
        if not isinstance(element.tag, str) or not element.tag.startswith(BPMN) or element.tag in SKIPPED:
            continue
        if name and name.strip() and name not in seen:
            seen.add(name)
            yield 0, None, name, []
