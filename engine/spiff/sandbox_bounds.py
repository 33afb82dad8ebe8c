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
"""

from __future__ import annotations

import contextlib
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
