"""A deploy refuses what bpmnlint reports as an error (engine/procedures/lint.py), through the API, the modeler's
page and `jarchy deploy`, naming the element and the rule; a warning alone deploys; without Node.js the deploy is
refused as the server's fault, saying so."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.diagrams import script_diagram

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs bpmnlint")
URL = "/api/v1/process-definitions"
XML = {"Content-Type": "application/xml"}
# A task connected to nothing: SpiffWorkflow never reaches it and deploys the diagram; bpmnlint's recommended
# no-disconnected calls it an error, as the modeler does.
SPLIT = script_diagram("lint_split", "x = 1").replace(
    '<bpmn:endEvent id="end"/>',
    '<bpmn:endEvent id="end"/>\n    <bpmn:scriptTask id="orphan" name="Orphan"><bpmn:script>y = 1</bpmn:script>'
    '</bpmn:scriptTask>')


def test_a_lint_error_is_refused_with_422_naming_the_element_and_the_rule(as_: Any) -> None:
    admin = as_("admin")
    response = admin.post(URL, data=SPLIT.encode(), headers=XML)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"element_id": "orphan", "rule": "no-disconnected"} in [
        {"element_id": e.get("element_id"), "rule": e.get("rule")} for e in errors]
    assert admin.get(f"{URL}/lint_split").status_code == 404


def test_a_warning_alone_deploys(as_: Any) -> None:
    # The start and end events have no name (label-required warns) and no documentation (cites-clause warns).
    response = as_("admin").post(URL, data=script_diagram("lint_warned", "x = 1").encode(), headers=XML)
    assert response.status_code == 201, response.get_json()
    warned = {(w["element_id"], w["rule"]) for w in response.get_json()["lint_warnings"]}
    assert {("start", "label-required"), ("end", "label-required"), ("work", "jarchy/cites-clause")} <= warned


def test_jarchy_deploy_refuses_a_lint_error_naming_the_element(jarchy: Any, tmp_path: Path) -> None:
    path = tmp_path / "split.bpmn"
    path.write_text(SPLIT, encoding="utf-8")
    result = jarchy("deploy", str(path))
    assert result.exit_code == 1, result.output
    assert "element orphan" in result.output and "no-disconnected" in result.output


def test_jarchy_deploy_says_the_warnings_of_a_diagram_it_deploys(jarchy: Any, tmp_path: Path) -> None:
    path = tmp_path / "warned.bpmn"
    path.write_text(script_diagram("lint_cli_warned", "x = 1"), encoding="utf-8")
    result = jarchy("deploy", str(path))
    assert result.exit_code == 0, result.output
    assert "lint_cli_warned version 1 deployed" in result.output
    assert "warning: element start: label-required" in result.output


def test_without_node_a_deploy_is_refused_as_the_servers_fault(as_: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("JARCHY_NODE", "/nonexistent/node")
    response = as_("admin").post(URL, data=script_diagram("lint_no_node", "x = 2").encode(), headers=XML)
    assert response.status_code == 503
    assert response.get_json()["code"] == "lint_unavailable"
