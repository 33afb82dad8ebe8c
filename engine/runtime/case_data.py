"""The bounds of the case data a request may bring (start, complete, message): plain JSON of a size the
engine handles. SpiffWorkflow copies a case's data into every task and walks it recursively on each load
and save, so a list nested 600 deep breaks every later load of its case (RecursionError) and megabytes of
text are copied at every step. Refused at the door with the path of the first offending value, before
anything is written. Hand-written: a JSON Schema can bound one known field, not every value of free data.

Integers are bounded to what every JSON reader holds exactly (I-JSON, RFC 7493: +-2**53)."""

from __future__ import annotations

import json
from typing import Any

from engine.core.errors import Code, Invalid

MAX_DEPTH = 32  # objects and lists inside each other
MAX_TEXT = 100_000  # characters of one text (a release's body is at most 50 000 in its form)
MAX_ITEMS = 1_000  # entries of one list or object
MAX_TOTAL = 512 * 1024  # characters of the whole data as JSON
MAX_INTEGER = 2**53


def check(data: Any) -> None:
    """Raise `Invalid` naming the first value of `data` that is out of bounds (`contributors.0`)."""
    problem = _first_problem(data)
    if problem is not None:
        path, message = problem
        raise Invalid(f"the data cannot be accepted: {path or '(data)'} {message}",
                      [{"field": path or "(data)", "message": message}], code=Code.DATA_INVALID,
                      params={"path": path})
    size = len(json.dumps(data, ensure_ascii=False))
    if size > MAX_TOTAL:
        raise Invalid(f"the data is {size} characters as JSON; at most {MAX_TOTAL} are accepted",
                      [{"field": "(data)", "message": f"is larger than {MAX_TOTAL} characters as JSON"}],
                      code=Code.DATA_TOO_LARGE, params={"limit": MAX_TOTAL})


def _first_problem(data: Any) -> tuple[str, str] | None:
    # Iterative: the data being checked may be nested deeper than Python's recursion limit.
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                return path, f"is nested more than {MAX_DEPTH} levels deep"
            if len(value) > MAX_ITEMS:
                return path, f"has {len(value)} entries; at most {MAX_ITEMS} are accepted"
            items = value.items() if isinstance(value, dict) else enumerate(value)
            children = []
            for key, child in items:
                if isinstance(key, str) and len(key) > MAX_TEXT:
                    return path, f"has a name longer than {MAX_TEXT} characters"
                children.append((f"{path}.{key}" if path else str(key), child, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(value, str):
            if len(value) > MAX_TEXT:
                return path, f"is {len(value)} characters long; at most {MAX_TEXT} are accepted"
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_INTEGER:
                return path, "is a number too large to be exact in JSON (beyond 2**53)"
        elif isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                return path, "is not a finite number"
        else:
            return path, f"is not a JSON value ({type(value).__name__})"
    return None
