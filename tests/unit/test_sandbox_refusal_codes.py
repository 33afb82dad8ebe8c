"""Each kind of construct the sandbox refuses has its own code and parameters (issue 15, point 4): the modeler
words "imports are not allowed" or "the name _x cannot be used" in the administrator's language, with the line,
instead of one "not allowed or cannot be compiled" for everything."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from engine.core.errors import Code
from engine.procedures import validation
from engine.spiff.sandbox import SandboxSyntaxError, check_expression, check_script
from engine.spiff.sandbox_replies import loads
from tests.diagrams import script_diagram


@pytest.mark.parametrize(("script", "code", "params", "line"), [
    ("a = 1\nimport os", Code.SCRIPT_IMPORT, {"name": "os"}, 2),
    ("from subprocess import run", Code.SCRIPT_IMPORT, {"name": "subprocess"}, 1),
    ("class Sneaky:\n    pass", Code.SCRIPT_CLASS, {"name": "Sneaky"}, 1),
    ("x = 1\ny = 2\nexec('x = 3')", Code.SCRIPT_EXEC, {"name": "exec"}, 3),
    ("eval('1')", Code.SCRIPT_EXEC, {"name": "eval"}, 1),
    ("_hidden = 1", Code.SCRIPT_NAME, {"name": "_hidden"}, 1),
    ("breakpoint()", Code.SCRIPT_NAME, {"name": "breakpoint"}, 1),
    ("a = []\nb = a.__class__", Code.SCRIPT_ATTRIBUTE, {"name": "__class__"}, 2),
    ("g = (x for x in [])\nf = g.gi_frame", Code.SCRIPT_ATTRIBUTE, {"name": "gi_frame"}, 2),
    ("async def f():\n    pass", Code.SCRIPT_CONSTRUCT, {"construct": "AsyncFunctionDef"}, 1),
    ("a = 1\nb = (\n", Code.SCRIPT_SYNTAX, {}, 2),
    ("x = " + "(" * 250 + ")" * 250, Code.SCRIPT_TOO_COMPLEX, {}, 1),
])
def test_each_refused_construct_has_its_code_and_params(script: str, code: Code, params: dict[str, Any],
                                                        line: int) -> None:
    with pytest.raises(SandboxSyntaxError) as refused:
        check_script(script)
    assert (refused.value.code, refused.value.params, refused.value.lineno) == (code, params, line)


def test_code_too_deep_for_the_parser_is_refused_as_too_complex_not_a_crash() -> None:
    with pytest.raises(SandboxSyntaxError) as refused:
        check_script("x = " + "-" * 200_000 + "1")
    assert refused.value.code == Code.SCRIPT_TOO_COMPLEX


def test_an_expression_names_what_it_may_not_use() -> None:
    with pytest.raises(SandboxSyntaxError) as refused:
        check_expression("__import__('os').system('id')")
    assert (refused.value.code, refused.value.params) == (Code.SCRIPT_NAME, {"name": "__import__"})


def test_the_code_travels_back_from_the_sandbox_process_as_data() -> None:
    """A refusal found at run time comes back through the sandbox's allow-listed unpickling, code and all."""
    with pytest.raises(SandboxSyntaxError) as refused:
        check_script("import os")
    back = loads(pickle.dumps(refused.value))
    assert (back.code, back.params) == ("script_import", {"name": "os"})


DIAGRAM = script_diagram("p", "a = 1\nb = a.__dict__")


def test_the_diagram_problem_carries_the_kind_the_name_and_both_lines() -> None:
    with pytest.raises(validation.InvalidDiagram) as refused:
        validation.validate(DIAGRAM.encode())
    [problem] = refused.value.errors
    assert problem["code"] == Code.SCRIPT_ATTRIBUTE and problem["element_id"] == "work"
    assert problem["params"]["name"] == "__dict__" and problem["params"]["script_line"] == 2
    assert problem["line"] == 9  # the diagram's own line of the refused script line


def test_a_diagram_whose_script_is_too_deep_for_the_parser_is_refused_not_a_crash() -> None:
    deep = script_diagram("p", "x = " + "-" * 200_000 + "1")
    with pytest.raises(validation.InvalidDiagram) as refused:
        validation.validate(deep.encode())
    assert [p["code"] for p in refused.value.errors] == [Code.SCRIPT_TOO_COMPLEX]
