"""A decision or an attestation is made afresh by whoever gives it: a task's form never starts with an earlier
round's decision, comment or confirmation; those are shown beside it, read-only, with who gave them and when."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from engine.procedures.forms import decision_problems, is_decision, load_form
from tests.cases import complete, start
from tests.conftest import REQUEST, deploy_shipped
from tests.web.conftest import text

RELEASE = {"kind": "press_release", "title": "New buses", "body": "Forty buses join the city fleet.",
           "unit": "transport"}


def task(as_: Any, who: str, case: dict[str, Any], bpmn_id: str) -> dict[str, Any]:
    fresh = as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()
    (found,) = [t["id"] for t in fresh["tasks"] if t["bpmn_id"] == bpmn_id]
    response = as_(who).get(f"/api/v1/tasks/{found}")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def procedures(app: Any, cast: Any, sessions: Any, ctx: Any) -> None:
    for name in ("information_request", "release_approval"):
        deploy_shipped(sessions, ctx, f"{name}.bpmn")


def test_the_pr_department_does_not_find_the_unit_heads_approval_selected(as_: Any, procedures: None) -> None:
    case = start(as_, "release_approval", RELEASE, user="ps_transport")
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve", comment="Fine by me.")
    review = task(as_, "pr", case, "pr_review")
    assert review["data"] == {}  # neither the head's "approve" nor the head's comment
    assert "default" not in review["form"]["schema"]["properties"]["decision"]
    assert review["context"] == {"returned": None, "last_round": None}


def test_a_request_returned_for_rework_comes_back_with_the_draft_and_without_the_reviewers_verdict(
        as_: Any, procedures: None, clock: Any) -> None:
    case = start(as_, "information_request", REQUEST)
    complete(as_, "pr", case["id"], "triage", handler="press_secretary", unit="transport", contributors=[])
    draft = "Fares stay as they are in 2027."
    complete(as_, "ps_transport", case["id"], "prepare_answer", answer=draft, confirm_no_confidential=True,
             refuse=False)
    clock.advance(hours=2)
    returned_at = clock.now()
    complete(as_, "pr", case["id"], "approve_answer", decision="rework", comment="Cite the decree.")

    again = task(as_, "ps_transport", case, "prepare_answer")
    assert again["data"] == {"answer": draft}  # the draft to rework, not the attestation given last time
    returned = again["context"]["returned"]
    assert (returned["bpmn_id"], returned["by"], returned["comment"]) == ("approve_answer", "pr", "Cite the decree.")
    assert datetime.fromisoformat(returned["at"]) == returned_at
    last = again["context"]["last_round"]
    assert (last["by"], last["data"]["answer"], last["data"]["confirm_no_confidential"]) == \
        ("ps_transport", draft, True)

    complete(as_, "ps_transport", case["id"], "prepare_answer", answer=draft + " Decree No. 12.",
             confirm_no_confidential=True, refuse=False)
    review = task(as_, "pr", case, "approve_answer")
    assert review["data"] == {}  # no ticked confirmation, and the rework comment is not the approval's comment
    assert review["context"]["last_round"]["data"] == {"decision": "rework", "comment": "Cite the decree."}
    assert review["context"]["returned"] is None  # the reviewer's own rework is their last round, not a return


def test_a_task_stored_with_a_decision_in_its_data_does_not_serve_it(as_: Any, page_as: Any, procedures: None,
                                                                     sessions: Any) -> None:
    """A task made by 0.4, which carried every field of the case, still open after the upgrade."""
    from db.models import HumanTask

    case = start(as_, "release_approval", RELEASE, user="ps_transport")
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve", comment="Fine by me.")
    review_id = task(as_, "pr", case, "pr_review")["id"]
    with sessions.begin() as session:
        session.get(HumanTask, review_id).data = {"decision": "approve", "comment": "Fine by me.",
                                                  "confirm_no_confidential": True}
    assert task(as_, "pr", case, "pr_review")["data"] == {}
    page = text(page_as("pr").get(f"/tasks/{review_id}"))
    form = page[page.index('class="stacked schema-form"'):]
    assert not re.search(r'name="decision"[^>]*checked', form)
    assert not re.search(r'name="confirm_no_confidential"[^>]*checked', form) and "Fine by me.</textarea>" not in form


def test_the_task_page_shows_the_earlier_round_beside_an_empty_decision(page_as: Any, as_: Any, procedures: None,
                                                                         sessions: Any) -> None:
    case = start(as_, "information_request", REQUEST)
    complete(as_, "pr", case["id"], "triage", handler="press_secretary", unit="transport", contributors=[])
    complete(as_, "ps_transport", case["id"], "prepare_answer", answer="Draft.", confirm_no_confidential=True,
             refuse=False)
    complete(as_, "pr", case["id"], "approve_answer", decision="rework", comment="Cite the decree.")
    page = text(page_as("ps_transport").get(f"/tasks/{task(as_, 'ps_transport', case, 'prepare_answer')['id']}"))
    note = page[page.index('class="notice returned"'):]
    assert "Returned for rework by pr" in note and "<blockquote>Cite the decree.</blockquote>" in note
    assert ">Draft.</textarea>" in page  # the draft is carried
    assert not re.search(r'name="confirm_no_confidential"[^>]*checked', page)

    complete(as_, "ps_transport", case["id"], "prepare_answer", answer="Draft 2.", confirm_no_confidential=True,
             refuse=False)
    page = text(page_as("pr").get(f"/tasks/{task(as_, 'pr', case, 'approve_answer')['id']}"))
    form = page[page.index('class="stacked schema-form"'):]
    assert not re.search(r'name="decision"[^>]*checked', form)
    assert not re.search(r'name="confirm_no_confidential"[^>]*checked', form)
    assert "Cite the decree.</textarea>" not in form  # the comment field starts empty
    assert "The previous round of this task, by pr" in page


def test_a_form_that_would_carry_or_preset_a_decision_is_refused() -> None:
    carrying = {"properties": {"decision": {"type": "string", "enum": ["approve"], "x-carry": True},
                               "confirm_facts": {"type": "boolean", "default": True},
                               "refuse": {"type": "boolean", "default": False},
                               "comment": {"type": "string", "x-carry": True}}}
    assert decision_problems(carrying) == [
        "decision records a decision and cannot be carried over from the case",
        "confirm_facts records a decision and cannot have a default"]


@pytest.mark.parametrize("key", ["information_request/approve_answer", "information_request/prepare_answer",
                                 "release_approval/unit_head_review", "release_approval/pr_review",
                                 "publication_response/pr_approval", "publication_response/verify_facts",
                                 "publication_response/assess_escalation", "press_conference/review_talking_points",
                                 "interview_request/pr_review", "interview_request/official_consent",
                                 "breach_report/review_breach"])
def test_no_approval_form_of_the_shipped_procedures_carries_or_presets_a_decision(key: str) -> None:
    schema = load_form(key)
    decisions = [name for name in schema["properties"] if is_decision(name)]
    assert decisions, f"{key} records no decision?"
    for name in decisions:
        prop = schema["properties"][name]
        assert not prop.get("x-carry") and prop.get("default", False) is False, (key, name)
