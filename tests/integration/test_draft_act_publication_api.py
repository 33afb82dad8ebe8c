"""`draft_act_publication` (DA) driven through the API under Ukraine's profile (Law "On Access to Public Information",
art. 15: drafts are public at least 10 working days before they are considered): a unit submits a draft with its
files, the legal department returns it once and approves it, the PR department publishes it; the public comments
without an account (name and contact required, throttled, moderated: a rejected comment never shows), a comment at
the period's last moment is taken and one just after is refused; the period can be extended but never shortened;
when the timer ends the discussion the unit accounts for each approved comment, and the adopted text is published
beside the draft, with both in the archive. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.background.sweeper import sweep
from engine.core.errors import Invalid
from engine.runtime import draft_acts
from engine.spiff.clock import FrozenClock
from tests import cases
from tests.cases import attach, complete, events, inbox, task_of
from tests.conftest import deploy_shipped

# The publication of a draft act for comment is Ukraine's procedure (Law 2939-VI art. 15).
pytestmark = pytest.mark.jurisdiction("UA")
KYIV = ZoneInfo("Europe/Kyiv")
KEY = "draft_act_publication"
DRAFT = {"title": "Rules for the placement of summer terraces",
         "text": "1. A summer terrace may be placed on a pavement at least 2 metres wide.", "unit": "transport"}
COMMENT = {"name": "Olena Kovalenko", "contact": "olena@example.ua",
           "text": "Two metres leaves too little room for prams: ask for three."}

PUBLISHED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=KYIV)  # Mon 2 March 2026
# Art. 15: ten working days after Mon 2 March (no holidays in 2026 under martial law): 3-6, 9-13, 16 March.
ENDS_AT = "2026-03-16T18:00:00+02:00"
LAST_MOMENT = datetime(2026, 3, 16, 18, 0, tzinfo=KYIV)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(PUBLISHED_AT)


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, f"{KEY}.bpmn")


def published(as_: Any) -> tuple[dict[str, Any], int]:
    """A draft taken through submission (with a file), one return by the legal department, approval and
    publication: the case, and the draft's public id."""
    case = cases.start(as_, KEY, DRAFT, user="ps_transport")
    assert case["business_key"] == "DA-2026-000001" or case["business_key"].startswith("DA-2026-")
    scan = attach(as_, "ps_transport", case["id"], name="draft.pdf")
    complete(as_, "ps_transport", case["id"], "submit_draft", title=DRAFT["title"], text=DRAFT["text"], files=[scan])
    complete(as_, "lawyer", case["id"], "legal_review", decision="return", comment="Cite the city's rules of 2019.")
    complete(as_, "ps_transport", case["id"], "submit_draft", title=DRAFT["title"],
             text=DRAFT["text"] + " (Rules of 2019, §4.)", files=[scan])
    complete(as_, "lawyer", case["id"], "legal_review", decision="approve")
    after = complete(as_, "pr", case["id"], "publish_draft")
    assert after["data"]["due_at"] == ENDS_AT and after["tasks"] == []
    (item,) = public_list(as_)
    return after, item["id"]


