"""The information support of a leadership's event (`event_support`, EV), driven through the REST API by the people
who would drive it, on both databases: the media advisory with the registry's accreditation, the speaker's materials
agreed by the head of the unit and the PR department, the reminder a day before, the event held and covered with
photos and video, the closing release through `release_approval` inside the case; postponed (the reminder and the
event's moment move) or cancelled (its reason, who was told) at any point before it is held."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import pytest

from engine.background.sweeper import sweep
from tests import cases
from tests.cases import attach, complete, events, submit, task_of
from tests.conftest import deploy_shipped
from tests.files import jpeg, mp4_header
from tests.media import Media, seed_media

STARTS_AT = "2026-03-05T10:00:00+06:00"  # Thu 5 Mar 2026; the clock stands at Mon 2 Mar 2026, 09:00
REMIND_AT = "2026-03-04T10:00:00+06:00"  # a day before
NEW_STARTS_AT = "2026-03-12T15:00:00+06:00"
NEW_REMIND_AT = "2026-03-11T15:00:00+06:00"
EVENT = {"title": "The mayor opens the new bus depot", "official": "Mayor", "starts_at": STARTS_AT,
         "place": "Bus depot No. 3", "format": "visit", "open_to_press": True, "unit": "transport"}
ADVISORY = {"advisory": "The mayor opens bus depot No. 3 on Thu 5 March, 10:00.", "invited": ["24.kg", "Kaktus Media"]}
MATERIALS = {"talking_points": ["Forty new buses.", "Routes 1 to 10 first."], "materials": "Fleet plan."}
POSTPONE = {"decision": "postpone", "reason": "The mayor is called to parliament.", "new_starts_at": NEW_STARTS_AT}
CANCEL = {"decision": "cancel", "reason": "The depot is not finished.", "told": ["The mayor's office", "24.kg"]}
TRANSLATIONS = {"ky": {"title": "Жаңы автобус паркы", "body": "Мэр №3 автобус паркын ачты."},
                "ru": {"title": "Новый автобусный парк", "body": "Мэр открыл автобусный парк №3."}}


@pytest.fixture(autouse=True)
def deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "release_approval.bpmn")
    deploy_shipped(sessions, ctx, "event_support.bpmn")


@pytest.fixture
def media(deployed: None, sessions: Any, ctx: Any) -> Media:
    return seed_media(sessions, ctx)


@pytest.fixture
def tick(sessions: Any, ctx: Any, clock: Any) -> Any:
    """A sweep as the serve loop makes it: the engine clock has moved to the sweep's moment too."""

    def at_moment(moment: str) -> Any:
        clock.set(datetime.fromisoformat(moment))
        return sweep(sessions, ctx, clock.now())

    return at_moment


start = partial(cases.start, process_key="event_support", data=EVENT)
open_tasks = partial(cases.open_tasks, fields=("bpmn_id", "role", "unit"))


