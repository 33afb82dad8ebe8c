"""Timers in BPMN: interrupting and non-interrupting boundary timers, intermediate timers, timer start
events with cycles, and expressions that count working days; each visible with its due moment."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest

from engine.background.sweeper import sweep
from tests import cases
from tests.conftest import BISHKEK

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
"""
WORK = 'camunda:formKey="information_request/contribute"'

BOUNDARY = HEAD + f"""
  <bpmn:process id="boundary" name="Boundary" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="pr_department">
      <bpmn:flowNodeRef>answer</bpmn:flowNodeRef><bpmn:flowNodeRef>late_note</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="answer"/>
    <bpmn:userTask id="answer" name="Answer" {WORK}/>
    <bpmn:sequenceFlow id="f2" sourceRef="answer" targetRef="done"/>
    <bpmn:endEvent id="done"/>
    <bpmn:boundaryEvent id="too_late" attachedToRef="answer" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDate>end_of_working_day(add_working_days(opened, 2))</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="too_late" targetRef="late_note"/>
    <bpmn:userTask id="late_note" name="Note why it was late" {WORK}/>
    <bpmn:sequenceFlow id="f4" sourceRef="late_note" targetRef="late_end"/>
    <bpmn:endEvent id="late_end"/>
  </bpmn:process>
</bpmn:definitions>
"""

INTERMEDIATE = HEAD + f"""
  <bpmn:process id="pause" name="Pause" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="pr_department">
      <bpmn:flowNodeRef>follow_up</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="Two days later">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P2D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="follow_up"/>
    <bpmn:userTask id="follow_up" name="Follow up" {WORK}/>
    <bpmn:sequenceFlow id="f3" sourceRef="follow_up" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

DAILY = HEAD + f"""
  <bpmn:process id="daily" name="Daily" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="pr_department">
      <bpmn:flowNodeRef>monitor</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:extensionElements><camunda:properties>
      <camunda:property name="businessKeyPrefix" value="DD"/></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="every_morning" name="Every working day at 09:00">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="workingDaysOnly" value="true"/></camunda:properties></bpmn:extensionElements>
      <bpmn:timerEventDefinition><bpmn:timeCycle>"R/2026-03-02T09:00:00+06:00/P1D"</bpmn:timeCycle>
      </bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="every_morning" targetRef="monitor"/>
    <bpmn:userTask id="monitor" name="Monitor the media" {WORK}/>
    <bpmn:sequenceFlow id="f2" sourceRef="monitor" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def deploy(as_: Any, xml: str) -> None:
    response = as_("admin").post("/api/v1/process-definitions", data=xml.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert response.status_code == 201, response.get_json()


start = partial(cases.start, data={})  # a case of the test's own procedure, with only the data a test gives


def reload(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    return as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()


def test_an_interrupting_boundary_timer_counted_in_working_days_cancels_the_task(
        as_: Any, sessions: Any, ctx: Any) -> None:
    deploy(as_, BOUNDARY)
    case = start(as_, "boundary", opened="2026-03-05T10:00:00+06:00")  # a Thursday
    # Two working days after Thu 5 March: Fri 6, then Mon 9 (8 March, a Sunday, is no holiday to skip).
    assert [(t["bpmn_id"], t["due_at"]) for t in case["timers"]] == [("too_late", "2026-03-09T18:00:00+06:00")]
    listed = as_("pr").get(f"/api/v1/timers?instance_id={case['id']}").get_json()["items"]
    assert [t["due_at"] for t in listed] == ["2026-03-09T18:00:00+06:00"]
    assert sweep(sessions, ctx, datetime(2026, 3, 9, 17, 59, tzinfo=BISHKEK)).fired == 0
    assert sweep(sessions, ctx, datetime(2026, 3, 9, 18, 0, 1, tzinfo=BISHKEK)).fired == 1
    after = reload(as_, case)
    assert [t["bpmn_id"] for t in after["tasks"]] == ["late_note"] and after["timers"] == []
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    assert ("task.cancelled", "answer") in {(e["type"], e["subject"]) for e in history}


def test_a_timer_whose_activity_was_completed_never_fires(as_: Any, sessions: Any, ctx: Any) -> None:
    deploy(as_, BOUNDARY)
    case = start(as_, "boundary", opened="2026-03-05T10:00:00+06:00")
    task = case["tasks"][0]
    done = as_("pr").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contribution": "On time."}})
    assert done.get_json()["instance"]["status"] == "completed"
    assert sweep(sessions, ctx, datetime(2026, 4, 1, tzinfo=BISHKEK)).fired == 0
    events = as_("auditor").get(f"/api/v1/audit?instance_id={case['id']}&type=timer.fired").get_json()
    assert events["total"] == 0


def test_an_intermediate_timer_waits_its_duration(as_: Any, sessions: Any, ctx: Any, clock: Any) -> None:
    deploy(as_, INTERMEDIATE)
    case = start(as_, "pause")
    assert case["tasks"] == []
    due = datetime.fromisoformat(case["timers"][0]["due_at"])
    assert due == clock.now() + timedelta(days=2)
    assert sweep(sessions, ctx, due + timedelta(seconds=1)).fired == 1
    assert [t["bpmn_id"] for t in reload(as_, case)["tasks"]] == ["follow_up"]


def test_a_timer_start_event_starts_a_case_each_working_day_once(as_: Any, sessions: Any, ctx: Any) -> None:
    deploy(as_, DAILY)
    monday = datetime(2026, 3, 2, 9, 0, 1, tzinfo=BISHKEK)
    assert sweep(sessions, ctx, monday).started == 1
    assert sweep(sessions, ctx, monday + timedelta(minutes=5)).started == 0
    assert sweep(sessions, ctx, monday + timedelta(days=1)).started == 1  # Tuesday
    started = as_("admin").get("/api/v1/process-instances?process_key=daily").get_json()
    assert started["total"] == 2
    assert {i["business_key"] for i in started["items"]} == {"DD-2026-000001", "DD-2026-000002"}
    assert all(i["started_by"] is None for i in started["items"])
    # Saturday 7 and Sunday 8 March are not working days: after Friday, the next case is on Monday 9.
    assert sweep(sessions, ctx, datetime(2026, 3, 6, 9, 0, 1, tzinfo=BISHKEK)).started == 1
    assert sweep(sessions, ctx, datetime(2026, 3, 8, 9, 0, 1, tzinfo=BISHKEK)).started == 0
    assert sweep(sessions, ctx, datetime(2026, 3, 9, 9, 0, 1, tzinfo=BISHKEK)).started == 1


def test_occurrences_missed_while_nothing_ran_start_one_case_late(as_: Any, sessions: Any, ctx: Any) -> None:
    deploy(as_, DAILY)
    assert sweep(sessions, ctx, datetime(2026, 3, 12, 12, 0, tzinfo=BISHKEK)).started == 1
    assert sweep(sessions, ctx, datetime(2026, 3, 12, 12, 5, tzinfo=BISHKEK)).started == 0
    assert sweep(sessions, ctx, datetime(2026, 3, 13, 9, 0, 1, tzinfo=BISHKEK)).started == 1


@pytest.mark.parametrize("expression", ['"P1X"', '"R/P1X"', "start_at +"])
def test_a_start_timer_that_cannot_be_read_is_refused_at_deploy(as_: Any, expression: str) -> None:
    xml = DAILY.replace('"R/2026-03-02T09:00:00+06:00/P1D"', expression)
    response = as_("admin").post("/api/v1/process-definitions", data=xml.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["element_id"] == "every_morning"
