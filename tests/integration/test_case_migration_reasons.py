"""Why a case cannot move, each reason with what it names (docs/migrations.md), the timers a plan keeps or counts
again, a chosen set of cases, a case inside a running call activity (it moves, its called part keeping its pinned
version: spiff-arena refuses every started call activity), and the API's refusals (401, 403, 404, 409, 422)."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any

import pytest
from lxml import etree
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from db.models import Migration, ProcessInstance, Timer
from db.vocabulary import TimerStatus
from engine.background.sweeper import sweep
from engine.people.accounts import user_by_username
from engine.procedures.definitions import deploy
from engine.procedures.forms import load_form
from engine.runtime import loading, operations
from tests.cases import complete as complete_api
from tests.cases import start as start_api
from tests.cases import submit, task_of
from tests.conftest import deploy_shipped, shipped_diagram
from tests.diagrams import script_diagram
from tests.integration.test_publication_response_api import PUBLICATION, rebutted
from tests.migrating import deploy_v2, open_rows, start_cases
from tests.versions import information_request_v2, information_request_v3

URL = "/api/v1/process-definitions/information_request/migrations"

MAPPING = {"approve_answer": "approve_reply"}


def deploy_bytes(sessions: Any, ctx: Any, data: bytes, forms: dict[str, Any] | None = None) -> None:
    with sessions.begin() as session:
        deploy(session, data, actor="system", at=ctx.now(), forms=forms)


def shipped_form_file(key: str) -> str:
    return resources.files("forms").joinpath(f"{key}.json").read_text(encoding="utf-8")


def triage_asking_priority() -> dict[str, Any]:
    """The shipped triage form, which in the new version also asks how urgent the request is."""
    form = json.loads(shipped_form_file("information_request/triage"))
    form["properties"]["priority"] = {"type": "string", "title": "Priority", "enum": ["normal", "high"]}
    form["required"] = [*form["required"], "priority"]
    return form


def test_cases_that_passed_a_step_whose_new_form_requires_what_they_lack_are_blocked_naming_the_fields(
        as_: Any, sessions: Any, ctx: Any, deployed: None) -> None:
    at = start_cases(sessions, ctx, 10)
    # The new version is deployed with a new version of the triage form, which asks for a priority: the cases past
    # triage never gave one (the plan reads the form the new version pinned, not the shipped file).
    deploy_bytes(sessions, ctx, information_request_v2(),
                 forms={"information_request/triage": triage_asking_priority()})
    plan = as_("admin").post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING,
                                        "dry_run": True}).get_json()
    lacking = sorted(i for i, step in at.items() if step != "triage")  # every case that passed triage
    assert lacking and len(lacking) < len(at)
    assert sorted(b["instance_id"] for b in plan["blocked"]) == lacking
    assert {(b["reason"], b["element_id"]) for b in plan["blocked"]} == {("form_lacks", "triage")}
    assert {tuple(b["params"]["fields"]) for b in plan["blocked"]} == {("priority",)}
    assert plan["by_reason"] == {"form_lacks": len(lacking)}


def test_a_new_version_of_the_same_form_decides_what_moves_and_serves_the_moved_cases_open_task(
        as_: Any, sessions: Any, ctx: Any, deployed: None) -> None:
    at = start_cases(sessions, ctx, 10)
    # Version 2 deploys a new version of triage's own form (the same key): it now requires the legal basis.
    triage = load_form("information_request/triage")
    triage = {**triage, "required": [*triage["required"], "legal_basis"],
              "properties": {**triage["properties"], "legal_basis": {"title": "Legal basis", "type": "string"}}}
    with sessions.begin() as session:
        deploy(session, information_request_v2(), actor="system", at=ctx.now(),
               forms={"information_request/triage": triage})
    admin = as_("admin")
    plan = admin.post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING, "dry_run": True}).get_json()
    past_triage = sorted(i for i, step in at.items() if step != "triage")
    assert sorted(b["instance_id"] for b in plan["blocked"]) == past_triage
    assert {(b["reason"], b["element_id"], tuple(b["params"]["fields"])) for b in plan["blocked"]} == {
        ("form_lacks", "triage", ("legal_basis",))}
    moved, kept = sorted(i for i, step in at.items() if step == "triage")
    done = admin.post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING, "cases": [moved]})
    assert done.status_code == 200 and done.get_json()["moved"] == 1
    # The moved case's open triage is served and checked with version 2's form; the case left on version 1 keeps
    # its version's form.
    given = {"handler": "pr_department", "contributors": [], "needs_clarification": False}
    moved_task = task_of(as_, "pr", moved, "triage")
    served = as_("pr").get(f"/api/v1/tasks/{moved_task['id']}").get_json()["form"]["schema"]
    assert "legal_basis" in served["properties"]
    refused = submit(as_, "pr", moved_task["id"], **given)
    assert refused.status_code == 422 and "legal_basis" in json.dumps(refused.get_json())
    assert submit(as_, "pr", moved_task["id"], **given, legal_basis="Law on access, art. 5").status_code == 200
    assert submit(as_, "pr", task_of(as_, "pr", kept, "triage")["id"], **given).status_code == 200


def test_a_waiting_timer_whose_expression_changed_blocks_unless_the_plan_counts_it_again(
        as_: Any, sessions: Any, ctx: Any, deployed: None) -> None:
    at = start_cases(sessions, ctx, 10)
    deploy_bytes(sessions, ctx, information_request_v3())  # 15 working days for a clarification, not 10
    waiting = sorted(i for i, step in at.items() if step == "await_clarification")
    admin = as_("admin")
    kept = admin.post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING, "dry_run": True}).get_json()
    assert [(b["instance_id"], b["reason"], b["element_id"]) for b in kept["blocked"]] == [
        (i, "timer_changes", "await_clarification") for i in waiting]
    with sessions() as session:
        before = {t.instance_id: t.due_at for t in session.scalars(select(Timer).where(
            Timer.instance_id.in_(waiting), Timer.status == TimerStatus.PENDING))}
    moved = admin.post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING, "dry_run": False,
                                  "timers": "recompute"}).get_json()
    assert (moved["moved"], moved["blocked"], moved["timers"]) == (10, [], "recompute")
    with sessions() as session:
        after = {t.instance_id: t.due_at for t in session.scalars(select(Timer).where(
            Timer.instance_id.in_(waiting), Timer.status == TimerStatus.PENDING))}
    # Counted again from when the clarification was asked (Mon 2 Mar): 10 working days were Mon 16 March, 15 are
    # Tue 24 March (Fri 20 is Eid al-Fitr, Sat 21 Nooruz).
    tz = ctx.cal.timezone
    assert {d.astimezone(tz).date().isoformat() for d in before.values()} == {"2026-03-16"}
    assert {d.astimezone(tz).date().isoformat() for d in after.values()} == {"2026-03-24"}


def test_chosen_cases_move_alone_and_those_that_cannot_say_why(as_: Any, sessions: Any, ctx: Any,
                                                                   deployed: None) -> None:
    at = start_cases(sessions, ctx, 10)
    deploy_v2(sessions, ctx)
    ids = sorted(at)
    cancelled = ids[0]
    assert as_("prhead").post(f"/api/v1/process-instances/{cancelled}/cancel",
                              json={"reason": "Withdrawn."}).status_code == 200
    admin = as_("admin")
    first = admin.post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING, "cases": ids[1:3]})
    assert first.get_json()["moved"] == 2
    chosen = admin.post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING,
                                   "cases": [cancelled, ids[1], ids[3]]}).get_json()
    assert chosen["moved"] == 1
    assert sorted((b["instance_id"], b["reason"], b["params"].get("status") or b["params"].get("version"))
                  for b in chosen["blocked"]) == [(cancelled, "not_running", "cancelled"), (ids[1], "other_version", 2)]
    with sessions() as session:
        versions = {i: session.get(ProcessInstance, i).version for i in ids}
    assert [versions[i] for i in ids] == [1, 2, 2, 2, 1, 1, 1, 1, 1, 1]


def test_the_api_refuses_who_may_not_and_names_what_is_wrong(as_: Any, sessions: Any, ctx: Any,
                                                              deployed: None) -> None:
    at = start_cases(sessions, ctx, 2)
    deploy_v2(sessions, ctx)
    body = {"from_version": 1, "to_version": 2, "mapping": MAPPING, "dry_run": True}
    assert as_(None).post(URL, json=body).status_code == 401
    for user in ("pr", "prhead", "auditor"):
        assert as_(user).post(URL, json=body).status_code == 403
        assert as_(user).get(URL).status_code == 403
    admin = as_("admin")

    def refused(change: dict[str, Any]) -> list[tuple[str, str]]:
        response = admin.post(URL, json=body | change)
        assert response.status_code == 422, response.get_json()
        return [(e["field"], e["code"]) for e in response.get_json()["errors"]]

    assert refused({"from_version": 9}) == [("from_version", "version_not_found")]
    assert refused({"to_version": 1}) == [("to_version", "same_version")]
    assert refused({"mapping": {"approve": "approve_reply"}}) == [("mapping.approve", "not_an_element")]
    assert refused({"mapping": {"approve_answer": "approve"}}) == [("mapping.approve_answer", "not_an_element")]
    assert refused({"mapping": {"approve_answer": "decision_is"}}) == [("mapping.approve_answer", "kind_differs")]
    assert refused({"cases": [999999]}) == [("cases.0", "not_a_case_of")]
    assert refused({"timers": "later"}) == [("timers", "not_one_of")]
    assert refused({"surprise": 1}) == [("surprise", "unknown_field")]
    missing = admin.post("/api/v1/process-definitions/nothing/migrations", json=body)
    assert missing.status_code == 404 and missing.get_json()["code"] == "process_not_found"
    with sessions() as session:
        assert session.scalars(select(Migration)).all() == []  # nothing half-written
    assert admin.get(f"{URL}/12345").status_code == 404
    dry = admin.post(URL, json=body).get_json()
    case = sorted(at)[0]
    assert as_("pr").post(f"{URL}/{dry['id']}/cases/{case}/back").status_code == 403
    not_moved = admin.post(f"{URL}/{dry['id']}/cases/{case}/back")
    assert not_moved.status_code == 409 and not_moved.get_json()["code"] == "case_not_moved"
    assert admin.post(f"{URL}/{dry['id']}/cases/999999/back").status_code == 404
    listed = admin.get(URL).get_json()["items"]
    assert [m["id"] for m in listed] == [dry["id"]] and listed[0]["status"] == "planned"


# -- a case inside a called procedure ---------------------------------------------------------------------------

@pytest.fixture
def conference(app: Any, sessions: Any, ctx: Any, cast: Any) -> None:
    deploy_shipped(sessions, ctx, "press_conference.bpmn")
    deploy_shipped(sessions, ctx, "publication_response.bpmn")
    deploy_shipped(sessions, ctx, "release_approval.bpmn")


def in_a_press_conference(as_: Any, sessions: Any, ctx: Any, clock: Any) -> dict[str, Any]:
    """A publication response whose escalation holds a press conference: the case waits at its `plan` task."""
    case = start_api(as_, "publication_response", PUBLICATION, user="ps_transport")
    rebutted(as_, case)
    clock.set(datetime.fromisoformat("2026-03-04T18:00:01+06:00"))
    sweep(sessions, ctx, clock.now())
    after = complete_api(as_, "prhead", case["id"], "assess_escalation", resolved=False, escalate="press_conference",
                         assessment="Escalating.")
    assert [t["bpmn_id"] for t in after["tasks"]] == ["plan"]
    return after


def response_version(change: str) -> bytes:
    root = etree.fromstring(shipped_diagram("publication_response.bpmn"))
    [call] = root.xpath("//*[@id='hold_press_conference']")
    if change == "called":
        call.set("calledElement", "release_approval")
    else:
        call.set("name", "Hold the press conference")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_case_in_a_running_call_activity_moves_keeping_its_called_version_unless_the_call_changed(
        as_: Any, sessions: Any, ctx: Any, clock: Any, conference: None) -> None:
    case = in_a_press_conference(as_, sessions, ctx, clock)
    tasks = open_rows(sessions, [case["id"]])
    deploy_bytes(sessions, ctx, response_version("called"))  # version 2 calls another procedure there
    deploy_bytes(sessions, ctx, response_version("renamed"))  # version 3 calls the same one
    deploy_shipped(sessions, ctx, "press_conference.bpmn")  # unchanged: still version 1
    url = "/api/v1/process-definitions/publication_response/migrations"
    admin = as_("admin")
    refused = admin.post(url, json={"from_version": 1, "to_version": 2, "dry_run": True}).get_json()
    assert [(b["reason"], b["element_id"], b["params"]["process"]) for b in refused["blocked"]] == [
        ("call_in_progress", "hold_press_conference", "release_approval")]
    moved = admin.post(url, json={"from_version": 1, "to_version": 3}).get_json()
    assert (moved["moved"], moved["blocked"]) == (1, [])
    assert open_rows(sessions, [case["id"]]) == tasks
    with sessions() as session:
        instance = session.get(ProcessInstance, case["id"])
        assert (instance.version, instance.called_versions) == (3, {"press_conference": 1})
    # The called part goes on where it was.
    after = complete_api(as_, "pr", case["id"], "plan", held_at="2026-03-10T11:00:00+06:00", place="City hall",
                         speakers=["Mayor"], topic="Bus fares in 2026")
    assert [t["bpmn_id"] for t in after["tasks"]] == ["accredit_media"]


def test_a_failed_case_moves_to_the_version_that_fixes_its_script_and_stays_failed_there_to_be_retried(
        as_: Any, sessions: Any, ctx: Any, cast: Any) -> None:
    deploy_bytes(sessions, ctx, script_diagram("fragile", "result = 1 / divisor").encode())
    with sessions.begin() as session:
        case = operations.start(session, ctx, user_by_username(session, "pr"), "fragile", {})
        case_id = case.id
    with sessions() as session:
        assert session.get(ProcessInstance, case_id).status == "failed"
    deploy_bytes(sessions, ctx, script_diagram("fragile", "result = 1").encode())
    url = "/api/v1/process-definitions/fragile/migrations"
    moved = as_("admin").post(url, json={"from_version": 1, "to_version": 2}).get_json()
    assert (moved["moved"], moved["blocked"]) == (1, [])
    assert moved["sample"][0]["at"] == ["work"]
    with sessions() as session:
        instance = session.get(ProcessInstance, case_id)
        assert (instance.version, instance.status) == (2, "failed")
        _, wf = loading.load(session, ctx, instance)
        [failed] = wf.get_tasks(state=TaskState.ERROR)
        assert failed.task_spec.script == "result = 1"  # the fixed script, for a retry to run
