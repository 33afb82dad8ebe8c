"""The PR department moderates the public's comments on a draft act from the case's page: each comment with its
writer's contact and status, approve, or reject with a reason (without one the page says so and nothing changes).
Whoever may not moderate sees the comments without the buttons. On SQLite and PostgreSQL, under the UA profile."""

from __future__ import annotations

from typing import Any

import pytest

from engine.spiff.clock import FrozenClock
from tests.integration.test_draft_act_publication_api import COMMENT, PUBLISHED_AT, comment, published
from tests.web.conftest import text

# The publication of a draft act for comment is Ukraine's procedure (Law 2939-VI art. 15).
pytestmark = pytest.mark.jurisdiction("UA")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(PUBLISHED_AT)


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    from tests.conftest import deploy_shipped

    deploy_shipped(sessions, ctx, "draft_act_publication.bpmn")


def test_the_pr_department_approves_and_rejects_comments_on_the_case_page(as_: Any, page_as: Any) -> None:
    case, draft_id = published(as_)
    kept = comment(as_, draft_id).get_json()["id"]
    spam = comment(as_, draft_id, name="Cheap loans", text="Visit our site").get_json()["id"]
    pr = page_as("pr")
    shown = text(pr.get(f"/cases/{case['id']}"))
    assert COMMENT["contact"] in shown and "Approve" in shown and f'id="reason-{spam}"' in shown
    refused = pr.post(f"/cases/{case['id']}/comments/{spam}", {"decision": "reject", "reason": ""})
    assert refused.status_code == 302
    assert "write why" in text(pr.get(f"/cases/{case['id']}"))
    assert pr.post(f"/cases/{case['id']}/comments/{spam}", {"decision": "reject", "reason": "Advertising"}
                   ).status_code == 302
    assert pr.post(f"/cases/{case['id']}/comments/{kept}", {"decision": "approve"}).status_code == 302
    statuses = {c["id"]: c["status"] for c in as_("pr").get(f"/api/v1/draft-acts/{case['id']}/comments").get_json()
                ["items"]}
    assert statuses == {kept: "approved", spam: "rejected"}
    public = text(as_(None).get(f"/public/drafts/{draft_id}"))
    assert COMMENT["text"] in public and "Cheap loans" not in public and COMMENT["contact"] not in public


def test_who_may_not_moderate_sees_no_buttons(as_: Any, page_as: Any) -> None:
    case, draft_id = published(as_)
    pending = comment(as_, draft_id).get_json()["id"]
    writer = page_as("ps_transport")
    shown = text(writer.get(f"/cases/{case['id']}"))
    assert COMMENT["text"] in shown and f'id="reason-{pending}"' not in shown
    assert writer.post(f"/cases/{case['id']}/comments/{pending}", {"decision": "approve"}).status_code == 403


def test_the_summary_page_starts_with_one_row_a_published_comment(as_: Any, page_as: Any, sessions: Any,
                                                                    ctx: Any) -> None:
    from datetime import timedelta

    from engine.background.sweeper import sweep
    from tests.cases import task_of
    from tests.integration.test_draft_act_publication_api import LAST_MOMENT

    case, draft_id = published(as_)
    kept = comment(as_, draft_id).get_json()["id"]
    as_("pr").post(f"/api/v1/draft-comments/{kept}/moderate", json={"decision": "approve"})
    waiting = comment(as_, draft_id, text="Sent in time, not yet moderated.").get_json()["id"]
    assert sweep(sessions, ctx, LAST_MOMENT + timedelta(seconds=1)).fired == 1
    task = task_of(as_, "ps_transport", case["id"], "summarise_comments")
    writer = page_as("ps_transport")
    shown = writer.get(f"/tasks/{task['id']}")
    assert shown.status_code == 200
    body = text(shown)
    assert 'name="comment_outcomes.0.comment"' in body and f'value="{kept}"' in body
    assert "taken_into_account" in body  # the outcome is offered, not chosen
    # The comment still waiting is counted, with the way to the moderation on the case's page.
    assert f"1 comment still waits for moderation (no. {waiting})" in body
    assert f'href="/cases/{case["id"]}#comments"' in body
    refused = writer.post(f"/tasks/{task['id']}", {
        "comment_outcomes.0.comment": str(kept), "comment_outcomes.0.outcome": "taken_into_account",
        "comment_outcomes.0.reason": "Agreed", "summary": "One comment.", "adopted_title": "Rules",
        "adopted_text": "1. Three metres."})
    assert refused.status_code == 422 and "Some comments still wait for moderation" in text(refused)
