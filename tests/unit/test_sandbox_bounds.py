"""engine.spiff.sandbox_bounds and engine.spiff.sandbox_process: every evaluation runs in a sandbox process under a
time and memory bound, sees fresh copies, reports its errors with their lines, and leaves no process behind."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.util.task import TaskState

from engine.context import EngineContext
from engine.core.settings import Settings
from engine.spiff.clock import FrozenClock
from engine.spiff.sandbox import SandboxSyntaxError, ScriptLimitExceeded
from engine.spiff.sandbox_bounds import BoundedEnvironment, Limits, make_script_engine, operation
from engine.spiff.sandbox_process import shared_pool
from tests.conftest import BISHKEK

ROOT = Path(__file__).resolve().parents[2]


def environment(clock: FrozenClock | None = None, **limits: Any) -> BoundedEnvironment:
    ctx = EngineContext(Settings(), clock or FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)))
    return BoundedEnvironment(ctx.script_functions, Limits(**{"seconds": 1.0, **limits}))


def alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


def test_a_loop_inside_one_c_call_is_stopped_at_its_bound_and_the_next_evaluation_runs() -> None:
    env = environment(seconds=0.5)
    assert environment(seconds=10).evaluate("1", {}) == 1  # a sandbox process is running
    before = set(shared_pool().pids())
    with pytest.raises(ScriptLimitExceeded) as stopped:
        env.evaluate("sum(range(10**12)) > 0", {})
    assert stopped.value.message == "the expression ran longer than 0.5 s and was stopped"
    killed = before - set(shared_pool().pids())
    assert len(killed) == 1 and not alive(killed.pop())
    # The replacement process answers; under a generous bound, so that a loaded machine cannot fail it.
    assert environment(seconds=10).evaluate("amount + 1", {"amount": 41}) == 42


def test_a_script_that_never_ends_is_stopped_too() -> None:
    env = environment(seconds=0.5)
    data = {"n": 0}
    with pytest.raises(ScriptLimitExceeded, match="the script ran longer than 0.5 s"):
        env.execute("while True:\n    n += 1", data)
    assert data == {"n": 0}


def test_a_runaway_leaves_the_other_threads_of_the_server_running() -> None:
    env = environment(seconds=3.0)
    outcome: list[str] = []

    def runaway() -> None:
        try:
            env.evaluate("sum(range(10**12))", {})
        except ScriptLimitExceeded as exc:
            outcome.append(exc.message)

    thread = threading.Thread(target=runaway)
    thread.start()
    while shared_pool().busy == 0 and thread.is_alive():
        time.sleep(0.01)  # until the runaway is in its sandbox process
    counted = sum(i * i for i in range(200_000))  # pure Python here: needs the GIL the runaway would hold
    assert counted > 0
    assert thread.is_alive(), "the runaway ended before this thread could run"
    thread.join()
    assert outcome == ["the expression ran longer than 3 s and was stopped"]


def test_an_allocation_past_the_memory_bound_is_stopped() -> None:
    env = environment(memory_mb=256)
    with pytest.raises(ScriptLimitExceeded) as stopped:
        env.execute("x = 'x' * (900 * 2**20)", {})
    assert stopped.value.message == "the script used more than 256 MiB of memory and was stopped"
    assert env.evaluate("len('x' * (8 * 2**20))", {}) == 8 * 2**20  # what fits in the bound still runs


def test_all_evaluations_of_one_operation_share_its_budget() -> None:
    env = environment(seconds=5.0)
    with operation(0.5):
        with pytest.raises(ScriptLimitExceeded) as stopped:
            env.evaluate("sum(range(10**12))", {})
        assert stopped.value.message == (
            "the case's scripts and expressions ran longer than 0.5 s in one step and were stopped")
        with pytest.raises(ScriptLimitExceeded, match="in one step"):
            env.evaluate("1", {})  # the budget is spent: not even a quick one runs
    assert env.evaluate("1", {}) == 1


def test_a_constant_changed_by_one_script_is_fresh_for_the_next() -> None:
    env = environment()
    data: dict[str, Any] = {}
    env.execute("PUBLICATION_LANGUAGES.append('xx')\nseen = list(PUBLICATION_LANGUAGES)", data)
    assert data == {"seen": ["ky", "ru", "xx"]}
    assert env.evaluate("PUBLICATION_LANGUAGES", {}) == ["ky", "ru"]


def test_a_failing_script_changes_nothing_and_reports_its_line() -> None:
    env = environment()
    data = {"form": {"name": "Aida"}, "tags": ["a"]}
    with pytest.raises(ZeroDivisionError) as failed:
        env.execute("form['seen'] = True\ntags.append('b')\nratio = 1 / 0", data)
    assert failed.value.script_line == 3
    assert data == {"form": {"name": "Aida"}, "tags": ["a"]}


def test_a_successful_script_changes_the_task_data_in_place() -> None:
    env = environment()
    data = {"form": {"name": "Aida"}, "gone": 1}
    same = data
    env.execute("form['seen'] = True\ndel gone\ndue = add_working_days('2026-03-06', 1)", data)
    assert same == {"form": {"name": "Aida", "seen": True}, "due": "2026-03-09"}


def test_a_script_that_does_not_compile_is_refused_here_with_its_line() -> None:
    env = environment()
    with pytest.raises(SandboxSyntaxError) as refused:
        env.execute("x = 1\ny = x.__class__", {})
    assert refused.value.lineno == 2


def test_the_date_functions_staff_expect_work_on_the_office_clock() -> None:
    # 20:30 UTC on Sunday 1 March is 02:30 on Monday 2 March in Bishkek.
    env = environment(FrozenClock(datetime.fromisoformat("2026-03-01T20:30:00+00:00")))
    data: dict[str, Any] = {}
    env.execute(
        "today = date.today()\n"
        "stamp = datetime.now().strftime('%d.%m.%Y %H:%M')\n"
        "parsed = datetime.strptime('05.03.2026', '%d.%m.%Y').date()\n"
        "label = date(2026, 3, 5).strftime('%d.%m.%Y')\n"
        "same_day = datetime.today().date() == date.today()\n",
        data,
    )
    assert data == {"today": date(2026, 3, 2), "stamp": "02.03.2026 02:30", "parsed": date(2026, 3, 5),
                    "label": "05.03.2026", "same_day": True}


def test_an_error_in_the_sandbox_names_the_line_in_the_task_error() -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="calc"/>
    <bpmn:scriptTask id="calc"><bpmn:script>a = 1
b = 2
c = missing + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>"""
    parser = CamundaParser()
    parser.add_bpmn_str(xml.encode(), "p.bpmn")
    ctx = EngineContext(Settings(), FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)))
    wf = BpmnWorkflow(parser.get_spec("p"), script_engine=make_script_engine(ctx.script_functions, Limits()))
    with pytest.raises(WorkflowTaskException) as failed:
        wf.do_engine_steps()
    assert (failed.value.line_number, failed.value.error_line) == (3, "c = missing + 1")
    assert [t.task_spec.name for t in wf.get_tasks(state=TaskState.ERROR)] == ["calc"]


def test_sandbox_processes_end_with_the_process_that_started_them() -> None:
    code = ("from tests.unit.test_sandbox_bounds import environment\n"
            "from engine.spiff.sandbox_process import shared_pool\n"
            "assert environment().evaluate('2 * 21', {}) == 42\n"
            "print(*shared_pool().pids())\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    pids = [int(pid) for pid in done.stdout.split()]
    assert pids
    assert not [pid for pid in pids if alive(pid)]
