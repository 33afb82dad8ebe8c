"""The script engine every workflow runs with: RestrictedPython instead of plain exec/eval.

Script tasks, gateway conditions and timer expressions in a diagram are Python. SpiffWorkflow's
default environment runs them with plain `exec`/`eval`, so a diagram could reach the server. Here
they are compiled with `RestrictedPython.compile_restricted_exec` / `compile_restricted_eval`
(names and attributes starting with `_`, `exec`/`eval`, imports, generator/frame introspection
attributes, class definitions are refused at compile time) and run with curated builtins, the
classes `datetime`, `date`, `timedelta`, `timezone` (never modules) and guards for attribute
access, writes and in-place operators.

Written here by hand: the environment (namespace built per call, task data copied back without
builtins, guards or `functions` leaking into it, refusal of task data that hides a function), the
write guard (only dicts and lists, the task data, can be changed), the `+=` operator table, the
attribute guard (RestrictedPython's `safer_getattr` in its raising form, plus `mro`, which would
hand out `BaseException`, an exception SpiffWorkflow does not catch), the class-definition refusal,
and the conversion of compile errors into `SandboxSyntaxError` with a line number (RestrictedPython
reports them as strings 'Line 3: ...', and SpiffWorkflow's error formatting needs `lineno`).

Not limited: CPU time and memory. `while True: pass` or `'x' * 10**10` still run; bounding them
needs a separate process or OS limits around the worker, which costs far more than a script does
(RestrictedPython cannot count steps). Also not rolled back when a script fails: in-place changes
to nested lists and dicts of the task data (top-level variables are copied back only on success).
`functions` must hold plain functions and constants: a module, `functools.partial` or an object
with public attributes would be reachable from every script.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr_raise,
)
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

FILENAME = "<string>"  # SpiffWorkflow finds the failing script line by this frame name
_LINE = re.compile(r"Line (\w+):")


class SandboxSyntaxError(SyntaxError):
    """A script or expression that does not compile or uses a forbidden construct.

    A `SyntaxError` so that SpiffWorkflow reads `lineno` when it reports the task error."""

    def __init__(self, message: str, lineno: int | None = None, offset: int | None = None) -> None:
        super().__init__(message, (FILENAME, lineno, offset, None))
        self.message = message
        self.lineno = lineno


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, minus imports (it would only refuse them at run time) and classes."""

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> ast.AST:
        self.error(node, "Imports are not allowed.")
        return node

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "Class definitions are not allowed.")
        return node


@lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> CodeType:
    try:
        tree = ast.parse(source, FILENAME, mode)
    except SyntaxError as err:
        raise SandboxSyntaxError(f"{type(err).__name__}: {err.msg}", err.lineno, err.offset) from None
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    try:
        result = compiler(tree, filename=FILENAME, policy=_Policy)
    except SyntaxError as err:  # raised by compile() itself, e.g. 'return' outside function
        raise SandboxSyntaxError(f"{type(err).__name__}: {err.msg}", err.lineno, err.offset) from None
    if result.errors:
        found = _LINE.match(result.errors[0])
        lineno = int(found.group(1)) if found and found.group(1).isdigit() else None
        message = "; ".join(result.errors) if len(result.errors) > 1 else _LINE.sub("", result.errors[0])
        raise SandboxSyntaxError(message.strip(), lineno)
    assert result.code is not None
    return result.code


def check_script(source: str) -> None:
    """Compile `source` as a script task body; raise SandboxSyntaxError if it is refused."""
    _compile(source, "exec")


def check_expression(source: str) -> None:
    """Compile `source` as an expression (condition, timer); raise SandboxSyntaxError if refused."""
    _compile(source, "eval")


def _compiled(source: str, mode: str) -> CodeType:
    """Compile at run time: a refusal must carry an int line for SpiffWorkflow's error report."""
    try:
        return _compile(source, mode)
    except SandboxSyntaxError as err:
        if err.lineno is None:
            err.lineno = 0
        raise


def _getattr(ob: Any, name: str) -> Any:
    if name == "mro":
        raise AttributeError('"mro" is forbidden in scripts')
    return safer_getattr_raise(ob, name)


def _getitem(ob: Any, index: Any) -> Any:
    return ob[index]


def _write(ob: Any) -> Any:
    if type(ob) in (dict, list):
        return ob
    raise TypeError(f"scripts may change only dicts and lists, not {type(ob).__name__} objects")


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE:
        raise TypeError(f"operator {op} is not allowed in scripts")
    return _INPLACE[op](x, y)


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_REMOVED = {"__build_class__", "BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit",
            "setattr", "delattr"}
_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _REMOVED}
_BUILTINS.update(
    len=len, min=min, max=max, sum=sum, abs=abs, round=round, sorted=sorted, reversed=reversed,
    any=any, all=all, enumerate=enumerate, zip=zip, map=map, filter=filter, range=range, list=list,
    dict=dict, set=set, frozenset=frozenset, tuple=tuple, str=str, int=int, float=float, bool=bool,
    isinstance=isinstance,
)
_CLASSES: dict[str, Any] = {"datetime": datetime, "date": date, "timedelta": timedelta, "timezone": timezone}
# Set last on every namespace, so task data (form fields) can never replace them.
_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": _getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": _write,
    "_inplacevar_": _inplacevar,
    "_print_": PrintCollector,
    "_apply_": _apply,
}

SAFE_NAMES: frozenset[str] = frozenset(
    {name for name in _BUILTINS if not name.startswith("_")} | set(_CLASSES) | {"print"}
)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Runs scripts and expressions with task data as their variables, like TaskDataEnvironment."""

    def __init__(self, functions: Mapping[str, Any] | None = None) -> None:
        extra = dict(functions or {})
        bad = [name for name in extra if not name.isidentifier() or name.startswith("_")]
        if bad:
            raise ValueError(f"function names must be identifiers not starting with '_': {bad}")
        super().__init__(extra)
        self._base: dict[str, Any] = {**_CLASSES, **extra}

    def _namespace(self, context: Mapping[str, Any], external_context: Mapping[str, Any] | None) -> dict:
        namespace = dict(self._base)
        namespace.update(external_context or {})
        namespace.update(context)
        namespace.update(_GUARDS)
        return namespace

    def evaluate(
        self, expression: str, context: Mapping[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> Any:
        code = _compiled(expression, "eval")
        return eval(code, self._namespace(context, external_context))  # noqa: S307 - restricted code

    def execute(
        self, script: str, context: dict[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = _compiled(script, "exec")
        namespace = self._namespace(context, external)
        exec(code, namespace)  # noqa: S102 - restricted code, curated namespace
        for key in [key for key in context if key not in namespace]:  # `del x` in the script
            del context[key]
        for key, value in namespace.items():
            if key.startswith("_") or callable(value) or key in self.globals or key in external:
                continue  # builtins, guards, functions, classes, lambdas: never task data
            context[key] = value
        return True

    def check_for_overwrite(self, context: Mapping[str, Any], external_context: Mapping[str, Any]) -> None:
        clash = (set(self.globals) | set(external_context)) & set(context)
        if clash:
            raise ValueError(
                "You have task data that overwrites a predefined function(s). Please change the "
                f"following variable or field name(s) to something else: {sorted(clash)}"
            )


def make_script_engine(functions: Mapping[str, Any] | None = None) -> PythonScriptEngine:
    """The engine to attach to every workflow, again after every deserialization."""
    return PythonScriptEngine(environment=RestrictedEnvironment(functions))
