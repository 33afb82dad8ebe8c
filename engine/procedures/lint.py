"""bpmnlint at deploy: the modeler's lint (assets/lint/config.js: bpmnlint's recommended rules and Jarchy's own)
run in Node on the server, so that a deploy refuses what the modeler marks as an error, however the diagram came
(the modeler, the API, `jarchy deploy`).

bpmnlint is JavaScript and has no Python port; running the very rules the page runs keeps one judge for both. The
linter runs as `node assets/lint/run.js --json` (JSON in and out, with a time limit), and its answer is kept in this
process per diagram checksum and configuration, so deploying the same file again does not start Node again. What
needs Python (compiling scripts in the sandbox, the roles and forms the engine knows) stays in
engine/procedures/validation.py, which runs first; the lint rules that need the server's data get it here
(`lint_options`)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from engine.core.errors import Code, ElementError, Unavailable
from engine.core.settings import ROLES

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "assets" / "lint" / "run.js"
TIMEOUT = 60  # seconds: linting the largest shipped diagram takes well under one
_CACHE: dict[str, list[LintReport]] = {}
_CACHE_LIMIT = 256


@dataclass(frozen=True)
class LintReport:
    """One problem bpmnlint reports: `category` is `error` (a deploy refuses it) or `warn` (shown, not refused)."""

    rule: str
    category: str
    message: str  # bpmnlint's English (a Jarchy rule's is worded again by `code` and `params` on a page)
    element_id: str | None = None
    code: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.category == "error"

    def as_element_error(self) -> ElementError:
        params = {"rule": self.rule, "lint_message": self.message} | self.params
        try:
            code = Code(self.code) if self.code else Code.LINT_ERROR
        except ValueError:
            code = Code.LINT_ERROR
        return ElementError(f"{self.rule}: {self.message}", element_id=self.element_id, code=code, params=params,
                            rule=self.rule)

    def as_dict(self) -> dict[str, Any]:
        return {"element_id": self.element_id, "rule": self.rule, "category": self.category,
                "message": self.message, "code": self.code or Code.LINT_ERROR, "params": self.params}


def shipped_forms() -> list[str]:
    """The form keys of the shipped `forms` package (`information_request/triage`): a diagram may name them, as it
    may name the forms deployed (`lint_options`' `forms`), since a shipped file becomes version 1 when deployed."""
    found: list[str] = []

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            if child.is_dir() and not child.name.startswith("_"):
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".json"):
                found.append(prefix + child.name.removesuffix(".json"))

    walk(resources.files("forms"), "")
    return sorted(found)


def lint_options(forms: Iterable[str] = ()) -> dict[str, Any]:
    """What Jarchy's rules need from the server: the roles a lane may be, the forms a task may name (the shipped
    ones and `forms`: those deployed, and those deployed with the diagram). The modeler page passes the same (with
    the page's words for the messages)."""
    return {"roles": list(ROLES), "forms": sorted(set(shipped_forms()) | set(forms))}


def node_binary() -> str | None:
    """Node.js, as JARCHY_NODE names it or as found on the PATH."""
    return os.environ.get("JARCHY_NODE") or shutil.which("node")


def lint(data: bytes, options: dict[str, Any] | None = None) -> list[LintReport]:
    """Every problem bpmnlint reports on the diagram, errors and warnings."""
    options = lint_options() if options is None else options
    key = hashlib.sha256(data + b"\0" + json.dumps(options, sort_keys=True).encode()).hexdigest()
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    reports = _run([data], options)[0]
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = reports
    return reports


def lint_many(diagrams: list[bytes], options: dict[str, Any] | None = None) -> list[list[LintReport]]:
    """Several diagrams in one Node run (the shipped diagrams' test), not cached."""
    return _run(diagrams, lint_options() if options is None else options)


def errors_of(reports: list[LintReport]) -> list[ElementError]:
    return [report.as_element_error() for report in reports if report.is_error]


def _run(diagrams: list[bytes], options: dict[str, Any]) -> list[list[LintReport]]:
    node = node_binary()
    if node is None:
        raise Unavailable("Node.js is needed to check diagrams (bpmnlint) and is not installed on the server",
                          code=Code.LINT_UNAVAILABLE)
    request = {"options": options,
               "diagrams": [{"name": str(i), "xml": d.decode("utf-8")} for i, d in enumerate(diagrams)]}
    try:
        # The program and its arguments are fixed; the diagram goes in on stdin, as data.
        done = subprocess.run([node, str(RUNNER), "--json"],  # noqa: S603
                              input=json.dumps(request).encode(), capture_output=True, timeout=TIMEOUT, check=False,
                              cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(f"the diagram check (bpmnlint in Node.js) did not answer: {exc}",
                          code=Code.LINT_UNAVAILABLE) from exc
    if done.returncode != 0:
        raise Unavailable("the diagram check (bpmnlint in Node.js) failed: "
                          + done.stderr.decode("utf-8", "replace")[-500:], code=Code.LINT_UNAVAILABLE)
    results = json.loads(done.stdout)["results"]
    return [[LintReport(rule=r["rule"], category=r["category"], message=r["message"], element_id=r["element_id"],
                        code=r.get("code"), params=r.get("params") or {}) for r in result["reports"]]
            for result in results]
