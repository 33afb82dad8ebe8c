"""The rebuttal's task page (002 §16): it starts with a row for each distorted or misinterpreted claim found at
verification, and it cannot be completed while one of them has no explanation."""

from __future__ import annotations

from html import unescape
from typing import Any

from db.models import HumanTask
from tests.cases import complete
from tests.integration.test_publication_response_api import EXPLANATIONS, FACTS, REBUTTAL, deployed, start
from tests.web.conftest import text

__all__ = ["deployed"]  # the publication response with the press conference it calls, deployed for each test


def test_the_page_lists_each_claim_and_refuses_one_left_unexplained(as_: Any, page_as: Any, sessions: Any) -> None:
    case = start(as_)
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=FACTS)
    with sessions() as session:
        task = session.query(HumanTask).filter_by(instance_id=case["id"], bpmn_id="draft_rebuttal").one()
    web = page_as("ps_transport")
    page = unescape(text(web.get(f"/tasks/{task.id}")))
    assert 'name="explanations.0.claim" rows="6" maxlength="2000">Fares double in April.</textarea>' in page
    assert 'name="explanations.1.claim" rows="6" maxlength="2000">The mayor approved it.</textarea>' in page
    assert 'name="explanations.0.explanation" rows="6" maxlength="5000"></textarea>' in page  # the author's to write
    assert 'name="explanations.2.claim" rows="6" maxlength="2000"></textarea>' in page  # room for one more, empty
    typed = [("text", REBUTTAL), ("explanations.0.claim", EXPLANATIONS[0]["claim"]),
             ("explanations.0.explanation", EXPLANATIONS[0]["explanation"]),
             ("explanations.1.claim", EXPLANATIONS[1]["claim"]), ("explanations.1.explanation", "")]
    refused = web.post(f"/tasks/{task.id}", typed)
    assert refused.status_code == 422
    assert "The mayor approved it." in unescape(text(refused))
    with sessions() as session:
        assert session.get(HumanTask, task.id).status == "open"
    done = web.post(f"/tasks/{task.id}", typed[:-1] + [("explanations.1.explanation", EXPLANATIONS[1]["explanation"])])
    assert done.status_code == 302
    with sessions() as session:
        assert session.get(HumanTask, task.id).data["explanations"] == EXPLANATIONS
