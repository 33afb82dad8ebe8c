"""500 running information requests at different steps moved to a version that renames a task (`approve_answer`
becomes `approve_reply`, "Approve the reply") and adds a step (`check_answer` before `send_answer`), through the API
an administrator uses (docs/migrations.md), on both databases. 100 requests are driven by the engine's own operations
to ten different steps (tests/migrating.py), then each is copied four times where it stands (its task ids made new):
driving all 500 took 40 to 75 s a database on the shared test machine, copying takes a few."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from sqlalchemy import select

from db.models import AuditEvent, HumanTask, MigrationCase, ProcessDefinition, ProcessInstance
from db.vocabulary import EventType, TaskStatus
from engine.audit import chain
from engine.people.accounts import user_by_username
from engine.runtime import operations
from tests.migrating import ANSWER, clone_cases, deploy_v2, open_rows, start_cases, tally

URL = "/api/v1/process-definitions/information_request/migrations"
MAPPING = {"approve_answer": "approve_reply"}
CASES = 500
DRIVEN = 100  # driven by the engine to their steps; each copied four times (tests/migrating.py)


def states(sessions: Any) -> dict[int, tuple[str, int, int]]:
    with sessions() as session:
        return {r.id: (r.state, r.version, r.revision) for r in session.scalars(select(ProcessInstance))}


def migrated_events(sessions: Any) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.type == EventType.INSTANCE_MIGRATED)))


def complete(sessions: Any, ctx: Any, username: str, instance_id: int, bpmn_id: str, **data: Any) -> None:
    with sessions.begin() as session:
        row = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.bpmn_id == bpmn_id,
                                                      HumanTask.status == TaskStatus.OPEN)).one()
        operations.complete_task(session, ctx, user_by_username(session, username), row.id, data)


def test_500_running_requests_move_to_a_version_that_renames_a_task_and_adds_a_step(
        as_: Any, sessions: Any, ctx: Any, deployed: None) -> None:
    began = time.perf_counter()
    at = start_cases(sessions, ctx, DRIVEN)
    at |= clone_cases(sessions, at, CASES // DRIVEN - 1)
    built = time.perf_counter()
    deploy_v2(sessions, ctx)
    admin = as_("admin")
    tasks_before, states_before = open_rows(sessions), states(sessions)

    # The plan without a mapping: the cases at the renamed step cannot move, each listed with its reason.
    plan = admin.post(URL, json={"from_version": 1, "to_version": 2, "dry_run": True}).get_json()
    at_renamed = sorted(i for i, step in at.items() if step == "approve_answer")
    assert plan["movable"] == CASES - len(at_renamed)
    assert plan["by_reason"] == {"no_target": len(at_renamed)}
    assert sorted(b["instance_id"] for b in plan["blocked"]) == at_renamed
    assert {(b["reason"], b["element_id"]) for b in plan["blocked"]} == {("no_target", "approve_answer")}
    assert plan["unmapped"] == ["approve_answer"]
    assert plan["status"] == "planned" and "moved" not in plan
    assert {s["verdict"] for s in plan["sample"]} == {"movable", "blocked"}
    # With the mapping, every case can move: the dry run says so, and changes nothing.
    dry = admin.post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING, "dry_run": True}).get_json()
    assert (dry["movable"], dry["blocked"], dry["unmapped"]) == (CASES, [], [])
    assert states(sessions) == states_before and open_rows(sessions) == tasks_before
    assert migrated_events(sessions) == []

    planned = time.perf_counter()
    moved = admin.post(URL, json={"from_version": 1, "to_version": 2, "mapping": MAPPING, "dry_run": False})
    ran = time.perf_counter()
    assert moved.status_code == 200, moved.get_json()
    result = moved.get_json()
    assert (result["moved"], result["blocked"], result["status"]) == (CASES, [], "done")
    assert result["progress"]["moved"] == CASES
    print(f"\n{CASES} cases: built in {built - began:.1f} s, planned twice in {planned - built:.1f} s, "
          f"moved in {ran - planned:.1f} s")

    # Every case is on version 2; every open task kept its id, assignee and deadline; the renamed step's tasks show
    # the new element and name.
    after = states(sessions)
    assert {version for _, version, _ in after.values()} == {2}
    tasks_after = open_rows(sessions)
    assert tasks_after.keys() == tasks_before.keys()
    for task_id, (case, bpmn_id, name, assignee, due) in tasks_before.items():
        renamed = bpmn_id == "approve_answer"
        expected = (case, "approve_reply" if renamed else bpmn_id, "Approve the reply" if renamed else name,
                    assignee, due)
        assert tasks_after[task_id] == expected
    assert sum(1 for row in tasks_after.values() if row[3] is not None) == tally(at)["approve_answer"] // 3
    # Each moved case has exactly one `instance.migrated` event naming both versions and both checksums.
    events = migrated_events(sessions)
    assert Counter(e.instance_id for e in events) == Counter(dict.fromkeys(at, 1))
    with sessions() as session:
        checksums = {d.version: d.checksum for d in session.scalars(select(ProcessDefinition))}
    assert {(e.after["from_version"], e.after["to_version"], e.after["from_checksum"], e.after["to_checksum"])
            for e in events} == {(1, 2, checksums[1], checksums[2])}
    assert {str(e.after["mapping"]) for e in events} == {str(MAPPING)}
    assert {e.after["migration_id"] for e in events} == {result["id"]}

    # The cases go on on version 2, through the added step.
    renamed_case = at_renamed[0]
    complete(sessions, ctx, "pr", renamed_case, "approve_reply", decision="approve", confirm_no_confidential=True)
    complete(sessions, ctx, "prhead", renamed_case, "check_answer", action_taken="Checked before sending.")
    complete(sessions, ctx, "ps_transport", renamed_case, "send_answer", sent_via="email")
    triaged = next(i for i, step in at.items() if step == "triage")
    complete(sessions, ctx, "pr", triaged, "triage", handler="pr_department", contributors=[])
    complete(sessions, ctx, "pr", triaged, "prepare_answer", **ANSWER)
    complete(sessions, ctx, "prhead", triaged, "check_answer", action_taken="Checked.")
    complete(sessions, ctx, "pr", triaged, "send_answer", sent_via="email")
    with sessions() as session:
        done = {i: session.get(ProcessInstance, i) for i in (renamed_case, triaged)}
        assert {(c.status, c.data["outcome"]) for c in done.values()} == {("completed", "answered")}

    # A case that has not advanced goes back, as it was; one that has advanced does not.
    back = at_renamed[1]
    [task_id] = [t for t, row in tasks_before.items() if row[0] == back]
    response = admin.post(f"{URL}/{result['id']}/cases/{back}/back")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 1
    assert open_rows(sessions, [back]) == {task_id: tasks_before[task_id]}
    with sessions() as session:
        assert session.get(ProcessInstance, back).version == 1
    refused = admin.post(f"{URL}/{result['id']}/cases/{renamed_case}/back")
    assert refused.status_code == 409 and refused.get_json()["code"] == "case_advanced"
    again = admin.post(f"{URL}/{result['id']}/cases/{back}/back")
    assert again.status_code == 409 and again.get_json()["code"] == "case_not_moved"
    # The case moved back goes on on version 1.
    complete(sessions, ctx, "pr", back, "approve_answer", decision="approve", confirm_no_confidential=True)
    assert {row[1] for row in open_rows(sessions, [back]).values()} == {"send_answer"}
    shown = admin.get(f"{URL}/{result['id']}").get_json()
    assert shown["progress"]["moved_back"] == 1 and shown["progress"]["moved"] == CASES - 1
    with sessions() as session:
        assert chain.verify(session).ok
        assert session.scalars(select(MigrationCase).where(MigrationCase.instance_id == back,
                                                           MigrationCase.migration_id == result["id"])).one()\
            .status == "moved_back"
