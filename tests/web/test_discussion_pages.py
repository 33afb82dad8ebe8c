"""A case's discussion on the staff pages: posted on the case page and on a task's page, shown to the case's readers
as written (escaped, line breaks kept, mentions by name), refused with the error at the field, corrected by its
author within a minute, and told in the case's history."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from tests import cases
from tests.web.conftest import text

pytestmark = pytest.mark.usefixtures("cast")


@pytest.fixture
def case(as_: Any, deployed: None) -> dict[str, Any]:
    return cases.start(as_)


def discussion_of(page: str) -> str:
    found = re.search(r'<section id="discussion".*?</section>', page, re.S)
    assert found, "the page has a discussion"
    return found.group(0)


def test_a_comment_posted_on_the_case_page_is_shown_escaped_with_its_line_breaks(page_as: Any,
                                                                               case: dict[str, Any]) -> None:
    web = page_as("pr")
    posted = web.post(f"/cases/{case['id']}/comments", {"text": "Fares <script>alert(1)</script>\nsecond line @prhead"})
    assert posted.status_code == 302 and "#comment-" in posted.headers["Location"]
    for reader in ("prhead", "leader"):
        shown = discussion_of(text(page_as(reader).get(f"/cases/{case['id']}")))
        assert "<script>alert(1)</script>" not in shown
        assert "Fares &lt;script&gt;alert(1)&lt;/script&gt;\nsecond line " in shown
        assert '<strong class="mention" title="@prhead">Prhead</strong>' in shown
    history = text(web.get(f"/cases/{case['id']}"))
    assert "Pr commented:" in unescape(history)
    assert "Prhead was told of a mention." in unescape(history)


def test_an_empty_comment_is_refused_with_the_error_at_the_field_and_nothing_is_posted(
        page_as: Any, case: dict[str, Any]) -> None:
    web = page_as("pr")
    refused = web.post(f"/cases/{case['id']}/comments", {"text": "  "})
    assert refused.status_code == 422
    form = discussion_of(text(refused))
    assert re.search(r'<textarea id="comment-text"[^>]*aria-invalid="true"', form)
    assert '<p class="field-error" id="comment-text-error">Required.</p>' in form
    assert "No one has commented yet." in unescape(discussion_of(text(web.get(f"/cases/{case['id']}"))))


def test_a_mention_of_someone_who_may_not_read_the_case_is_refused_at_the_field_keeping_the_text(
        page_as: Any, case: dict[str, Any]) -> None:
    web = page_as("pr")
    refused = web.post(f"/cases/{case['id']}/comments", {"text": "Ask @ps_health"})
    assert refused.status_code == 422
    form = unescape(discussion_of(text(refused)))
    assert "@ps_health is not among those who may read this case" in form
    assert ">Ask @ps_health</textarea>" in form


def test_a_comment_on_a_task_is_on_its_page_and_marked_with_its_name_on_the_case_page(
        page_as: Any, as_: Any, case: dict[str, Any]) -> None:
    task = cases.task_of(as_, "pr", case["id"], "triage")
    web = page_as("pr")
    posted = web.post(f"/tasks/{task['id']}/comments", {"text": "Who answers this?"})
    assert posted.status_code == 302
    on_task = discussion_of(text(web.get(f"/tasks/{task['id']}")))
    assert "Who answers this?" in on_task
    on_case = unescape(discussion_of(text(web.get(f"/cases/{case['id']}"))))
    assert "on “Triage the request”" in on_case and "Who answers this?" in on_case


def test_its_author_corrects_it_within_a_minute_and_then_no_more(page_as: Any, case: dict[str, Any],
                                                                 clock: Any) -> None:
    web = page_as("pr")
    posted = web.post(f"/cases/{case['id']}/comments", {"text": "Tpyo"})
    comment_id = int(posted.headers["Location"].rsplit("-", 1)[1])
    assert "Correct it" in text(web.get(f"/cases/{case['id']}"))
    assert "Correct it" not in text(page_as("prhead").get(f"/cases/{case['id']}"))
    corrected = web.post(f"/comments/{comment_id}", {"text": "Typo"})
    assert corrected.status_code == 302
    assert "Typo" in discussion_of(text(web.get(f"/cases/{case['id']}")))
    clock.advance(minutes=2)
    assert "Correct it" not in text(web.get(f"/cases/{case['id']}"))
    late = web.post(f"/comments/{comment_id}", {"text": "Again"})
    assert late.status_code == 409
    assert "within a minute of posting it" in unescape(text(late))


def test_an_auditor_reads_the_discussion_without_a_form(page_as: Any, as_: Any, case: dict[str, Any]) -> None:
    as_("pr").post(f"/api/v1/process-instances/{case['id']}/comments", json={"text": "For the record"})
    outsider = page_as("ps_health")
    assert outsider.post(f"/cases/{case['id']}/comments", {"text": "Hi"}).status_code == 403


def test_the_auditor_reads_a_comment_and_its_correction_in_the_trail_in_words(page_as: Any, as_: Any,
                                                                             case: dict[str, Any]) -> None:
    posted = as_("pr").post(f"/api/v1/process-instances/{case['id']}/comments", json={"text": "Frist draft"})
    as_("pr").patch(f"/api/v1/comments/{posted.get_json()['id']}", json={"text": "First draft"})
    page = unescape(text(page_as("auditor").get("/audit/events?type=case_comment.edited")))
    assert "Staff comment corrected" in page and f"Comment №{posted.get_json()['id']}" in page
    assert "Frist draft" in page and "First draft" in page
    assert "case_comment:" not in page