def case_now(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    return as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()


def timers(as_: Any, case: dict[str, Any]) -> dict[str, datetime]:
    response = as_("pr").get(f"/api/v1/timers?instance_id={case['id']}")
    assert response.status_code == 200
    return {t["bpmn_id"]: datetime.fromisoformat(t["due_at"]) for t in response.get_json()["items"]}


def notices(as_: Any, user: str, case: dict[str, Any]) -> list[str]:
    return [n["message"] for n in as_(user).get("/api/v1/notifications").get_json()["items"]
            if n["kind"] == "notice" and n["instance_id"] == case["id"]]


def prepared(as_: Any, case: dict[str, Any], accredited: list[int]) -> dict[str, Any]:
    """Announced, the materials prepared and agreed by the head of the unit and the PR department."""
    complete(as_, "pr", case["id"], "media_advisory", **ADVISORY, accredited=accredited)
    complete(as_, "ps_transport", case["id"], "prepare_materials", **MATERIALS)
    complete(as_, "head_transport", case["id"], "agree_unit_head", decision="approve")
    after = complete(as_, "pr", case["id"], "agree_pr", decision="approve")
    assert open_tasks(after) == [("change_event", "pr_department", None)]
    return after


def test_the_pr_department_or_a_press_secretary_plans_an_event_and_bad_plans_are_refused(as_: Any) -> None:
    case = start(as_)
    assert case["business_key"] == "EV-2026-000001"
    assert case["data"] == EVENT | {"ends_at": None, "media_plan_entry": None}
    assert open_tasks(case) == [("change_event", "pr_department", None),
                                ("media_advisory", "pr_department", None)]
    # Only a start from the media plan's entry links it (docs/media_plan.md): here, 422 naming the field.
    linked = start(as_, user="ps_transport", media_plan_entry=7, status=422)
    assert [e["field"] for e in linked["errors"]] == ["media_plan_entry"]
    assert start(as_, user="prhead", open_to_press=False)["business_key"] == "EV-2026-000002"
    for user in ("leader", "head_transport", "auditor"):
        assert start(as_, user=user, status=403)["status"] == 403
    bad = start(as_, status=422, starts_at="2026-03-01T10:00:00+06:00", unit="nowhere", place=" ", format="party")
    assert {e["field"] for e in bad["errors"]} == {"starts_at", "unit", "place", "format"}
    ends_first = start(as_, status=422, ends_at="2026-03-05T09:00:00+06:00")  # an hour before it starts
    assert [(e["field"], e["message"]) for e in ends_first["errors"]] == [("ends_at", "must not come before starts_at")]
    bad = start(as_, status=422, data={k: v for k, v in EVENT.items() if k != "open_to_press"})
    assert [e["field"] for e in bad["errors"]] == ["open_to_press"]
    listed = as_("admin").get("/api/v1/process-instances?process_key=event_support").get_json()["items"]
    assert len(listed) == 2  # nothing half-written by the refused starts


def test_announced_prepared_reminded_held_covered_and_closed_with_a_published_release(
        as_: Any, media: Media, tick: Any) -> None:
    case = start(as_)
    assert timers(as_, case) == {"reminder": datetime.fromisoformat(REMIND_AT),
                                 "event_starts": datetime.fromisoformat(STARTS_AT)}
    advisory = task_of(as_, "pr", case["id"], "media_advisory")
    assert datetime.fromisoformat(advisory["due_at"]) == datetime.fromisoformat(STARTS_AT)
    items = advisory["form"]["schema"]["properties"]["accredited"]["items"]
    assert items["x-registry"] == "journalist" and media.aida in items["enum"]
    refused = submit(as_, "pr", advisory["id"], **ADVISORY, accredited=[media.aida, media.chynara])
    assert refused.status_code == 422
    (error,) = refused.get_json()["errors"]
    assert error["field"] == "accredited.1" and error["message"].endswith("the accreditation expired on 2026-02-28")
    assert submit(as_, "ps_transport", advisory["id"], **ADVISORY, accredited=[]).status_code == 403

    complete(as_, "pr", case["id"], "media_advisory", **ADVISORY, accredited=[media.aida, media.bakyt])
    materials = task_of(as_, "ps_transport", case["id"], "prepare_materials")
    assert materials["unit"] == "transport"
    complete(as_, "ps_transport", case["id"], "prepare_materials", **MATERIALS)
    agree = task_of(as_, "head_transport", case["id"], "agree_unit_head")
    assert agree["data"] == {}  # a decision is never pre-filled
    blank = submit(as_, "head_transport", agree["id"], decision="rework")
    assert [e["field"] for e in blank.get_json()["errors"]] == ["comment"]
    complete(as_, "head_transport", case["id"], "agree_unit_head", decision="rework", comment="Name the routes.")
    again = task_of(as_, "ps_transport", case["id"], "prepare_materials")
    assert again["data"] == MATERIALS  # the draft being reworked starts as it was
    complete(as_, "ps_transport", case["id"], "prepare_materials", **MATERIALS)
    complete(as_, "head_transport", case["id"], "agree_unit_head", decision="approve")
    complete(as_, "pr", case["id"], "agree_pr", decision="approve")

    # A day before, the PR department and the unit's press secretary are told of the event.
    assert tick("2026-03-04T09:59:00+06:00").fired == 0
    assert notices(as_, "ps_transport", case) == []
    assert tick("2026-03-04T10:00:01+06:00").fired == 1
    assert len(notices(as_, "ps_transport", case)) == 1 and len(notices(as_, "pr", case)) == 1
    assert notices(as_, "ps_health", case) == []
    assert timers(as_, case) == {"event_starts": datetime.fromisoformat(STARTS_AT)}

    # The event begins: the standing change task is withdrawn, the coverage is open.
    assert tick("2026-03-05T10:00:01+06:00").fired == 1
    after = case_now(as_, case)
    assert open_tasks(after) == [("cover_event", "pr_department", None)]
    assert after["data"]["accredited"] == [media.aida, media.bakyt]
    photo = attach(as_, "pr", case["id"], jpeg(), "depot.jpg")
    video = attach(as_, "pr", case["id"], mp4_header(), "depot.mp4")
    cover = task_of(as_, "pr", case["id"], "cover_event")
    assert cover["form"]["schema"]["properties"]["photos"]["x-attachment"] is True
    stranger = submit(as_, "pr", cover["id"], report="Opened.", photos=["999999"])
    assert stranger.status_code == 422 and [e["field"] for e in stranger.get_json()["errors"]] == ["photos"]
    complete(as_, "pr", case["id"], "cover_event", report="The mayor opened the depot.", photos=[photo],
             videos=[video])
    after = complete(as_, "ps_transport", case["id"], "draft_closing_release", release_title="A new bus depot",
                     release_body="The mayor opened bus depot No. 3.")
    assert [(t["bpmn_id"], t["process_key"]) for t in after["tasks"]] == [("unit_head_review", "release_approval")]
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", decision="approve", confirm_no_confidential=True)
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)
    publish = task_of(as_, "pr", case["id"], "publish")
    assert publish["data"]["media"] == [photo, video]  # the coverage goes out with the release
    done = complete(as_, "pr", case["id"], "publish")
    assert done["status"] == "completed"
    data = done["data"]
    assert (data["outcome"], data["cancel_reason"], data["event_title"]) == ("held", None, EVENT["title"])
    (release,) = as_(None).get("/public/releases").get_json()["items"]
    assert (release["business_key"], release["translations"]) == (case["business_key"], TRANSLATIONS)
    assert len(release["media"]) == 2
    completed = [(e["subject"], e["actor"]) for e in events(as_, case["id"], "task.completed")]
    assert completed[:6] == [("media_advisory", "pr"), ("prepare_materials", "ps_transport"),
                             ("agree_unit_head", "head_transport"), ("prepare_materials", "ps_transport"),
                             ("agree_unit_head", "head_transport"), ("agree_pr", "pr")]
    assert [e["subject"] for e in events(as_, case["id"], "timer.fired")] == ["reminder", "event_starts"]


