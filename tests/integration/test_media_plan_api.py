"""The media plan through the REST API: the PR department plans the leadership's appearances, changes, postpones
and cancels them with a reason, records them held; staff read it and subscribe to it in their calendar program
through a private link (an iCalendar feed, parsed here with the `icalendar` library). Every change is in the audit
trail; every bad input is a 422 naming its field and writes nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from tests.conftest import BISHKEK

# The clock stands at Monday 2 March 2026, 09:00 in Bishkek.
BRIEFING = {"title": "Briefing on the spring road works", "official": "Mayor A. Usenov",
            "starts_at": "2026-03-10T10:00:00+06:00", "ends_at": "2026-03-10T11:00:00+06:00",
            "place": "City hall, room 5", "open_to_press": True, "format": "briefing", "unit": "transport",
            "description": "Which streets close and when."}


def post(as_: Any, path: str, body: Any = None, user: str = "pr", status: int = 201) -> dict[str, Any]:
    response = as_(user).post(f"/api/v1{path}", json=body)
    assert response.status_code == status, response.get_json()
    return dict(response.get_json()) if response.status_code != 204 else {}


def fields_of(response: Any) -> list[str]:
    assert response.status_code == 422, response.get_json()
    return sorted(e["field"] for e in response.get_json()["errors"])


def audit(as_: Any, type_: str) -> list[dict[str, Any]]:
    return list(as_("auditor").get(f"/api/v1/audit?type={type_}&per_page=100").get_json()["items"])


def listed(as_: Any, query: str = "", user: str = "leader") -> list[dict[str, Any]]:
    response = as_(user).get(f"/api/v1/media-plan?{query}")
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["items"])


def feed_of(app: Any, url: str) -> Calendar:
    parts = urlsplit(url)
    response = app.test_client().get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200, response.get_data()
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events(calendar: Calendar) -> dict[str, Any]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_pr_department_plans_an_appearance_that_staff_read(as_: Any) -> None:
    entry = post(as_, "/media-plan", BRIEFING)
    assert {k: entry[k] for k in ("title", "official", "place", "open_to_press", "format", "unit")} == {
        k: BRIEFING[k] for k in ("title", "official", "place", "open_to_press", "format", "unit")}
    assert (entry["starts_at"], entry["ends_at"]) == ("2026-03-10T10:00:00+06:00", "2026-03-10T11:00:00+06:00")
    assert (entry["status"], entry["sequence"], entry["created_by"]) == ("planned", 0, "pr")
    for reader in ("leader", "ps_health", "head_transport", "auditor", "prhead", "admin"):
        assert as_(reader).get(f"/api/v1/media-plan/{entry['id']}").get_json()["title"] == BRIEFING["title"]
    assert as_("lawyer").get(f"/api/v1/media-plan/{entry['id']}").status_code == 403
    for outsider in ("leader", "ps_health", "auditor", "head_transport"):
        assert as_(outsider).post("/api/v1/media-plan", json=BRIEFING).status_code == 403
    (created,) = audit(as_, "media_plan.created")
    assert (created["actor"], created["subject"], created["after"]["title"]) == (
        "pr", f"media_plan:{entry['id']}", BRIEFING["title"])


def test_the_list_takes_a_period_and_filters(as_: Any) -> None:
    post(as_, "/media-plan", BRIEFING)
    post(as_, "/media-plan", BRIEFING | {"title": "Visit to the bus depot", "format": "visit", "open_to_press": False,
                                         "starts_at": "2026-04-10T15:00:00+06:00", "ends_at": None, "unit": None,
                                         "official": "Deputy mayor B. Asanova"})
    assert [e["title"] for e in listed(as_)] == [BRIEFING["title"]]  # default: today and the 31 days after
    assert len(listed(as_, "from=2026-03-01&to=2026-04-30")) == 2
    assert [e["format"] for e in listed(as_, "from=2026-03-01&to=2026-04-30&format=visit")] == ["visit"]
    assert [e["title"] for e in listed(as_, "from=2026-03-01&to=2026-04-30&official=asanova")] == [
        "Visit to the bus depot"]
    assert len(listed(as_, "from=2026-03-01&to=2026-04-30&open_to_press=true")) == 1
    assert len(listed(as_, "from=2026-03-01&to=2026-04-30&unit=transport")) == 1
    assert len(listed(as_, "from=2026-04-10&to=2026-04-10")) == 1
    (visit,) = listed(as_, "from=2026-04-10&to=2026-04-10")
    assert visit["ends_at"] == "2026-04-10T16:00:00+06:00"  # an hour unless told
    assert fields_of(as_("leader").get("/api/v1/media-plan?from=2026-04-02&to=2026-04-01")) == ["to"]
    assert fields_of(as_("leader").get("/api/v1/media-plan?format=concert")) == ["format"]
    assert fields_of(as_("leader").get("/api/v1/media-plan?from=2026-13-01")) == ["from"]


def test_an_all_day_entry_runs_whole_days(as_: Any) -> None:
    visit = post(as_, "/media-plan", {"title": "Working visit to Osh", "official": "Mayor A. Usenov",
                                      "starts_at": "2026-03-12", "ends_at": "2026-03-13", "all_day": True,
                                      "open_to_press": False, "format": "visit"})
    assert (visit["first_day"], visit["last_day"], visit["all_day"]) == ("2026-03-12", "2026-03-13", True)
    assert (visit["starts_at"], visit["ends_at"]) == ("2026-03-12T00:00:00+06:00", "2026-03-14T00:00:00+06:00")
    assert len(listed(as_, "from=2026-03-13&to=2026-03-13")) == 1
    assert listed(as_, "from=2026-03-14&to=2026-03-20") == []


@pytest.mark.parametrize(("change", "named"), [
    ({"ends_at": "2026-03-10T09:00:00+06:00"}, ["ends_at"]),
    ({"format": "concert"}, ["format"]),
    ({"starts_at": "2026-02-20T10:00:00+06:00", "ends_at": None}, ["starts_at"]),
    ({"starts_at": "tomorrow"}, ["starts_at"]),
    ({"starts_at": "2026-03-10", "ends_at": None}, ["starts_at"]),
    ({"unit": "nowhere"}, ["unit"]),
    ({"open_to_press": "maybe"}, ["open_to_press"]),
    ({"title": "  "}, ["title"]),
    ({"official": None}, ["official"]),
    ({"ends_at": "2026-06-10T09:00:00+06:00"}, ["ends_at"]),
    ({"all_day": True, "starts_at": "2026-03-12", "ends_at": "2026-03-11"}, ["ends_at"]),
])
def test_a_bad_entry_is_a_422_naming_the_field_and_adds_nothing(as_: Any, change: dict[str, Any],
                                                                 named: list[str]) -> None:
    assert fields_of(as_("pr").post("/api/v1/media-plan", json=BRIEFING | change)) == named
    assert listed(as_, "from=2026-01-01&to=2026-12-31") == []
    assert audit(as_, "media_plan.created") == []


def test_a_missing_field_is_named(as_: Any) -> None:
    body = {k: v for k, v in BRIEFING.items() if k not in ("open_to_press", "official")}
    assert fields_of(as_("pr").post("/api/v1/media-plan", json=body)) == ["official", "open_to_press"]


def test_a_change_is_audited_with_what_changed_and_counted(as_: Any) -> None:
    entry = post(as_, "/media-plan", BRIEFING)
    changed = as_("prhead").patch(f"/api/v1/media-plan/{entry['id']}", json={"place": "City hall, great hall"})
    assert (changed.status_code, changed.get_json()["place"], changed.get_json()["sequence"]) == (
        200, "City hall, great hall", 1)
    assert changed.get_json()["updated_by"] == "prhead"
    same = as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"place": "City hall, great hall"})
    assert same.get_json()["sequence"] == 1  # nothing changed: nothing recorded
    (event,) = audit(as_, "media_plan.updated")
    assert (event["before"], event["after"]) == ({"place": "City hall, room 5"}, {"place": "City hall, great hall"})
    moved = as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"ends_at": "2026-03-10T12:00:00+06:00"})
    assert moved.get_json()["ends_at"] == "2026-03-10T12:00:00+06:00"
    bad = as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"starts_at": "2026-03-10T13:00:00+06:00",
                                                                      "ends_at": "2026-03-10T12:00:00+06:00"})
    assert fields_of(bad) == ["ends_at"]
    later = as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"starts_at": "2026-03-11T10:00:00+06:00"})
    assert later.get_json()["ends_at"] == "2026-03-11T12:00:00+06:00"  # a new start keeps the length
    as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"starts_at": BRIEFING["starts_at"]})
    assert as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()["starts_at"] == BRIEFING["starts_at"]
    assert fields_of(as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={})) == ["(body)"]
    assert as_("leader").patch(f"/api/v1/media-plan/{entry['id']}", json={"place": "x"}).status_code == 403
    assert as_("pr").patch("/api/v1/media-plan/999999", json={"place": "x"}).status_code == 404


def test_postponed_and_cancelled_with_a_reason(as_: Any) -> None:
    entry = post(as_, "/media-plan", BRIEFING)
    assert fields_of(as_("pr").post(f"/api/v1/media-plan/{entry['id']}/postpone", json={})) == ["reason"]
    undated = post(as_, f"/media-plan/{entry['id']}/postpone", {"reason": "The mayor is called to the capital."},
                   status=200)
    assert (undated["status"], undated["status_reason"], undated["postponed_from"]) == (
        "postponed", "The mayor is called to the capital.", BRIEFING["starts_at"])
    moved = post(as_, f"/media-plan/{entry['id']}/postpone",
                 {"reason": "A new date is fixed.", "starts_at": "2026-03-17T10:00:00+06:00"}, status=200)
    assert (moved["starts_at"], moved["ends_at"], moved["sequence"]) == (
        "2026-03-17T10:00:00+06:00", "2026-03-17T11:00:00+06:00", 2)
    bad = as_("pr").post(f"/api/v1/media-plan/{entry['id']}/postpone",
                         json={"reason": "Back.", "starts_at": "2026-03-01T10:00:00+06:00"})
    assert fields_of(bad) == ["starts_at"]
    cancelled = post(as_, f"/media-plan/{entry['id']}/cancel", {"reason": "The works are put off to 2027."},
                     user="prhead", status=200)
    assert (cancelled["status"], cancelled["status_reason"]) == ("cancelled", "The works are put off to 2027.")
    assert as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"place": "x"}).status_code == 409
    assert as_("pr").post(f"/api/v1/media-plan/{entry['id']}/cancel", json={"reason": "Twice"}).status_code == 409
    assert len(audit(as_, "media_plan.postponed")) == 2
    (event,) = audit(as_, "media_plan.cancelled")
    assert event["after"] == {"status": "cancelled", "status_reason": "The works are put off to 2027."}
    assert as_("auditor").get("/api/v1/audit/verify").get_json()["ok"] is True


def test_a_past_entry_changes_only_to_record_that_it_was_held(as_: Any, clock: Any) -> None:
    entry = post(as_, "/media-plan", BRIEFING)
    assert as_("pr").post(f"/api/v1/media-plan/{entry['id']}/held").status_code == 409  # not begun
    clock.set(datetime(2026, 3, 10, 12, 0, tzinfo=BISHKEK))
    assert as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"title": "Rewritten"}).status_code == 409
    assert as_("pr").post(f"/api/v1/media-plan/{entry['id']}/postpone", json={"reason": "Late"}).status_code == 409
    assert as_("pr").post(f"/api/v1/media-plan/{entry['id']}/cancel", json={"reason": "Late"}).status_code == 409
    held = post(as_, f"/media-plan/{entry['id']}/held", status=200)
    assert (held["status"], held["title"]) == ("held", BRIEFING["title"])
    assert as_("pr").post(f"/api/v1/media-plan/{entry['id']}/held").status_code == 409
    (event,) = audit(as_, "media_plan.held")
    assert event["after"] == {"status": "held"}


def test_the_calendar_feed_of_a_private_link(app: Any, as_: Any, clock: Any) -> None:
    entry = post(as_, "/media-plan", BRIEFING)
    visit = post(as_, "/media-plan", {"title": "Working visit to Osh", "official": "Mayor A. Usenov",
                                      "starts_at": "2026-03-12", "ends_at": "2026-03-13", "all_day": True,
                                      "open_to_press": False, "format": "visit"})
    assert as_("leader").get("/api/v1/media-plan/feed-link").get_json() == {"subscribed": False,
                                                                             "created_at": None}
    link = post(as_, "/media-plan/feed-link", user="leader")
    assert link["subscribed"] and link["url"].endswith(f"/api/v1/media-plan.ics?token={link['token']}")
    calendar = feed_of(app, link["url"])
    assert calendar.get("X-WR-TIMEZONE") == "Asia/Bishkek"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Bishkek"]
    found = events(calendar)
    briefing, osh = found[entry["uid"]], found[visit["uid"]]
    assert briefing.decoded("DTSTART") == datetime(2026, 3, 10, 10, 0, tzinfo=BISHKEK)
    assert briefing["DTSTART"].params["TZID"] == "Asia/Bishkek"
    assert briefing.decoded("DTEND") == datetime(2026, 3, 10, 11, 0, tzinfo=BISHKEK)
    assert (str(briefing["LOCATION"]), str(briefing["STATUS"]), int(briefing["SEQUENCE"])) == (
        "City hall, room 5", "CONFIRMED", 0)
    assert "Which streets close and when." in str(briefing["DESCRIPTION"])
    assert "Open to the press" in str(briefing["DESCRIPTION"])
    assert briefing.decoded("DTSTAMP") is not None
    assert (osh.decoded("DTSTART"), osh.decoded("DTEND")) == (date(2026, 3, 12), date(2026, 3, 14))

    # A change raises SEQUENCE, keeps the UID; a cancelled entry stays, CANCELLED.
    as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"place": "Great hall"})
    clock.advance(minutes=5)
    as_("pr").post(f"/api/v1/media-plan/{visit['id']}/cancel", json={"reason": "Weather"})
    found = events(feed_of(app, link["url"]))
    assert (int(found[entry["uid"]]["SEQUENCE"]), str(found[entry["uid"]]["LOCATION"])) == (1, "Great hall")
    assert (str(found[visit["uid"]]["STATUS"]), int(found[visit["uid"]]["SEQUENCE"])) == ("CANCELLED", 1)

    # Renewing ends the old link; revoking ends the new one; a wrong token is 404 alike.
    renewed = post(as_, "/media-plan/feed-link", user="leader")
    old = urlsplit(link["url"])
    assert app.test_client().get(f"{old.path}?{old.query}").status_code == 404
    feed_of(app, renewed["url"])
    assert as_("leader").delete("/api/v1/media-plan/feed-link").status_code == 204
    gone = urlsplit(renewed["url"])
    assert app.test_client().get(f"{gone.path}?{gone.query}").status_code == 404
    assert as_("leader").get("/api/v1/media-plan/feed-link").get_json()["subscribed"] is False
    assert app.test_client().get("/api/v1/media-plan.ics?token=not-a-token").status_code == 404
    assert fields_of(app.test_client().get("/api/v1/media-plan.ics")) == ["token"]
    assert [e["type"] for e in audit(as_, "media_plan.feed_issued")] == ["media_plan.feed_issued"] * 2


def test_the_feed_is_in_its_holders_language_and_gone_when_the_right_to_read_is(app: Any, as_: Any,
                                                                               sessions: Any) -> None:
    from db.models import User

    post(as_, "/media-plan", BRIEFING)
    with sessions.begin() as session:
        session.query(User).filter_by(username="head_transport").one().locale = "ru"
    link = post(as_, "/media-plan/feed-link", user="head_transport")
    assert as_("lawyer").post("/api/v1/media-plan/feed-link").status_code == 403
    (briefing,) = feed_of(app, link["url"]).walk("VEVENT")
    assert "Брифинг" in str(briefing["DESCRIPTION"]) and "Подразделение: Transport" in str(briefing["DESCRIPTION"])
    assert as_("admin").patch("/api/v1/users/head_transport", json={"roles": ["legal"]}).status_code == 200
    parts = urlsplit(link["url"])
    assert app.test_client().get(f"{parts.path}?{parts.query}").status_code == 404


def test_a_deactivated_user_gets_nothing_from_the_link_they_kept(app: Any, as_: Any) -> None:
    link = post(as_, "/media-plan/feed-link", user="ps_health")
    feed_of(app, link["url"])
    assert as_("admin").patch("/api/v1/users/ps_health", json={"active": False}).status_code == 200
    parts = urlsplit(link["url"])
    assert app.test_client().get(f"{parts.path}?{parts.query}").status_code == 404


def test_an_all_day_entry_may_be_of_today_and_keeps_its_days_across_summer_time(as_: Any, app: Any) -> None:
    today = post(as_, "/media-plan", {"title": "Visit to the depot", "official": "Mayor", "starts_at": "2026-03-02",
                                      "all_day": True, "open_to_press": True})
    assert (today["first_day"], today["last_day"]) == ("2026-03-02", "2026-03-02")
    assert fields_of(as_("pr").post("/api/v1/media-plan", json={
        "title": "Yesterday", "official": "Mayor", "starts_at": "2026-03-01", "all_day": True,
        "open_to_press": True})) == ["starts_at"]
    moved = as_("pr").patch(f"/api/v1/media-plan/{today['id']}", json={"ends_at": "2026-03-04"}).get_json()
    later = as_("pr").patch(f"/api/v1/media-plan/{today['id']}", json={"starts_at": "2026-03-27"}).get_json()
    assert (moved["last_day"], later["first_day"], later["last_day"]) == ("2026-03-04", "2026-03-27", "2026-03-29")


def test_a_postponement_records_the_start_it_had(as_: Any) -> None:
    entry = post(as_, "/media-plan", BRIEFING)
    post(as_, f"/media-plan/{entry['id']}/postpone", {"reason": "Ill."}, status=200)
    post(as_, f"/media-plan/{entry['id']}/postpone", {"reason": "Still ill.", "starts_at": "2026-03-20T10:00"},
         status=200)
    first, second = sorted(audit(as_, "media_plan.postponed"), key=lambda e: e["id"])
    utc = "2026-03-10T04:00:00+00:00"  # the audit keeps moments in UTC
    assert (first["before"]["postponed_from"], first["after"]["postponed_from"]) == (None, utc)
    assert (second["before"]["starts_at"], second["after"]["starts_at"]) == (utc, "2026-03-20T04:00:00+00:00")


def test_an_unchanged_feed_is_a_304_and_a_change_makes_it_new(app: Any, as_: Any) -> None:
    entry = post(as_, "/media-plan", BRIEFING)
    link = urlsplit(post(as_, "/media-plan/feed-link", user="leader")["url"])
    path = f"{link.path}?{link.query}"
    first = app.test_client().get(path)
    tag = first.headers["ETag"]
    assert app.test_client().get(path, headers={"If-None-Match": tag}).status_code == 304
    as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"place": "Great hall"})
    again = app.test_client().get(path, headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.headers["ETag"] != tag


def test_the_feed_is_new_when_a_unit_it_shows_is_renamed_or_its_holder_changes_language(app: Any, as_: Any,
                                                                                        sessions: Any) -> None:
    from sqlalchemy import select, update

    from db.models import Unit, User

    post(as_, "/media-plan", BRIEFING)  # of the transport unit
    link = urlsplit(post(as_, "/media-plan/feed-link", user="leader")["url"])
    path = f"{link.path}?{link.query}"
    tag = app.test_client().get(path).headers["ETag"]
    with sessions.begin() as session:
        session.execute(update(Unit).where(Unit.key == "transport").values(name="Department of city transport"))
        # Written as a rename writes it (`units.names` holds the name in each language, English too).
        unit = session.scalars(select(Unit).where(Unit.key == "transport")).one()
        unit.names = {**(unit.names or {}), "en": "Department of city transport"}
    renamed = app.test_client().get(path, headers={"If-None-Match": tag})
    assert renamed.status_code == 200 and "Department of city transport" in renamed.get_data(as_text=True)
    tag = renamed.headers["ETag"]
    with sessions.begin() as session:
        session.execute(update(User).where(User.username == "leader").values(locale="ru"))
    in_russian = app.test_client().get(path, headers={"If-None-Match": tag})
    assert in_russian.status_code == 200
    tag = in_russian.headers["ETag"]
    with sessions.begin() as session:  # only the Russian name, which this holder reads, changes
        unit = session.scalars(select(Unit).where(Unit.key == "transport")).one()
        unit.names = {**(unit.names or {}), "ru": "Департамент городского транспорта"}
    renamed = app.test_client().get(path, headers={"If-None-Match": tag})
    unfolded = renamed.get_data(as_text=True).replace("\r\n ", "")  # RFC 5545 folds lines at 75 octets
    assert renamed.status_code == 200 and "Департамент городского транспорта" in unfolded
