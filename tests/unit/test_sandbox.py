"""engine/spiff/sandbox.py: escapes refused (at compile time where possible), ordinary procedure code runs."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

import engine.spiff.sandbox as sandbox
from engine.spiff.sandbox import (
    SAFE_NAMES,
    RestrictedEnvironment,
    SandboxSyntaxError,
    check_expression,
    check_script,
    in_process_engine,
)

# Object-graph walk to os.system-like functions, the classic escape from exec with swapped builtins.
WALK = "[c for c in {root}.__subclasses__() if c.__name__ == '_wrap_close'][0].__init__.__globals__"

# (escape attempt, where it must be stopped). Each would create the file `target` if it worked.
ESCAPES = [
    ("import os\nos.mkdir(target)", "compile"),
    ("from os import mkdir\nmkdir(target)", "compile"),
    ("__import__('os').mkdir(target)", "compile"),
    ("open(target, 'w').write('x')", "run"),
    ("eval('1')", "compile"),
    ("exec('x = 1')", "compile"),
    ("compile('1', 'f', 'eval')", "run"),
    (WALK.format(root="().__class__.__base__") + "['mkdir'](target)", "compile"),
    ("t = datetime.__class__", "compile"),
    ("g = (lambda: 0).__globals__", "compile"),
    ("getattr((), '__class__')", "run"),
    ("type(()).mro()", "run"),
    ("t = type('X', (), {})", "run"),
    ("s = date.today.__self__", "compile"),
    ("s = '{0.__class__}'.format(1)", "run"),
    ("s = '{0.__globals__}'.format_map({0: canary})", "run"),
    ("s = str.format('{0.__globals__}', canary)", "run"),
    ("f = (x for x in []).gi_frame", "compile"),
    ("f = (x for x in []).gi_code", "compile"),
    ("g = globals()", "run"),
    ("g = locals()", "run"),
    ("g = vars()", "run"),
    ("d = dir()", "run"),
    ("b = __builtins__", "compile"),
    ("g = _getattr_", "compile"),
    ("raise Exception.mro()[1]('escapes the engine')", "run"),  # BaseException is not caught by Spiff
    ("raise SystemExit", "run"),
    ("setattr(date, 'today', None)", "run"),
    ("date.today = None", "run"),
    ("canary.attr = 1", "run"),
    ("class A:\n    pass", "compile"),
    ("breakpoint()", "compile"),
]


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return tmp_path / "pwned"


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def env(calls: list[str]) -> RestrictedEnvironment:
    return RestrictedEnvironment({"canary": lambda: calls.append("ran"), "LIMIT": 5})


@pytest.mark.parametrize(("source", "stage"), ESCAPES)
def test_escape_is_refused(
    source: str, stage: str, env: RestrictedEnvironment, calls: list[str], target: Path
) -> None:
    script = source + "\ncanary()"
    if stage == "compile":
        with pytest.raises(SandboxSyntaxError) as refused:
            check_script(script)
        assert refused.value.lineno == 1
        assert refused.value.message
    else:
        check_script(script)
    data = {"target": str(target)}
    with pytest.raises(Exception) as failed:  # noqa: B017 - any refusal will do, but an Exception
        env.execute(script, data, {})
    assert isinstance(failed.value, SandboxSyntaxError) == (stage == "compile")
    assert calls == []
    assert not target.exists()
    assert data == {"target": str(target)}


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('id')",
        "().__class__.__base__.__subclasses__()",
        "[x for x in ()].__class__",
        "(x for x in []).gi_frame",
        "x := 1",
        "exec('x=1')",
        "import os",
        "a = 1",
    ],
)
def test_expression_refused_at_compile_time(expression: str) -> None:
    with pytest.raises(SandboxSyntaxError) as refused:
        check_expression(expression)
    assert refused.value.lineno == 1


@pytest.mark.parametrize("expression", ["open('/etc/passwd').read()", "type(1)", "'{0.real}'.format(1)"])
def test_expression_refused_at_run_time(expression: str, env: RestrictedEnvironment) -> None:
    check_expression(expression)
    with pytest.raises(Exception) as failed:  # noqa: B017
        env.evaluate(expression, {})
    assert not isinstance(failed.value, SandboxSyntaxError)


def test_syntax_error_carries_line_and_offset() -> None:
    with pytest.raises(SandboxSyntaxError) as refused:
        check_script("a = 1\nb = (\n")
    assert refused.value.lineno == 2
    assert isinstance(refused.value, SyntaxError)
    with pytest.raises(SandboxSyntaxError) as refused:
        check_script("a = 1\nb = 2\nx = a.__dict__")
    assert refused.value.lineno == 3
    assert "__dict__" in refused.value.message
    assert not refused.value.message.startswith("Line")


def test_unknown_line_becomes_zero_at_run_time(env: RestrictedEnvironment, monkeypatch) -> None:
    def no_line(*args, **kwargs):
        raise SandboxSyntaxError("refused", None)

    monkeypatch.setattr(sandbox, "_compile", no_line)
    with pytest.raises(SandboxSyntaxError) as refused:
        env.execute("x = 1", {})
    assert refused.value.lineno == 0


def test_ordinary_procedure_code() -> None:
    data = {"count": 2, "tags": ["a"], "form": {"name": "Aida", "days": 3}, "note": " Hi "}
    env = RestrictedEnvironment({"double": lambda x: x * 2, "LIMIT": 5})
    env.execute(
        "count += 3\n"
        "count -= 1\n"
        "count *= 2\n"
        "ratio = count\n"
        "ratio /= 4\n"
        "tags += ['b']\n"
        "title = note.strip().upper() + '!'\n"
        "greeting = f\"Dear {form['name']}, {count:03d}\"\n"
        "squares = {n: n * n for n in range(4)}\n"
        "evens = [n for n in range(10) if n % 2 == 0]\n"
        "form['seen'] = True\n"
        "missing = form.get('nope')\n"
        "due = date(2026, 3, 1) + timedelta(days=form['days'])\n"
        "received = datetime.fromisoformat('2026-03-02T09:30:00+06:00')\n"
        "order = sorted(['b', 'c', 'a'], key=lambda s: s, reverse=True)\n"
        "first, *rest = order\n"
        "pairs = [(i, c) for i, c in enumerate(order)]\n"
        "total = sum(n for n in evens) + len(tags) + max(1, 2) + abs(-1) + round(1.26, 1)\n"
        "flag = any([False, True]) and all([1]) and isinstance(count, int)\n"
        "doubled = double(LIMIT)\n"
        "print('no output anywhere')\n"
        "def helper(x):\n    return x + 1\n"
        "helped = helper(1)\n",
        data,
    )
    assert data["count"] == 8
    assert data["ratio"] == 2.0
    assert data["tags"] == ["a", "b"]
    assert data["title"] == "HI!"
    assert data["greeting"] == "Dear Aida, 008"
    assert data["squares"] == {0: 0, 1: 1, 2: 4, 3: 9}
    assert data["evens"] == [0, 2, 4, 6, 8]
    assert data["form"] == {"name": "Aida", "days": 3, "seen": True}
    assert data["missing"] is None
    assert data["due"] == date(2026, 3, 4)
    assert data["received"] == datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    assert data["order"] == ["c", "b", "a"]
    assert (data["first"], data["rest"]) == ("c", ["b", "a"])
    assert data["pairs"] == [(0, "c"), (1, "b"), (2, "a")]
    assert data["total"] == 20 + 2 + 2 + 1 + 1.3
    assert data["flag"] is True
    assert data["doubled"] == 10
    assert data["helped"] == 2


def test_nothing_but_variables_leaks_into_task_data() -> None:
    env = RestrictedEnvironment({"double": lambda x: x * 2, "LIMIT": 5})
    data = {"a": 1}
    env.execute(
        "b = double(a)\nf = lambda: 1\ndef g():\n    return 2\nk = LIMIT\nt = date\nprint(b)\n",
        data,
        {"obj": "external"},
    )
    assert data == {"a": 1, "b": 2, "k": 5}


def test_task_data_may_shadow_safe_names_and_keeps_them(env: RestrictedEnvironment) -> None:
    data = {"date": "2026-03-01", "type": "complaint", "sum": 3}
    env.execute("label = type + ' ' + date\nsum += 1", data)
    assert data == {"date": "2026-03-01", "type": "complaint", "sum": 4, "label": "complaint 2026-03-01"}


def test_task_data_cannot_replace_guards(env: RestrictedEnvironment) -> None:
    data = {"_write_": "x", "_getattr_": None, "__builtins__": {}, "d": {}}
    env.execute("d['k'] = 'v'.upper()\nn = len(d)", data)
    assert data == {"_write_": "x", "_getattr_": None, "__builtins__": {}, "d": {"k": "V"}, "n": 1}


def test_del_removes_a_variable(env: RestrictedEnvironment) -> None:
    data = {"a": 1, "b": 2}
    env.execute("del a", data)
    assert data == {"b": 2}


def test_failed_script_leaves_top_level_data_unchanged(env: RestrictedEnvironment) -> None:
    data = {"a": 1}
    with pytest.raises(ZeroDivisionError):
        env.execute("a = 2\nb = 3\nc = 1 / 0", data)
    assert data == {"a": 1}


def test_task_data_hiding_a_function_is_refused(env: RestrictedEnvironment) -> None:
    with pytest.raises(ValueError, match="canary"):
        env.execute("x = 1", {"canary": 1})
    with pytest.raises(ValueError, match="obj"):
        env.execute("x = 1", {"obj": 1}, {"obj": 2})


def test_function_names_must_not_start_with_underscore() -> None:
    with pytest.raises(ValueError):
        RestrictedEnvironment({"_getattr_": getattr})


def test_evaluate_sees_task_data_and_external_context(env: RestrictedEnvironment) -> None:
    data = {"amount": 12, "received": "2026-03-01"}
    assert env.evaluate("amount > LIMIT and extra == 'x'", data, {"extra": "x"}) is True
    assert env.evaluate("date.fromisoformat(received) + timedelta(days=2)", data) == date(2026, 3, 3)
    assert env.evaluate("sorted(data)", {"data": {"b": 1, "a": 2}}) == ["a", "b"]
    assert data == {"amount": 12, "received": "2026-03-01"}


def test_compiled_code_is_cached_by_source(env: RestrictedEnvironment, monkeypatch) -> None:
    compiled: list[object] = []
    real = sandbox.compile_restricted_eval

    def counting(source, **kwargs):
        compiled.append(source)
        return real(source, **kwargs)

    monkeypatch.setattr(sandbox, "compile_restricted_eval", counting)
    expression = f"amount + 1 + len({str(uuid.uuid4())!r}) * 0"
    for amount in range(5):
        assert env.evaluate(expression, {"amount": amount}) == amount + 1
    check_expression(expression)
    assert len(compiled) == 1


def test_safe_names() -> None:
    assert {"len", "sorted", "range", "dict", "str", "datetime", "date", "timedelta", "timezone"} <= SAFE_NAMES
    forbidden = {"open", "eval", "exec", "compile", "getattr", "type", "vars", "globals", "locals",
                 "__import__", "setattr", "SystemExit", "BaseException"}
    assert not forbidden & SAFE_NAMES
    assert not any(name.startswith("_") for name in SAFE_NAMES)


# --- end to end: a diagram run by SpiffWorkflow with the sandboxed engine -------------------------

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="proc" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <bpmn:scriptTask id="calc" name="Compute" scriptFormat="python">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="to_small"/>
    <bpmn:sequenceFlow id="to_big" sourceRef="gw" targetRef="end_big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_small" sourceRef="gw" targetRef="end_small"/>
    <bpmn:endEvent id="end_big"/>
    <bpmn:endEvent id="end_small"/>
  </bpmn:process>
</bpmn:definitions>
"""

