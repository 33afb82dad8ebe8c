"""Giving a task to someone: only to an active candidate (its role, in its unit where the role is unit-bound).

Whoever holds a task may complete it, so a task given outside its candidates would let an auditor write or one
unit's press secretary decide for another's."""

from __future__ import annotations

from typing import Any

import pytest

from engine.people.accounts import update_user
from tests.cases import complete_task, open_task, start
from tests.conftest import CAST

# Who may hold each task of an information request, by the cast's usernames.
CANDIDATES = {"triage": {"pr"}, "prepare_answer": {"ps_transport"}, "contribute": {"head_health"}}


def a_task(as_: Any, bpmn_id: str) -> str:
    case = start(as_)
    if bpmn_id == "triage":
        return open_task(case, "triage")
    handler = {"handler": "press_secretary", "unit": "transport"} if bpmn_id == "prepare_answer" else {
        "handler": "pr_department"}
    after = complete_task(as_, "pr", open_task(case, "triage"),
                          contributors=["health"] if bpmn_id == "contribute" else [], **handler)
    return open_task(after, bpmn_id)


@pytest.mark.parametrize("bpmn_id", sorted(CANDIDATES))
def test_a_task_goes_only_to_its_candidates_whoever_else_is_named(as_: Any, deployed: None, bpmn_id: str) -> None:
    for username in sorted(CAST):
        task_id = a_task(as_, bpmn_id)
        response = as_("prhead").post(f"/api/v1/tasks/{task_id}/assign", json={"username": username})
        task = as_("auditor").get(f"/api/v1/tasks/{task_id}").get_json()
        if username in CANDIDATES[bpmn_id]:
            assert response.status_code == 200, (username, response.get_json())
            assert task["assignee"] == username
        else:
            assert response.status_code == 422, (username, response.get_json())
            assert [e["field"] for e in response.get_json()["errors"]] == ["username"]
            assert task["assignee"] is None  # nothing changed
            # Not a holder, so not a writer either: the auditor, another unit's secretary, the admin...
            done = as_(username).post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
            assert done.status_code == 403, (username, done.get_json())


def test_a_deactivated_candidate_is_not_given_a_task(as_: Any, deployed: None, sessions: Any, ctx: Any) -> None:
    task_id = a_task(as_, "prepare_answer")
    with sessions.begin() as session:
        update_user(session, "ps_transport", {"active": False}, actor="admin", at=ctx.now())
    response = as_("admin").post(f"/api/v1/tasks/{task_id}/assign", json={"username": "ps_transport"})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "username"
    assert as_("auditor").get(f"/api/v1/tasks/{task_id}").get_json()["assignee"] is None


def test_assigning_is_recorded_only_when_it_happens(as_: Any, deployed: None) -> None:
    task_id = a_task(as_, "triage")
    assert as_("prhead").post(f"/api/v1/tasks/{task_id}/assign", json={"username": "auditor"}).status_code == 422
    assert as_("prhead").post(f"/api/v1/tasks/{task_id}/assign", json={"username": "pr"}).status_code == 200
    case_id = as_("auditor").get(f"/api/v1/tasks/{task_id}").get_json()["instance_id"]
    history = as_("auditor").get(f"/api/v1/process-instances/{case_id}/history").get_json()["items"]
    assert [e["after"] for e in history if e["type"] == "task.assigned"] == [{"assignee": "pr"}]


def test_a_stranger_giving_back_a_task_learns_nothing_of_its_state(as_: Any, deployed: None) -> None:
    task_id = a_task(as_, "triage")
    complete_task(as_, "pr", task_id, handler="pr_department", contributors=[])
    for stranger in ("lawyer", "ps_health", "head_transport"):
        response = as_(stranger).post(f"/api/v1/tasks/{task_id}/unclaim")
        assert response.status_code == 403, (stranger, response.get_json())  # not 409: "already completed"
    assert as_("prhead").post(f"/api/v1/tasks/{task_id}/unclaim").status_code == 409  # who assigns may know


def test_a_task_sent_to_another_role_leaves_an_assignee_who_is_no_candidate_any_more(as_: Any, deployed: None) -> None:
    task_id = a_task(as_, "triage")
    assert as_("prhead").post(f"/api/v1/tasks/{task_id}/assign", json={"username": "pr"}).status_code == 200
    routed = as_("admin").post(f"/api/v1/tasks/{task_id}/route", json={"role": "pr_head"})
    assert routed.status_code == 200
    assert (routed.get_json()["role"], routed.get_json()["assignee"]) == ("pr_head", None)
    assert as_("pr").post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}).status_code == 403
    assert as_("prhead").post(f"/api/v1/tasks/{task_id}/assign", json={"username": "prhead"}).status_code == 200
