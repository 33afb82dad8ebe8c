"""A script cannot stall the office: a script, condition or timer expression that runs past its time or memory
bound fails its case, named and recorded, while other users are served; a zero-length timer cycle or a loop
certain never to end is refused at deploy and never stops the sweep; scripts see fresh values and the date
functions staff expect."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from functools import partial
from typing import Any

import pytest

from engine.background.sweeper import sweep
from engine.core.settings import Settings
from engine.procedures import validation
from engine.spiff.sandbox_process import shared_pool
from tests import cases
from tests.conftest import BISHKEK, Client

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
"""


def scripted(key: str, script: str) -> str:
    return HEAD + f"""
  <bpmn:process id="{key}" name="{key}" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <bpmn:scriptTask id="calc" name="Compute"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


CONDITION = HEAD + """
  <bpmn:process id="condition" name="Condition" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="small"/>
    <bpmn:sequenceFlow id="big" sourceRef="gw" targetRef="end_big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">sum(range(10**12)) &gt; 0</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="small" sourceRef="gw" targetRef="end_small"/>
    <bpmn:endEvent id="end_big"/>
    <bpmn:endEvent id="end_small"/>
  </bpmn:process>
</bpmn:definitions>
"""

TIMER = HEAD + """
  <bpmn:process id="timer" name="Timer" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="Wait">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration>"PT1H" if sum(range(10**12)) else "PT2H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

# A diagram loop of quick scripts: each is well within its bound, together they are not.
LOOP = HEAD + """
  <bpmn:process id="loop" name="Loop" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again"/>
    <bpmn:exclusiveGateway id="again"/>
    <bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="count"/>
    <bpmn:scriptTask id="count"><bpmn:script>n = n + 1 + sum(range(10**6)) * 0</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="count" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="back"/>
    <bpmn:sequenceFlow id="out" sourceRef="gw" targetRef="end">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">n &lt; 0</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="back" sourceRef="gw" targetRef="again"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


# A timer that, when it fires, runs a script that never ends (no static check can tell: it depends on `n`).
AFTER_TIMER = HEAD + """
  <bpmn:process id="later" name="Later" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="An hour later">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="calc"/>
    <bpmn:scriptTask id="calc"><bpmn:script>while n &gt;= 0:
    n += 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def start_timer(key: str, cycle: str) -> str:
    return HEAD + f"""
  <bpmn:process id="{key}" name="{key}" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="pr_department">
      <bpmn:flowNodeRef>monitor</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="every_morning">
      <bpmn:timerEventDefinition><bpmn:timeCycle>{cycle}</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="every_morning" targetRef="monitor"/>
    <bpmn:userTask id="monitor" name="Monitor the media" camunda:formKey="information_request/contribute"/>
    <bpmn:sequenceFlow id="f2" sourceRef="monitor" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Short bounds, so that each runaway costs a second; a test may ask for the defaults instead."""
    return settings.with_(**getattr(request, "param", {"script_seconds": 1.0, "script_operation_seconds": 1.5}))


def deploy(as_: Any, xml: str) -> Any:
    return as_("admin").post("/api/v1/process-definitions", data=xml.encode(),
                             headers={"Content-Type": "application/xml"})


def deployed(as_: Any, xml: str) -> None:
    response = deploy(as_, xml)
    assert response.status_code == 201, response.get_json()


start = partial(cases.start, data={})  # a case of the test's own procedure, with only the data a test gives


