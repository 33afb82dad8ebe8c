"""engine.spiff.sandbox_bounds: a plain condition over the case's scalars is answered without the sandbox process,
exactly as Python answers it; everything else still goes to the sandbox process, and the operation's budget holds."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pytest

from engine.context import EngineContext
from engine.core.settings import Settings
from engine.spiff.clock import FrozenClock
from engine.spiff.sandbox import ScriptLimitExceeded
from engine.spiff.sandbox_bounds import BoundedEnvironment, Limits, operation, plain_condition
from tests.conftest import BISHKEK

DATA: dict[str, Any] = {"decision": "approve", "amount": 12, "ratio": 0.5, "urgent": False, "note": None,
                        "kind": "statement", "contributors": ["transport"], "contact": {"email": "a@example.kg"}}


class Pool:
    """Stands for the sandbox processes: records what it was asked, answers "sandbox"."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def run(self, evaluation: Any) -> tuple[Any, ...]:
        self.asked.append(evaluation.source)
        return ("returned", "sandbox")


def environment(pool: Pool) -> BoundedEnvironment:
    ctx = EngineContext(Settings(), FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)))
    return BoundedEnvironment(ctx.script_functions, Limits(seconds=1.0), pool=lambda: pool)  # type: ignore[arg-type]


@pytest.mark.parametrize("expression", [
    'decision == "approve"',
    'decision != "approve"',
    "amount > 10 and not urgent",
    "amount >= 12 > ratio",
    "1 < amount < 10",
    "urgent or kind",
    'urgent and kind == "statement"',
    "note is None",
    "urgent is not False",
    'not (decision == "rework" or amount <= 0)',
    "ratio == 0.5 and amount == 12.0",
    'kind == "statement" or missing == 1',  # decided before the missing name is read, as in Python
])
def test_a_plain_condition_is_answered_here_as_python_answers_it(expression: str) -> None:
    pool = Pool()
    assert plain_condition(expression) is not None
    assert environment(pool).evaluate(expression, dict(DATA)) == eval(expression, {}, dict(DATA))  # noqa: S307
    assert pool.asked == []


@pytest.mark.parametrize("expression", [
    "1",  # not a condition
    "decision",
    'len(contributors) > 0',  # a call
    'contact["email"] == "a@example.kg"',  # a subscript
    'decision.upper() == "APPROVE"',  # an attribute
    'contributors == ["transport"]',  # a list written out
    'decision in ("approve", "rework")',  # `in` walks a container
    'decision is "approve"',  # identity of a copied string is not the same in every process
    "amount + 1 > 12",  # arithmetic
    "[x for x in contributors] == []",
])
@pytest.mark.filterwarnings("ignore:\"is\" with a literal:SyntaxWarning")
def test_anything_else_goes_to_the_sandbox_process(expression: str) -> None:
    pool = Pool()
    assert plain_condition(expression) is None
    assert environment(pool).evaluate(expression, dict(DATA)) == "sandbox"
    assert pool.asked == [expression]


@pytest.mark.parametrize("expression", [
    'contributors == "transport"',  # the name holds a list
    'contact != None',  # a dict
    "missing == 1",  # not the case's
    'amount < "12"',  # Python raises: the sandbox process raises it, as before
    "PUBLICATION_LANGUAGES == 2",  # the office's constant, not the case's
])
def test_a_plain_condition_the_case_cannot_answer_plainly_goes_to_the_sandbox_process(expression: str) -> None:
    pool = Pool()
    assert plain_condition(expression) is not None
    assert environment(pool).evaluate(expression, dict(DATA)) == "sandbox"
    assert pool.asked == [expression]


def test_a_spent_budget_stops_a_plain_condition_too() -> None:
    pool = Pool()
    env = environment(pool)
    with operation(0.01):
        time.sleep(0.02)  # the budget of the operation, not a wait on the engine's clock
        with pytest.raises(ScriptLimitExceeded, match="in one step"):
            env.evaluate('decision == "approve"', dict(DATA))
    assert pool.asked == []


def test_a_refused_expression_is_refused_before_anything_is_answered() -> None:
    pool = Pool()
    with pytest.raises(SyntaxError):
        environment(pool).evaluate("__class__ == 1", dict(DATA))
    assert pool.asked == []