def public_list(as_: Any) -> list[dict[str, Any]]:
    response = as_(None).get("/public/drafts", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return response.get_json()["items"]


def page(as_: Any, draft_id: int) -> dict[str, Any]:
    response = as_(None).get(f"/public/drafts/{draft_id}", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def comment(as_: Any, draft_id: int, address: str = "198.51.100.7", **changes: Any) -> Any:
    return as_(None).post(f"/public/drafts/{draft_id}/comments", json={**COMMENT, **changes},
                          environ_base={"REMOTE_ADDR": address})


def moderate(as_: Any, comment_id: int, decision: str, user: str = "pr", **body: Any) -> Any:
    return as_(user).post(f"/api/v1/draft-comments/{comment_id}/moderate", json={"decision": decision, **body})


def test_the_draft_is_published_with_its_files_and_its_period_from_the_profile(as_: Any) -> None:
    case, draft_id = published(as_)
    shown = page(as_, draft_id)
    assert shown["title"] == DRAFT["title"] and shown["text"].endswith("(Rules of 2019, §4.)")
    assert shown["discussion"]["ends_at"] == ENDS_AT and shown["discussion"]["open"] is True
    assert shown["adopted"] is None and shown["comments"] == []
    (file,) = shown["files"]
    download = as_(None).get(file["url"].removeprefix("http://localhost"))
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    # The draft's route serves its own files only: another file of the same case is not found.
    other = attach(as_, "ps_transport", case["id"], name="internal-note.pdf")
    assert as_(None).get(f"/public/drafts/{draft_id}/files/{other}").status_code == 404
    assert as_(None).get(f"/public/drafts/{draft_id + 1000}").status_code == 404
    html = as_(None).get(f"/public/drafts/{draft_id}")
    assert html.status_code == 200 and "text/html" in html.content_type
    assert DRAFT["title"] in html.get_data(as_text=True)


def test_a_return_needs_its_comment_and_the_decision_is_never_prefilled(as_: Any) -> None:
    case = cases.start(as_, KEY, DRAFT, user="ps_transport")
    complete(as_, "ps_transport", case["id"], "submit_draft", title=DRAFT["title"], text=DRAFT["text"])
    review = task_of(as_, "lawyer", case["id"], "legal_review")
    assert "decision" not in review["data"]
    refused = cases.submit(as_, "lawyer", review["id"], decision="return")
    assert refused.status_code == 422 and [e["field"] for e in refused.get_json()["errors"]] == ["comment"]


def test_comments_are_moderated_and_a_rejected_one_never_shows(as_: Any) -> None:
    case, draft_id = published(as_)
    sent = comment(as_, draft_id)
    assert sent.status_code == 201 and sent.get_json()["status"] == "pending"
    spam = comment(as_, draft_id, name="Cheap loans", text="Visit our site")
    assert page(as_, draft_id)["comments"] == []  # nothing shows before moderation
    assert moderate(as_, sent.get_json()["id"], "approve", user="ps_transport").status_code == 403
    no_reason = moderate(as_, spam.get_json()["id"], "reject")
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["field"] == "reason"
    assert moderate(as_, spam.get_json()["id"], "reject", reason="Advertising").get_json()["status"] == "rejected"
    assert moderate(as_, sent.get_json()["id"], "approve").get_json()["status"] == "approved"
    assert moderate(as_, sent.get_json()["id"], "reject", reason="Changed my mind").status_code == 409
    shown = page(as_, draft_id)
    assert [(c["name"], c["text"]) for c in shown["comments"]] == [(COMMENT["name"], COMMENT["text"])]
    assert "contact" not in shown["comments"][0]
    assert "Cheap loans" not in as_(None).get(f"/public/drafts/{draft_id}").get_data(as_text=True)
    staff = as_("pr").get(f"/api/v1/draft-acts/{case['id']}/comments").get_json()["items"]
    assert [(c["status"], c["reason"]) for c in staff] == [("approved", None), ("rejected", "Advertising")]
    assert staff[0]["contact"] == COMMENT["contact"]
    moderated = events(as_, case["id"], "comment.moderated")
    assert [(e["actor"], e["after"]["status"]) for e in moderated] == [("pr", "rejected"), ("pr", "approved")]
    assert len(events(as_, case["id"], "comment.received")) == 2
    # A case cancelled while a comment waits takes it no more.
    waiting = comment(as_, draft_id, text="Sent before the case was cancelled.").get_json()["id"]
    assert as_("admin").post(f"/api/v1/process-instances/{case['id']}/cancel",
                             json={"reason": "Withdrawn"}).status_code == 200
    late = moderate(as_, waiting, "approve")
    assert late.status_code == 409 and "cancelled" in late.get_json()["detail"], late.get_json()


@pytest.mark.parametrize(("field", "value"), [("name", ""), ("contact", "  "), ("text", None)])
def test_a_comment_without_a_name_a_contact_or_a_text_is_refused_naming_it(as_: Any, field: str, value: Any) -> None:
    _case, draft_id = published(as_)
    body = {**COMMENT, field: value} if value is not None else {k: v for k, v in COMMENT.items() if k != field}
    refused = as_(None).post(f"/public/drafts/{draft_id}/comments", json=body)
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.get_json()["errors"]] == [(field, "required")]
    assert as_("pr").get(f"/api/v1/draft-acts/{_case['id']}/comments").get_json()["items"] == []


def test_a_comment_with_a_field_it_does_not_have_is_refused_naming_that_field(as_: Any, sessions: Any,
                                                                              ctx: Any) -> None:
    _case, draft_id = published(as_)
    refused = as_(None).post(f"/public/drafts/{draft_id}/comments", json={**COMMENT, "website": "spam.example"})
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert [(e["field"], e["code"]) for e in refused.get_json()["errors"]] == [("website", "unknown_field")]
    assert as_("pr").get(f"/api/v1/draft-acts/{_case['id']}/comments").get_json()["items"] == []
    # The engine itself answers the same way to any caller that hands it a field it does not know.
    with sessions() as session, pytest.raises(Invalid) as invalid:
        draft_acts.submit_comment(session, ctx, draft_id, {**COMMENT, "website": "spam.example"}, address="192.0.2.1")
    assert invalid.value.status == 422
    assert [(e["field"], e["code"], e["params"]) for e in invalid.value.errors] == [
        ("website", "unknown_field", {"field": "website"})]


def test_comments_are_throttled_per_address(as_: Any) -> None:
    _case, draft_id = published(as_)
    for _ in range(5):
        assert comment(as_, draft_id).status_code == 201
    throttled = comment(as_, draft_id)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert comment(as_, draft_id, address="203.0.113.9").status_code == 201  # another address is not held up


def test_a_comment_at_the_last_moment_is_taken_and_one_just_after_is_refused(app: Any, as_: Any,
                                                                             clock: FrozenClock) -> None:
    _case, draft_id = published(as_)
    clock.set(LAST_MOMENT)
    assert comment(as_, draft_id).status_code == 201
    clock.set(LAST_MOMENT + timedelta(seconds=1))
    late = comment(as_, draft_id, address="203.0.113.9")
    assert late.status_code == 409 and "no longer accepted" in late.get_json()["detail"]
    browser = app.test_client()
    form = browser.get(f"/public/drafts/{draft_id}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', form)
    assert token and "Send the comment" not in form  # the form is gone once the period ended
    html = browser.post(f"/public/drafts/{draft_id}", data={**COMMENT, "csrf_token": token.group(1)},
                        environ_base={"REMOTE_ADDR": "203.0.113.10"})
    assert html.status_code == 409
    assert "comments are no longer accepted" in html.get_data(as_text=True)
    assert page(as_, draft_id)["discussion"]["open"] is False


def test_the_period_may_be_extended_but_never_shortened(as_: Any, sessions: Any, ctx: Any,
                                                        clock: FrozenClock) -> None:
    case, draft_id = published(as_)
    path = f"/api/v1/draft-acts/{case['id']}/period"
    shorter = as_("pr").post(path, json={"ends_on": "2026-03-13", "reason": "Hurry"})
    assert shorter.status_code == 422 and shorter.get_json()["errors"][0]["field"] == "ends_on"
    assert "cannot be shortened" in shorter.get_json()["errors"][0]["message"]
    assert as_("pr").post(path, json={"ends_on": "2026-03-21", "reason": "x"}).status_code == 422  # a Saturday
    assert as_("pr").post(path, json={"ends_on": "not a date", "reason": "x"}).status_code == 422
    assert as_("pr").post(path, json={"ends_on": "2026-03-18", "reason": " "}).status_code == 422
    assert as_("ps_transport").post(path, json={"ends_on": "2026-03-18", "reason": "x"}).status_code == 403
    longer = as_("pr").post(path, json={"ends_on": "2026-03-18", "reason": "Many residents asked for more time"})
    assert longer.status_code == 200, longer.get_json()
    assert longer.get_json()["due_at"] == "2026-03-18T18:00:00+02:00", longer.get_json()
    assert page(as_, draft_id)["discussion"]["ends_at"] == "2026-03-18T18:00:00+02:00"
    (extended,) = events(as_, case["id"], "discussion.extended")
    assert extended["after"]["reason"] == "Many residents asked for more time"
    assert sweep(sessions, ctx, LAST_MOMENT + timedelta(hours=1)).fired == 0  # the timer moved with it
    clock.set(LAST_MOMENT + timedelta(hours=1))
    assert comment(as_, draft_id).status_code == 201  # the old end no longer closes it


def test_the_unit_accounts_for_each_comment_and_the_adopted_text_is_published_beside_the_draft(
        as_: Any, sessions: Any, ctx: Any, clock: FrozenClock) -> None:
    case, draft_id = published(as_)
    first, second = (comment(as_, draft_id, text=t).get_json()["id"] for t in ("Three metres.", "Keep trees."))
    moderate(as_, first, "approve")
    moderate(as_, second, "approve")
    left_pending = comment(as_, draft_id, text="Sent in time, not yet moderated.").get_json()["id"]
    assert sweep(sessions, ctx, LAST_MOMENT - timedelta(seconds=1)).fired == 0
    assert sweep(sessions, ctx, LAST_MOMENT + timedelta(seconds=1)).fired == 1
    task = task_of(as_, "ps_transport", case["id"], "summarise_comments")
    # The form starts with one row a published comment, naming it; the outcome is left to the unit.
    assert task["data"]["comment_outcomes"] == [{"comment": first}, {"comment": second}]
    assert [c["text"] for c in task["data"].get("comments", [])] in ([], ["Three metres.", "Keep trees."])
    adopted = {"summary": "Two comments; one taken into account.", "adopted_title": DRAFT["title"],
               "adopted_text": "1. A summer terrace may be placed on a pavement at least 3 metres wide."}
    accounted = [{"comment": first, "outcome": "taken_into_account", "reason": "Agreed"},
                 {"comment": second, "outcome": "not_taken_into_account", "reason": "Trees are kept anyway"}]
    # A comment still waiting for moderation would never be answered: the summary waits for it.
    waiting = cases.submit(as_, "ps_transport", task["id"], **adopted, comment_outcomes=accounted)
    assert waiting.status_code == 422, waiting.get_json()
    (error,) = waiting.get_json()["errors"]
    assert error["field"] == "comment_outcomes" and f"1 comment still waits for moderation ({left_pending})" \
        in error["message"]
    assert moderate(as_, left_pending, "reject", reason="Repeats the first comment").status_code == 200
    missing = cases.submit(as_, "ps_transport", task["id"], **adopted,
                           comment_outcomes=[{"comment": first, "outcome": "taken_into_account", "reason": "Agreed"}])
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["field"] == "comment_outcomes"
    assert str(second) in missing.get_json()["errors"][0]["message"]
    stranger = cases.submit(as_, "ps_transport", task["id"], **adopted, comment_outcomes=[
        {"comment": first, "outcome": "taken_into_account", "reason": "Agreed"},
        {"comment": second, "outcome": "not_taken_into_account", "reason": "Trees are kept anyway"},
        {"comment": 999999, "outcome": "taken_into_account", "reason": "?"}])
    assert stranger.status_code == 422 and stranger.get_json()["errors"][0]["field"] == "comment_outcomes.2.comment"
    cases.completion(as_, "ps_transport", task["id"], **adopted, comment_outcomes=accounted)
    assert page(as_, draft_id)["adopted"] is None  # not before the PR department publishes it
    done = complete(as_, "pr", case["id"], "publish_adopted")
    assert done["status"] == "completed"
    shown = page(as_, draft_id)
    assert shown["text"] == DRAFT["text"] + " (Rules of 2019, §4.)"  # the draft stays, beside the adopted text
    assert shown["adopted"]["text"].endswith("3 metres wide.")
    assert [o["outcome"] for o in shown["adopted"]["comment_outcomes"]] == ["taken_into_account",
                                                                          "not_taken_into_account"]
    html = as_(None).get(f"/public/drafts/{draft_id}").get_data(as_text=True)
    assert "3 metres wide" in html and "Two comments; one taken into account." in html
    hits = as_(None).get("/public/archive", query_string={"q": "terrace", "kind": "draft"},
                         headers={"Accept": "application/json"}).get_json()["items"]
    assert sorted(h["kind"] for h in hits) == ["adopted_act", "draft_act"]
    (listed,) = public_list(as_)
    assert listed["discussion"]["open"] is False and listed["adopted"] is not None


def test_staff_reads_of_comments_refuse_strangers_and_other_cases(as_: Any) -> None:
    case, _draft_id = published(as_)
    assert as_("ps_health").get(f"/api/v1/draft-acts/{case['id']}/comments").status_code == 403
    assert as_("pr").get(f"/api/v1/draft-acts/{case['id'] + 999}/comments").status_code == 404
    assert as_("pr").post("/api/v1/draft-comments/999/moderate", json={"decision": "approve"}).status_code == 404
    assert as_("pr").post("/api/v1/draft-comments/1/moderate", json={"decision": "maybe"}).status_code == 422
    assert inbox(as_, "pr", case["id"]) == []


def test_the_page_takes_a_comment_and_puts_each_error_beside_its_field(app: Any, as_: Any) -> None:
    _case, draft_id = published(as_)
    browser = app.test_client()
    form = browser.get(f"/public/drafts/{draft_id}").get_data(as_text=True)
    assert f'datetime="{ENDS_AT}"' in form  # the period's end is shown
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', form)
    assert token and "Send the comment" in form

    def send(**fields: str) -> Any:
        return browser.post(f"/public/drafts/{draft_id}", data={**fields, "csrf_token": token.group(1)},
                            environ_base={"REMOTE_ADDR": "192.0.2.44"})

    refused = send(name="Olena", contact="", text="Three metres.")
    assert refused.status_code == 422
    page_text = refused.get_data(as_text=True)
    assert 'id="c-contact-error"' in page_text and 'aria-invalid="true"' in page_text
    assert "Three metres." in page_text  # what was typed comes back
    sent = send(**COMMENT)
    assert sent.status_code == 201 and "Thank you" in sent.get_data(as_text=True)
    assert [c["status"] for c in as_("pr").get(f"/api/v1/draft-acts/{_case['id']}/comments").get_json()["items"]] \
        == ["pending"]
    for _ in range(4):
        send(**COMMENT)
    throttled = send(**COMMENT)
    assert throttled.status_code == 429 and "Try again after" in throttled.get_data(as_text=True)


def test_a_too_long_comment_is_refused_in_the_readers_language_with_its_limit(app: Any, as_: Any) -> None:
    _case, draft_id = published(as_)
    api = comment(as_, draft_id, name="N" * 201)
    assert api.status_code == 422
    assert [(e["field"], e["code"], e["params"]) for e in api.get_json()["errors"]] == [("name", "too_long",
                                                                                          {"limit": 200})]
    browser = app.test_client()
    form = browser.get(f"/public/drafts/{draft_id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', form)
    assert token
    refused = browser.post(f"/public/drafts/{draft_id}", data={**COMMENT, "name": "N" * 201,
                                                               "csrf_token": token.group(1)},
                           headers={"Accept-Language": "ru"}, environ_base={"REMOTE_ADDR": "192.0.2.45"})
    assert refused.status_code == 422
    assert "Не более 200 символов." in refused.get_data(as_text=True)


def test_a_period_that_has_ended_is_not_opened_again(as_: Any, clock: FrozenClock) -> None:
    case, draft_id = published(as_)
    clock.set(LAST_MOMENT + timedelta(seconds=1))  # ended; its timer has not run yet
    assert comment(as_, draft_id).status_code == 409
    late = as_("pr").post(f"/api/v1/draft-acts/{case['id']}/period", json={"ends_on": "2026-03-20", "reason": "More"})
    assert late.status_code == 409, late.get_json()
    assert page(as_, draft_id)["discussion"]["ends_at"] == ENDS_AT
    assert comment(as_, draft_id).status_code == 409
    # Nor by a calendar change that would count it a day longer: comments after its end were refused.
    day_off = as_("admin").put("/api/v1/calendar/overrides/2026-03-10", json={"working": False, "reason": "Decree"})
    assert day_off.get_json()["moved_cases"] == [] and page(as_, draft_id)["discussion"]["ends_at"] == ENDS_AT


def test_a_calendar_change_lengthens_a_published_period_and_never_shortens_it(as_: Any, sessions: Any,
                                                                              ctx: Any) -> None:
    case, draft_id = published(as_)
    unpublished = cases.start(as_, KEY, DRAFT, user="ps_transport")  # no period counted before publication
    day_off = as_("admin").put("/api/v1/calendar/overrides/2026-03-10", json={"working": False, "reason": "Decree"})
    assert day_off.get_json()["moved_cases"] == [case["id"]] and unpublished["id"] != case["id"]
    later = "2026-03-17T18:00:00+02:00"  # its ten working days kept
    assert page(as_, draft_id)["discussion"]["ends_at"] == later
    (recomputed,) = events(as_, case["id"], "deadline.recomputed")
    assert (recomputed["before"]["due_at"], recomputed["after"]["due_at"]) == (ENDS_AT, later)
    # A Saturday made working would count the period a day shorter: it stays where it is.
    worked = as_("admin").put("/api/v1/calendar/overrides/2026-03-07", json={"working": True, "reason": "Swap"})
    assert worked.get_json()["moved_cases"] == [] and page(as_, draft_id)["discussion"]["ends_at"] == later
    # The generic extension (working days added to the clock's count) would land before the end kept: refused,
    # naming the discussion's own route.
    generic = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/extend",
                                 json={"working_days": 1, "reason": "More time"})
    assert generic.status_code == 409 and f"/api/v1/draft-acts/{case['id']}/period" in generic.get_json()["detail"]
    assert page(as_, draft_id)["discussion"]["ends_at"] == later
    extended = as_("pr").post(f"/api/v1/draft-acts/{case['id']}/period", json={"ends_on": "2026-03-19",
                                                                                "reason": "Residents asked"})
    assert extended.get_json()["due_at"] == "2026-03-19T18:00:00+02:00"
    (recorded,) = events(as_, case["id"], "discussion.extended")
    assert recorded["after"]["working_days"] == 2  # 18 and 19 March, added to the 17th shown
    assert sweep(sessions, ctx, datetime(2026, 3, 19, 17, 59, tzinfo=KYIV)).fired == 0  # its timer follows it
    assert sweep(sessions, ctx, datetime(2026, 3, 19, 18, 1, tzinfo=KYIV)).fired == 1


def another_draft(as_: Any, title: str) -> None:
    case = cases.start(as_, KEY, {**DRAFT, "title": title}, user="ps_transport")
    complete(as_, "ps_transport", case["id"], "submit_draft", title=title, text=DRAFT["text"])
    complete(as_, "lawyer", case["id"], "legal_review", decision="approve")
    complete(as_, "pr", case["id"], "publish_draft")


def test_the_list_pages_and_finds_an_old_drafts_adopted_text(as_: Any, sessions: Any, ctx: Any,
                                                              clock: FrozenClock, monkeypatch: Any) -> None:
    case, oldest = published(as_)
    assert sweep(sessions, ctx, LAST_MOMENT + timedelta(seconds=1)).fired == 1
    complete(as_, "ps_transport", case["id"], "summarise_comments", comment_outcomes=[], summary="No comments.",
             adopted_title=DRAFT["title"], adopted_text="1. Adopted as drafted.")
    clock.set(LAST_MOMENT + timedelta(days=1))
    another_draft(as_, "Rules for street markets")
    another_draft(as_, "Rules for night lighting")
    complete(as_, "pr", case["id"], "publish_adopted")  # the old draft's adopted text, published last

    def listed(**query: Any) -> dict[str, Any]:
        response = as_(None).get("/public/drafts", query_string=query, headers={"Accept": "application/json"})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    first = listed(per_page=2)
    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)
    assert [d["title"] for d in first["items"]] == ["Rules for night lighting", "Rules for street markets"]
    (old,) = listed(page=2, per_page=2)["items"]
    assert old["id"] == oldest and old["adopted"]["text"] == "1. Adopted as drafted."
    assert listed(page=3, per_page=2)["items"] == []
    bad = as_(None).get("/public/drafts?page=0", headers={"Accept": "application/json"})
    assert bad.status_code == 422 and "page" in str(bad.get_json()["errors"])
    monkeypatch.setattr("engine.reads.draft_acts.PER_PAGE", 2)
    html = as_(None).get("/public/drafts").get_data(as_text=True)
    assert 'href="/public/drafts?page=2" rel="next"' in html and DRAFT["title"] not in html
    html = as_(None).get("/public/drafts?page=2").get_data(as_text=True)
    assert DRAFT["title"] in html and "Adopted text published" in html and "Rules for street markets" not in html
    assert as_(None).get("/public/drafts?page=x").status_code == 422


def test_an_open_draft_comes_before_closed_ones_on_the_first_page(as_: Any, sessions: Any, ctx: Any,
                                                                  clock: FrozenClock) -> None:
    case, oldest = published(as_)
    extended = as_("pr").post(f"/api/v1/draft-acts/{case['id']}/period", json={"ends_on": "2026-03-27",
                                                                                "reason": "Residents asked"})
    assert extended.status_code == 200, extended.get_json()
    clock.set(PUBLISHED_AT + timedelta(days=1))
    another_draft(as_, "Rules for street markets")  # newer, ends on 17 March
    clock.set(LAST_MOMENT + timedelta(days=1, hours=1))
    assert sweep(sessions, ctx, clock.now()).fired == 1  # the newer draft's discussion ends; the older runs on
    first = as_(None).get("/public/drafts?per_page=1", headers={"Accept": "application/json"}).get_json()
    assert [(d["id"], d["discussion"]["open"]) for d in first["items"]] == [(oldest, True)]
    (closed,) = as_(None).get("/public/drafts?page=2&per_page=1", headers={"Accept": "application/json"}) \
        .get_json()["items"]
    assert closed["title"] == "Rules for street markets" and closed["discussion"]["open"] is False