SAFE_SCRIPT = "total = amount * 2\ndue = str(add_days(date(2026, 3, 1), 3))\nmarks = [m.upper() for m in marks]"


def _workflow(script: str, condition: str = "total &gt; 10", **data: object) -> BpmnWorkflow:
    parser = CamundaParser()
    parser.add_bpmn_str(BPMN.format(script=script, condition=condition).encode(), "test.bpmn")
    functions = {"add_days": lambda d, n: d + timedelta(days=n)}
    wf = BpmnWorkflow(parser.get_spec("proc"), script_engine=in_process_engine(functions))
    wf.get_tasks(state=TaskState.READY)[0].data.update(data)
    return wf


def _reached(wf: BpmnWorkflow) -> set[str]:
    return {t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED)}


@pytest.mark.parametrize(("amount", "end"), [(8, "end_big"), (3, "end_small")])
def test_workflow_runs_safe_script_and_condition(amount: int, end: str) -> None:
    wf = _workflow(SAFE_SCRIPT, amount=amount, marks=["a"])
    wf.do_engine_steps()
    assert wf.completed
    assert end in _reached(wf)
    assert {"end_big", "end_small"} - {end} - _reached(wf) == {"end_big", "end_small"} - {end}
    data = wf.get_tasks(spec_name=end)[0].data
    assert data == {"amount": amount, "marks": ["A"], "total": amount * 2, "due": "2026-03-04"}
    # Task data holds no sandbox objects, so the workflow serializes.
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
    dumped = serializer.serialize_json(wf)
    assert "_getattr_" not in dumped
    assert "__builtins__" not in dumped
    assert "function" not in dumped


