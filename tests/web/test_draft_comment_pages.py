"""The PR department moderates the public's comments on a draft act from the case's page: each comment with its
writer's contact and status, approve, or reject with a reason (without one the page says so and nothing changes).
Whoever may not moderate sees the comments without the buttons. On SQLite and PostgreSQL, under the UA profile."""

from __future__ import annotations

from typing import Any

import pytest

from engine.core.settings import Settings
from engine.spiff.clock import FrozenClock
from tests.integration.test_draft_act_publication_api import COMMENT, PUBLISHED_AT, comment, published
from tests.web.conftest import text


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                    country="UA", timezone="Europe/Kyiv", publication_languages=("uk",), jurisdiction="UA")


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