def test_a_closed_event_is_not_announced(as_: Any) -> None:
    case = start(as_, open_to_press=False)
    assert open_tasks(case) == [("change_event", "pr_department", None),
                                ("prepare_materials", "press_secretary", "transport")]


def test_a_postponement_moves_the_event_and_its_reminder_and_the_media_are_announced_again(
        as_: Any, media: Media, tick: Any) -> None:
    case = start(as_)
    prepared(as_, case, [media.aida])
    change = task_of(as_, "pr", case["id"], "change_event")
    assert change["due_at"] is None and change["data"] == {}
    assert submit(as_, "ps_transport", change["id"], **POSTPONE).status_code == 403  # the PR department decides
    after = complete(as_, "pr", case["id"], "change_event", **POSTPONE)
    assert open_tasks(after) == [("change_event", "pr_department", None),
                                 ("media_advisory", "pr_department", None)]
    assert timers(as_, case) == {"reminder": datetime.fromisoformat(NEW_REMIND_AT),
                                 "event_starts": datetime.fromisoformat(NEW_STARTS_AT)}
    data = after["data"]
    assert data["starts_at"] == NEW_STARTS_AT and data["ends_at"] is None
    assert data["postponements"] == [{"from": STARTS_AT, "to": NEW_STARTS_AT, "reason": POSTPONE["reason"]}]
    assert "reason" not in data and "new_starts_at" not in data and "decision" not in data
    advisory = task_of(as_, "pr", case["id"], "media_advisory")
    assert datetime.fromisoformat(advisory["due_at"]) == datetime.fromisoformat(NEW_STARTS_AT)

    # The old moments pass and nothing happens.
    assert tick("2026-03-05T10:00:01+06:00").fired == 0
    assert notices(as_, "ps_transport", case) == []
    prepared(as_, case, [media.aida])
    assert tick("2026-03-11T15:00:01+06:00").fired == 1
    assert len(notices(as_, "ps_transport", case)) == 1
    assert tick("2026-03-12T15:00:01+06:00").fired == 1
    assert open_tasks(case_now(as_, case)) == [("cover_event", "pr_department", None)]
    (postponed,) = [e for e in events(as_, case["id"], "task.completed") if e["subject"] == "change_event"]
    assert (postponed["actor"], postponed["after"]) == ("pr", POSTPONE | {"new_ends_at": None})


