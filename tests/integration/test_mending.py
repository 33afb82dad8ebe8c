"""Mending a failed case (issue 17, point 3; docs/failed_cases.md): an administrator sees the failed cases with
where and why they failed, corrects the case's data and runs the failed step again, or skips it with a reason,
or moves the case to a fixed version and retries; each is audited, and no other role may do any of it."""

from __future__ import annotations

from typing import Any

from engine.background import sweeper
from engine.core.errors import Code, Invalid
from engine.runtime import case_failures, steps
from tests.cases import complete, events, start
from tests.conftest import shipped_diagram
from tests.mending import deploy, mend_diagram, move_to_version

TIMER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="pause" name="Pause" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="Wait the days">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P%dD" % days</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

GATEWAY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="fork" name="Fork" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="choose"/>
    <bpmn:exclusiveGateway id="choose" name="Which way"/>
    <bpmn:sequenceFlow id="f2" sourceRef="choose" targetRef="end">
      <bpmn:conditionExpression>way == 1</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def failed_mend_case(as_: Any, **data: Any) -> dict[str, Any]:
    """A case of `mend` failed at its script `work`, after the PR department's review."""
    deploy(as_, mend_diagram())
    case = start(as_, "mend", {"total": 12, "count": 0} | data)
    case = complete(as_, "pr", case["id"], "review", contribution="Reviewed")
    assert case["status"] == "failed" and case["failure"].startswith("work:"), case
    return case


def status(as_: Any, case_id: int) -> dict[str, Any]:
    return as_("admin").get(f"/api/v1/process-instances/{case_id}").get_json()  # type: ignore[no-any-return]


def test_a_division_by_zero_corrected_and_retried_runs_to_the_end_of_the_procedure(as_: Any) -> None:
    case = failed_mend_case(as_)
    listed = as_("admin").get("/api/v1/failed-cases").get_json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert (item["instance_id"], item["business_key"], item["process_key"], item["version"]) == (
        case["id"], case["business_key"], "mend", 1)
    assert (item["element_id"], item["element_name"], item["code"], item["exception"]) == (
        "work", "Work out the share", "script_failed", "ZeroDivisionError")
    assert item["reads"] == ["count", "total"] and item["failed_at"]
    retried = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                                json={"reason": "The count was entered as 0 by mistake", "data": {"count": 4}})
    assert retried.status_code == 200, retried.get_json()
    body = retried.get_json()
    assert body["status"] == "running" and body["failure"] is None and body["data"]["share"] == 3
    assert [t["bpmn_id"] for t in body["tasks"]] == ["check"]
    done = complete(as_, "pr", case["id"], "check", contribution="Checked")
    assert done["status"] == "completed" and done["data"]["count"] == 4
    kinds = [e["type"] for e in events(as_, case["id"])]
    assert kinds.index("instance.failed") < kinds.index("instance.retried") < kinds.index("instance.completed")
    (event,) = events(as_, case["id"], "instance.retried")
    assert event["actor"] == "admin" and event["subject"] == "work"
    assert event["before"] == {"status": "failed", "failure": case["failure"], "data": {"count": 0},
                               "absent_fields": []}
    assert event["after"] == {"status": "running", "elements": ["work"], "data": {"count": 4}, "version": 1,
                              "reason": "The count was entered as 0 by mistake"}
    assert as_("admin").get("/api/v1/failed-cases").get_json()["total"] == 0


def test_a_field_the_case_lacks_is_added_and_the_history_marks_it_absent_before(as_: Any) -> None:
    deploy(as_, mend_diagram())
    case = start(as_, "mend", {"count": 3})
    case = complete(as_, "pr", case["id"], "review", contribution="Reviewed")
    assert case["status"] == "failed"
    (item,) = as_("auditor").get("/api/v1/failed-cases").get_json()["items"]  # the auditor reads the list
    assert (item["code"], item["params"]) == ("missing_data", {"name": "total"})
    retried = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                                json={"reason": "The total was never asked for", "data": {"total": 9}})
    assert retried.status_code == 200 and retried.get_json()["data"]["share"] == 3
    (event,) = events(as_, case["id"], "instance.retried")
    assert (event["before"]["data"], event["before"]["absent_fields"]) == ({}, ["total"])


