"""An appearance of the media plan given its information support (000 §4.5, 001 §2): the PR department (or a press
secretary) starts the `event_support` case from the plan's entry, which carries the entry's who, what, when and
where and keeps the entry's id; one support an appearance, even when two ask at once; nothing to prepare for one
cancelled, over or postponed without a date. The plan and the case stay one story: a change on either side reaches
the other in the same transaction (through the case's own `change_event` task), and does not bounce back."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import select, text

from db.models import User
from engine.core.errors import JarchyError
from engine.runtime import supported_events
from tests.cases import complete, events, submit, task_of
from tests.conftest import deploy_shipped, shipped_diagram
from tests.integration.test_event_support_api import TRANSLATIONS, case_now, timers
from tests.integration.test_event_support_api import tick as tick  # noqa: F401 (a fixture)
from tests.integration.test_media_plan_api import BRIEFING, audit, post

VISIT = BRIEFING | {"title": "The mayor visits bus depot No. 3", "format": "visit", "place": "Bus depot No. 3"}


@pytest.fixture(autouse=True)
def deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "release_approval.bpmn")
    deploy_shipped(sessions, ctx, "event_support.bpmn")


def test_the_support_starts_from_the_entry_with_its_who_what_when_and_where(as_: Any) -> None:
    entry = post(as_, "/media-plan", VISIT)
    case = post(as_, f"/media-plan/{entry['id']}/support")
    assert case["business_key"].startswith("EV-") and case["status"] == "running"
    assert {k: case["data"][k] for k in ("title", "official", "starts_at", "ends_at", "place", "format",
                                         "open_to_press", "unit", "media_plan_entry")} == {
        "title": VISIT["title"], "official": VISIT["official"], "starts_at": VISIT["starts_at"],
        "ends_at": VISIT["ends_at"], "place": VISIT["place"], "format": "visit", "open_to_press": True,
        "unit": "transport", "media_plan_entry": entry["id"]}
    assert "media_advisory" in [t["bpmn_id"] for t in case["tasks"]]  # open to the press: it is announced
    # A briefing is no format of event_support's own: it is "another event" there.
    briefing = post(as_, "/media-plan", BRIEFING, user="prhead")
    assert post(as_, f"/media-plan/{briefing['id']}/support", user="ps_transport")["data"]["format"] == "other"


def test_one_support_an_appearance_and_none_for_one_cancelled_or_over(as_: Any, clock: Any) -> None:
    entry = post(as_, "/media-plan", VISIT)
    first = post(as_, f"/media-plan/{entry['id']}/support")
    again = as_("pr").post(f"/api/v1/media-plan/{entry['id']}/support")
    assert again.status_code == 409 and first["business_key"] in again.get_json()["detail"]
    assert again.get_json()["errors"] == [{"field": "entry_id", "message": f"is supported by {first['business_key']}",
                                          "code": "appearance_supported", "params": {"case": first["business_key"]}}]

    cancelled = post(as_, "/media-plan", VISIT)
    post(as_, f"/media-plan/{cancelled['id']}/cancel", {"reason": "The depot is not finished."}, status=200)
    refused = as_("pr").post(f"/api/v1/media-plan/{cancelled['id']}/support")
    assert refused.status_code == 409 and "nothing left to prepare" in refused.get_json()["detail"]

    later = post(as_, "/media-plan", VISIT)
    clock.set(clock.now() + timedelta(days=30))  # the visit was on 10 March
    assert as_("pr").post(f"/api/v1/media-plan/{later['id']}/support").status_code == 409
    listed = as_("admin").get("/api/v1/process-instances?process_key=event_support").get_json()["items"]
    assert [c["business_key"] for c in listed] == [first["business_key"]]  # nothing half-started


def test_who_may_not_start_a_support_is_refused_and_what_the_entry_lacks_is_named(as_: Any) -> None:
    entry = post(as_, "/media-plan", VISIT)
    for user in ("leader", "auditor", "head_transport"):
        assert as_(user).post(f"/api/v1/media-plan/{entry['id']}/support").status_code == 403
    assert as_("pr").post("/api/v1/media-plan/999999/support").status_code == 404
    no_place = post(as_, "/media-plan", {k: v for k, v in VISIT.items() if k != "place"})
    refused = as_("pr").post(f"/api/v1/media-plan/{no_place['id']}/support")
    assert refused.status_code == 422 and [e["field"] for e in refused.get_json()["errors"]] == ["place"]
    assert as_("admin").get("/api/v1/process-instances?process_key=event_support").get_json()["items"] == []


MOVED = "2026-03-12T15:00:00+06:00"


def test_two_supports_asked_at_once_start_one_case(as_: Any, settings: Any) -> None:
    if settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite writes one at a time: the refusal is test_one_support_an_appearance_...")
    entry = post(as_, "/media-plan", VISIT)
    barrier, answers = threading.Barrier(2), []

    def ask(user: str) -> None:
        client = as_(user)
        barrier.wait()
        answers.append(client.post(f"/api/v1/media-plan/{entry['id']}/support").status_code)

    threads = [threading.Thread(target=ask, args=(user,)) for user in ("pr", "prhead")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409]
    assert len(as_("admin").get("/api/v1/process-instances?process_key=event_support").get_json()["items"]) == 1


def test_the_plans_changes_reach_the_running_support_through_its_change_task(as_: Any) -> None:
    entry = post(as_, "/media-plan", VISIT)
    case = post(as_, f"/media-plan/{entry['id']}/support")
    # The head of the PR department, who keeps the plan, moves it and renames it there; a PATCH gives no reason.
    moved = as_("prhead").patch(f"/api/v1/media-plan/{entry['id']}",
                                json={"starts_at": MOVED, "title": "The mayor opens bus depot No. 3"})
    assert moved.status_code == 200, moved.get_json()
    data = case_now(as_, case)["data"]
    assert (data["starts_at"], data["ends_at"], data["title"]) == (MOVED, "2026-03-12T16:00:00+06:00",
                                                                   "The mayor opens bus depot No. 3")
    assert data["postponements"] == [{"from": VISIT["starts_at"], "to": MOVED, "reason": "Moved in the media plan"}]
    assert timers(as_, case) == {"reminder": datetime.fromisoformat("2026-03-11T15:00:00+06:00"),
                                 "event_starts": datetime.fromisoformat(MOVED)}  # nothing left at the old time
    (change,) = [e for e in events(as_, case["id"], "task.completed") if e["subject"] == "change_event"]
    assert (change["actor"], change["after"]["reason"]) == ("prhead", "Moved in the media plan")
    (copied,) = events(as_, case["id"], "instance.data_changed")
    assert (copied["actor"], copied["after"]["title"]) == ("prhead", "The mayor opens bus depot No. 3")
    # Nothing bounced back: the entry keeps its own change, planned, with no postponement of the case's.
    shown = as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()
    assert (shown["status"], shown["sequence"], audit(as_, "media_plan.postponed")) == ("planned", 1, [])

    # A new end alone does not restart the preparation (it is for the start): the case's data takes it.
    assert as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"ends_at": "2026-03-12T17:00"}).status_code == 200
    data = case_now(as_, case)["data"]
    assert (data["ends_at"], len(data["postponements"])) == ("2026-03-12T17:00:00+06:00", 1)
    closed = as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"open_to_press": False})
    assert closed.status_code == 409 and closed.get_json()["errors"][0]["field"] == "open_to_press"
    undated = as_("pr").post(f"/api/v1/media-plan/{entry['id']}/postpone", json={"reason": "Ill."})
    assert undated.status_code == 422 and undated.get_json()["errors"][0]["field"] == "starts_at"
    post(as_, f"/media-plan/{entry['id']}/postpone", {"reason": "Ill.", "starts_at": "2026-03-19T10:00"}, status=200)
    assert case_now(as_, case)["data"]["postponements"][-1] == {
        "from": MOVED, "to": "2026-03-19T10:00:00+06:00", "reason": "Ill."}
    untold = as_("pr").post(f"/api/v1/media-plan/{entry['id']}/cancel", json={"reason": "The depot is not ready."})
    assert untold.status_code == 422 and untold.get_json()["errors"][0]["field"] == "told"
    post(as_, f"/media-plan/{entry['id']}/cancel", {"reason": "The depot is not ready.", "told": ["24.kg"]},
         status=200)
    data = case_now(as_, case)
    assert (data["status"], data["data"]["outcome"], data["data"]["cancel_reason"], data["data"]["told"]) == (
        "completed", "cancelled", "The depot is not ready.", ["24.kg"])
    assert len(audit(as_, "media_plan.cancelled")) == 1  # the plan's own, not one more from the case


def test_the_case_postponing_or_holding_its_event_moves_the_entry(as_: Any, tick: Any) -> None:  # noqa: F811
    entry = post(as_, "/media-plan", VISIT | {"open_to_press": False})
    case = post(as_, f"/media-plan/{entry['id']}/support")
    # What the plan would refuse, the case refuses too, naming its own field: no time the entry could not have.
    for new, field in (({"new_starts_at": MOVED, "new_ends_at": "2026-05-20T10:00:00+06:00"}, "new_ends_at"),
                       ({"new_starts_at": VISIT["starts_at"]}, "new_starts_at")):
        refused = submit(as_, "pr", task_of(as_, "pr", case["id"], "change_event")["id"], decision="postpone",
                         reason="Later.", **new)
        assert refused.status_code == 422 and [e["field"] for e in refused.get_json()["errors"]] == [field]
    same = as_("pr").post(f"/api/v1/media-plan/{entry['id']}/postpone",
                          json={"reason": "Later.", "starts_at": VISIT["starts_at"]})
    assert same.status_code == 422 and same.get_json()["errors"][0]["field"] == "starts_at"
    complete(as_, "pr", case["id"], "change_event", decision="postpone", reason="The mayor is called away.",
             new_starts_at=MOVED)
    shown = as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()
    assert (shown["status"], shown["status_reason"], shown["starts_at"], shown["ends_at"], shown["sequence"]) == (
        "postponed", "The mayor is called away.", MOVED, "2026-03-12T16:00:00+06:00", 1)  # its length kept
    (postponed,) = audit(as_, "media_plan.postponed")
    assert (postponed["actor"], postponed["after"]["starts_at"]) == ("pr", "2026-03-12T09:00:00+00:00")
    assert len(case_now(as_, case)["data"]["postponements"]) == 1  # and the case was not moved again

    prepared_case = complete(as_, "ps_transport", case["id"], "prepare_materials", talking_points=["Buses."],
                             materials="Plan.")
    complete(as_, "head_transport", prepared_case["id"], "agree_unit_head", decision="approve")
    complete(as_, "pr", case["id"], "agree_pr", decision="approve")
    tick("2026-03-12T15:00:01+06:00")  # the event begins: the case holds it, at its time
    held = case_now(as_, case)
    assert held["data"]["held_at"] == MOVED
    shown = as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()
    assert (shown["status"], shown["sequence"]) == ("held", 2)
    (recorded,) = audit(as_, "media_plan.held")
    assert recorded["actor"] == case["business_key"]  # a timer held it: the case acted


def test_the_case_cancelling_its_event_cancels_the_entry_and_frees_it_for_no_new_support(as_: Any) -> None:
    entry = post(as_, "/media-plan", VISIT)
    case = post(as_, f"/media-plan/{entry['id']}/support")
    complete(as_, "pr", case["id"], "change_event", decision="cancel", reason="The depot is not finished.",
             told=["24.kg"])
    shown = as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()
    assert (shown["status"], shown["status_reason"], shown["sequence"]) == (
        "cancelled", "The depot is not finished.", 1)
    refused = as_("pr").post(f"/api/v1/media-plan/{entry['id']}/support")
    assert refused.status_code == 409 and "nothing left to prepare" in refused.get_json()["detail"]


def test_a_support_cancelled_as_a_case_frees_the_entry_and_an_undated_one_has_nothing_to_prepare(as_: Any) -> None:
    entry = post(as_, "/media-plan", VISIT)
    first = post(as_, f"/media-plan/{entry['id']}/support")
    assert as_("prhead").post(f"/api/v1/process-instances/{first['id']}/cancel",
                             json={"reason": "Started twice."}).status_code == 200
    assert post(as_, f"/media-plan/{entry['id']}/support")["business_key"] != first["business_key"]
    undated = post(as_, "/media-plan", VISIT)
    post(as_, f"/media-plan/{undated['id']}/postpone", {"reason": "Until the depot is ready."}, status=200)
    refused = as_("pr").post(f"/api/v1/media-plan/{undated['id']}/support")
    assert refused.status_code == 409 and refused.get_json()["errors"][0]["field"] == "starts_at"


def deploy_variant(sessions: Any, ctx: Any, shipped: str, instead: str) -> None:
    """A version of event_support with `shipped` of its text replaced: an earlier one, or one that breaks."""
    from engine.procedures.definitions import deploy

    xml = shipped_diagram("event_support.bpmn").decode()
    assert shipped in xml
    with sessions.begin() as session:
        deploy(session, xml.replace(shipped, instead).encode(), actor="system", at=ctx.now())


def test_only_a_start_from_the_plan_links_its_entry_and_the_plans_terms_come_back_named_as_the_plan_names_them(
        as_: Any) -> None:
    entry = post(as_, "/media-plan", VISIT)
    generic = as_("pr").post("/api/v1/process-instances", json={"process_key": "event_support", "data": {
        "title": "Twice", "official": "Mayor", "starts_at": VISIT["starts_at"], "place": "Depot", "format": "visit",
        "open_to_press": False, "unit": "transport", "media_plan_entry": entry["id"]}})
    assert generic.status_code == 422 and [e["field"] for e in generic.get_json()["errors"]] == ["media_plan_entry"]
    # A whole day may be today in the plan, not in the case (its new start must be to come): the case's refusal
    # names the plan's field, and nothing is changed.
    tomorrow = post(as_, "/media-plan", VISIT | {"all_day": True, "starts_at": "2026-03-03", "ends_at": "2026-03-03"})
    post(as_, f"/media-plan/{tomorrow['id']}/support")
    today = as_("pr").patch(f"/api/v1/media-plan/{tomorrow['id']}", json={"starts_at": "2026-03-02"})
    assert today.status_code == 422 and [e["field"] for e in today.get_json()["errors"]] == ["starts_at"]
    assert as_("pr").get(f"/api/v1/media-plan/{tomorrow['id']}").get_json()["sequence"] == 0


def test_a_case_that_breaks_on_the_plans_change_refuses_it(as_: Any, sessions: Any, ctx: Any) -> None:
    # A script that fails when it runs (a name no form provides is refused at deploy: docs/forms.md).
    deploy_variant(sessions, ctx, "starts_at = new_starts_at\n", "starts_at = new_starts_at\nint('not a number')\n")
    entry = post(as_, "/media-plan", VISIT)
    case = post(as_, f"/media-plan/{entry['id']}/support")
    moved = as_("prhead").patch(f"/api/v1/media-plan/{entry['id']}", json={"starts_at": MOVED})
    assert moved.status_code == 409 and case["business_key"] in moved.get_json()["detail"]
    shown = as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()
    assert (shown["starts_at"], shown["sequence"], case_now(as_, case)["status"]) == (
        VISIT["starts_at"], 0, "running")  # nothing written, on either side


def test_a_case_of_a_version_without_held_at_holds_its_entry_once_it_ends_held(
        as_: Any, sessions: Any, ctx: Any, tick: Any) -> None:  # noqa: F811
    deploy_variant(sessions, ctx, "<bpmn:script>held_at = starts_at</bpmn:script>", "<bpmn:script>pass</bpmn:script>")
    entry = post(as_, "/media-plan", VISIT | {"open_to_press": False})
    case = post(as_, f"/media-plan/{entry['id']}/support")
    complete(as_, "ps_transport", case["id"], "prepare_materials", talking_points=["Buses."], materials="Plan.")
    complete(as_, "head_transport", case["id"], "agree_unit_head", decision="approve")
    complete(as_, "pr", case["id"], "agree_pr", decision="approve")
    tick("2026-03-10T10:00:01+06:00")  # held, in a case that keeps no held_at
    assert "held_at" not in case_now(as_, case)["data"]
    # Past its change_event, the case takes no new time; and while it runs, it records the event held, not the plan.
    moved = as_("pr").patch(f"/api/v1/media-plan/{entry['id']}", json={"starts_at": MOVED})
    assert (moved.status_code, [(e["field"], e["message"], e["params"]) for e in moved.get_json()["errors"]]) == (
        409, [("starts_at", f"{case['business_key']} has held the event", {"case": case["business_key"]})])
    held_here = as_("pr").post(f"/api/v1/media-plan/{entry['id']}/held")
    assert held_here.status_code == 409 and held_here.get_json()["errors"][0]["field"] == "status"
    complete(as_, "pr", case["id"], "cover_event", report="The mayor opened the depot.")
    complete(as_, "ps_transport", case["id"], "draft_closing_release", release_title="A new bus depot",
             release_body="The mayor opened bus depot No. 3.")
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", decision="approve", confirm_no_confidential=True)
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)
    assert complete(as_, "pr", case["id"], "publish")["data"]["outcome"] == "held"
    shown = as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()
    assert (shown["status"], shown["starts_at"]) == ("held", VISIT["starts_at"])
    report = as_("leader").get("/api/v1/reports/office?period=month&of=2026-03").get_json()
    assert report["events_supported"] == {"supported": 1}  # on its starts_at


def _pr(session: Any) -> Any:
    return session.scalar(select(User).where(User.username == "pr"))


def _second_waits_for_first(sessions: Any, first: Any, second: Any) -> Any:
    """`first` done in a transaction kept open until `second`, in another, waits on a lock it holds; then both
    commit: what `second` answered (None, or the refusal). No sleeping: the waiting is seen in PostgreSQL."""
    out: dict[str, Any] = {}
    ready = threading.Event()

    def run() -> None:
        with sessions() as session:
            out["pid"] = session.scalar(text("select pg_backend_pid()"))
            ready.set()
            try:
                second(session)
                session.commit()
            except JarchyError as refused:
                out["refused"] = refused

    with sessions() as session:
        first(session)
        thread = threading.Thread(target=run)
        thread.start()
        ready.wait(30)
        with sessions() as watcher:
            for _ in range(100_000):
                watcher.rollback()  # a fresh view of the activity each time
                if watcher.scalar(text("select wait_event_type from pg_stat_activity where pid = :pid"),
                                  {"pid": out["pid"]}) == "Lock":
                    break
        session.commit()
    thread.join(30)
    return out.get("refused")


@pytest.mark.parametrize("change", ["cancel", "move", "edit"])
def test_a_plan_change_at_the_moment_a_support_starts_waits_and_is_refused(
        as_: Any, sessions: Any, ctx: Any, settings: Any, change: str) -> None:
    if settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite writes one at a time")
    entry = post(as_, "/media-plan", VISIT)
    edit = partial(supported_events.update_entry, ctx=ctx, entry_id=entry["id"], moved_reason="Moved.")
    if change == "edit":  # two edits at once: neither is lost, each a new version for the calendars
        refused = _second_waits_for_first(
            sessions, lambda s: edit(s, actor=_pr(s), changes={"title": "Renamed"}),
            lambda s: edit(s, actor=_pr(s), changes={"place": "Depot gate"}))
        shown = as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()
        assert (refused, shown["title"], shown["place"], shown["sequence"]) == (None, "Renamed", "Depot gate", 2)
        return
    second = {"cancel": lambda s: supported_events.cancel_entry(s, ctx, _pr(s), entry["id"], reason="Off.",
                                                                told=["24.kg"]),
              "move": lambda s: edit(s, actor=_pr(s), changes={"starts_at": MOVED})}[change]
    refused = _second_waits_for_first(sessions, lambda s: supported_events.support(s, ctx, _pr(s), entry["id"]),
                                      second)
    assert refused is not None and refused.status == 409 and "try again" in refused.detail
    shown = as_("pr").get(f"/api/v1/media-plan/{entry['id']}").get_json()
    (case,) = as_("admin").get("/api/v1/process-instances?process_key=event_support").get_json()["items"]
    assert (shown["status"], shown["starts_at"], case["status"]) == ("planned", VISIT["starts_at"], "running")
