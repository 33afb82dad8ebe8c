"""The public pages pass axe-core (tests/browser/axe.py: no serious or critical violation of WCAG 2.2 A/AA) on the
latest publications, a release, a rebuttal, the archive (results, and a parameter refused), the request form, and
the draft acts (their list, and a draft's page with its file, a comment and the comment form), on a desktop and on
a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import AXE, violations
from tests.cases import complete
from tests.conftest import deploy_shipped
from tests.files import pdf, png
from tests.integration.test_draft_act_publication_api import COMMENT, DRAFT
from tests.integration.test_publication_response_api import EXPLANATIONS, FACTS, PUBLICATION, REBUTTAL, SENT
from tests.integration.test_release_approval_api import TRANSLATIONS
from tests.integration.test_release_approval_api import start as start_release
from tests.integration.test_release_media import agreed, attach


@pytest.fixture
def published(app: Any, sessions: Any, ctx: Any, as_: Any) -> dict[str, int]:
    for diagram in ("release_approval", "press_conference", "publication_response", "public_information_request",
                    "draft_act_publication"):
        deploy_shipped(sessions, ctx, f"{diagram}.bpmn")
    release = start_release(as_)
    agreed(as_, release)  # with a photo and a document, so that the release's media are checked too
    media = [attach(as_, release["id"], content, name)["id"] for content, name in ((png(), "opening.png"),
                                                                                  (pdf(), "report.pdf"))]
    complete(as_, "ps_transport", release["id"], "translate", translations=TRANSLATIONS, media=media)
    complete(as_, "pr", release["id"], "publish")
    case = as_("ps_transport").post("/api/v1/process-instances", json={
        "process_key": "publication_response", "data": PUBLICATION}).get_json()
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=FACTS)
    complete(as_, "ps_transport", case["id"], "draft_rebuttal", text=REBUTTAL, explanations=EXPLANATIONS)
    complete(as_, "pr", case["id"], "pr_approval", decision="approve", confirm_no_confidential=True)
    complete(as_, "pr", case["id"], "publish_response", **SENT)
    # A draft act under discussion, with a file and an approved comment, and its comment form.
    draft = as_("ps_transport").post("/api/v1/process-instances", json={
        "process_key": "draft_act_publication", "data": DRAFT}).get_json()
    scan = attach(as_, draft["id"], pdf(), "draft.pdf", user="ps_transport")["id"]
    complete(as_, "ps_transport", draft["id"], "submit_draft", title=DRAFT["title"], text=DRAFT["text"], files=[scan])
    complete(as_, "lawyer", draft["id"], "legal_review", decision="approve")
    complete(as_, "pr", draft["id"], "publish_draft")
    draft_id = as_(None).get("/public/drafts", headers={"Accept": "application/json"}).get_json()["items"][0]["id"]
    sent = as_(None).post(f"/public/drafts/{draft_id}/comments", json=COMMENT).get_json()
    as_("pr").post(f"/api/v1/draft-comments/{sent['id']}/moderate", json={"decision": "approve"})
    return {"release": as_(None).get("/public/releases").get_json()["items"][0]["id"],
            "response": as_(None).get("/public/responses").get_json()["items"][0]["id"], "draft": draft_id}


def test_axe_finds_what_it_should(browser: Any, live_server: str) -> None:
    """The check can fail: an image without a text alternative is a critical violation."""
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/request")
    page.evaluate("document.querySelector('main').appendChild(document.createElement('img')).src = '/x.png'")
    assert any(v.startswith("image-alt (critical)") for v in violations(page))
    context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_public_pages_have_no_serious_accessibility_violation(browser: Any, live_server: str,
                                                                   published: dict[str, int], width: int) -> None:
    assert AXE.is_file(), "axe-core is installed by `make install` (npm ci)"
    # The pages' Content-Security-Policy forbids injected scripts: this context alone lets axe in.
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path in ("/public", f"/public/releases/{published['release']}", f"/public/responses/{published['response']}",
                 "/public/archive?q=сорок", "/public/archive?q=улиц&from=2026-13-01", "/request", "/public/drafts",
                 f"/public/drafts/{published['draft']}"):
        page.goto(path)
        assert violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert errors == []
    context.close()
