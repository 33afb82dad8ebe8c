"""The modeler's deploy (POST /admin/deploy) refuses a bpmnlint error with the element and the rule, for the
modeler to mark it on the diagram (engine/procedures/lint.py)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.integration.test_deploy_lint import SPLIT

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs bpmnlint")


def test_the_modelers_deploy_refuses_a_lint_error_naming_the_element_and_the_rule(page_as: Any) -> None:
    web = page_as("admin")
    response = web.client.post("/admin/deploy", data=SPLIT.encode(),
                               headers={"X-CSRFToken": web.csrf(), "Content-Type": "application/xml"})
    assert response.status_code == 422
    problem = next(e for e in response.get_json()["errors"] if e.get("rule") == "no-disconnected")
    assert problem["element_id"] == "orphan" and "no-disconnected" in problem["message"]