def test_a_cancellation_ends_the_case_with_its_reason_and_who_was_told(as_: Any, tick: Any) -> None:
    case = start(as_, open_to_press=False)
    after = complete(as_, "pr", case["id"], "change_event", **CANCEL)  # before anything is prepared
    assert (after["status"], after["tasks"], after["timers"]) == ("completed", [], [])
    data = after["data"]
    assert (data["outcome"], data["cancel_reason"], data["told"]) == ("cancelled", CANCEL["reason"], CANCEL["told"])
    assert len(notices(as_, "ps_transport", case)) == 1  # the unit's press secretary is told
    assert notices(as_, "ps_health", case) == []
    assert timers(as_, case) == {}
    assert tick("2026-03-05T10:00:01+06:00").fired == 0
    assert as_(None).get("/public/releases").get_json()["items"] == []


REFUSED = [
    ({"decision": "postpone", "new_starts_at": NEW_STARTS_AT}, "reason", "is required"),
    ({"decision": "cancel", "reason": "   ", "told": ["24.kg"]}, "reason", "must not be blank"),
    ({"decision": "cancel", "reason": "The depot is not finished."}, "told", "is required"),
    ({"decision": "cancel", "reason": "The depot is not finished.", "told": []}, "told", ""),
    ({"decision": "postpone", "reason": "Parliament."}, "new_starts_at", "is required"),
    ({**POSTPONE, "new_starts_at": "2026-03-01T15:00:00+06:00"}, "new_starts_at", "must lie in the future"),
    ({**POSTPONE, "new_starts_at": "2026-03-12T15:00:00"}, "new_starts_at", "date-time"),
    ({**POSTPONE, "new_ends_at": "2026-03-12T09:00:00+06:00"}, "new_ends_at", "must not come before new_starts_at"),
    ({"decision": "hold", "reason": "Ready."}, "decision", "must be one of"),
    ({**POSTPONE, "outcome": "held"}, "outcome", ""),
]


def test_a_postponement_without_a_new_end_keeps_the_events_length(as_: Any) -> None:
    case = start(as_, ends_at="2026-03-05T12:00:00+06:00")  # two hours
    after = complete(as_, "pr", case["id"], "change_event", **POSTPONE)
    assert (after["data"]["starts_at"], after["data"]["ends_at"]) == (NEW_STARTS_AT, "2026-03-12T17:00:00+06:00")


def test_a_postponement_or_cancellation_without_its_reason_or_to_a_past_time_is_refused(as_: Any) -> None:
    case = start(as_)
    change = task_of(as_, "pr", case["id"], "change_event")
    for data, field, message in REFUSED:
        response = submit(as_, "pr", change["id"], **data)
        assert response.status_code == 422, data
        errors = response.get_json()["errors"]
        assert [e["field"] for e in errors] == [field], (data, errors)
        assert message in errors[0]["message"], (data, errors)
    after = case_now(as_, case)
    assert after["status"] == "running" and after["data"]["starts_at"] == STARTS_AT
    assert "postponements" not in after["data"] and "outcome" not in after["data"]
