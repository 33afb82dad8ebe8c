"""The API's response shapes are built in one module, api/present.py: a view that copies two or more fields of one
row (or engine result) into a dict is building a shape of its own, which the next change then has to find twice."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "api" / "views"


def _copied_fields(node: ast.AST) -> Counter[str]:
    """How many fields of each object a dict literal (`{"a": x.a, ...}`) or `dict(a=x.a, ...)` copies."""
    if isinstance(node, ast.Dict):
        values = node.values
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        values = [k.value for k in node.keywords]
    else:
        return Counter()
    return Counter(v.value.id for v in values if isinstance(v, ast.Attribute) and isinstance(v.value, ast.Name))


def test_no_view_builds_a_response_shape_from_a_row() -> None:
    found = []
    for path in sorted(VIEWS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found += [f"{path.name}:{node.lineno} copies {n} fields of {name!r}"
                      for name, n in _copied_fields(node).items() if n >= 2]
    assert found == [], "build these in api/present.py:\n" + "\n".join(found)


def test_the_check_sees_a_shape_built_in_a_view() -> None:
    built = ast.parse('def get(u):\n    return {"key": u.key, "name": u.name, "kind": "unit"}')
    assert any(_copied_fields(node)["u"] == 2 for node in ast.walk(built))