def test_a_retry_that_fails_again_leaves_the_case_failed_with_the_new_error_and_keeps_the_first(as_: Any) -> None:
    case = failed_mend_case(as_)
    retried = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                                json={"reason": "Try a text", "data": {"count": "four"}})
    assert retried.status_code == 200, retried.get_json()
    body = retried.get_json()
    assert body["status"] == "failed" and "TypeError" in body["failure"]
    failures = events(as_, case["id"], "instance.failed")
    assert [f["after"]["exception"] for f in failures] == ["ZeroDivisionError", "TypeError"]
    (item,) = as_("admin").get("/api/v1/failed-cases").get_json()["items"]
    assert item["exception"] == "TypeError"
    # And mended at last.
    again = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                              json={"reason": "The right count", "data": {"count": 2}}).get_json()
    assert again["status"] == "running" and again["data"]["share"] == 6
    assert len(events(as_, case["id"], "instance.retried")) == 2


def test_a_skipped_step_with_its_reason_lets_the_case_go_on_without_running_it(as_: Any) -> None:
    case = failed_mend_case(as_)
    refused = as_("admin").post(f"/api/v1/process-instances/{case['id']}/skip",
                                json={"element_id": "work", "reason": "   "})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "reason"
    skipped = as_("admin").post(f"/api/v1/process-instances/{case['id']}/skip",
                                json={"element_id": "work", "reason": "The share is not needed this time"})
    assert skipped.status_code == 200, skipped.get_json()
    body = skipped.get_json()
    assert body["status"] == "running" and "share" not in body["data"]
    assert [t["bpmn_id"] for t in body["tasks"]] == ["check"]
    assert complete(as_, "pr", case["id"], "check", contribution="Checked")["status"] == "completed"
    (event,) = events(as_, case["id"], "instance.skipped")
    assert (event["subject"], event["after"]["element_id"], event["after"]["reason"]) == (
        "work", "work", "The share is not needed this time")


def test_no_other_role_may_retry_or_skip_and_nothing_changes(as_: Any) -> None:
    case = failed_mend_case(as_)
    for user in ("prhead", "auditor", "ps_transport", "pr"):
        for action, body in (("retry", {"reason": "r", "data": {"count": 4}}),
                             ("skip", {"element_id": "work", "reason": "r"})):
            response = as_(user).post(f"/api/v1/process-instances/{case['id']}/{action}", json=body)
            assert response.status_code == 403, (user, action, response.get_json())
            assert response.get_json()["code"] == "role_required"
    assert as_(None).post(f"/api/v1/process-instances/{case['id']}/retry", json={"reason": "r"}).status_code == 401
    for user in ("prhead", "pr", "ps_transport"):
        assert as_(user).get("/api/v1/failed-cases").status_code == 403
    assert as_(None).get("/api/v1/failed-cases").status_code == 401
    shown = status(as_, case["id"])
    assert shown["status"] == "failed" and shown["data"]["count"] == 0
    assert events(as_, case["id"], "instance.retried") == events(as_, case["id"], "instance.skipped") == []


def test_refusals_name_what_is_wrong(as_: Any) -> None:
    case = failed_mend_case(as_)
    admin = as_("admin")
    missing = admin.post("/api/v1/process-instances/999999/retry", json={"reason": "r"})
    assert missing.status_code == 404 and missing.get_json()["code"] == "case_not_found"
    blank = admin.post(f"/api/v1/process-instances/{case['id']}/retry", json={"reason": ""})
    assert blank.status_code == 422 and blank.get_json()["errors"][0]["field"] == "reason"
    deep: Any = 1
    for _ in range(40):
        deep = [deep]
    too_deep = admin.post(f"/api/v1/process-instances/{case['id']}/retry",
                          json={"reason": "r", "data": {"count": deep}})
    assert too_deep.status_code == 422 and too_deep.get_json()["errors"][0]["field"].startswith("data.count")
    not_a_name = admin.post(f"/api/v1/process-instances/{case['id']}/retry",
                            json={"reason": "r", "data": {"no such-name": 1}})
    assert not_a_name.status_code == 422 and not_a_name.get_json()["errors"][0]["field"] == "data.no such-name"
    elsewhere = admin.post(f"/api/v1/process-instances/{case['id']}/skip", json={"element_id": "check", "reason": "r"})
    assert elsewhere.status_code == 422
    assert (elsewhere.get_json()["errors"][0]["field"], elsewhere.get_json()["code"]) == (
        "element_id", "not_a_failed_element")
    assert status(as_, case["id"])["status"] == "failed"  # nothing half-written
    assert events(as_, case["id"], "instance.retried") == []
    running = start(as_, "mend", {"total": 1, "count": 1})
    for action, body in (("retry", {"reason": "r"}), ("skip", {"element_id": "work", "reason": "r"})):
        conflict = admin.post(f"/api/v1/process-instances/{running['id']}/{action}", json=body)
        assert conflict.status_code == 409 and conflict.get_json()["code"] == "case_not_failed"
    unknown = admin.post(f"/api/v1/process-instances/{case['id']}/retry", json={"reason": "r", "extra": 1})
    assert unknown.status_code == 422


