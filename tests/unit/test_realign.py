"""Moving a workflow in memory onto a new version of the information request (engine/spiff/realign.py): what
SpiffWorkflow's `migrate_workflow` does and what Jarchy puts back, checked rather than trusted. The new version
renames `approve_answer` to `approve_reply` and adds `check_answer` before `send_answer` (tests/versions.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.spiff import realign, serializer
from engine.spiff.loop import run_until_waiting
from engine.spiff.parser import JarchyParser, parse_xml
from tests.diagrams import WORKFLOWS, DiagramRun, parse_specs
from tests.versions import information_request_v2, information_request_v3

DIAGRAM = WORKFLOWS / "information_request.bpmn"
RECEIVED_AT = "2026-03-05T10:00:00+06:00"
NOW = datetime.fromisoformat(RECEIVED_AT) + timedelta(minutes=5)
START_DATA = {"channel": "email", "outlet": "Vecherniy Bishkek", "requester_name": "Aida Sydykova",
              "contact": {"email": "aida@example.org"}, "subject": "Road repairs",
              "question": "How many streets?", "received_at": RECEIVED_AT, "unit": "transport"}
MAPPING = {"approve_answer": "approve_reply"}
ANSWER = {"answer": "Forty.", "confirm_no_confidential": True, "refuse": False}


class Run(DiagramRun):
    key = "information_request"
    match_prefix = True


@pytest.fixture(scope="module")
def new_specs() -> tuple[Any, dict[str, Any]]:
    parser = JarchyParser()
    parser.add_bpmn_xml(parse_xml(information_request_v2()), filename="v2.bpmn")
    return parser.get_spec("information_request"), parser.get_subprocess_specs("information_request")


def moved(run: Run, new_specs: tuple[Any, dict[str, Any]], *, recount: bool = False,
          mapping: dict[str, str] = MAPPING) -> Run:
    realign.move(run.wf, *new_specs, mapping, called=set(), recount_timers=recount)
    run.wf = serializer.load(serializer.dump(run.wf), new_specs, run.engine)
    return run


def ready(run: Run) -> dict[str, str]:
    return {str(t.id): t.task_spec.bpmn_id for t in run.wf.get_tasks(state=TaskState.READY, manual=True)}


def test_a_case_at_the_renamed_task_keeps_the_task_and_its_data_and_goes_through_the_added_step(
        start: Any, new_specs: Any) -> None:
    run = start()
    run.complete("triage", {"handler": "press_secretary", "unit": "transport", "contributors": []})
    run.complete("prepare_answer", ANSWER)
    before = ready(run)
    [task_id] = before
    data_before = dict(run.task("approve_answer").data)
    timer_before = run.waiting()["deadline_reached"]
    run = moved(run, new_specs)
    assert ready(run) == {task_id: "approve_reply"}
    assert run.task("approve_reply").data == data_before
    assert run.waiting() == {"deadline_reached": timer_before}
    run.complete("approve_reply", {"decision": "approve", "confirm_no_confidential": True})
    assert run.ready() == ["check_answer"]
    run.complete("check_answer", {"action_taken": "Checked."})
    run.complete("send_answer", {"sent_via": "email"})
    assert run.wf.is_completed() and run.data["outcome"] == "answered"


def test_parallel_contributions_stay_open_with_their_units(start: Any, new_specs: Any) -> None:
    run = start()
    run.complete("triage", {"handler": "pr_department", "contributors": ["transport", "health"]})
    before = {i: run.wf.get_task_from_id(t).data.get("contributor") for i, t in
              ((str(t.id), t.id) for t in run.wf.get_tasks(state=TaskState.READY, manual=True))}
    run = moved(run, new_specs)
    after = {str(t.id): t.data.get("contributor") for t in run.wf.get_tasks(state=TaskState.READY, manual=True)}
    assert after == before
    run.complete("contribute", {"contribution": "T."}, contributor="transport")
    run.complete("contribute", {"contribution": "H."}, contributor="health")
    assert run.ready() == ["prepare_answer"]


def test_a_waiting_timer_keeps_its_moment_unless_the_plan_recounts_it(start: Any, clock: Any) -> None:
    parser = JarchyParser()
    parser.add_bpmn_xml(parse_xml(information_request_v3()), filename="v3.bpmn")
    longer = parser.get_spec("information_request"), parser.get_subprocess_specs("information_request")
    asked = {"handler": "pr_department", "needs_clarification": True, "clarification_question": "Which streets?"}
    run, recounted = start(), start()
    run.complete("triage", asked)
    recounted.complete("triage", asked)
    ten_days = run.waiting()["await_clarification"]
    assert ten_days == "2026-03-19T18:00:00+06:00"
    clock.set(clock.now() + timedelta(days=3))
    assert moved(run, longer).waiting()["await_clarification"] == ten_days
    recounted = moved(recounted, longer, recount=True)
    run_until_waiting(recounted.wf, clock)
    # Counted again by the new expression, from when the clarification was asked (the case's data), not from now.
    assert recounted.waiting()["await_clarification"] == "2026-03-27T18:00:00+06:00"


def test_a_case_before_the_renamed_task_takes_the_new_path_without_a_mapping(start: Any, new_specs: Any) -> None:
    run = start()
    run.complete("triage", {"handler": "press_secretary", "unit": "transport", "contributors": ["health"]})
    run = moved(run, new_specs, mapping={})
    names = {t.task_spec.name for t in run.wf.get_tasks()}
    assert "approve_answer" not in names
    run.complete("contribute", {"contribution": "H."}, contributor="health")
    run.complete("prepare_answer", ANSWER)
    assert run.ready() == ["approve_reply"]
    run.complete("approve_reply", {"decision": "approve", "confirm_no_confidential": True})
    run.complete("check_answer", {"action_taken": "Checked."})
    run.complete("send_answer", {"sent_via": "email"})
    assert run.data["outcome"] == "answered"


def test_parallel_contributions_complete_in_a_process_that_never_started_them(start: Any) -> None:
    """A worker that has just started parses the specs afresh: the loop must still hear its instances complete
    (SpiffWorkflow connects them only when it creates an instance: engine.spiff.parser.connect_loops)."""
    run = start()
    run.complete("triage", {"handler": "pr_department", "contributors": ["transport", "health"]})
    run.wf = serializer.load(serializer.dump(run.wf), parse_specs(DIAGRAM), run.engine)
    run.complete("contribute", {"contribution": "T."}, contributor="transport")
    run.complete("contribute", {"contribution": "H."}, contributor="health")
    assert run.ready() == ["prepare_answer"]
