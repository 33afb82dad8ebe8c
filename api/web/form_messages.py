"""The forms' words as catalog messages: titles, descriptions and choice labels of every JSON Schema in forms/.

Written by hand: Babel extracts from Python and templates, not from JSON Schema. `extract` is the
Babel extractor named in babel.cfg; `choice_label` is what the pages show for an enum value,
from the schema's `x-enum-labels` (English) or the value itself made readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

TEXT_KEYS = ("title", "description")
NESTED_KEYS = ("properties", "items", "allOf", "anyOf", "oneOf", "if", "then", "else", "prefixItems", "$defs")


def choice_label_message(schema: dict[str, Any], value: Any) -> str:
    """The English label (a catalog message id) of one choice of an enum."""
    labels = schema.get("x-enum-labels") or schema.get("items", {}).get("x-enum-labels") or {}
    if str(value) in labels:
        return str(labels[str(value)])
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def messages(schema: Any) -> Iterator[str]:
    """Every message a schema shows, depth first."""
    if isinstance(schema, list):
        for item in schema:
            yield from messages(item)
        return
    if not isinstance(schema, dict):
        return
    for key in TEXT_KEYS:
        if isinstance(schema.get(key), str) and schema[key].strip():
            yield schema[key]
    for value in schema.get("enum", []) or []:
        if isinstance(value, str):
            yield choice_label_message(schema, value)
    for key in NESTED_KEYS:
        nested = schema.get(key)
        if isinstance(nested, dict) and key in ("properties", "$defs"):
            for child in nested.values():
                yield from messages(child)
        elif nested is not None:
            yield from messages(nested)


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extractor interface: (line number, function, message, comments)."""
    schema = json.loads(fileobj.read().decode("utf-8"))
    seen: set[str] = set()
    for message in messages(schema):
        if message not in seen:
            seen.add(message)
            yield 0, None, message, []
