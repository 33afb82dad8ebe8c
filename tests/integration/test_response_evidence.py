"""A publication response keeps the offending piece as evidence (issue 13, point 6): the press secretary who verifies
the facts attaches its screenshot, scan or recording (`evidence`). A print, television or radio piece has no link,
so the file is its only record and is required (422 naming `evidence`, the task left open); a website's piece may do
without. The evidence is carried to the legal department's claim, which lists it."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from tests import cases
from tests.cases import attach, complete, submit, task_of
from tests.conftest import deploy_shipped
from tests.files import jpeg, mp3

ONLINE = {
    "kind": "publication",
    "outlet": "Kaktus Media",
    "medium": "online",
    "url": "https://kaktus.example/2026/03/01/bus-fares",
    "published_at": "2026-03-01T18:30:00+06:00",
    "summary": "Bus fares will double in April, the article claims.",
    "tone": "negative",
    "unit": "transport",
}
FACTS = [{"claim": "Fares double in April.", "finding": "distorted", "established": "No decision was taken."}]
ACCURATE = [{"claim": "Fares are 20 som today.", "finding": "accurate", "established": "Correct."}]
start = partial(cases.start, process_key="publication_response", user="ps_transport")


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any, cast: Any) -> None:
    for name in ("press_conference.bpmn", "publication_response.bpmn"):
        deploy_shipped(sessions, ctx, name)


def without_link(medium: str) -> dict[str, Any]:
    return {k: v for k, v in ONLINE.items() if k != "url"} | {"medium": medium, "outlet": "Vecherniy Bishkek"}


@pytest.mark.parametrize("medium", ["print", "tv", "radio"])
def test_a_piece_without_a_link_cannot_be_verified_without_evidence(as_: Any, medium: str) -> None:
    case = start(as_, data=without_link(medium))
    task = task_of(as_, "ps_transport", case["id"], "verify_facts")
    for missing in ({}, {"evidence": []}):
        response = submit(as_, "ps_transport", task["id"], verdict="accurate", facts=ACCURATE, **missing)
        assert response.status_code == 422, response.get_json()
        assert [e["field"] for e in response.get_json()["errors"]] == ["evidence"]
    assert task_of(as_, "ps_transport", case["id"], "verify_facts")["status"] == "open"
    kept = attach(as_, "ps_transport", case["id"], mp3() if medium == "radio" else jpeg(), f"piece-{medium}")
    done = complete(as_, "ps_transport", case["id"], "verify_facts", verdict="accurate", facts=ACCURATE,
                    evidence=[kept])
    assert done["data"]["evidence"] == [kept]


def test_a_websites_piece_may_be_verified_with_or_without_evidence(as_: Any) -> None:
    bare, shot = start(as_, data=ONLINE), start(as_, data=ONLINE)
    done = complete(as_, "ps_transport", bare["id"], "verify_facts", verdict="accurate", facts=ACCURATE)
    assert done["status"] == "completed" and "evidence" not in done["data"]
    screenshot = attach(as_, "ps_transport", shot["id"], jpeg(), "kaktus-screenshot.jpg")
    done = complete(as_, "ps_transport", shot["id"], "verify_facts", verdict="accurate", facts=ACCURATE,
                    evidence=[screenshot])
    assert done["data"]["evidence"] == [screenshot]


def test_evidence_must_be_a_file_of_the_same_case(as_: Any) -> None:
    case, other = start(as_, data=without_link("print")), start(as_, data=ONLINE)
    theirs = attach(as_, "ps_transport", other["id"], jpeg(), "other.jpg")
    task = task_of(as_, "ps_transport", case["id"], "verify_facts")
    response = submit(as_, "ps_transport", task["id"], verdict="accurate", facts=ACCURATE, evidence=[theirs])
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["evidence"]


def test_the_claim_to_court_starts_with_the_evidence(as_: Any) -> None:
    case = start(as_, data=without_link("print"))
    scans = [attach(as_, "ps_transport", case["id"], name=f"page-{n}.pdf") for n in (1, 2)]
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=FACTS, evidence=scans,
             legal_action=True)
    complete(as_, "ps_transport", case["id"], "draft_rebuttal", text="Fares stay at 20 som.",
             explanations=[{"claim": FACTS[0]["claim"], "explanation": "No decision on fares was taken."}])
    complete(as_, "pr", case["id"], "pr_approval", decision="approve", confirm_no_confidential=True)
    complete(as_, "pr", case["id"], "publish_response", outlet_sent_via="email")
    claim = task_of(as_, "lawyer", case["id"], "prepare_claim")
    assert claim["data"]["evidence"] == scans  # the claim lists it, as its form starts
    assert claim["form"]["schema"]["properties"]["evidence"]["x-attachment"] is True
    decision = attach(as_, "lawyer", case["id"], name="board-minutes.pdf")  # the lawyer may add another file
    done = complete(as_, "lawyer", case["id"], "prepare_claim", claim_summary="Against the paper.",
                    court="Pervomaisky district court", filed_at="2026-03-02T09:00:00+06:00",
                    evidence=[*scans, decision])
    assert done["data"]["evidence"] == [*scans, decision]


def test_the_verification_form_is_served_asking_for_evidence_where_the_piece_has_no_link(as_: Any) -> None:
    printed, online = start(as_, data=without_link("print")), start(as_, data=ONLINE)
    served = task_of(as_, "ps_transport", printed["id"], "verify_facts")["form"]["schema"]
    assert "evidence" in served["required"] and served["properties"]["evidence"]["minItems"] == 1
    served = task_of(as_, "ps_transport", online["id"], "verify_facts")["form"]["schema"]
    assert "evidence" not in served["required"] and "minItems" not in served["properties"]["evidence"]
