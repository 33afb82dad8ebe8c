"""Bounds on every script, condition and expression a workflow evaluates: time and memory for each
evaluation, and time for all the evaluations of one operation (a diagram that loops through many quick
scripts).

Each evaluation runs in a sandbox process (engine.spiff.sandbox_process, which says why a process). This side
compiles first, so a refused or misspelt script is reported with its line at no cost, then sends a
pickled copy of the task data and the office's functions (engine.spiff.script_functions) with the bounds. A
script therefore sees fresh copies of everything it is given, and one that fails changes nothing, not
even nested lists and dicts of the task data. A bound that is hit raises ScriptLimitExceeded with a
sentence naming it; SandboxScriptEngine puts it on the task, so `engine.runtime.steps.advance` fails the case
with the element and the bound, recorded. Meanwhile this process only waits on a socket: other requests
are served.

One kind of expression is answered here without the round trip: a plain condition (`decision == "approve"`,
`not urgent or kind != "statement"`), made only of the case's names and literal strings, numbers, booleans and None,
compared (`==`, `!=`, `<`, `<=`, `>`, `>=`, `is`, `is not`) and combined with `and`, `or`, `not`, where every name it
reads is the case's and holds such a scalar. Nothing in it can reach anything (no attribute, call, subscript,
import, loop or comprehension), and comparing scalars takes microseconds, so the sandbox process would only add a
copy and a socket round trip (a tenth of a millisecond idle, milliseconds on a loaded machine) to most gateway
conditions. It is walked here as a tree, never compiled or run; anything else, including such a condition over a
list or a missing name or one that raises, goes to the sandbox process as before, which answers (or raises) as it
always did. The operation's time budget is checked first all the same.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import operator
import pickle
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.spiff.sandbox import SandboxScriptEngine, ScriptLimitExceeded, compile_for_run
from engine.spiff.sandbox_process import (
    MAX_REPLY_BYTES,
    Died,
    Evaluation,
    Functions,
    OutOfMemory,
    Overran,
    SandboxPool,
    TooLarge,
    shared_pool,
)
from engine.spiff.sandbox_replies import NotData


@dataclass(frozen=True)
class Limits:
    seconds: float = 2.0  # one evaluation, wall clock
    memory_mb: int = 256  # one evaluation, beyond what the sandbox process holds before it
    operation_seconds: float = 10.0  # all the evaluations of one operation (start, complete, a timer firing)


# (monotonic deadline, budget) of the operation under way
_operation: ContextVar[tuple[float, float] | None] = ContextVar("jarchy_script_operation", default=None)


@contextlib.contextmanager
def operation(seconds: float) -> Iterator[None]:
    """The evaluations inside the block share `seconds` between them; inside another block, the outer one's
    budget stands."""
    if _operation.get() is not None:
        yield
        return
    token = _operation.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _operation.reset(token)


class BoundedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment, evaluating in a sandbox process under `limits`.

    `functions` gives, at each evaluation, what scripts may call (the clock's moment changes)."""

    def __init__(self, functions: Callable[[], Functions], limits: Limits,
                 pool: Callable[[], SandboxPool] = shared_pool) -> None:
        super().__init__({})
        self._functions, self._limits, self._pool = functions, limits, pool

    def evaluate(self, expression: str, context: Mapping[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        compile_for_run(expression, "eval")
        condition = plain_condition(expression)
        if condition is not None:
            current = _operation.get()
            if current is not None and current[0] - time.monotonic() <= 0:
                raise ScriptLimitExceeded(_too_long_in_one_step(current[1]))
            try:
                return _answer(condition, context)
            except Exception:  # noqa: BLE001, S110 - not a plain answer: the sandbox process answers, as before
                pass
        return self._run("eval", expression, context, external_context)

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        compile_for_run(script, "exec")
        changed = self._run("exec", script, context, external_context or {})
        context.clear()
        context.update(changed)
        return True

    def _run(self, mode: str, source: str, context: Mapping[str, Any], external: Mapping[str, Any] | None) -> Any:
        what = "script" if mode == "exec" else "expression"
        seconds, budget = self._limits.seconds, None
        current = _operation.get()
        if current is not None:
            left = current[0] - time.monotonic()
            if left < seconds:
                seconds, budget = left, current[1]
            if left <= 0:
                raise ScriptLimitExceeded(_too_long_in_one_step(budget))
        evaluation = Evaluation(mode, source, dict(context), dict(external) if external else None,
                                self._functions(), seconds, self._limits.memory_mb)
        try:
            reply = self._pool().run(evaluation)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise TypeError(f"the case's data holds a value a {what} cannot be given ({exc})") from exc
        except Overran:
            message = self._too_long(what) if budget is None else _too_long_in_one_step(budget)
            raise ScriptLimitExceeded(message) from None
        except NotData as exc:
            raise ScriptLimitExceeded(f"the {what} handed back something that is not data ({exc}); "
                                      "its process was replaced") from None
        except TooLarge:
            raise ScriptLimitExceeded(f"the {what} left more than {MAX_REPLY_BYTES // 2**20} MiB of data, more than "
                                      "a case may hold, and was stopped") from None
        except OutOfMemory:
            raise ScriptLimitExceeded(
                f"the {what} used more than {self._limits.memory_mb} MiB of memory and was stopped") from None
        except Died as exc:
            if exc.returncode == -signal.SIGXCPU:
                raise ScriptLimitExceeded(self._too_long(what)) from None
            raise ScriptLimitExceeded(f"the {what} ended the sandbox process it ran in "
                                      f"(exit status {exc.returncode})") from None
        if reply[0] == "raised":
            error = reply[1]
            error.script_line = reply[2]  # SandboxScriptEngine reports the line from it
            raise error
        return reply[1]

    def _too_long(self, what: str) -> str:
        return f"the {what} ran longer than {self._limits.seconds:g} s and was stopped"


def _too_long_in_one_step(budget: float | None) -> str:
    return f"the case's scripts and expressions ran longer than {budget:g} s in one step and were stopped"


def make_script_engine(functions: Callable[[], Functions], limits: Limits) -> SandboxScriptEngine:
    """The engine to attach to every workflow, again after every deserialization."""
    return SandboxScriptEngine(environment=BoundedEnvironment(functions, limits))


# A plain condition (see the module's docstring): what it may hold, and how each comparison is made.
_SCALARS = (str, int, float, bool, type(None))
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not}


class _NotPlain(Exception):
    """A name the condition reads is not the case's, or holds something other than a scalar."""


@functools.lru_cache(maxsize=1024)
def plain_condition(expression: str) -> ast.expr | None:
    """The tree of `expression` when it is a plain condition (a comparison, `and`, `or` or `not` at its top, and
    nothing but names, scalar literals, comparisons, `and`, `or` and `not` below), else None."""
    try:
        body = ast.parse(expression, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None

    def plain(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return type(node.value) in _SCALARS
        if isinstance(node, ast.Name):
            return not node.id.startswith("_")
        if isinstance(node, ast.BoolOp):
            return all(plain(value) for value in node.values)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, ast.Not) and plain(node.operand)
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            return (all(type(op) in _COMPARE for op in node.ops)
                    and all(_singleton(operands[i]) or _singleton(operands[i + 1])
                            for i, op in enumerate(node.ops) if isinstance(op, (ast.Is, ast.IsNot)))
                    and all(plain(operand) for operand in operands))
        return False

    try:
        is_plain = isinstance(body, (ast.Compare, ast.BoolOp, ast.UnaryOp)) and plain(body)
    except RecursionError:
        return None
    return body if is_plain else None


def _singleton(node: ast.expr) -> bool:
    """None, True or False written out: `is` against them means the same in every process (a string or a number
    may be one object here and two in the sandbox process, which gets copies)."""
    return isinstance(node, ast.Constant) and (node.value is None or node.value is True or node.value is False)


def _answer(node: ast.expr, names: Mapping[str, Any]) -> Any:
    """Python's own answer to a plain condition over `names` (the task's data): `and` and `or` give one of their
    operands and stop at the first that decides, a chain of comparisons stops at the first false one."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names or type(names[node.id]) not in _SCALARS:
            raise _NotPlain(node.id)
        return names[node.id]
    if isinstance(node, ast.BoolOp):
        value: Any = None
        for operand in node.values:
            value = _answer(operand, names)
            if isinstance(node.op, ast.And) and not value or isinstance(node.op, ast.Or) and value:
                return value
        return value
    if isinstance(node, ast.UnaryOp):
        return not _answer(node.operand, names)
    if isinstance(node, ast.Compare):
        left = _answer(node.left, names)
        result: Any = True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _answer(comparator, names)
            result = _COMPARE[type(op)](left, right)
            if not result:
                return result
            left = right
        return result
    raise _NotPlain(type(node).__name__)
