"""The press conference procedure started on its own, driven through the REST API with users of the right
roles: its state, tasks, timer, published closing release (JSON and Atom, without authentication) and audit
events. Called from publication_response, it is tested in test_publication_response_api.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from defusedxml import ElementTree

from engine.background.sweeper import sweep
from engine.people import accreditation
from tests import cases
from tests.cases import complete, events, submit, task_of
from tests.conftest import BISHKEK, deploy_shipped
from tests.media import Media, seed_media

ATOM = "{http://www.w3.org/2005/Atom}"
HELD_AT = "2026-03-04T11:00:00+06:00"  # Wed 4 Mar 2026; the clock stands at Mon 2 Mar 2026, 09:00
PLAN = {"held_at": HELD_AT, "place": "City hall, press room", "speakers": ["Mayor", "Vice-mayor for transport"],
        "topic": "The city's transport in 2026"}
INVITE = {"invitation": "Press conference on transport, Wed 4 March, 11:00, city hall.",
          "invited": ["Kaktus Media", "24.kg", "Vecherniy Bishkek"]}
TRANSLATIONS = {
    "ky": {"title": "Шаардын транспорту 2026-жылы", "body": "Мэр пресс-конференцияда жаңы автобустар жөнүндө айтты."},
    "ru": {"title": "Транспорт города в 2026 году", "body": "Мэр рассказал на пресс-конференции о новых автобусах."},
}


@pytest.fixture(autouse=True)
def deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "press_conference.bpmn")


@pytest.fixture(autouse=True)
def media(deployed: None, sessions: Any, ctx: Any) -> Media:
    """The registry's journalists (tests/media.py); the accreditation admits Aida and Bakyt."""
    seeded = seed_media(sessions, ctx)
    ADMITTED[:] = [seeded.aida, seeded.bakyt]
    return seeded


ADMITTED: list[int] = []  # this test's Aida and Bakyt, accredited for 2026 (ids differ between tests)


def accredit() -> dict[str, Any]:
    return INVITE | {"accredited": list(ADMITTED)}


# A press conference, requested by the PR department unless a test says who.
start = partial(cases.start, process_key="press_conference", data={"format": "press_conference"})
open_tasks = partial(cases.open_tasks, fields=("bpmn_id", "process_key", "role"))


def public_releases(as_: Any) -> list[dict[str, Any]]:
    response = as_(None).get("/public/releases")
    assert response.status_code == 200
    return response.get_json()["items"]


