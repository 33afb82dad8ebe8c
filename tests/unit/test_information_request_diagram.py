"""The `information_request` diagram run in memory (no database), through every path of the contract's
table (shared/API.md, "The shipped procedures"), with the real sandbox and the KG business calendar.

Every step goes through a serialize/deserialize round trip, because our workers reload an instance
between steps; the data a test submits is first checked against the task's form by the engine's own
form validation (with Jarchy's keywords: `unit-key`, `x-not-future`), defaults filled in. The second half
checks the files themselves: forms, form keys, lanes, and the diagram interchange (shapes, edges, no
overlaps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.exceptions import WorkflowException

from engine.core.settings import ROLES
from engine.spiff.clock import FrozenClock, using
from engine.spiff.parser import NS
from tests.conftest import BISHKEK
from tests.diagrams import (
    CAMUNDA_FORM_KEY,
    DI_NS,
    WORKFLOWS,
    DiagramRun,
    assert_forms_used,
    assert_refused,
    bounds,
    check_form,
    check_form_file,
    diagram_root,
    form_files,
    inside,
)

DIAGRAM = WORKFLOWS / "information_request.bpmn"
FORM_FILES = form_files("information_request")

# Thu 5 Mar 2026, 10:00 in Bishkek. The 14 working days (holidays==0.108, KG): Fri 6 (1); Sun 8 Mar,
# Women's Day, is a weekend anyway; Mon 9 .. Fri 13 (2-6); Mon 16 .. Thu 19 (7-10); Fri 20 is Eid
# al-Fitr, Sat 21 Nooruz; Mon 23 .. Thu 26 (11-14). So due_at is Thu 26 Mar 2026, 18:00 +06:00.
RECEIVED_AT = "2026-03-05T10:00:00+06:00"
DUE_AT = "2026-03-26T18:00:00+06:00"
NOW = datetime.fromisoformat(RECEIVED_AT) + timedelta(minutes=5)  # the clock: the request was just registered

START_DATA = {
    "channel": "email",
    "outlet": "Vecherniy Bishkek",
    "requester_name": "Aida Sydykova",
    "contact": {"email": "aida@example.org"},
    "subject": "Road repairs",
    "question": "How many streets will be repaired in 2026, and at what cost?",
    "received_at": RECEIVED_AT,
    "unit": "transport",
}
CONFIRMED = {"confirm_no_confidential": True}


# --- running the diagram (the fixtures `specs`, `clock`, `engine` and `start`: tests/unit/conftest.py) ------
class Run(DiagramRun):
    """One instance of the procedure, reloaded from its serialization after every step."""

    key = "information_request"
    match_prefix = True

    def message(self, name: str, payload: dict[str, Any]) -> None:
        event = BpmnEvent(MessageEventDefinition(name), {"payload": payload, "result_var": name})
        with using(self.clock):
            self.wf.send_event(event)
        self._engine_steps()
        self._reload()


def _answered_by_press_secretary(run: Run, contributors: list[str] | None = None) -> None:
    run.complete("triage", {"handler": "press_secretary", "unit": "transport", "contributors": contributors or []})


# --- registration ----------------------------------------------------------------------------------
def test_register_sets_due_at_to_the_end_of_the_14th_working_day(start: Any) -> None:
    run = start()
    assert run.ready() == ["triage"]
    assert run.open_data("triage")["due_at"] == DUE_AT
    assert run.waiting() == {"deadline_reached": DUE_AT}


def test_due_at_counts_from_the_day_of_receipt_in_bishkek(start: Any, clock: FrozenClock) -> None:
    # 20:00 UTC on Mon 27 Apr is 02:00 on Tue 28 Apr in Bishkek: counting starts after Tue 28.
    # Wed 29 (1), Thu 30 (2); 1-9 May are holidays (Labour Day, May holidays, Constitution Day,
    # Victory Day), Sun 10; Mon 11 .. Fri 15 (3-7); Mon 18 .. Fri 22 (8-12); Mon 25 (13), Tue 26 (14).
    clock.set(datetime(2026, 4, 28, 0, 0, tzinfo=UTC))
    run = start(received_at="2026-04-27T20:00:00+00:00")
    assert run.open_data("triage")["due_at"] == "2026-05-26T18:00:00+06:00"


def test_received_at_defaults_to_now(start: Any, clock: FrozenClock) -> None:
    run = start(drop=("received_at",))
    triage = run.open_data("triage")
    assert triage["received_at"] == clock.now().isoformat()
    assert triage["due_at"] == DUE_AT


# --- the paths of the contract's table -------------------------------------------------------------
def test_pr_department_answers_itself(start: Any) -> None:
    run = start()
    run.complete("triage", {"handler": "pr_department"})  # contributors, needs_clarification: defaults
    assert run.ready() == ["prepare_answer"]
    run.complete("prepare_answer", {"answer": "Forty streets, 1.2 bn som.", **CONFIRMED})
    assert run.ready() == ["send_answer"]  # no approve_answer
    run.complete("send_answer", {"sent_via": "email"})
    assert run.wf.is_completed()
    data = run.data
    assert data["outcome"] == "answered"
    assert data["answer"] == "Forty streets, 1.2 bn som."
    assert (data["contributors"], data["contributions"]) == ([], [])  # the empty MI task is skipped
    assert "decision" not in data
    assert run.waiting() == {}


def test_press_secretary_answers_and_pr_department_approves(start: Any) -> None:
    run = start()
    _answered_by_press_secretary(run)
    assert run.ready() == ["prepare_answer"]
    run.complete("prepare_answer", {"answer": "Forty streets.", **CONFIRMED})
    assert run.ready() == ["approve_answer"]
    run.complete("approve_answer", {"decision": "approve", **CONFIRMED})
    assert run.ready() == ["send_answer"]
    run.complete("send_answer", {"sent_via": "letter", "note": "Sent with the unit's letterhead."})
    data = run.data
    assert data["outcome"] == "answered"
    assert (data["handler"], data["unit"], data["decision"]) == ("press_secretary", "transport", "approve")
    assert data["sent_via"] == "letter"
    assert run.completed == ["triage", "prepare_answer", "approve_answer", "send_answer"]


def test_two_contributors_in_parallel_completed_in_reverse_order(start: Any) -> None:
    run = start()
    _answered_by_press_secretary(run, ["health", "transport"])
    assert run.ready() == ["contribute [child]", "contribute [child]"]
    assert sorted(run.task("contribute", contributor=u).data["contributor"] for u in ("health", "transport")) \
        == ["health", "transport"]
    run.complete("contribute", {"contribution": "Transport: 40 streets."}, contributor="transport")
    assert run.ready() == ["contribute [child]"]  # prepare_answer waits for every contribution
    run.complete("contribute", {"contribution": "Health: 1.2 bn som."}, contributor="health")
    assert run.ready() == ["prepare_answer"]
    prepare = run.open_data("prepare_answer")
    assert prepare["contributors"] == ["health", "transport"]
    assert prepare["contributions"] == ["Health: 1.2 bn som.", "Transport: 40 streets."]
    assert "contributor" not in prepare and "contribution" not in prepare
    run.complete("prepare_answer", {"answer": "Forty streets, 1.2 bn som.", **CONFIRMED})
    run.complete("approve_answer", {"decision": "approve", **CONFIRMED})
    run.complete("send_answer", {"sent_via": "email"})
    assert run.data["contributions"] == ["Health: 1.2 bn som.", "Transport: 40 streets."]
    assert run.data["outcome"] == "answered"


def test_rework_once_then_approve(start: Any) -> None:
    run = start()
    _answered_by_press_secretary(run)
    run.complete("prepare_answer", {"answer": "Many streets.", **CONFIRMED})
    run.complete("approve_answer", {"decision": "rework", "comment": "Give the number and the cost."})
    assert run.ready() == ["prepare_answer"]
    again = run.open_data("prepare_answer")
    assert (again["comment"], again["answer"]) == ("Give the number and the cost.", "Many streets.")
    run.complete("prepare_answer", {"answer": "Forty streets, 1.2 bn som.", **CONFIRMED})
    assert run.ready() == ["approve_answer"]
    run.complete("approve_answer", {"decision": "approve", **CONFIRMED})
    run.complete("send_answer", {"sent_via": "email"})
    assert run.completed == ["triage", "prepare_answer", "approve_answer", "prepare_answer", "approve_answer",
                             "send_answer"]
    assert run.data["outcome"] == "answered"
    assert run.data["answer"] == "Forty streets, 1.2 bn som."


@pytest.mark.parametrize("handler", ["pr_department", "press_secretary"])
def test_refusal_with_its_ground_is_kept(start: Any, handler: str) -> None:
    ground = "Official information of restricted distribution (Regulation 002 §17)."
    run = start()
    run.complete("triage", {"handler": handler, "unit": "transport"})
    run.complete("prepare_answer", {"refuse": True, "refusal_ground": ground, **CONFIRMED})
    if handler == "press_secretary":
        run.complete("approve_answer", {"decision": "approve", **CONFIRMED})
    assert run.ready() == ["send_answer"]
    run.complete("send_answer", {"sent_via": "email"})
    data = run.data
    assert (data["outcome"], data["refuse"], data["refusal_ground"]) == ("refused", True, ground)
    assert "answer" not in data


def test_refusal_decided_by_pr_department_at_approval(start: Any) -> None:
    ground = "A state secret (Regulation 002 §6)."
    run = start()
    _answered_by_press_secretary(run)
    run.complete("prepare_answer", {"answer": "The bridge's load limits are ...", **CONFIRMED})
    run.complete("approve_answer", {"decision": "refuse", "refusal_ground": ground})
    assert run.ready() == ["send_answer"]
    run.complete("send_answer", {"sent_via": "phone"})
    data = run.data
    assert (data["outcome"], data["decision"], data["refusal_ground"]) == ("refused", "refuse", ground)
    assert data["refuse"] is False  # the preparer did not refuse; the PR department did


def test_clarification_requested_then_delivered(start: Any, clock: FrozenClock) -> None:
    run = start()
    clock.set(datetime(2026, 3, 6, 11, 0, tzinfo=BISHKEK))
    run.complete("triage", {"handler": "pr_department", "needs_clarification": True,
                            "clarification_question": "Which district do you mean?"})
    assert run.ready() == []
    # Fri 6 Mar + 10 working days: Mon 9 .. Fri 13 (1-5), Mon 16 .. Thu 19 (6-9), Fri 20 Eid al-Fitr,
    # Mon 23 (10). The statutory deadline is paused while the requester is asked: its timer is held
    # (engine.calendar.deadlines.HELD) until the clarification comes.
    held = "9999-12-31T00:00:00+00:00"
    assert run.waiting() == {"deadline_reached": held, "await_clarification": "2026-03-23T18:00:00+06:00"}
    # SpiffWorkflow 3.2.0 reports the gateway without its message name or due moment: an engine needs
    # the gateway task's internal data (see `waiting`), not waiting_events(), for its timers and messages.
    pending = {(e.name, e.event_type, e.value) for e in run.wf.waiting_events()}
    assert pending == {("Deadline reached", "TimeDateEventDefinition", held),
                       (None, "MultipleEventDefinition", None)}
    run.message("clarification", {"text": "Oktyabrsky district."})
    assert run.ready() == ["triage"]
    triage = run.open_data("triage")
    assert triage["clarification"]["text"] == "Oktyabrsky district."
    assert triage["clarification_requested_at"] == "2026-03-06T11:00:00+06:00"
    assert run.waiting() == {"deadline_reached": DUE_AT}  # the clarification timer is gone
    run.complete("triage", {"handler": "pr_department", "needs_clarification": False})
    run.complete("prepare_answer", {"answer": "Twelve streets in Oktyabrsky.", **CONFIRMED})
    run.complete("send_answer", {"sent_via": "email"})
    assert run.data["outcome"] == "answered"
    assert run.data["clarification"] == {"text": "Oktyabrsky district."}


def test_no_clarification_within_10_working_days_withdraws_the_request(start: Any, clock: FrozenClock) -> None:
    run = start()
    clock.set(datetime(2026, 3, 6, 11, 0, tzinfo=BISHKEK))
    run.complete("triage", {"handler": "pr_department", "needs_clarification": True,
                            "clarification_question": "Which district do you mean?"})
    run.at("2026-03-23T17:59:00+06:00")
    assert not run.wf.is_completed()
    assert "await_clarification" in run.waiting()
    run.at("2026-03-23T18:00:01+06:00")
    assert run.wf.is_completed()
    assert run.data["outcome"] == "withdrawn"
    assert run.waiting() == {}  # the deadline timer went with the subprocess
    assert run.ready() == []


def test_message_without_a_waiting_catch_event_is_refused(start: Any) -> None:
    run = start()
    with pytest.raises(WorkflowException, match="not waiting for clarification"):
        run.message("clarification", {"text": "too early"})
    assert run.ready() == ["triage"]


def test_deadline_escalates_beside_the_work(start: Any) -> None:
    run = start()
    _answered_by_press_secretary(run, ["health"])
    run.at("2026-03-26T17:59:59+06:00")
    assert run.ready() == ["contribute [child]"]
    run.at("2026-03-26T18:00:01+06:00")
    assert run.ready() == ["contribute [child]", "escalate_overdue"]
    assert "deadline_reached" not in run.waiting()  # fires once
    run.complete("contribute", {"contribution": "Health: 1.2 bn som."})
    assert run.ready() == ["escalate_overdue", "prepare_answer"]
    run.complete("escalate_overdue", {"action_taken": "Called the head of the transport unit."})
    assert run.ready() == ["prepare_answer"]
    run.complete("prepare_answer", {"answer": "Forty streets.", **CONFIRMED})
    run.complete("approve_answer", {"decision": "approve", **CONFIRMED})
    run.complete("send_answer", {"sent_via": "email"})
    data = run.data
    assert (data["outcome"], data["action_taken"]) == ("answered", "Called the head of the transport unit.")


def test_process_completes_only_when_the_escalation_is_done_too(start: Any) -> None:
    run = start()
    run.complete("triage", {"handler": "pr_department"})
    run.at("2026-03-27T09:00:00+06:00")
    assert run.ready() == ["escalate_overdue", "prepare_answer"]
    run.complete("prepare_answer", {"answer": "Forty streets.", **CONFIRMED})
    run.complete("send_answer", {"sent_via": "email"})
    assert run.ready() == ["escalate_overdue"]
    assert not run.wf.is_completed()
    run.complete("escalate_overdue", {"action_taken": "Noted: answered one day late."})
    assert run.data["outcome"] == "answered"
    assert run.data["action_taken"] == "Noted: answered one day late."


# --- who gets each task ----------------------------------------------------------------------------
def test_user_tasks_lanes_role_and_unit_expressions(specs: tuple[Any, dict[str, Any]]) -> None:
    spec, subprocesses = specs
    tasks = {**spec.task_specs, **subprocesses["handle_request"].task_specs}
    expected = {
        "triage": ("pr_department", {}),
        "contribute [child]": ("unit_head", {"unit": "contributor", "outputCollection": "contributions",
                                             "outputElement": "contribution"}),
        "prepare_answer": ("press_secretary", {"role": "handler"}),
        "approve_answer": ("pr_department", {}),
        "send_answer": ("press_secretary", {"role": "handler"}),
        "escalate_overdue": ("pr_head", {"notification": "escalation"}),
    }
    assert {n: (tasks[n].lane, tasks[n].extensions) for n in expected} == expected
    user_tasks = {n for n, t in tasks.items() if t.manual}
    assert user_tasks == set(expected)  # the contract lists all the user tasks of the procedure


# --- forms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_json_schema_2020_12(path: Path) -> None:
    check_form_file(path)


def test_every_form_file_is_used_by_the_diagram() -> None:
    assert_forms_used(DIAGRAM, "information_request")


@pytest.mark.parametrize(
    ("key", "data", "field", "message"),
    [
        ("start", {**START_DATA, "contact": {}}, "contact", "should be non-empty"),
        ("start", {k: v for k, v in START_DATA.items() if k != "contact"}, "contact", "is required"),
        ("start", {**START_DATA, "contact": {"fax": "+996 312 000000"}}, "contact.fax", "is not a field of this form"),
        ("start", {**START_DATA, "contact": {"email": "not an address"}}, "contact.email", "is not a 'email'"),
        ("start", {**START_DATA, "channel": "pigeon"}, "channel", "must be one of"),
        ("start", {**START_DATA, "question": ""}, "question", "should be non-empty"),
        ("triage", {"handler": "press_secretary"}, "unit", "is required"),
        ("triage", {"handler": "pr_department", "needs_clarification": True}, "clarification_question", "is required"),
        ("triage", {"handler": "pr_department", "contributors": ["health", "health"]}, "contributors",
         "non-unique"),
        ("prepare_answer", CONFIRMED, "answer", "is required"),
        ("prepare_answer", {"answer": "Forty streets.", "confirm_no_confidential": False}, "confirm_no_confidential",
         "must be confirmed"),
        ("prepare_answer", {"answer": "Forty streets."}, "confirm_no_confidential", "is required"),
        ("prepare_answer", {"refuse": True, **CONFIRMED}, "refusal_ground", "is required"),
        ("approve_answer", {"decision": "approve"}, "confirm_no_confidential", "is required"),
        ("approve_answer", {"decision": "approve", "confirm_no_confidential": False}, "confirm_no_confidential",
         "must be confirmed"),
        ("approve_answer", {"decision": "rework"}, "comment", "is required"),
        ("approve_answer", {"decision": "refuse"}, "refusal_ground", "is required"),
        ("contribute", {}, "contribution", "is required"),
        ("send_answer", {"sent_via": "carrier pigeon"}, "sent_via", "must be one of"),
        ("escalate_overdue", {}, "action_taken", "is required"),
    ],
)
def test_forms_refuse_incomplete_data(key: str, data: dict[str, Any], field: str, message: str) -> None:
    assert_refused(f"information_request/{key}", data, NOW, field, message)


def test_forms_accept_each_contact_alone_and_fill_defaults() -> None:
    now = datetime(2026, 3, 5, 4, 0, tzinfo=UTC)
    for contact in ({"email": "a@example.org"}, {"phone": "+996 555 000000"}, {"address": "Chui 166"}):
        data = {k: v for k, v in START_DATA.items() if k not in ("contact", "received_at", "unit")}
        filled = check_form("information_request/start", {**data, "contact": contact}, now)
        assert filled["received_at"] == now.isoformat()
    triage = check_form("information_request/triage", {"handler": "pr_department"}, now)
    assert (triage["contributors"], triage["needs_clarification"]) == ([], False)
    refuse = check_form("information_request/prepare_answer", {"answer": "x", **CONFIRMED}, now)
    assert refuse["refuse"] is False


# --- the diagram file ----------------------------------------------------------------------------------
def test_process_attributes() -> None:
    root = diagram_root(DIAGRAM)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    assert (process.get("id"), process.get("isExecutable"), process.get("name")) == \
        ("information_request", "true", "Media information request")
    assert process.get(f"{{{NS['camunda']}}}candidateStarterGroups") == "pr_department,press_secretary"
    props = process.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    assert {p.get("name"): p.get("value") for p in props} == {"businessKeyPrefix": "IR"}
    (participant,) = root.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert participant.get("processRef") == "information_request"
    documentation = process.findtext("bpmn:documentation", namespaces=NS)
    for clause in ("§6", "§8", "§9", "§10", "§17", "10 working days", "head of the PR department"):
        assert clause in documentation
    start = root.xpath("//bpmn:process/bpmn:startEvent", namespaces=NS)[0]
    assert start.get(CAMUNDA_FORM_KEY) == "information_request/start"


def test_lanes_are_role_keys_and_match_the_drawing() -> None:
    root = diagram_root(DIAGRAM)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert [lane.get("name") for lane in lanes] == ["pr_department", "press_secretary", "unit_head", "pr_head"]
    assert all(lane.get("name") in ROLES and lane.get("id") == f"Lane_{lane.get('name')}" for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    refs = [(lane, ref.text) for lane in lanes for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)]
    flow_nodes = {e.get("id") for e in root.xpath(
        "//bpmn:process//*[self::bpmn:startEvent or self::bpmn:endEvent or self::bpmn:scriptTask or "
        "self::bpmn:userTask or self::bpmn:exclusiveGateway or self::bpmn:eventBasedGateway or "
        "self::bpmn:intermediateCatchEvent or self::bpmn:boundaryEvent or self::bpmn:subProcess]",
        namespaces=NS)}
    # handle_request spans the lanes and is in none: SpiffWorkflow gives an embedded subprocess's lane
    # to every task inside it, overriding their own.
    assert sorted(ref for _, ref in refs) == sorted(flow_nodes - {"handle_request"}), "each node in one lane"
    for lane, ref in refs:
        assert inside(shapes[ref], shapes[lane.get("id")]), f"{ref} is not drawn in {lane.get('name')}"
