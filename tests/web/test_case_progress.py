"""engine.progress: a case's marks on its own diagram while a called procedure runs inside it."""

from __future__ import annotations

from typing import Any

from db.models import ProcessInstance
from engine.progress import progress
from tests.integration.test_publication_response_api import complete, deployed, rebutted, start

__all__ = ["deployed"]  # the publication response with the press conference it calls, deployed for each test


def test_a_called_procedure_is_one_waiting_element_of_the_callers_diagram(as_: Any, sessions: Any, ctx: Any) -> None:
    case = start(as_)
    rebutted(as_, case, ["site", "outlet"])
    complete(as_, "prhead", case["id"], "assess_escalation", escalate="press_conference", legal_action=False)
    with sessions.begin() as session:
        instance = session.get(ProcessInstance, case["id"])
        assert instance is not None
        marks = progress(session, ctx, instance)
    assert "hold_press_conference" in marks.waiting
    assert {"verify_facts", "draft_rebuttal", "assess_escalation"} <= set(marks.completed)
    # The press conference's own elements (its plan task is ready) are not on this diagram.
    assert marks.active == [] and "plan" not in marks.completed + marks.waiting