def atom_entries(as_: Any) -> list[dict[str, str]]:
    response = as_(None).get("/public/releases.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(response.data)  # the standard library's parser, defused
    assert root.tag == f"{ATOM}feed"
    return [{"id": e.findtext(f"{ATOM}id") or "", "title": e.findtext(f"{ATOM}title") or "",
             "content": e.findtext(f"{ATOM}content") or ""} for e in root.findall(f"{ATOM}entry")]


def prepared(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    """Planned, media accredited, materials ready: at leadership's review."""
    after = complete(as_, "pr", case["id"], "plan", **PLAN)
    assert open_tasks(after) == [("accredit_media", "press_conference", "pr_department")]
    after = complete(as_, "pr", case["id"], "accredit_media", **accredit())
    assert open_tasks(after) == [("prepare_materials", "press_conference", "pr_department")]
    after = complete(as_, "pr", case["id"], "prepare_materials", talking_points=["Forty new buses in April."],
                     materials="Fleet renewal plan.")
    assert open_tasks(after) == [("review_talking_points", "press_conference", "leadership")]
    return after


def test_the_pr_department_or_its_head_starts_a_press_conference_on_its_own(as_: Any) -> None:
    case = start(as_, topic="Transport in 2026")
    assert case["business_key"] == "PC-2026-000001"
    assert (case["status"], case["process_key"], case["started_by"]) == ("running", "press_conference", "pr")
    assert case["data"] == {"format": "press_conference", "topic": "Transport in 2026"}
    assert open_tasks(case) == [("plan", "press_conference", "pr_department")]
    plan = task_of(as_, "pr", case["id"], "plan")
    assert (plan["form"]["key"], plan["data"]) == ("press_conference/plan", {"topic": "Transport in 2026"})
    assert start(as_, user="prhead", format="briefing")["business_key"] == "PC-2026-000002"
    for user in ("ps_transport", "leader", "lawyer", "head_transport"):
        response = as_(user).post("/api/v1/process-instances", json={"process_key": "press_conference",
                                                                      "data": {"format": "briefing"}})
        assert response.status_code == 403, user
    for data in ({}, {"format": "interview"}):
        response = as_("pr").post("/api/v1/process-instances", json={"process_key": "press_conference",
                                                                     "data": data})
        assert response.status_code == 422
        assert [e["field"] for e in response.get_json()["errors"]] == ["format"]


def test_planned_reviewed_held_and_closed_with_a_published_release(as_: Any, sessions: Any, ctx: Any,
                                                                   clock: Any) -> None:
    case = start(as_, format="briefing")
    after = prepared(as_, case)
    # Tasks before the event are due by it.
    review = task_of(as_, "leader", case["id"], "review_talking_points")
    assert datetime.fromisoformat(review["due_at"]) == datetime.fromisoformat(HELD_AT)
    assert submit(as_, "pr", review["id"], decision="approve").status_code == 403  # leadership reviews
    after = complete(as_, "leader", case["id"], "review_talking_points", decision="rework",
                     comment="Name the routes of the new buses.")
    assert open_tasks(after) == [("prepare_materials", "press_conference", "pr_department")]
    assert after["data"]["comment"] == "Name the routes of the new buses."
    complete(as_, "pr", case["id"], "prepare_materials",
             talking_points=["Forty new buses in April.", "Routes 1 to 10 first."])
    after = complete(as_, "leader", case["id"], "review_talking_points", decision="approve")
    assert open_tasks(after) == [("confirm_event", "press_conference", "pr_department")]
    assert after["timers"] == []  # the event is waited for once it is confirmed
    after = complete(as_, "pr", case["id"], "confirm_event", decision="hold")
    assert after["tasks"] == [] and [t["bpmn_id"] for t in after["timers"]] == ["held"]
    assert public_releases(as_) == []

    held = datetime.fromisoformat(HELD_AT)
    assert sweep(sessions, ctx, held - timedelta(seconds=1)).fired == 0
    clock.set(datetime(2026, 3, 4, 13, 0, tzinfo=BISHKEK))
    assert sweep(sessions, ctx, clock.now()).fired == 1
    fired = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert fired["timers"] == []
    assert open_tasks(fired) == [("closing_release", "press_conference", "pr_department")]
    closing = task_of(as_, "pr", case["id"], "closing_release")
    assert closing["form"]["schema"]["properties"]["translations"]["x-publication-languages"] is True
    missing = submit(as_, "pr", closing["id"], kind="statement", translations={"ky": TRANSLATIONS["ky"]})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.get_json()["errors"]] == ["translations"]
    assert public_releases(as_) == []

    done = complete(as_, "pr", case["id"], "closing_release", translations=TRANSLATIONS)  # kind: press_release
    assert done["status"] == "completed" and done["tasks"] == [] and done["timers"] == []
    assert datetime.fromisoformat(done["completed_at"]) == clock.now()
    assert (done["data"]["format"], done["data"]["accredited"]) == ("briefing", ADMITTED)
    assert (done["data"]["outcome"], done["data"]["cancel_reason"]) == ("held", None)

    (item,) = public_releases(as_)
    assert set(item) == {"id", "business_key", "kind", "published_at", "translations", "media"}
    assert (item["business_key"], item["kind"], item["translations"]) == \
        (case["business_key"], "press_release", TRANSLATIONS)
    assert datetime.fromisoformat(item["published_at"]) == clock.now()
    (entry,) = atom_entries(as_)
    assert entry["id"].endswith(f"/public/releases/{item['id']}")
    assert entry["title"] == TRANSLATIONS["ky"]["title"]
    for lang, text in TRANSLATIONS.items():
        assert f"[{lang}] {text['title']}\n{text['body']}" in entry["content"]
    assert as_(None).get("/public/responses").get_json()["items"] == []

    (event,) = events(as_, case["id"], "publication.published")
    assert (event["actor"], event["subject"]) == ("pr", f"releases:{item['id']}")
    assert event["after"] == {"feed": "releases", "kind": "press_release", "translations": TRANSLATIONS, "media": []}
    completed = [(e["subject"], e["actor"]) for e in events(as_, case["id"], "task.completed")]
    assert completed == [("plan", "pr"), ("accredit_media", "pr"), ("prepare_materials", "pr"),
                         ("review_talking_points", "leader"), ("prepare_materials", "pr"),
                         ("review_talking_points", "leader"), ("confirm_event", "pr"), ("closing_release", "pr")]
    types = [e["type"] for e in events(as_, case["id"])]
    assert "timer.fired" in types
    assert types.index("publication.published") < types.index("instance.completed")


def test_a_plan_needs_a_date_with_its_offset_a_place_and_speakers(as_: Any) -> None:
    case = start(as_)
    plan = task_of(as_, "pr", case["id"], "plan")
    response = submit(as_, "pr", plan["id"], held_at="2026-03-04T11:00:00", place="", speakers=[],
                      topic="Transport")
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"held_at", "place", "speakers"}
    assert as_("pr").get(f"/api/v1/tasks/{plan['id']}").get_json()["status"] == "open"
    # Accreditation needs at least one journalist.
    complete(as_, "pr", case["id"], "plan", **PLAN)
    task = task_of(as_, "pr", case["id"], "accredit_media")
    response = submit(as_, "pr", task["id"], **(accredit() | {"accredited": []}))
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["accredited"]