def test_a_case_moved_to_a_fixed_version_is_retried_with_the_fixed_script(as_: Any) -> None:
    deploy(as_, mend_diagram("share = total / 0"))  # v1: a mistake in the diagram, not in the data
    case = start(as_, "mend", {"total": 12, "count": 4})
    case = complete(as_, "pr", case["id"], "review", contribution="Reviewed")
    assert case["status"] == "failed"
    # Retrying on v1 fails again: the data was never at fault.
    again = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry", json={"reason": "once more"}).get_json()
    assert again["status"] == "failed"
    assert deploy(as_, mend_diagram("share = total / count"))["version"] == 2
    move_to_version(as_, case, 2)
    fixed = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                              json={"reason": "Version 2 divides by the count"})
    assert fixed.status_code == 200, fixed.get_json()
    body = fixed.get_json()
    assert (body["status"], body["version"], body["data"]["share"]) == ("running", 2, 3)
    assert complete(as_, "pr", case["id"], "check", contribution="Checked")["status"] == "completed"
    assert events(as_, case["id"], "instance.retried")[-1]["after"]["version"] == 2


def test_a_timer_whose_expression_failed_waits_once_its_data_is_corrected(as_: Any) -> None:
    deploy(as_, TIMER)
    case = start(as_, "pause", {})
    assert case["status"] == "failed" and case["timers"] == []
    (item,) = as_("admin").get("/api/v1/failed-cases").get_json()["items"]
    assert (item["element_id"], item["code"], item["reads"]) == ("wait", "missing_data", ["days"])
    retried = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                                json={"reason": "Three days", "data": {"days": 3}}).get_json()
    assert retried["status"] == "running" and [t["bpmn_id"] for t in retried["timers"]] == ["wait"]
    assert retried["timers"][0]["due_at"].startswith("2026-03-05")


def test_a_gateway_is_not_skipped_but_retried_with_corrected_data(as_: Any) -> None:
    deploy(as_, GATEWAY)
    case = start(as_, "fork", {"way": 2})
    assert case["status"] == "failed"
    skipped = as_("admin").post(f"/api/v1/process-instances/{case['id']}/skip",
                                json={"element_id": "choose", "reason": "go on"})
    assert skipped.status_code == 422 and skipped.get_json()["code"] == "gateway_not_skipped"
    assert skipped.get_json()["errors"][0]["field"] == "element_id"
    retried = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                                json={"reason": "The way is 1", "data": {"way": 1}}).get_json()
    assert retried["status"] == "completed"


SHIPPED_SCRIPT = '''<bpmn:script>outcome = "refused" if refuse else "answered"
if outcome == "refused":
    documents = []</bpmn:script>'''
ANSWER = {"answer": "Fares stay as they are in 2027.", "confirm_no_confidential": True, "refuse": False}


def test_a_shipped_information_request_failing_at_a_broken_version_is_mended_by_a_fixed_one(
        as_: Any, deployed: None) -> None:
    """The shipped procedure, redeployed with a mistake in the script that records the outcome of the PR
    department's answer (inside the request's sub-process): a case fails there; a fixed version is deployed, the
    case moved to it and retried, and it runs to its end (the answer sent)."""
    shipped = shipped_diagram("information_request.bpmn").decode()
    assert SHIPPED_SCRIPT in shipped
    # A field some form provides (so the deploy's check of the names read passes) that this case never holds.
    broken = shipped.replace(SHIPPED_SCRIPT, SHIPPED_SCRIPT.replace('else "answered"', "else clarification_question"),
                             1)
    assert deploy(as_, broken)["version"] == 2
    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    failed = complete(as_, "pr", case["id"], "prepare_answer", **ANSWER)
    assert failed["status"] == "failed" and failed["version"] == 2
    (item,) = as_("admin").get("/api/v1/failed-cases?process_key=information_request").get_json()["items"]
    assert (item["element_id"], item["code"], item["params"]) == (
        "record_outcome_direct", "missing_data", {"name": "clarification_question"})
    assert item["reads"] == ["clarification_question", "refuse"]
    fixed = shipped.replace(SHIPPED_SCRIPT, SHIPPED_SCRIPT.replace("documents = []", "documents = []  # fixed"), 1)
    assert deploy(as_, fixed)["version"] == 3
    move_to_version(as_, failed, 3)
    retried = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                                json={"reason": "Version 3 records the outcome again"}).get_json()
    assert (retried["status"], retried["version"], retried["data"]["outcome"]) == ("running", 3, "answered")
    done = complete(as_, "pr", case["id"], "send_answer", sent_via="email")
    assert done["status"] == "completed"
    kinds = [e["type"] for e in events(as_, case["id"])]
    assert kinds.index("instance.failed") < kinds.index("instance.retried") < kinds.index("instance.completed")


