"""A press officer attaches a video on a task page: the progress bar shows it going up, the file appears among the
field's choices, chosen, and the task completes with it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests import cases
from tests.browser.conftest import screenshot
from tests.files import deploy_evidence, evidence_forms, mp4_header  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("evidence_forms")


def test_a_file_uploaded_on_the_task_page_shows_its_progress_and_completes_the_task(
        open_as: Any, as_: Any, sessions: Any, ctx: Any, tmp_path: Path) -> None:
    deploy_evidence(sessions, ctx)
    case = cases.start(as_, "evidence", {})
    video = tmp_path / "briefing.mp4"
    video.write_bytes(mp4_header() + b"\x00" * (24 * 1024 * 1024))
    task = cases.task_of(as_, "pr", case["id"], "collect")

    page = open_as("pr")
    page.goto(f"/tasks/{task['id']}")
    picker = page.locator("fieldset#f-photos")
    assert picker.get_by_text("No file is attached to the case yet.").is_visible()
    picker.get_by_label("Attach a new file").set_input_files(str(video))
    progress = picker.locator("progress")
    progress.wait_for(state="visible")
    picker.get_by_text("briefing.mp4 is attached.").wait_for()
    assert progress.evaluate("bar => bar.value") == 100
    chosen = picker.get_by_label("briefing.mp4")
    assert chosen.is_checked()
    screenshot(page, "task-attachment")
    page.get_by_role("button", name="Complete the task").click()
    page.wait_for_url(re.compile(r"/inbox"))

    done = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    files = as_("pr").get(f"/api/v1/process-instances/{case['id']}/attachments").get_json()["items"]
    assert done["status"] == "completed"
    assert [f["filename"] for f in files] == ["briefing.mp4"] and files[0]["kind"] == "video"
    assert done["data"]["photos"] == [files[0]["id"]]
    assert page.js_errors == []
