"""The office's report counts the leadership's events given information support in the period they were held
(`held_at`), as it counts the press conferences: whether the case still runs (its closing release to come) or has
ended (driven through the API as tests/integration/test_event_support_api.py drives them); a cancelled one does
not count."""

from __future__ import annotations

from typing import Any

from tests.cases import complete
from tests.integration.test_event_support_api import (  # noqa: F401 (the same procedures and clock, as fixtures)
    CANCEL,
    TRANSLATIONS,
    deployed,
    media,
    prepared,
    start,
    tick,
)
from tests.media import Media


def test_an_event_counts_in_the_month_it_was_held_closed_or_not_and_a_cancelled_one_not(
        as_: Any, media: Media, tick: Any) -> None:  # noqa: F811
    held, cancelled = start(as_), start(as_, title="The mayor visits school No. 5")
    prepared(as_, held, [media.aida])
    complete(as_, "pr", cancelled["id"], "change_event", **CANCEL)
    tick("2026-03-05T10:00:01+06:00")  # the event begins
    # Held, its closing release still to come: it counts in its month already, and stays counted once closed.
    assert as_("leader").get("/api/v1/reports/office?period=month&of=2026-03").get_json()["events_supported"] == {
        "supported": 1}
    complete(as_, "pr", held["id"], "cover_event", report="The mayor opened the depot.")
    complete(as_, "ps_transport", held["id"], "draft_closing_release", release_title="A new bus depot",
             release_body="The mayor opened bus depot No. 3.")
    complete(as_, "head_transport", held["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", held["id"], "pr_review", decision="approve", confirm_no_confidential=True)
    complete(as_, "ps_transport", held["id"], "translate", translations=TRANSLATIONS)
    assert complete(as_, "pr", held["id"], "publish")["data"]["outcome"] == "held"
    march = as_("leader").get("/api/v1/reports/office?period=month&of=2026-03").get_json()
    assert march["events_supported"] == {"supported": 1}
    assert march["releases"]["by_kind"]["press_release"] == 1  # the event's closing release
    february = as_("leader").get("/api/v1/reports/office?period=month&of=2026-02").get_json()
    assert february["events_supported"] == {"supported": 0}


def test_an_event_counts_on_its_day_when_agreed_after_its_start_and_when_its_case_is_cancelled_after(
        as_: Any, tick: Any) -> None:  # noqa: F811
    late = start(as_, starts_at="2026-03-31T23:30:00+06:00", open_to_press=False)
    tick("2026-04-01T00:30:00+06:00")  # begun, its materials not yet agreed
    complete(as_, "ps_transport", late["id"], "prepare_materials", talking_points=["Buses."], materials="Plan.")
    complete(as_, "head_transport", late["id"], "agree_unit_head", decision="approve")
    held = complete(as_, "pr", late["id"], "agree_pr", decision="approve")
    assert held["data"]["held_at"] == "2026-03-31T23:30:00+06:00"  # it took place at its time

    def counted() -> tuple[int, int]:
        return tuple(as_("leader").get(f"/api/v1/reports/office?period=month&of={month}").get_json()[
            "events_supported"]["supported"] for month in ("2026-03", "2026-04"))  # type: ignore[return-value]

    assert counted() == (1, 0)
    # Cancelled as a whole after it was held (no closing release wanted): it was held all the same.
    assert as_("prhead").post(f"/api/v1/process-instances/{late['id']}/cancel",
                              json={"reason": "No release wanted."}).status_code == 200
    assert counted() == (1, 0)
