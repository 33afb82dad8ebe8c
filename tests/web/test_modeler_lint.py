"""The modeler's deploy (POST /admin/deploy) refuses a bpmnlint error with the element and the rule, for the
modeler to mark it on the diagram (engine/procedures/lint.py); the modeler's check (POST /admin/modeler/check) says
what the server's sandbox refuses in the scripts while the administrator draws."""

from __future__ import annotations

import html
import json
import re
import shutil
from typing import Any

import pytest

from tests.diagrams import script_diagram
from tests.integration.test_deploy_lint import SPLIT

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs bpmnlint")


def test_the_modelers_deploy_refuses_a_lint_error_naming_the_element_and_the_rule(page_as: Any) -> None:
    web = page_as("admin")
    response = web.client.post("/admin/deploy", data=SPLIT.encode(),
                               headers={"X-CSRFToken": web.csrf(), "Content-Type": "application/xml"})
    assert response.status_code == 422
    problem = next(e for e in response.get_json()["errors"] if e.get("rule") == "no-disconnected")
    assert problem["element_id"] == "orphan" and "no-disconnected" in problem["message"]


CHECK = "/admin/modeler/check"


def post_check(web: Any, xml: str, content_type: str = "application/xml") -> Any:
    return web.client.post(CHECK, data=xml.encode(), headers={"X-CSRFToken": web.csrf(), "Content-Type": content_type})


def test_the_check_names_what_the_sandbox_refuses_at_its_element_in_the_readers_words(page_as: Any) -> None:
    web = page_as("admin")
    response = post_check(web, script_diagram("checked", "import os"))
    assert response.status_code == 200
    (problem,) = response.get_json()["problems"]
    assert (problem["element_id"], problem["code"]) == ("work", "script_import")
    assert problem["params"]["name"] == "os" and "os" in problem["message"]


def test_the_check_finds_nothing_in_a_script_the_sandbox_compiles(page_as: Any) -> None:
    assert post_check(page_as("admin"), script_diagram("checked", "x = 1")).get_json() == {"problems": []}


def test_the_check_wants_xml(page_as: Any) -> None:
    response = post_check(page_as("admin"), "x", content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["errors"][0]["code"] == "content_type"


def test_only_an_administrator_may_check(page_as: Any) -> None:
    assert post_check(page_as("pr"), script_diagram("checked", "x = 1")).status_code == 403


def test_the_modeler_knows_a_form_deployed_through_the_api(page_as: Any, as_: Any) -> None:
    """form-exists in the modeler is told the deployed forms' keys: a task may name a form added without a release."""
    def known(web: Any) -> list[str]:
        page = web.client.get("/admin/modeler").get_data(as_text=True)
        return json.loads(html.unescape(re.search(r"data-lint='([^']*)'", page).group(1)))["forms"]

    web = page_as("admin")
    assert "evidence/collect" not in known(web)
    form = {"type": "object", "properties": {"note": {"type": "string"}}}
    assert as_("admin").post("/api/v1/forms", json={"key": "evidence/collect", "schema": form}).status_code == 201
    assert "evidence/collect" in known(web)
