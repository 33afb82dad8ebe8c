"""Cases driven through the REST API by the people who would drive them: start a case, find a task in someone's
inbox, complete it, read what the case then shows. What the API tests share (tests/integration, tests/web,
tests/worker); `as_(username)` is the signed-in client of tests/conftest.py.

A module whose cases start otherwise binds its own: `start = partial(cases.start, process_key=..., data=...)`."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from tests.conftest import REQUEST
from tests.files import pdf


def start(as_: Any, process_key: str = "information_request", data: Mapping[str, Any] = REQUEST, *,
          user: str = "pr", status: int = 201, **changes: Any) -> dict[str, Any]:
    """`user` starts a case of `process_key` with `data`, changed by `changes`. The answer must come with
    `status`: the case's JSON (on 201), else the problem."""
    response = as_(user).post("/api/v1/process-instances",
                              json={"process_key": process_key, "data": {**data, **changes}})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def inbox(as_: Any, user: str, instance_id: int) -> list[dict[str, Any]]:
    """The case's tasks in `user`'s inbox."""
    return as_(user).get(f"/api/v1/tasks?instance_id={instance_id}").get_json()["items"]


def task_of(as_: Any, user: str, instance_id: int, bpmn_id: str) -> dict[str, Any]:
    """The one task `bpmn_id` of the case in `user`'s inbox."""
    tasks = inbox(as_, user, instance_id)
    found = [t for t in tasks if t["bpmn_id"] == bpmn_id]
    assert len(found) == 1, f"{user} has {len(found)} {bpmn_id} in their inbox: {[t['bpmn_id'] for t in tasks]}"
    return found[0]


def submit(as_: Any, user: str, task_id: str, **data: Any) -> Any:
    """`user` completing the task with `data`: the response, whatever it says."""
    return as_(user).post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})


def completion(as_: Any, user: str, task_id: str, **data: Any) -> dict[str, Any]:
    """`user` completes the task with `data`: the whole answer, the task and the case as it then stands."""
    response = submit(as_, user, task_id, **data)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def complete_task(as_: Any, user: str, task_id: str, **data: Any) -> dict[str, Any]:
    """`user` completes the task with `data`: the case as it then stands."""
    return completion(as_, user, task_id, **data)["instance"]


def complete(as_: Any, user: str, instance_id: int, bpmn_id: str, **data: Any) -> dict[str, Any]:
    """`user` completes the case's task `bpmn_id`, found in their inbox, with `data`: the case as it then stands."""
    return complete_task(as_, user, task_of(as_, user, instance_id, bpmn_id)["id"], **data)


def attach(as_: Any, user: str, instance_id: int, content: bytes | None = None, name: str = "scan.pdf") -> str:
    """`user` attaches a file (a small PDF unless `content` says otherwise) to the case: its attachment id, for a
    form's `x-attachment` field (a piece's evidence, an answer's documents)."""
    response = as_(user).post(f"/api/v1/process-instances/{instance_id}/attachments",
                              data={"file": (io.BytesIO(pdf() if content is None else content), name)},
                              content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def open_task(case: dict[str, Any], bpmn_id: str) -> str:
    """The id of the case's one open task `bpmn_id` (`case`: the JSON of a case, as `start` and `complete` give it)."""
    found = [t["id"] for t in case["tasks"] if t["bpmn_id"] == bpmn_id]
    assert len(found) == 1, f"expected one open {bpmn_id} in {[t['bpmn_id'] for t in case['tasks']]}"
    return found[0]


def open_tasks(case: dict[str, Any], fields: tuple[str, ...] = ("bpmn_id", "role", "unit")) -> list[tuple[Any, ...]]:
    """Each of the case's open tasks as the values of its `fields`, sorted."""
    return sorted(tuple(t[name] for name in fields) for t in case["tasks"])


def open_ids(case: dict[str, Any]) -> list[str]:
    """The bpmn ids of the case's open tasks, sorted."""
    return sorted(t["bpmn_id"] for t in case["tasks"])


def refused_to(as_: Any, users: list[str], task: dict[str, Any], data: dict[str, Any]) -> None:
    """None of `users` sees the task in their inbox, and each gets 403 completing it."""
    for user in users:
        assert task["id"] not in {t["id"] for t in inbox(as_, user, task["instance_id"])}, user
        response = submit(as_, user, task["id"], **data)
        assert response.status_code == 403, (user, response.get_json())


def events(as_: Any, instance_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    """The case's audit history as the auditor reads it; with `kind`, the events of that type only."""
    history = as_("auditor").get(f"/api/v1/process-instances/{instance_id}/history").get_json()["items"]
    return [e for e in history if kind is None or e["type"] == kind]


def history(as_: Any, instance_id: int) -> list[tuple[str, str | None, str | None]]:
    """(type, subject, actor) of each event of the case's audit history."""
    return [(e["type"], e["subject"], e["actor"]) for e in events(as_, instance_id)]
