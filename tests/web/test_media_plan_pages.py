"""The media plan's pages: a month and a week with previous and next, an entry, the form that adds and changes one
(the press's admission never pre-filled), postponing, cancelling, recording it held, and the private calendar link;
readers see them from the navigation, the legal department does not; the same engine rules as the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from db.models import ProcessInstance
from tests.conftest import BISHKEK, deploy_shipped
from tests.web.conftest import text

FORM = {"title": "Press conference on the budget", "official": "Mayor A. Usenov", "format": "press_conference",
        "starts_on": "2026-03-11", "starts_time": "10:00", "ends_on": "2026-03-11", "ends_time": "11:30",
        "place": "City hall", "open_to_press": "1", "unit": "transport", "description": "The 2027 budget."}


def add(page_as: Any, form: dict[str, Any] | None = None) -> str:
    response = page_as("pr").post("/media-plan/new", FORM | (form or {}))
    assert response.status_code == 302, text(response)
    return str(response.headers["Location"])


def test_readers_find_the_plan_in_the_navigation_and_the_legal_department_does_not(page_as: Any) -> None:
    for reader in ("pr", "leader", "ps_health", "head_transport", "prhead"):
        assert 'href="/media-plan"' in text(page_as(reader).get("/media-plan")), reader
    assert page_as("lawyer").get("/media-plan").status_code == 403
    assert 'href="/media-plan"' not in text(page_as("lawyer").get("/", follow_redirects=True))
    assert page_as("leader").get("/media-plan/new").status_code == 403
    assert 'href="/media-plan/new"' in text(page_as("pr").get("/media-plan"))
    assert 'href="/media-plan/new"' not in text(page_as("leader").get("/media-plan"))


def test_the_form_adds_an_appearance_shown_in_the_month_and_the_week(page_as: Any) -> None:
    blank = text(page_as("pr").get("/media-plan/new"))
    assert 'name="open_to_press" value="1" checked' not in blank and 'value="0" checked' not in blank
    where = add(page_as)
    entry = text(page_as("leader").get(where))
    assert "Press conference on the budget" in entry and "Mayor A. Usenov" in entry and "City hall" in entry
    month = text(page_as("leader").get("/media-plan?month=2026-03"))
    assert "Press conference on the budget" in month and 'rel="next"' in month and 'rel="prev"' in month
    week = text(page_as("leader").get("/media-plan/week?date=2026-03-12"))
    assert "Press conference on the budget" in week and "Open to the press" in week
    assert "Press conference on the budget" not in text(page_as("leader").get("/media-plan/week?date=2026-03-20"))
    assert "Press conference on the budget" not in text(page_as("leader").get("/media-plan?month=2026-04"))
    # Pages in the reader's language.
    leader = page_as("leader")
    leader.post("/language", {"locale": "ru", "next": "/media-plan"})
    russian = text(leader.get("/media-plan/week?date=2026-03-12"))
    assert "Медиаплан" in russian and "Открыто для прессы" in russian and "Следующая неделя" in russian


def test_a_refused_form_keeps_the_input_and_names_the_field(page_as: Any) -> None:
    response = page_as("pr").post("/media-plan/new", FORM | {"ends_time": "09:00", "open_to_press": ""})
    assert response.status_code == 422
    body = text(response)
    assert 'id="ends_at-error"' in body and 'id="open_to_press-error"' in body
    assert 'value="Press conference on the budget"' in body
    assert "Press conference on the budget" not in text(page_as("pr").get("/media-plan?month=2026-03"))


def test_change_postpone_cancel_and_record_held(page_as: Any, clock: Any) -> None:
    where = add(page_as)
    entry_id = where.rsplit("/", 1)[1]
    pr = page_as("pr")
    changed = pr.post(f"/media-plan/{entry_id}/edit", FORM | {"place": "Great hall"})
    assert changed.status_code == 302 and "Great hall" in text(pr.get(where))
    refused = pr.post(f"/media-plan/{entry_id}/postpone", {"reason": ""})
    assert refused.status_code == 422 and 'id="postpone-reason-error"' in text(refused)
    assert pr.post(f"/media-plan/{entry_id}/postpone", {"reason": "The mayor is away.", "starts_on": "2026-03-18",
                                                       "starts_time": "10:00"}).status_code == 302
    page = text(pr.get(where))
    assert "The mayor is away." in page and "Postponed" in page
    assert "Press conference on the budget" in text(pr.get("/media-plan/week?date=2026-03-18"))
    clock.set(datetime(2026, 3, 18, 10, 30, tzinfo=BISHKEK))
    assert "Record that it was held" in text(pr.get(where))
    assert pr.post(f"/media-plan/{entry_id}/held").status_code == 302
    assert "Held" in text(pr.get(where))
    other = add(page_as, {"starts_on": "2026-03-25", "ends_on": "2026-03-25"}).rsplit("/", 1)[1]
    assert pr.post(f"/media-plan/{other}/cancel", {"reason": "Budget moved to April."}).status_code == 302
    assert "Budget moved to April." in text(pr.get(f"/media-plan/{other}"))
    refused = pr.post(f"/media-plan/{other}/edit", FORM | {"place": "Elsewhere"})
    shown = text(pr.get(f"/media-plan/{other}"))
    assert refused.status_code == 302 and "This appearance can no longer be changed." in shown
    assert "Elsewhere" not in shown


def test_a_user_gets_renews_and_ends_their_calendar_link(page_as: Any, app: Any) -> None:
    leader = page_as("leader")
    assert "You have no link yet." in text(leader.get("/media-plan/subscribe"))
    shown = text(leader.post("/media-plan/subscribe", {"action": "renew"}))
    url = shown.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    path = url.split("localhost", 1)[1].replace("&amp;", "&")
    assert app.test_client().get(path).status_code == 200
    leader.post("/media-plan/subscribe", {"action": "renew"})
    assert app.test_client().get(path).status_code == 404
    leader.post("/media-plan/subscribe", {"action": "revoke"})
    assert "You have no link yet." in text(leader.get("/media-plan/subscribe"))


def test_the_pr_department_starts_an_appearances_support_from_its_page(page_as: Any, sessions: Any, ctx: Any) -> None:
    for diagram in ("release_approval", "event_support"):
        deploy_shipped(sessions, ctx, f"{diagram}.bpmn")
    where = add(page_as)
    assert "Prepare its information support" not in text(page_as("leader").get(where))  # may read, not start
    assert "Prepare its information support" in text(page_as("pr").get(where))
    started = page_as("pr").post(f"{where}/support", {})
    assert started.status_code == 302 and "/cases/" in started.headers["Location"]
    case_page = text(page_as("pr").get(started.headers["Location"]))
    assert "Press conference on the budget" in case_page
    entry = text(page_as("pr").get(where))
    assert "Prepare its information support" not in entry and "EV-2026-000001" in entry
    again = page_as("pr").post(f"{where}/support", {}, follow_redirects=True)
    assert "has begun already" in text(again)
    # Cancelled on its page, the support is cancelled with it: who was told is asked, and named when missing.
    assert 'name="told"' in entry
    untold = page_as("pr").post(f"{where}/cancel", {"reason": "Budget moved to April."})
    assert untold.status_code == 422 and 'id="cancel-told-error"' in text(untold)
    told = page_as("pr").post(f"{where}/cancel", {"reason": "Budget moved to April.", "told": "24.kg\nKaktus Media"})
    assert told.status_code == 302
    with sessions() as session:
        case = session.get(ProcessInstance, int(started.headers["Location"].rstrip("/").split("/")[-1]))
        assert (case.data["outcome"], case.data["told"]) == ("cancelled", ["24.kg", "Kaktus Media"])


def test_the_private_calendar_link_is_kept_by_no_cache(page_as: Any, as_: Any) -> None:
    shown = page_as("leader").post("/media-plan/subscribe", {})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    issued = as_("leader").post("/api/v1/media-plan/feed-link")
    assert issued.status_code == 201 and issued.headers["Cache-Control"] == "no-store"
    assert issued.get_json()["token"]
