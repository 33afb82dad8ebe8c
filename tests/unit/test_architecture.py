"""The house rules of docs/architecture.md, read from the source: which room of the engine may import which, that
read models never write, that only the request layer and the sweep own transactions, and that the layers keep
their order (api -> engine -> db, no Flask below api/). Each rule names the file and line that breaks it."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The rooms in their order: a room may import the rooms before it, never one after it (docs/architecture.md).
ORDER = ("core", "calendar", "spiff", "files", "context", "audit", "people", "procedures", "runtime", "reads",
         "background", "demo")
# A read model may load a case's workflow (where a case stands on its diagram), the one runtime step that only reads,
# and take what a step of the same transaction left a case with (its open tasks and timers) instead of reading it back.
READS_MAY_USE_FROM_RUNTIME = {"engine.runtime.loading", "engine.runtime.standing"}
READ_MODULES = ("engine/reads/", "engine/runtime/loading.py", "engine/runtime/standing.py",
                "engine/calendar/overrides.py")
# Who begins and commits transactions: the request layer (api/) and the sweep.
TRANSACTION_OWNERS = ("api/", "engine/background/sweeper.py")
SESSION_WRITES = {"add", "add_all", "delete", "flush", "commit", "merge", "begin", "begin_nested",
                  "bulk_save_objects"}
WRITING_CONSTRUCTS = {"insert", "update", "delete"}
TRANSACTION_CALLS = {"begin", "commit", "rollback", "sessionmaker", "Session", "sessions"}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the full name imported (a module, or `package.name` for `from package import name`)
    at_module_level: bool
    only_for_typing: bool

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line} imports {self.module}"


def sources(*under: str) -> Iterator[Path]:
    for folder in under:
        yield from sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(), str(path))
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
                   for node in ast.walk(block)}
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            yield Import(path, node.lineno, name, id(node) in top_level, id(node) in typing_only)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def room(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "engine" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in ORDER else None


def engine_imports() -> Iterator[tuple[str, Import]]:
    for path in sources("engine"):
        here = room(module_name(path))
        if here is None:
            continue  # engine/__init__.py
        for imported in imports(path):
            yield here, imported


def test_every_engine_module_is_in_a_room() -> None:
    loose = [str(p.relative_to(ROOT)) for p in sources("engine") if room(module_name(p)) is None
             and p.relative_to(ROOT) != Path("engine/__init__.py")]
    assert loose == [], "modules outside the rooms of docs/architecture.md"


def test_a_room_imports_only_the_rooms_before_it() -> None:
    broken = []
    for here, imported in engine_imports():
        there = room(imported.module)
        if there is None or there == here or imported.only_for_typing:
            continue
        if here == "reads" and there == "runtime":
            if not any(imported.module.startswith(allowed) for allowed in READS_MAY_USE_FROM_RUNTIME) and \
                    imported.module != "engine.runtime":
                broken.append(f"{imported} (a read model may use only {sorted(READS_MAY_USE_FROM_RUNTIME)})")
            continue
        if ORDER.index(there) > ORDER.index(here):
            broken.append(f"{imported} ({here} comes before {there})")
    assert broken == []


def test_the_engine_imports_its_own_modules_at_the_top() -> None:
    """A function-level import hides a dependency (or a cycle) from the reader; the rooms' order leaves none to hide."""
    hidden = [str(i) for _, i in engine_imports() if i.module.startswith("engine") and not i.at_module_level
              and not i.only_for_typing]
    assert hidden == []


@pytest.mark.parametrize("folder", ["engine", "db"])
def test_no_flask_and_no_request_layer_below_api(folder: str) -> None:
    found = [str(i) for path in sources(folder) for i in imports(path)
             if i.module.split(".")[0] in ("flask", "flask_babel", "flask_smorest", "flask_wtf", "werkzeug", "api")]
    assert found == []


# A path into the request layer's package, as text: `"api"`, `"api/translations"`.
API_PATH = re.compile(r"^api([/\\]|$)")


def _texts(path: Path) -> Iterator[tuple[int, str]]:
    """The text constants of a module, its docstrings left out (they may say where things are)."""
    tree = ast.parse(path.read_text(), str(path))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


@pytest.mark.parametrize("folder", ["engine", "db"])
def test_no_file_of_the_request_layer_is_named_below_it(folder: str) -> None:
    """The engine is told where the application's files are (its catalogs: `Settings.catalogs`); it does not reach
    up into api/ for them."""
    found = [f"{path.relative_to(ROOT)}:{line} names {text!r}" for path in sources(folder)
             for line, text in _texts(path) if API_PATH.match(text)]
    assert found == []


def test_the_database_layer_knows_nothing_of_the_engine() -> None:
    found = [str(i) for path in sources("db") for i in imports(path) if i.module.split(".")[0] == "engine"]
    assert found == []


def _calls(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, receiver, name) of every call: `session.flush()` gives ("session", "flush"), `update(...)`
    ("", "update")."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = func.value
            name = receiver.id if isinstance(receiver, ast.Name) else receiver.attr if isinstance(
                receiver, ast.Attribute) else ""
            yield node.lineno, name, func.attr
        elif isinstance(func, ast.Name):
            yield node.lineno, "", func.id


def _writes(receiver: str, name: str) -> bool:
    if name in SESSION_WRITES:
        return "session" in receiver.lower()
    if name == "record":
        return receiver in ("chain", "audit", "")
    return name == "with_for_update" or (receiver == "" and name in WRITING_CONSTRUCTS)


def read_module_paths() -> list[Path]:
    return [p for p in sources("engine") if any(str(p.relative_to(ROOT)).startswith(r) for r in READ_MODULES)]


@pytest.mark.parametrize("path", read_module_paths(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_read_model_never_writes(path: Path) -> None:
    writes = [f"{path.relative_to(ROOT)}:{line} calls {receiver}.{name}" for line, receiver, name in _calls(path)
              if _writes(receiver, name)]
    assert writes == []


def test_only_the_request_layer_and_the_sweep_begin_and_commit_transactions() -> None:
    """Everything else the engine does happens in the transaction of its caller: it flushes, and may use a savepoint
    (`begin_nested`) to keep one case's failure from the others. (db/ makes the session factory and Alembic's
    runner owns a migration's transaction; neither is the engine's work.)"""
    owners = [p for p in sources("engine") if not any(str(p.relative_to(ROOT)).startswith(o)
                                                             for o in TRANSACTION_OWNERS)]
    found = [f"{p.relative_to(ROOT)}:{line} calls {receiver}.{name}" for p in owners
             for line, receiver, name in _calls(p) if name in TRANSACTION_CALLS]
    assert found == []


def test_the_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    """The checks above would see a breach: a read model that flushes, a low room importing a high one."""
    sample = tmp_path / "sample.py"
    sample.write_text("from engine.runtime import operations\n\ndef f(session):\n    session.flush()\n")
    assert any(_writes(receiver, name) for _, receiver, name in _calls(sample))
    found = next(i for i in imports(sample) if i.module == "engine.runtime.operations")
    assert found.at_module_level and ORDER.index(room(found.module) or "") > ORDER.index("calendar")
    sample.write_text('"""Reads api/translations."""\nCATALOGS = ROOT / "api" / "translations"\n')
    assert [(line, text) for line, text in _texts(sample) if API_PATH.match(text)] == [(2, "api")]
