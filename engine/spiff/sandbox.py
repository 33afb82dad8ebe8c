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
hand out `BaseException`, an exception SpiffWorkflow does not catch, and the office's clock behind
`date.today()` and `datetime.now()`), the class-definition refusal, the `__import__` that hands
the `datetime` classes' C code the two modules it imports for `strftime`/`strptime` (scripts cannot
name it), and the conversion of compile errors into `SandboxSyntaxError` with a line number
(RestrictedPython reports them as strings 'Line 3: ...', and SpiffWorkflow's error formatting needs
`lineno`).

This module runs a script in the process that calls it, unbounded: `while True: pass` or
`'x' * 10**10` run until they end. Workflows never use it directly: `engine.spiff.sandbox_bounds` sends
every evaluation to a sandbox process (`engine.spiff.sandbox_process`) that runs it here under a time and
memory bound. `functions` must hold plain functions and constants: a module, `functools.partial` or
an object with public attributes would be reachable from every script. Constants (a list of
languages) are copied for every evaluation, so a script changing one changes nothing for the next.
"""

from __future__ import annotations

import ast
import builtins
import copy
import operator
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
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
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import WorkflowException

from engine.core.errors import Code, Unavailable, unavailable_within

FILENAME = "<string>"  # SpiffWorkflow finds the failing script line by this frame name
_LINE = re.compile(r"Line (\w+):")


class SandboxSyntaxError(SyntaxError):
    """A script or expression that does not compile or uses a forbidden construct.

    A `SyntaxError` so that SpiffWorkflow reads `lineno` when it reports the task error. `code` (a
    `Code` value, kept a plain str: the error travels back from the sandbox process as data) says which kind of
    refusal it is and `params` what a page words it with (`name`, `construct`); `message` stays English."""

    def __init__(self, message: str, lineno: int | None = None, offset: int | None = None, *,
                 code: str = Code.SCRIPT_SYNTAX, params: dict[str, Any] | None = None) -> None:
        super().__init__(message, (FILENAME, lineno, offset, None))
        self.message = message
        self.lineno = lineno
        self.code = str(code)
        self.params = dict(params or {})


class ScriptLimitExceeded(WorkflowException):
    """A script or expression ran past its time or memory bound and was stopped.

    A SpiffWorkflow exception, so that a step that evaluates outside a task (a process's completion
    condition) still fails the case instead of the request."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, minus imports (it would only refuse them at run time) and classes.

    Each refusal is also kept as a code with its parameters (`refusals`), told apart by the node it is about and
    the check that made it, never by RestrictedPython's English."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusals: list[tuple[int | None, Code, dict[str, Any]]] = []
        self._naming: str | None = None  # the name check_name is checking

    def error(self, node: ast.AST, info: str) -> None:
        super().error(node, info)
        self.refusals.append((getattr(node, "lineno", None), *self._kind(node)))

    def _kind(self, node: ast.AST) -> tuple[Code, dict[str, Any]]:
        if self._naming is not None:
            return Code.SCRIPT_NAME, {"name": self._naming}
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            return Code.SCRIPT_IMPORT, {"name": ", ".join(modules)}
        if isinstance(node, ast.ClassDef):
            return Code.SCRIPT_CLASS, {"name": node.name}
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("exec", "eval"):
            return Code.SCRIPT_EXEC, {"name": node.func.id}
        if isinstance(node, ast.Attribute):
            return Code.SCRIPT_ATTRIBUTE, {"name": node.attr}
        return Code.SCRIPT_CONSTRUCT, {"construct": type(node).__name__}

    def check_name(self, node: Any, name: str | None, allow_magic_methods: bool = False) -> None:
        self._naming = name
        try:
            super().check_name(node, name, allow_magic_methods)
        finally:
            self._naming = None

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> ast.AST:
        self.error(node, "Imports are not allowed.")
        return node

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "Class definitions are not allowed.")
        return node


def _recording(made: list[_Policy]) -> type[_Policy]:
    """The policy of one compilation, kept in `made` for `_compile` to read its refusals (RestrictedPython makes
    the policy object itself and returns only its English errors)."""

    class Recording(_Policy):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    return Recording


@lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> CodeType:
    try:
        tree = ast.parse(source, FILENAME, mode)
    except SyntaxError as err:
        raise _syntax(err) from None
    except (RecursionError, MemoryError):  # nested too deeply for the parser
        raise SandboxSyntaxError("The code is nested too deeply to be compiled.", None,
                                 code=Code.SCRIPT_TOO_COMPLEX) from None
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    made: list[_Policy] = []
    try:
        result = compiler(tree, filename=FILENAME, policy=_recording(made))
    except SyntaxError as err:  # raised by compile() itself, e.g. 'return' outside function
        raise _syntax(err) from None
    except (RecursionError, MemoryError):
        raise SandboxSyntaxError("The code is nested too deeply to be compiled.", None,
                                 code=Code.SCRIPT_TOO_COMPLEX) from None
    if result.errors:
        found = _LINE.match(result.errors[0])
        lineno = int(found.group(1)) if found and found.group(1).isdigit() else None
        message = "; ".join(result.errors) if len(result.errors) > 1 else _LINE.sub("", result.errors[0])
        refusals = [found for policy in made for found in policy.refusals]
        code, params = refusals[0][1:] if refusals else (Code.SCRIPT_CONSTRUCT, {})
        raise SandboxSyntaxError(message.strip(), lineno, code=code, params=params)
    assert result.code is not None
    return result.code