TWO_BRANCHES = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="both" name="Both" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="left"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="right"/>
    <bpmn:scriptTask id="left" name="Left"><bpmn:script>l = a / b</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="right" name="Right"><bpmn:script>r = a / c</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f4" sourceRef="left" targetRef="join"/>
    <bpmn:sequenceFlow id="f5" sourceRef="right" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_skipped_timer_counts_as_fired(as_: Any) -> None:
    deploy(as_, TIMER)
    case = start(as_, "pause", {})
    skipped = as_("admin").post(f"/api/v1/process-instances/{case['id']}/skip",
                                json={"element_id": "wait", "reason": "No wait is needed"}).get_json()
    assert skipped["status"] == "completed" and skipped["timers"] == []


def test_a_case_failed_on_two_branches_stays_failed_until_both_are_mended(as_: Any) -> None:
    deploy(as_, TWO_BRANCHES)
    case = start(as_, "both", {"a": 6, "b": 0, "c": 0})
    assert case["status"] == "failed"
    first = as_("admin").post(f"/api/v1/process-instances/{case['id']}/skip",
                              json={"element_id": "left", "reason": "Left is not needed"}).get_json()
    assert first["status"] == "failed"
    listed = as_("admin").get("/api/v1/failed-cases?process_key=both").get_json()
    assert listed["total"] == 1
    done = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                             json={"reason": "c is 3", "data": {"c": 3}}).get_json()
    assert (done["status"], done["data"]["r"]) == ("completed", 2)
    assert "l" not in done["data"]


def test_a_case_the_sweep_failed_on_is_resumed_and_its_timer_fires(as_: Any, sessions: Any, ctx: Any,
                                                                    clock: Any) -> None:
    """A failure outside any step (the sweep's work on the case, rolled back) leaves nothing in ERROR: a retry
    resumes the case, and its pending timer fires at the next sweep."""
    deploy(as_, TIMER)
    case = start(as_, "pause", {"days": 1})
    assert case["status"] == "running" and len(case["timers"]) == 1
    with sessions.begin() as session:
        assert case_failures.record(session, case["id"], RuntimeError("the disk was full"), doing="firing a timer",
                                    at=ctx.now(), actor=None)
    assert status(as_, case["id"])["status"] == "failed"
    refused = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                                json={"reason": "r", "data": {"days": 2}})
    assert refused.status_code == 422 and refused.get_json()["code"] == "no_failed_data"
    resumed = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry",
                                json={"reason": "The disk has room again"}).get_json()
    assert resumed["status"] == "running" and len(resumed["timers"]) == 1
    (event,) = events(as_, case["id"], "instance.retried")
    assert event["after"]["elements"] == [] and event["subject"] is None
    clock.advance(days=2)
    assert sweeper.fire_due(sessions, ctx, ctx.now()) == 1
    assert status(as_, case["id"])["status"] == "completed"


def test_a_publication_the_data_could_not_make_is_not_retried(as_: Any, sessions: Any, ctx: Any) -> None:
    deploy(as_, TIMER)
    case = start(as_, "pause", {"days": 1})
    with sessions.begin() as session:
        instance = steps.lock(session, case["id"])
        case_failures.fail(session, instance, "the release has no translation", element=None, at=ctx.now(),
                           actor=None, exc=Invalid("no translation", code=Code.TRANSLATION_MISSING))
    refused = as_("admin").post(f"/api/v1/process-instances/{case['id']}/retry", json={"reason": "r"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "nothing_to_retry"
    assert status(as_, case["id"])["status"] == "failed"