# --- postponed or cancelled, with a reason -------------------------------------------------------------------
NEW_HELD_AT = "2026-03-06T15:00:00+06:00"  # Fri 6 Mar 2026
POSTPONE = {"decision": "postpone", "reason": "The mayor is called to parliament on Wednesday.",
            "new_held_at": NEW_HELD_AT}
CANCEL = {"decision": "cancel", "reason": "The fares were settled at the council's session; nothing to announce."}


def approved(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    """Prepared and the talking points agreed: the PR department's confirmation is open."""
    prepared(as_, case)
    after = complete(as_, "leader", case["id"], "review_talking_points", decision="approve")
    assert open_tasks(after) == [("confirm_event", "press_conference", "pr_department")]
    assert after["timers"] == []
    return after


def timers(as_: Any, case: dict[str, Any]) -> list[tuple[str, datetime]]:
    """The case's pending timers as GET /timers?instance_id= gives them."""
    response = as_("pr").get(f"/api/v1/timers?instance_id={case['id']}")
    assert response.status_code == 200
    return [(t["bpmn_id"], datetime.fromisoformat(t["due_at"])) for t in response.get_json()["items"]]


def test_a_postponement_moves_held_at_and_the_held_timer_to_the_new_time(as_: Any, sessions: Any, ctx: Any,
                                                                          clock: Any) -> None:
    case = start(as_, topic="Transport in 2026")
    approved(as_, case)
    confirm = task_of(as_, "pr", case["id"], "confirm_event")
    assert datetime.fromisoformat(confirm["due_at"]) == datetime.fromisoformat(HELD_AT)  # due by the event
    assert confirm["data"] == {}  # a decision is never pre-filled
    assert "default" not in confirm["form"]["schema"]["properties"]["decision"]
    assert submit(as_, "leader", confirm["id"], **POSTPONE).status_code == 403  # the PR department decides

    after = complete(as_, "pr", case["id"], "confirm_event", **POSTPONE)
    assert open_tasks(after) == [("notify_media", "press_conference", "pr_department")]
    assert after["timers"] == [] and timers(as_, case) == []  # nothing waits for the old time
    notify = task_of(as_, "pr", case["id"], "notify_media")
    assert datetime.fromisoformat(notify["due_at"]) == datetime.fromisoformat(NEW_HELD_AT)
    assert notify["data"] == {"accredited": ADMITTED}  # the accreditation starts as it was
    after = complete(as_, "pr", case["id"], "notify_media",
                     notice="The press conference moves to Friday 6 March, 15:00, city hall.",
                     accredited=ADMITTED[1:])
    assert open_tasks(after) == [("confirm_event", "press_conference", "pr_department")]

    again = as_("pr").get(f"/api/v1/tasks/{task_of(as_, 'pr', case['id'], 'confirm_event')['id']}").get_json()
    assert datetime.fromisoformat(again["due_at"]) == datetime.fromisoformat(NEW_HELD_AT)
    assert again["data"] == {}  # neither the decision nor the reason of the first round
    assert again["context"]["last_round"]["data"] == POSTPONE  # shown beside the form, read-only
    after = complete(as_, "pr", case["id"], "confirm_event", decision="hold")
    assert after["tasks"] == []
    assert [(t["bpmn_id"], datetime.fromisoformat(t["due_at"])) for t in after["timers"]] == \
        timers(as_, case) == [("held", datetime.fromisoformat(NEW_HELD_AT))]

    # The old time passes and nothing happens; the event is held at the new one.
    assert sweep(sessions, ctx, datetime.fromisoformat(HELD_AT) + timedelta(hours=1)).fired == 0
    assert sweep(sessions, ctx, datetime.fromisoformat(NEW_HELD_AT) - timedelta(seconds=1)).fired == 0
    clock.set(datetime.fromisoformat(NEW_HELD_AT) + timedelta(hours=2))
    assert sweep(sessions, ctx, clock.now()).fired == 1
    assert timers(as_, case) == []
    done = complete(as_, "pr", case["id"], "closing_release", translations=TRANSLATIONS)
    assert done["status"] == "completed"
    data = done["data"]
    assert (data["held_at"], data["accredited"], data["outcome"], data["cancel_reason"]) == \
        (NEW_HELD_AT, ADMITTED[1:], "held", None)
    assert data["postponements"] == [{"from": HELD_AT, "to": NEW_HELD_AT, "reason": POSTPONE["reason"]}]
    assert "new_held_at" not in data and "reason" not in data
    assert [r["business_key"] for r in public_releases(as_)] == [case["business_key"]]

    # The history: who postponed, why and to when; the timer fired once, at the new time.
    confirmations = events(as_, case["id"], "task.completed")
    assert [(e["subject"], e["actor"], e["after"]) for e in confirmations if e["subject"] == "confirm_event"] == [
        ("confirm_event", "pr", POSTPONE), ("confirm_event", "pr", {"decision": "hold"})]
    (fired,) = events(as_, case["id"], "timer.fired")
    assert fired["subject"] == "held"
    assert datetime.fromisoformat(fired["occurred_at"]) == clock.now()


def test_a_cancelled_event_ends_the_case_with_its_reason(as_: Any, sessions: Any, ctx: Any) -> None:
    case = start(as_, user="prhead", format="briefing")
    approved(as_, case)
    done = complete(as_, "pr", case["id"], "confirm_event", **CANCEL)
    assert (done["status"], done["tasks"], done["timers"]) == ("completed", [], [])
    assert done["completed_at"] is not None
    data = done["data"]
    assert (data["outcome"], data["cancel_reason"], data["held_at"]) == ("cancelled", CANCEL["reason"], HELD_AT)
    assert "postponements" not in data
    assert timers(as_, case) == []
    assert sweep(sessions, ctx, datetime.fromisoformat(HELD_AT) + timedelta(hours=1)).fired == 0
    assert public_releases(as_) == [] and atom_entries(as_) == []
    assert as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()["data"]["outcome"] == "cancelled"

    # The audit: the cancellation with its reason and who decided it, then the case's end.
    (cancelled,) = [e for e in events(as_, case["id"], "task.completed") if e["subject"] == "confirm_event"]
    assert (cancelled["actor"], cancelled["after"]) == ("pr", CANCEL)
    types = [e["type"] for e in events(as_, case["id"])]
    assert types[-1] == "instance.completed" and "timer.fired" not in types
    audit = as_("auditor").get(f"/api/v1/audit?instance_id={case['id']}&type=task.completed").get_json()["items"]
    assert any(e["after"] == CANCEL and e["actor"] == "pr" for e in audit)


REFUSED = [
    ({"decision": "postpone", "new_held_at": NEW_HELD_AT}, "reason", "is required"),
    ({"decision": "cancel"}, "reason", "is required"),
    ({"decision": "cancel", "reason": "   "}, "reason", "must not be blank"),
    ({**POSTPONE, "reason": ""}, "reason", "must not be blank"),
    ({"decision": "postpone", "reason": "The hall is closed."}, "new_held_at", "is required"),
    ({**POSTPONE, "new_held_at": "2026-03-01T15:00:00+06:00"}, "new_held_at", "must lie in the future"),
    ({**POSTPONE, "new_held_at": "2026-03-02T09:00:00+06:00"}, "new_held_at", "must lie in the future"),  # now
    ({**POSTPONE, "new_held_at": "2026-03-06T15:00:00"}, "new_held_at", "date-time"),  # no offset
    ({"decision": "defer"}, "decision", "must be one of"),
    ({}, "decision", "is required"),
]


def test_a_postponement_or_cancellation_without_its_reason_or_to_a_past_time_is_refused(as_: Any) -> None:
    case = start(as_)
    approved(as_, case)
    confirm = task_of(as_, "pr", case["id"], "confirm_event")
    for data, field, message in REFUSED:
        response = submit(as_, "pr", confirm["id"], **data)
        assert response.status_code == 422, data
        errors = response.get_json()["errors"]
        assert [e["field"] for e in errors] == [field], data
        assert message in errors[0]["message"], (data, errors)
    assert as_("pr").get(f"/api/v1/tasks/{confirm['id']}").get_json()["status"] == "open"
    after = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert (after["data"]["held_at"], after["timers"]) == (HELD_AT, [])
    assert "postponements" not in after["data"] and "outcome" not in after["data"]


# --- the registry: journalists chosen from it, their accreditation checked on the event's day -----------------

def test_the_journalists_are_chosen_from_the_registry_and_each_must_be_accredited_on_the_day(
        as_: Any, media: Media) -> None:
    case = start(as_)
    complete(as_, "pr", case["id"], "plan", **PLAN)
    task = task_of(as_, "pr", case["id"], "accredit_media")
    items = task["form"]["schema"]["properties"]["accredited"]["items"]
    assert items["x-registry"] == "journalist" and media.aida in items["enum"]
    assert items["x-enum-labels"][str(media.aida)] == "Aida Usenova (Kaktus Media)"

    response = submit(as_, "pr", task["id"], **(INVITE | {"accredited": [media.aida, media.chynara, media.dina,
                                                                         media.erlan, media.farida, 9999]}))
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert set(errors) == {"accredited.1", "accredited.2", "accredited.3", "accredited.4", "accredited.5"}
    assert errors["accredited.1"] == (f"Chynara Toktosunova (Vecherniy Bishkek, journalist {media.chynara}): "
                                      "the accreditation expired on 2026-02-28")
    assert errors["accredited.2"] == (f"Dina Petrova (24.kg, journalist {media.dina}): the accreditation is not yet "
                                      "valid on 2026-03-04 (from 2026-04-01)")
    assert errors["accredited.3"].startswith(f"Erlan Bekov (Kaktus Media, journalist {media.erlan}): the "
                                             "accreditation was revoked on 2026-03-02 (Filmed in a closed session.)")
    assert errors["accredited.4"] == f"Farida Karimova (Farida's blog, journalist {media.farida}) has no accreditation"
    assert errors["accredited.5"] == "9999 is not a journalist of the registry"
    assert as_("pr").get(f"/api/v1/tasks/{task['id']}").get_json()["status"] == "open"  # nothing was kept
    done = complete(as_, "pr", case["id"], "accredit_media", **(INVITE | {"accredited": [media.aida]}))
    assert done["data"]["accredited"] == [media.aida]


def test_after_a_postponement_the_accreditation_is_checked_on_the_new_day(as_: Any, media: Media, sessions: Any,
                                                                          ctx: Any) -> None:
    with sessions.begin() as session:  # a new accreditation of Chynara ends the day after the planned event
        accreditation.accredit(session, media.chynara, valid_from=date(2026, 3, 1), valid_until=date(2026, 3, 5),
                               actor="test", at=ctx.now())
    case = start(as_)
    complete(as_, "pr", case["id"], "plan", **PLAN)
    complete(as_, "pr", case["id"], "accredit_media", **(INVITE | {"accredited": [media.aida, media.chynara]}))
    complete(as_, "pr", case["id"], "prepare_materials", talking_points=["Forty new buses in April."])
    complete(as_, "leader", case["id"], "review_talking_points", decision="approve")
    complete(as_, "pr", case["id"], "confirm_event", **POSTPONE)  # to Fri 6 March
    notify = task_of(as_, "pr", case["id"], "notify_media")
    assert notify["data"] == {"accredited": [media.aida, media.chynara]}
    response = submit(as_, "pr", notify["id"], notice="Moved to Friday.", accredited=[media.aida, media.chynara])
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "accredited.1"
    assert error["message"].endswith("the accreditation expired on 2026-03-05")
    after = complete(as_, "pr", case["id"], "notify_media", notice="Moved to Friday.", accredited=[media.aida])
    assert after["data"]["accredited"] == [media.aida]
