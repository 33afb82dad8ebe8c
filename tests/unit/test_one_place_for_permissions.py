"""Who may do what is decided in one place, engine.people.access: no module under api/ names a role for a
permission, checks a user's roles itself or passes the engine a name where the engine needs the user."""

from __future__ import annotations

import ast
from pathlib import Path

from engine.core.settings import ROLES

API = Path(__file__).resolve().parents[2] / "api"
SET_METHODS = {"intersection", "issubset", "issuperset", "isdisjoint", "union", "difference"}
ROLE_LIST_NAMES = ("_ROLES", "READERS", "AUDITORS", "ADMIN")  # how role lists were named before they moved


def _is_role(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ROLES


def _reads_roles(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "roles" for n in ast.walk(node))


def _identifier(node: ast.AST) -> str:
    """The name a variable is read or written by, or imported as."""
    if isinstance(node, ast.Name):
        return node.id
    return node.name if isinstance(node, ast.alias) else ""


def problems(source: str) -> list[str]:
    """What in `source` decides a permission by roles, or hides the user from the engine, each with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        where = getattr(node, "lineno", 0)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(_is_role(e) for e in node.elts):
            found.append((where, "a collection of roles"))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _is_role(node.value):
            found.append((where, "a role named"))
        elif _identifier(node).endswith(ROLE_LIST_NAMES):
            found.append((where, "a role list"))
        elif isinstance(node, ast.Compare) and (
                any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
                and (_reads_roles(node) or _is_role(node.left))):
            found.append((where, "a role membership test"))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "require_role":
                found.append((where, "require_role"))
            elif name in SET_METHODS and _reads_roles(node):
                found.append((where, "a set operation on roles"))
            elif any(_is_role(arg) for arg in [*node.args, *(k.value for k in node.keywords)]):
                found.append((where, f"a role passed to {name or 'a call'}"))
            for keyword in node.keywords:
                # The engine takes a name (a str) for the system (the CLI): a user's name would pass as the system.
                if keyword.arg == "actor" and isinstance(keyword.value, ast.Attribute) \
                        and keyword.value.attr == "username":
                    found.append((where, "actor=...username (pass the User)"))
    return [f"line {line}: {what}" for line, what in sorted(found)]


def test_no_module_under_api_decides_by_roles() -> None:
    modules = sorted(API.rglob("*.py"))
    assert len(modules) > 20
    found = {str(path.relative_to(API.parent)): problems(path.read_text(encoding="utf-8")) for path in modules}
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_the_check_finds_each_way_of_deciding_by_roles() -> None:
    source = '''
READERS = ("admin", "auditor")
ADMIN = "admin"
require_role(user, *READERS)
if "auditor" in user.roles:
    pass
if set(STAFF).intersection(user.roles):
    pass
@page("leadership")
def dashboard(): ...
accounts.update_user(session, "pr", {}, actor=user.username, at=now)
'''
    found = problems(source)
    assert {line.split(": ", 1)[1] for line in found} == {
        "a collection of roles", "a role list", "a role named", "require_role", "a role membership test",
        "a set operation on roles", "a role passed to page", "actor=...username (pass the User)"}
    assert {int(line.split(":")[0].removeprefix("line ")) for line in found} == {2, 3, 4, 5, 7, 9, 11}


def test_labels_and_the_list_of_roles_are_not_permissions() -> None:
    source = '''
NAMED_VALUES = {"pr_head": "Head of the PR department"}
values = {"roles": user.roles}
options = click.Choice(ROLES)
credentials.revoke(session, sid, kind="session", user=user)
'''
    assert problems(source) == []