def _syntax(err: SyntaxError) -> SandboxSyntaxError:
    """Python's own refusal: too many nested parentheses is a limit of the parser, not a mistake of syntax."""
    code = Code.SCRIPT_TOO_COMPLEX if "too many nested" in (err.msg or "") else Code.SCRIPT_SYNTAX
    return SandboxSyntaxError(f"{type(err).__name__}: {err.msg}", err.lineno, err.offset, code=code)


def check_script(source: str) -> None:
    """Compile `source` as a script task body; raise SandboxSyntaxError if it is refused."""
    _compile(source, "exec")


def check_expression(source: str) -> None:
    """Compile `source` as an expression (condition, timer); raise SandboxSyntaxError if refused."""
    _compile(source, "eval")


def compile_for_run(source: str, mode: str) -> CodeType:
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


def _office_clock(office_now: Callable[[], datetime]) -> Callable[[Any, str], Any]:
    """The attribute guard, with `date.today()` and `datetime.now()`/`today()`/`utcnow()` reading the engine's
    clock in the office's time zone instead of the machine's (they are C methods that cannot be replaced)."""

    def today() -> date:
        return office_now().date()

    def now(tz: Any = None) -> datetime:
        return office_now() if tz is None else office_now().astimezone(tz)

    def utcnow() -> datetime:
        return office_now().astimezone(UTC).replace(tzinfo=None)

    clocked: dict[tuple[type, str], Callable[..., Any]] = {
        (date, "today"): today, (datetime, "today"): now, (datetime, "now"): now, (datetime, "utcnow"): utcnow}

    def getattr_(ob: Any, name: str) -> Any:
        kind = ob if isinstance(ob, type) else type(ob)
        found = clocked.get((kind, name))
        return found if found is not None else _getattr(ob, name)

    return getattr_


def _machine_now() -> datetime:
    return datetime.now().astimezone()


# `date.strftime` and `datetime.strptime` import these from C through the caller's builtins.
_C_IMPORTS = frozenset({"time", "_strptime"})


def _import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    if name not in _C_IMPORTS or level:
        raise ImportError(f"imports are not allowed in scripts ({name})")
    return builtins.__import__(name, globals, locals, fromlist, level)


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
_BUILTINS["__import__"] = _import
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

    def __init__(self, functions: Mapping[str, Any] | None = None,
                 office_now: Callable[[], datetime] = _machine_now) -> None:
        """`office_now`: the engine clock's moment in the office's time zone, for `date.today()`."""
        extra = dict(functions or {})
        bad = [name for name in extra if not name.isidentifier() or name.startswith("_")]
        if bad:
            raise ValueError(f"function names must be identifiers not starting with '_': {bad}")
        super().__init__(extra)
        self._base: dict[str, Any] = {**_CLASSES, **extra}
        self._constants = {name: value for name, value in self._base.items()
                           if not callable(value) and not isinstance(value, (str, int, float, bool, type(None)))}
        self._guards = {**_GUARDS, "_getattr_": _office_clock(office_now)}

    def _namespace(self, context: Mapping[str, Any], external_context: Mapping[str, Any] | None) -> dict:
        namespace = dict(self._base)
        namespace.update(copy.deepcopy(self._constants))
        namespace.update(external_context or {})
        namespace.update(context)
        namespace.update(self._guards)
        return namespace

    def evaluate(
        self, expression: str, context: Mapping[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> Any:
        code = compile_for_run(expression, "eval")
        return eval(code, self._namespace(context, external_context))  # noqa: S307 - restricted code

    def execute(
        self, script: str, context: dict[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = compile_for_run(script, "exec")
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


class SandboxScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's engine, reporting a bound that was hit in plain words on the task that hit it, and the
    failing line of a script that ran in another process (its traceback did not come along)."""

    def evaluate(self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().evaluate(task, expression, external_context)
        except ScriptLimitExceeded as exc:  # passed on by SpiffWorkflow as it is, with no task
            raise WorkflowTaskException(exc.message, task=task, exception=exc) from exc
        except WorkflowTaskException as exc:
            fault = unavailable_within(exc)
            if fault is not None:  # the server's fault: not the case's error
                raise fault from None
            raise

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        if isinstance(err, Unavailable):
            return err
        if isinstance(err, ScriptLimitExceeded):
            return WorkflowTaskException(err.message, task=task, exception=err)
        return super().create_task_exec_exception(task, script, err)

    def get_error_line_number_and_content(self, script: str, err: Exception) -> tuple[int, str]:
        line = getattr(err, "script_line", None)
        if not isinstance(line, int) or not 0 < line <= len(script.splitlines()):
            return super().get_error_line_number_and_content(script, err)
        return line, script.splitlines()[line - 1]


def in_process_engine(functions: Mapping[str, Any] | None = None) -> PythonScriptEngine:
    """Scripts run in this process without a bound: for tests of the policy and the benchmark's baseline.
    Workflows get `engine.spiff.sandbox_bounds.make_script_engine`."""
    return SandboxScriptEngine(environment=RestrictedEnvironment(functions))
