"""Absences and deputies: a user away names a deputy, who takes the tasks the user holds when the absence begins
(and those given to the user while it lasts) where the deputy is one of their candidates; the PR head hands several
tasks over at once. Every move is an audit event naming the absence (docs/absences.md)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.background.sweeper import sweep
from engine.people.accounts import create_user, update_user
from tests.cases import complete_task, open_task, start
from tests.conftest import PASSWORD

# The test clock stands on Monday 2 March 2026, 09:00 in Bishkek.
TOMORROW, DAY_AFTER = "2026-03-03", "2026-03-04"




def claimed_triage(as_: Any, user: str = "pr") -> str:
    task_id = open_task(start(as_), "triage")
    assert as_(user).post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    return task_id


def away(as_: Any, user: str, deputy: str, first: str = TOMORROW, last: str = DAY_AFTER, *, by: str | None = None,
         status: int = 201) -> dict[str, Any]:
    response = as_(by or user).post(f"/api/v1/users/{user}/absences",
                                    json={"from": first, "until": last, "deputy": deputy, "note": "leave"})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def assignee(as_: Any, task_id: str) -> str | None:
    return as_("auditor").get(f"/api/v1/tasks/{task_id}").get_json()["assignee"]


def events(as_: Any, type_: str) -> list[dict[str, Any]]:
    return as_("auditor").get("/api/v1/audit", query_string={"type": type_, "per_page": 100}).get_json()["items"]


def notices(as_: Any, user: str) -> list[str]:
    return [n["message"] for n in as_(user).get("/api/v1/notifications").get_json()["items"]]


def test_claimed_tasks_pass_to_a_candidate_deputy_when_the_absence_begins_and_not_before(
        as_: Any, deployed: None, pr2: str, sessions: Any, ctx: Any, clock: Any) -> None:
    task_id = claimed_triage(as_)
    absence = away(as_, "pr", pr2)
    assert sweep(sessions, ctx).handed_over == 0
    assert assignee(as_, task_id) == "pr"
    clock.advance(hours=15)  # 00:00 of the first day away, in Bishkek
    assert sweep(sessions, ctx).handed_over == 1
    assert assignee(as_, task_id) == "pr2"
    assert sweep(sessions, ctx).handed_over == 0  # once
    (moved,) = events(as_, "task.handed_over")
    assert moved["task_id"] == task_id
    assert moved["before"] == {"assignee": "pr"}
    assert moved["after"] | {"absence": None} == {"assignee": "pr2", "reason": "absence", "absence": None,
                                                  "absent": "pr"}
    assert moved["after"]["absence"] == absence["id"]
    assert any("Pr" in text and "yours now" in text for text in notices(as_, "pr2"))
    # The inbox names the holder's absence where a task of theirs is listed (the deputy's here: pr is away).
    listed = as_("prhead").get("/api/v1/tasks?assigned=anyone").get_json()["items"]
    assert [t["assignee_absent_until"] for t in listed if t["id"] == task_id] == [None]


def test_when_the_absence_ends_nothing_moves_back(as_: Any, deployed: None, pr2: str, sessions: Any, ctx: Any,
                                                  clock: Any) -> None:
    task_id = claimed_triage(as_)
    absence = away(as_, "pr", pr2, "2026-03-02")
    assert assignee(as_, task_id) == "pr2"  # begun already: handed over as it is recorded
    ended = as_("pr").delete(f"/api/v1/users/pr/absences/{absence['id']}")
    assert ended.status_code == 200 and ended.get_json()["ended_at"] is not None
    assert assignee(as_, task_id) == "pr2"
    assert as_("pr").delete(f"/api/v1/users/pr/absences/{absence['id']}").status_code == 409
    (event,) = events(as_, "absence.ended")
    assert event["after"]["absence"] == absence["id"] and event["actor"] == "pr"


def test_a_task_the_deputy_may_not_take_stays_and_the_pr_head_is_told(as_: Any, deployed: None, sessions: Any,
                                                                      ctx: Any, clock: Any) -> None:
    task_id = claimed_triage(as_)
    away(as_, "pr", "lawyer")  # legal: not a candidate of a PR department's task
    clock.advance(days=1)
    assert sweep(sessions, ctx).handed_over == 0
    assert assignee(as_, task_id) == "pr"
    told = [n for n in as_("prhead").get("/api/v1/notifications").get_json()["items"] if n["task_id"] == task_id]
    assert len(told) == 1 and "Lawyer" in told[0]["message"] and "reassign" in told[0]["message"]
    (started,) = [e for e in events(as_, "absence.started") if e["after"]["user"] == "pr"]
    assert started["after"]["kept"] == [task_id] and started["after"]["handed_over"] == []
    listed = as_("prhead").get("/api/v1/tasks?assigned=anyone").get_json()["items"]
    (shown,) = [t for t in listed if t["id"] == task_id]
    assert shown["assignee"] == "pr" and shown["assignee_absent_until"] is not None


def test_a_task_given_to_an_absent_user_goes_to_the_deputy(as_: Any, deployed: None, pr2: str) -> None:
    absence = away(as_, "pr", pr2, "2026-03-02")
    task_id = open_task(start(as_), "triage")
    given = as_("prhead").post(f"/api/v1/tasks/{task_id}/assign", json={"username": "pr"})
    assert given.status_code == 200 and given.get_json()["assignee"] == "pr2"
    (moved,) = events(as_, "task.handed_over")
    assert moved["actor"] == "prhead" and moved["after"]["absence"] == absence["id"]


def test_the_pr_head_records_an_absence_for_a_member_of_staff_and_others_may_not(as_: Any, deployed: None,
                                                                                 pr2: str) -> None:
    recorded = away(as_, "pr", pr2, by="prhead")
    assert recorded["created_by"] == "prhead" and recorded["deputy"] == "pr2"
    away(as_, "pr2", "pr", "2026-03-10", "2026-03-11", by="admin")
    refused = as_("ps_transport").post("/api/v1/users/pr/absences",
                                       json={"from": "2026-04-01", "until": "2026-04-02", "deputy": "pr2"})
    assert refused.status_code == 403
    assert as_("ps_transport").get("/api/v1/users/pr/absences").status_code == 403
    assert [a["id"] for a in as_("pr").get("/api/v1/users/pr/absences").get_json()] == [recorded["id"]]
    assert {e["actor"] for e in events(as_, "absence.recorded")} == {"prhead", "admin"}


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"from": DAY_AFTER, "until": TOMORROW}, "until", "ends_before_start"),
    ({"from": "2026-02-01", "until": "2026-02-02"}, "until", "absence_over"),
    ({"from": "2026-03-04", "until": "2026-03-05"}, "from", "absence_overlaps"),
    ({"deputy": "pr"}, "deputy", "deputy_self"),
    ({"deputy": "nobody"}, "deputy", "user_not_found"),
    ({"deputy": "gone"}, "deputy", "user_inactive"),
    ({"deputy": "head_health"}, "deputy", "deputy_absent"),
    ({"from": "tomorrow"}, "from", None),
    ({"until": None}, "until", None),
    ({"deputy": ""}, "deputy", None),
    ({"colour": "red"}, "colour", None),
])
def test_an_absence_that_cannot_be_is_refused_naming_the_field(as_: Any, deployed: None, pr2: str, sessions: Any,
                                                               ctx: Any, body: dict[str, Any], field: str,
                                                               code: str | None) -> None:
    with sessions.begin() as session:
        create_user(session, username="gone", display_name="Gone", password=PASSWORD, roles=["pr_department"],
                    actor="system", at=ctx.now())
        update_user(session, "gone", {"active": False}, actor="system", at=ctx.now())
    away(as_, "pr", pr2, "2026-03-03", "2026-03-05")
    away(as_, "head_health", "head_transport", "2026-03-09", "2026-03-12")
    full = {"from": "2026-03-09", "until": "2026-03-10", "deputy": "pr2"} | body
    response = as_("pr").post("/api/v1/users/pr/absences", json=full)
    assert response.status_code == 422, response.get_json()
    problems = response.get_json()["errors"]
    assert [e["field"] for e in problems] == [field]
    if code is not None:
        assert problems[0]["code"] == code
    assert len(as_("pr").get("/api/v1/users/pr/absences").get_json()) == 1  # nothing written


def test_ending_an_absence_of_another_or_none_is_refused(as_: Any, deployed: None, pr2: str) -> None:
    absence = away(as_, "pr", pr2)
    assert as_("ps_transport").delete(f"/api/v1/users/pr/absences/{absence['id']}").status_code == 403
    assert as_("pr").delete("/api/v1/users/pr/absences/999999").status_code == 404
    assert as_("pr2").delete(f"/api/v1/users/pr2/absences/{absence['id']}").status_code == 404  # not pr2's
    cancelled = as_("prhead").delete(f"/api/v1/users/pr/absences/{absence['id']}")
    assert cancelled.status_code == 200
    assert cancelled.get_json()["until"] == cancelled.get_json()["from"]  # never began: it keeps no time
    away(as_, "pr", pr2)  # the days are free again


# -- several tasks at once ---------------------------------------------------------------------------------

def test_the_pr_head_reassigns_several_tasks_at_once_with_a_reason(as_: Any, deployed: None, pr2: str) -> None:
    first, second = claimed_triage(as_), open_task(start(as_), "triage")
    moved = as_("prhead").post("/api/v1/tasks/reassign",
                               json={"task_ids": [first, second], "assignee": "pr2", "reason": "pr is overloaded"})
    assert moved.status_code == 200, moved.get_json()
    assert [t["assignee"] for t in moved.get_json()["tasks"]] == ["pr2", "pr2"]
    assert assignee(as_, first) == assignee(as_, second) == "pr2"
    assigned = events(as_, "task.assigned")
    assert sorted(e["task_id"] for e in assigned) == sorted([first, second])
    assert {e["after"]["reason"] for e in assigned} == {"pr is overloaded"}
    assert {e["actor"] for e in assigned} == {"prhead"}


def test_a_task_the_target_cannot_take_is_named_and_nothing_moves(as_: Any, deployed: None, pr2: str) -> None:
    takeable, closed = open_task(start(as_), "triage"), claimed_triage(as_)
    complete_task(as_, "pr", closed, handler="pr_department", contributors=[])
    response = as_("prhead").post("/api/v1/tasks/reassign", json={
        "task_ids": [takeable, closed, "no-such-task"], "assignee": "pr2", "reason": "rebalancing"})
    assert response.status_code == 422
    problems = response.get_json()["errors"]
    assert [(e["field"], e["code"], e["params"]["task_id"]) for e in problems] == [
        ("task_ids.1", "task_closed", closed), ("task_ids.2", "task_not_found", "no-such-task")]
    assert assignee(as_, takeable) is None
    refused = as_("prhead").post("/api/v1/tasks/reassign",
                                 json={"task_ids": [takeable], "assignee": "ps_transport", "reason": "x"})
    assert refused.status_code == 422
    (problem,) = refused.get_json()["errors"]
    assert (problem["field"], problem["code"], problem["params"]["task_id"]) == ("task_ids.0", "not_a_candidate",
                                                                                 takeable)
    assert events(as_, "task.assigned") == []


@pytest.mark.parametrize(("body", "field"), [
    ({"task_ids": []}, "task_ids"),
    ({"assignee": "nobody"}, "assignee"),
    ({"reason": "  "}, "reason"),
    ({"task_ids": "abc"}, "task_ids"),
    ({"extra": 1}, "extra"),
])
def test_a_reassignment_that_cannot_be_is_refused_naming_the_field(as_: Any, deployed: None, pr2: str,
                                                                   body: dict[str, Any], field: str) -> None:
    task_id = open_task(start(as_), "triage")
    full = {"task_ids": [task_id], "assignee": "pr2", "reason": "rebalancing"} | body
    response = as_("prhead").post("/api/v1/tasks/reassign", json=full)
    assert response.status_code == 422, response.get_json()
    assert [e["field"].split(".")[0] for e in response.get_json()["errors"]] == [field]
    assert assignee(as_, task_id) is None


def test_only_who_assigns_may_reassign_several(as_: Any, deployed: None, pr2: str) -> None:
    task_id = open_task(start(as_), "triage")
    for user in ("ps_transport", "pr", "auditor"):
        response = as_(user).post("/api/v1/tasks/reassign",
                                  json={"task_ids": [task_id], "assignee": "pr2", "reason": "mine now"})
        assert response.status_code == 403, user
    assert assignee(as_, task_id) is None


def test_a_new_task_of_a_lane_is_told_to_the_deputy_not_the_absent_candidate(as_: Any, deployed: None,
                                                                            pr2: str) -> None:
    away(as_, "pr", pr2, "2026-03-02")
    task_id = open_task(start(as_, user="ps_transport"), "triage")
    told = {user: [n for n in as_(user).get("/api/v1/notifications").get_json()["items"] if n["task_id"] == task_id]
            for user in ("pr", "pr2")}
    assert told["pr"] == [] and len(told["pr2"]) == 1


def test_everyone_s_open_tasks_are_listed_only_to_who_reads_every_task(as_: Any, deployed: None) -> None:
    held = claimed_triage(as_)
    listed = as_("prhead").get("/api/v1/tasks?assigned=anyone")
    assert listed.status_code == 200 and held in [t["id"] for t in listed.get_json()["items"]]
    assert as_("pr").get("/api/v1/tasks?assigned=anyone").status_code == 403
