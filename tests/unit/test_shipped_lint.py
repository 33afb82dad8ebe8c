"""Every shipped diagram passes bpmnlint with the modeler's configuration (assets/lint/config.js, run in Node as a
deploy runs it) with no error and no warning, so `jarchy init` may deploy them without Node
(definitions.deploy_shipped), and an administrator who opens one in the modeler sees nothing marked.

Cleared for this (issue 17, point 4): 158 names of flows that needed none; 22 tasks where flows merged without a
gateway (now a gateway "Paths meet"); publication_response's two inclusive gateways (now an exclusive choice of four
ways, "both" a parallel split); 32 elements whose documentation cited no clause; one gateway that forked and joined."""

from __future__ import annotations

import shutil

import pytest

from engine.procedures import lint
from tests.diagrams import WORKFLOWS

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs bpmnlint")
DIAGRAMS = sorted(WORKFLOWS.glob("*.bpmn"))


def test_there_are_ten_shipped_diagrams() -> None:
    assert len(DIAGRAMS) == 10


def test_every_shipped_diagram_lints_with_no_error_and_no_warning() -> None:
    results = lint.lint_many([path.read_bytes() for path in DIAGRAMS])
    found = [(path.name, r.element_id, r.rule, r.category) for path, reports in zip(DIAGRAMS, results, strict=True)
             for r in reports]
    assert found == []
