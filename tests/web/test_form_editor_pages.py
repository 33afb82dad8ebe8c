"""The Forms admin pages without JavaScript: the list, the editor with its preview rendered by the task page's own
renderer, saving a version (refusals named by path), and deploying the procedures that use the form."""

from __future__ import annotations

import copy
import json
from typing import Any

from engine.procedures.forms import load_form
from tests.cases import start, task_of
from tests.web.conftest import text

TRIAGE = "information_request/triage"


def edited(title: str) -> str:
    schema = copy.deepcopy(load_form(TRIAGE))
    schema["properties"]["handler"]["title"] = title
    return json.dumps(schema, indent=2)


def test_the_list_names_each_form_and_the_procedures_that_use_it(page_as: Any, deployed: None) -> None:
    page = text(page_as("admin").get("/admin/forms"))
    assert f'href="/admin/forms/edit/{TRIAGE}"' in page
    assert "Media information request" in page and "version 1" in page
    assert page_as("pr").get("/admin/forms").status_code == 403


def test_the_preview_is_the_task_pages_form_or_the_problems_named_by_path(page_as: Any, deployed: None) -> None:
    admin = page_as("admin")
    shown = text(admin.post("/admin/forms/preview", {"schema": edited("Who answers"), "key": TRIAGE}))
    assert '<label for="f-handler"' in shown or 'id="f-handler' in shown
    assert "Who answers" in shown
    wrong = text(admin.post("/admin/forms/preview", {"schema": json.dumps(
        {"type": "object", "properties": {"when": {"type": "string", "x-not-futur": True}}}), "key": TRIAGE}))
    assert "properties.when.x-not-futur" in wrong and "f-when" not in wrong
    broken = text(admin.post("/admin/forms/preview", {"schema": "{", "key": TRIAGE}))
    assert "<code>schema</code>" in broken
    assert page_as("pr").post("/admin/forms/preview", {"schema": "{}"}).status_code == 403


def test_saving_makes_a_version_and_deploying_gives_new_cases_the_new_form(
        page_as: Any, as_: Any, deployed: None) -> None:
    admin = page_as("admin")
    editor = text(admin.get(f"/admin/forms/edit/{TRIAGE}"))
    assert "Who prepares the answer" in editor and 'id="form-schema"' in editor
    saved = admin.post("/admin/forms/save", {"key": TRIAGE, "schema": edited("Who answers")})
    assert saved.status_code == 302
    page = text(admin.get(saved.headers["Location"]))
    assert "version 2" in page and "Deploy Media information request" in page
    case = start(as_)  # before the procedure is deployed again: still the old form
    assert task_of(as_, "pr", case["id"], "triage")["form"]["schema"]["properties"]["handler"]["title"] == \
        "Who prepares the answer"
    deployed_again = admin.post(f"/admin/forms/deploy/{TRIAGE}", {"process": "information_request"})
    assert deployed_again.status_code == 302
    assert "Deploy Media information request" not in text(admin.get(deployed_again.headers["Location"]))
    new_case = start(as_)
    assert task_of(as_, "pr", new_case["id"], "triage")["form"]["schema"]["properties"]["handler"]["title"] == \
        "Who answers"
    assert task_of(as_, "pr", case["id"], "triage")["form"]["schema"]["properties"]["handler"]["title"] == \
        "Who prepares the answer"


def test_a_refused_form_is_shown_again_with_its_problems_named(page_as: Any, deployed: None) -> None:
    admin = page_as("admin")
    bad = json.dumps({"type": "object", "properties": {"decision": {"type": "string", "default": "approve"}}})
    refused = admin.post("/admin/forms/save", {"key": "information_request/extra", "schema": bad})
    assert refused.status_code == 422
    page = text(refused)
    assert "schema.properties.decision.default" in page and "approve" in page  # the text is kept
    assert admin.post("/admin/forms/save", {"key": "nokey", "schema": "{}"}).status_code == 422


def test_a_text_nested_past_what_json_reads_is_named_not_a_server_error(page_as: Any, deployed: None) -> None:
    admin = page_as("admin")
    nested = "[" * 100_000 + "]" * 100_000  # Python's json parser recurses: past its stack, a RecursionError
    preview = admin.post("/admin/forms/preview", {"schema": nested, "key": TRIAGE})
    assert preview.status_code == 200 and "<code>schema</code>" in text(preview)
    assert admin.post("/admin/forms/save", {"key": "information_request/extra", "schema": nested}).status_code == 422