@pytest.mark.parametrize(
    ("script", "line"),
    [
        ("x = 1\nimport os\nos.mkdir(target)", 2),
        ("x = 1\ny = 2\nopen(target, 'w').write('x')", 3),
        ("x = [c for c in ().__class__.__base__.__subclasses__()]", 1),
        ("s = '{0.__globals__}'.format(add_days)", 1),
    ],
)
def test_workflow_malicious_script_task_errors(script: str, line: int, target: Path) -> None:
    wf = _workflow(script, target=str(target), amount=1)
    with pytest.raises(WorkflowTaskException) as failed:
        wf.do_engine_steps()
    assert failed.value.line_number == line
    assert [t.task_spec.name for t in wf.get_tasks(state=TaskState.ERROR)] == ["calc"]
    assert not target.exists()
    assert not wf.completed


def test_workflow_malicious_condition_errors(target: Path) -> None:
    wf = _workflow("total = 1", condition="__import__('os').mkdir(target)", target=str(target))
    with pytest.raises(WorkflowTaskException):
        wf.do_engine_steps()
    assert not target.exists()
    assert not wf.completed
    wf = _workflow("total = 1", condition="open(target, 'w')", target=str(target))
    with pytest.raises(WorkflowTaskException):
        wf.do_engine_steps()
    assert not target.exists()
