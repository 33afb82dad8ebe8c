"""A due date read at a glance through the API (issue 16, point 2): each open task's time left on its case's
clock, and `GET /process-instances/{id}/deadline`, the derivation a complaint about a late answer is answered
with: received when, which days did not count and why, paused and extended when, due when, closed in time or not."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.core.settings import Settings
from engine.spiff.clock import FrozenClock
from tests import cases
from tests.cases import complete, task_of
from tests.conftest import BISHKEK, REQUEST, deploy_shipped

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture(autouse=True)
def _procedures(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "information_request.bpmn")
    deploy_shipped(sessions, ctx, "release_approval.bpmn")


def deadline(as_: Any, case_id: int, who: str = "pr", **query: str) -> Any:
    return as_(who).get(f"/api/v1/process-instances/{case_id}/deadline", query_string=query)


def test_a_task_counts_what_is_left_on_the_office_calendar(as_: Any, clock: FrozenClock) -> None:
    # Received Monday 2 March 2026: 14 working days skip 8 March, Orozo Ait (20 March), Nooruz (21 March) and the
    # weekends, and end on Monday 23 March at the end of the working day.
    case = cases.start(as_, "information_request", dict(REQUEST))
    triage = task_of(as_, "pr", case["id"], "triage")
    assert triage["due_at"] == "2026-03-23T18:00:00+06:00"
    assert triage["time_left"] == {"amount": 14, "unit": "working_days", "urgency": "later", "statutory": True,
                                   "urgent_track": False}
    clock.set(datetime(2026, 3, 19, 9, 0, tzinfo=BISHKEK))  # Thursday: 20-22 March are no working days
    assert task_of(as_, "pr", case["id"], "triage")["time_left"]["amount"] == 1
    assert task_of(as_, "pr", case["id"], "triage")["time_left"]["urgency"] == "soon"
    clock.set(datetime(2026, 3, 23, 17, 0, tzinfo=BISHKEK))
    assert task_of(as_, "pr", case["id"], "triage")["time_left"]["urgency"] == "urgent"
    clock.set(datetime(2026, 3, 25, 10, 0, tzinfo=BISHKEK))
    late = task_of(as_, "pr", case["id"], "triage")["time_left"]
    assert (late["amount"], late["urgency"]) == (2, "overdue")


def test_the_deadline_says_how_it_was_counted_in_the_readers_language(as_: Any) -> None:
    case = cases.start(as_, "information_request", dict(REQUEST))
    told = deadline(as_, case["id"], lang="ru")
    assert told.status_code == 200, told.get_json()
    body = told.get_json()
    assert body["received"] == "2026-03-02T09:00:00+06:00" and body["due_at"] == "2026-03-23T18:00:00+06:00"
    assert (body["amount"], body["unit"], body["urgent"], body["weekend_days"]) == (14, "working_days", False, 4)
    assert [(d["date"], d["kind"], d["names"]) for d in body["days"]] == [
        ("2026-03-08", "holiday", ["Международный женский день"]), ("2026-03-20", "holiday", ["Орозо айт"]),
        ("2026-03-21", "holiday", ["Народный праздник Нооруз"])]
    assert body["ground"]["lang"] == "ru" and "п. 9" in body["ground"]["text"] and "14" in body["ground"]["text"]
    assert body["pauses"] == [] and body["extensions"] == [] and body["closed"] is None
    # Without `lang`, the caller's own language.
    assert deadline(as_, case["id"]).get_json()["days"][0]["names"] == ["International Women's Day"]


def test_a_clarification_pause_and_a_late_answer_are_in_the_record(as_: Any, clock: FrozenClock) -> None:
    case = cases.start(as_, "information_request", dict(REQUEST))
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[],
             needs_clarification=True, clarification_question="Which routes?")
    clock.set(datetime(2026, 3, 4, 11, 0, tzinfo=BISHKEK))  # the requester answers two working days later
    answered = as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages",
                              json={"name": "clarification", "data": {"text": "Routes 1 to 10"}})
    assert answered.status_code == 200, answered.get_json()
    told = deadline(as_, case["id"]).get_json()
    assert [(p["from"], p["to"], p["amount"]) for p in told["pauses"]] == [
        ("2026-03-02T09:00:00+06:00", "2026-03-04T11:00:00+06:00", 2)]
    assert told["due_at"] == "2026-03-25T18:00:00+06:00"  # moved by the two working days waited


def test_a_case_without_a_statutory_deadline_and_bad_input_are_refused_by_name(as_: Any) -> None:
    case = cases.start(as_, "information_request", dict(REQUEST))
    wrong = deadline(as_, case["id"], lang="xx")
    assert wrong.status_code == 422 and [e["field"] for e in wrong.get_json()["errors"]] == ["lang"]
    missing = as_("pr").get("/api/v1/process-instances/999999/deadline")
    assert missing.status_code == 404 and missing.get_json()["code"] == "case_not_found"


class TestAnHoursClock:
    """Ukraine's urgent track counts 48 hours round the clock: its tasks read hours left."""

    @pytest.fixture
    def settings(self, database_url: str, tmp_path: Any) -> Settings:
        return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                        country="UA", timezone="Europe/Kyiv", publication_languages=("uk",), jurisdiction="UA")

    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=KYIV))

    def test_an_urgent_request_reads_hours_left_and_its_own_ground(self, as_: Any, sessions: Any, ctx: Any,
                                                                    clock: FrozenClock) -> None:
        deploy_shipped(sessions, ctx, "public_information_request.bpmn")
        case = cases.start(as_, "public_information_request", {
            "requester_kind": "person", "requester_name": "Olena Kovalenko",
            "contact": {"email": "olena@example.ua"}, "channel": "email", "subject": "Gas leak",
            "question": "Is School No. 5 safe?", "received_at": "2026-03-02T09:00:00+02:00", "urgent": True,
            "urgent_reason": "A gas leak near School No. 5: is the building safe?"})
        clock.set(datetime(2026, 3, 3, 20, 30, tzinfo=KYIV))
        open_task = as_("pr").get("/api/v1/tasks", query_string={"instance_id": case["id"]}).get_json()["items"][0]
        assert open_task["time_left"] == {"amount": 12, "unit": "hours", "urgency": "soon", "statutory": True,
                                          "urgent_track": True}
        told = deadline(as_, case["id"], lang="uk").get_json()
        assert (told["amount"], told["unit"], told["urgent"]) == (48, "hours", True)
        assert told["due_at"] == "2026-03-04T09:00:00+02:00" and told["days"] == [] and told["weekend_days"] == 0
        assert "48" in told["ground"]["text"] and "ч. 2" in told["ground"]["text"]
