"""Every refusal the engine raises carries a stable code, so that a page can word it in its reader's language.

Walks engine/ with `ast`: each construction of a JarchyError subclass (and each call of a helper that builds a
field problem) must name its `code`; the classes that fix their own code are listed below.
"""

from __future__ import annotations

import ast
import inspect
from datetime import UTC, datetime
from pathlib import Path

import pytest

import engine
from engine.core import errors
from engine.core.errors import Code, Invalid, JarchyError
from engine.people.accounts import create_user

ENGINE = Path(engine.__file__).parent
# Their __init__ sets the code itself (one refusal each).
FIXED = {"InvalidDiagram", "Unreadable", "TooManyAttempts", "KeyUnavailable"}
# Helpers that build a field problem, and the position of their `code` argument.
HELPERS = {"add_problem": 4, "problem": 2}


def _error_classes() -> set[str]:
    names = {name for name, value in inspect.getmembers(errors, inspect.isclass) if issubclass(value, JarchyError)}
    for path in ENGINE.rglob("*.py"):  # subclasses declared elsewhere (SandboxUnavailable)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", None) in names for b in node.bases):
                names.add(node.name)
    return names


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def test_every_engine_error_and_field_problem_names_its_code() -> None:
    classes = _error_classes() - FIXED
    missing = []
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                continue
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            keywords = {k.arg for k in node.keywords}
            if name in classes and "code" not in keywords:
                missing.append(f"{path.relative_to(ENGINE.parent)}:{node.lineno} {name}(...) without code=")
            if name in HELPERS and len(node.args) < HELPERS[name] and "code" not in keywords:
                missing.append(f"{path.relative_to(ENGINE.parent)}:{node.lineno} {name}(...) without a code")
    assert not missing, "\n".join(missing)


def test_codes_are_stable_snake_case_names() -> None:
    assert all(c.value == c.name.lower() and c.value.replace("_", "").isalpha() for c in Code)


def test_every_code_is_documented() -> None:
    listed = (ENGINE.parent / "docs" / "errors.md").read_text(encoding="utf-8")
    assert [c.value for c in Code if f"| `{c.value}` |" not in listed] == []


def test_each_unknown_role_is_named_by_its_own_entry() -> None:
    """A page words each entry from its own params: two unknown roles are two roles named, not the first twice."""
    with pytest.raises(Invalid) as refused:  # refused before the session is read
        create_user(None, username="u", display_name="U", password="a long enough passphrase 42",  # type: ignore[arg-type]
                    roles=["god", "pr_department", "wizard"], actor="system", at=datetime(2026, 1, 1, tzinfo=UTC))
    assert [(e["field"], e["code"], e["params"]) for e in refused.value.errors] == [
        ("roles", Code.NOT_A_ROLE, {"role": "god"}), ("roles", Code.NOT_A_ROLE, {"role": "wizard"})]
