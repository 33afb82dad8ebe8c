"""A form's field that holds attachments (`"x-attachment": true` on a string or an array of strings): completing
the task with the ids of files attached to the same case goes on; an id of another case's file, or of no file, is
refused with 422 naming the field, and the task stays open."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests import cases
from tests.files import deploy_evidence, evidence_forms, pdf, png  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("evidence_forms", "cast")


@pytest.fixture
def two_cases(sessions: Any, ctx: Any, as_: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    deploy_evidence(sessions, ctx)
    return (cases.start(as_, "evidence", {}), cases.start(as_, "evidence", {}))


def attach(as_: Any, instance_id: int, content: bytes, name: str) -> str:
    response = as_("pr").post(f"/api/v1/process-instances/{instance_id}/attachments",
                              data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def test_a_task_completes_with_files_of_its_own_case(as_: Any, two_cases: Any) -> None:
    case, _other = two_cases
    photo, scan = attach(as_, case["id"], png(), "a.png"), attach(as_, case["id"], pdf(), "scan.pdf")
    done = cases.complete(as_, "pr", case["id"], "collect", photos=[photo], scan=scan)
    assert done["status"] == "completed"
    assert done["data"]["photos"] == [photo] and done["data"]["scan"] == scan


@pytest.mark.parametrize("where", ["photos", "scan"])
def test_a_file_of_another_case_or_no_file_is_refused_naming_the_field(as_: Any, two_cases: Any, where: str) -> None:
    case, other = two_cases
    mine, theirs = attach(as_, case["id"], png(), "mine.png"), attach(as_, other["id"], png(), "theirs.png")
    task = cases.task_of(as_, "pr", case["id"], "collect")
    for wrong in (theirs, "no-such-file"):
        data = {"photos": [mine, wrong]} if where == "photos" else {"photos": [mine], "scan": wrong}
        response = cases.submit(as_, "pr", task["id"], **data)
        assert response.status_code == 422, response.get_json()
        assert [e["field"] for e in response.get_json()["errors"]] == [where]
        assert wrong in response.get_json()["errors"][0]["message"]
    assert cases.task_of(as_, "pr", case["id"], "collect")["status"] == "open"


def test_the_form_is_served_with_its_attachment_fields_marked(as_: Any, two_cases: Any) -> None:
    case, _other = two_cases
    task = cases.task_of(as_, "pr", case["id"], "collect")
    properties = task["form"]["schema"]["properties"]
    assert properties["photos"]["x-attachment"] is True and properties["scan"]["x-attachment"] is True
