"""An appearance of the media plan given its information support (000 §4.5, 001 §2): the PR department (or a press
secretary) starts the `event_support` case from the plan's entry, which carries the entry's who, what, when and
where and keeps the entry's id; one support an appearance; nothing to prepare for one cancelled or over."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import deploy_shipped
from tests.integration.test_media_plan_api import BRIEFING, post

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
    assert again.get_json()["errors"] == [{"field": "entry_id", "message": f"is supported by {first['business_key']}"}]

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