def failure_recorded(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    failed = [event for event in history if event["type"] == "instance.failed"]
    assert len(failed) == 1, history
    return failed[0]["after"]


def as_deployed_before_the_loop_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deploy as a version from before this check would have been: the bound must stop it at run time."""
    monkeypatch.setattr(validation, "_endless_loops", lambda script: [])


def test_a_script_that_never_ends_fails_its_case_naming_the_element_and_the_bound(
        as_: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    as_deployed_before_the_loop_check(monkeypatch)
    deployed(as_, scripted("spin", "while True:\n    pass"))
    case = start(as_, "spin")
    assert case["status"] == "failed"
    assert case["failure"].startswith("calc: the script ran longer than 1 s and was stopped")
    assert failure_recorded(as_, case)["element_id"] == "calc"
    assert "ran longer than 1 s" in failure_recorded(as_, case)["message"]
    assert failure_recorded(as_, case)["code"] == "script_limit"  # what a page words, in its reader's language


def test_a_condition_computing_inside_one_c_call_fails_its_case(as_: Any) -> None:
    deployed(as_, CONDITION)
    case = start(as_, "condition")
    assert case["status"] == "failed"
    assert case["failure"].startswith("gw: the expression ran longer than 1 s and was stopped")
    assert failure_recorded(as_, case)["element_id"] == "gw"


def test_a_timer_expression_that_never_ends_fails_its_case(as_: Any) -> None:
    deployed(as_, TIMER)
    case = start(as_, "timer")
    assert case["status"] == "failed"
    assert case["failure"].startswith("wait: the expression ran longer than 1 s and was stopped")
    assert failure_recorded(as_, case)["element_id"] == "wait"
    assert case["timers"] == []


def test_a_script_taking_more_memory_than_its_bound_fails_its_case(as_: Any) -> None:
    deployed(as_, scripted("hog", "x = 'x' * (900 * 2**20)"))
    case = start(as_, "hog")
    assert case["status"] == "failed"
    assert case["failure"].startswith("calc: the script used more than 256 MiB of memory and was stopped")
    assert "256 MiB" in failure_recorded(as_, case)["message"]


def test_a_script_leaving_more_data_than_a_case_holds_fails_its_case(as_: Any) -> None:
    deployed(as_, scripted("bloat", "x = 'x' * (5 * 2**20)"))  # within the memory bound, beyond a case's data
    case = start(as_, "bloat")
    assert case["status"] == "failed"
    assert case["failure"].startswith("calc: the script left more than 4 MiB of data, more than a case may hold")
    assert "x" not in case["data"]
    deployed(as_, scripted("small", "x = 'x' * 1000"))
    assert start(as_, "small")["status"] == "completed"  # the next evaluation has a sound process


def test_a_diagram_looping_through_quick_scripts_is_stopped_by_the_operation_budget(as_: Any) -> None:
    deployed(as_, LOOP)
    case = start(as_, "loop", n=0)
    assert case["status"] == "failed"
    assert "the case's scripts and expressions ran longer than 1.5 s in one step and were stopped" in case["failure"]


def test_a_timer_whose_script_never_ends_fails_its_case_once_and_the_sweep_moves_on(
        as_: Any, sessions: Any, ctx: Any, clock: Any) -> None:
    deployed(as_, AFTER_TIMER)
    case = start(as_, "later", n=0)
    assert case["status"] == "running" and len(case["timers"]) == 1
    clock.advance(hours=2)
    assert sweep(sessions, ctx).fired == 1
    failed = as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert failed["status"] == "failed"
    assert failed["failure"].startswith("calc: the script ran longer than 1 s and was stopped")
    assert failure_recorded(as_, case)["element_id"] == "calc"
    clock.advance(hours=1)
    assert sweep(sessions, ctx).fired == 0  # the failed case is not run again at every sweep


@pytest.mark.parametrize("settings", [{}], indirect=True)  # the default bounds: the wait the lead reports
def test_other_users_are_answered_while_a_runaway_script_is_stopped(
        app: Any, as_: Any, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    deployed(as_, CONDITION)
    deployed(as_, scripted("quick", "x = 1"))
    runaway: list[dict[str, Any]] = []
    other = Client(app.test_client(), as_("pr").token)

    def start_runaway() -> None:
        client = Client(app.test_client(), as_("pr").token)
        runaway.append(client.post("/api/v1/process-instances",
                                   json={"process_key": "condition", "data": {}}).get_json())

    thread = threading.Thread(target=start_runaway)
    thread.start()
    while shared_pool().busy == 0 and thread.is_alive():
        time.sleep(0.01)  # until the runaway runs in its sandbox process
    began = time.monotonic()
    tasks = other.get("/api/v1/tasks")
    tasks_waited = time.monotonic() - began
    began = time.monotonic()
    started = other.post("/api/v1/process-instances", json={"process_key": "quick", "data": {}})
    start_waited = time.monotonic() - began
    thread.join()
    assert tasks.status_code == 200, tasks.get_json()
    assert started.status_code == 201 and started.get_json()["status"] == "completed", started.get_json()
    assert runaway[0]["status"] == "failed"
    assert runaway[0]["failure"].startswith("gw: the expression ran longer than 2 s and was stopped")
    with capsys.disabled():
        print(f"\n[{database_url.split(':')[0]}] while a runaway was stopped at 2 s, another user waited "
              f"{tasks_waited:.2f} s for GET /tasks and {start_waited:.2f} s to start a case")


def test_a_change_to_a_constant_is_not_seen_by_the_next_case(as_: Any) -> None:
    deployed(as_, scripted("languages", 'PUBLICATION_LANGUAGES.append("xx")\nseen = list(PUBLICATION_LANGUAGES)'))
    first, second = start(as_, "languages"), start(as_, "languages")
    assert first["data"]["seen"] == ["ky", "ru", "xx"]
    assert second["data"]["seen"] == ["ky", "ru", "xx"]


def test_the_date_functions_staff_expect_work_in_the_office_time_zone(as_: Any, clock: Any) -> None:
    deployed(as_, scripted("dates", "today = date.today().isoformat()\n"
                                    "stamp = datetime.now().strftime('%d.%m.%Y %H:%M')\n"
                                    "parsed = datetime.strptime('05.03.2026', '%d.%m.%Y').date().isoformat()"))
    clock.set(datetime.fromisoformat("2026-03-01T20:30:00+00:00"))  # 02:30 on Monday 2 March in Bishkek
    case = start(as_, "dates")
    assert case["status"] == "completed", case.get("failure")
    assert {k: case["data"][k] for k in ("today", "stamp", "parsed")} == {
        "today": "2026-03-02", "stamp": "02.03.2026 02:30", "parsed": "2026-03-05"}


@pytest.mark.parametrize("cycle", ['"R/PT0S"', '"R5/PT0S"', '"R/2026-03-02T09:00:00+06:00/P0D"', '"R3/PT0H0M"'])
def test_a_timer_cycle_of_zero_length_is_refused_at_deploy(as_: Any, cycle: str) -> None:
    xml = start_timer("zero", cycle)
    response = deploy(as_, xml)
    assert response.status_code == 422, response.get_json()
    [error] = response.get_json()["errors"]
    assert error["element_id"] == "every_morning"
    assert "no time between its occurrences" in error["message"]
    assert error["line"] == xml[: xml.index(cycle)].count("\n") + 1


def test_a_script_loop_certain_never_to_end_is_refused_at_deploy(as_: Any) -> None:
    xml = scripted("spin", "x = 1\nwhile True:\n    pass")
    response = deploy(as_, xml)
    assert response.status_code == 422, response.get_json()
    [error] = response.get_json()["errors"]
    assert error["element_id"] == "calc"
    assert error["message"] == ("The script's loop at its line 2 never ends: nothing in it leaves it "
                                "(break, return or raise).")
    assert error["line"] == xml[: xml.index("while True")].count("\n") + 1
    assert deploy(as_, scripted("counted", "n = 0\nwhile True:\n    n += 1\n    if n > 3:\n        break"))\
        .status_code == 201


def test_start_timers_that_cannot_be_computed_never_stop_other_procedures_starts(
        as_: Any, sessions: Any, ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = validation._timer_literal
    monkeypatch.setattr(validation, "_timer_literal", lambda timer, kind: [])  # deployed before the check
    deployed(as_, start_timer("zero", '"R/PT0S"'))
    deployed(as_, start_timer("runaway", '"R/2026-03-02T09:00:00+06:00/P1D" if sum(range(10**12)) else ""'))
    monkeypatch.setattr(validation, "_timer_literal", real)
    deployed(as_, start_timer("daily", '"R/2026-03-02T09:00:00+06:00/P1D"'))
    monday = datetime(2026, 3, 2, 9, 0, 1, tzinfo=BISHKEK)
    assert sweep(sessions, ctx, monday).started == 1
    assert sweep(sessions, ctx, datetime(2026, 3, 3, 9, 0, 1, tzinfo=BISHKEK)).started == 1
    started = as_("admin").get("/api/v1/process-instances").get_json()["items"]
    assert sorted(case["process_key"] for case in started) == ["daily", "daily"]


def test_a_sandbox_that_cannot_start_fails_no_case_and_keeps_nothing_of_the_step(
        as_: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's fault (no sandbox process starts) is a 503 to retry, never a failed case."""
    from engine.spiff.sandbox_process import SandboxPool, SandboxUnavailable

    deployed(as_, scripted("calc_ok", "total = 1 + 1"))
    deployed(as_, CONDITION)

    def cannot_start(self: Any, evaluation: Any) -> Any:
        raise SandboxUnavailable("no script sandbox process started (exit status 1)")

    monkeypatch.setattr(SandboxPool, "run", cannot_start)
    for key in ("calc_ok", "condition"):  # a script task, a gateway's condition
        refused = as_("pr").post("/api/v1/process-instances", json={"process_key": key, "data": {}})
        assert refused.status_code == 503 and refused.mimetype == "application/problem+json", refused.get_json()
        assert as_("admin").get(f"/api/v1/process-instances?process_key={key}").get_json()["total"] == 0
    monkeypatch.undo()
    assert start(as_, "calc_ok")["status"] == "completed"
