"""The request procedures run end to end under each jurisdiction's profile (JARCHY_JURISDICTION), each clock
asserted to the minute: Ukraine's 5 working days, its 48-hour urgent track, its extension window and maximum, and
forwarding; Kyrgyzstan's working days across Independence Day; Uzbekistan's calendar days."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.background.sweeper import fire_due
from engine.spiff.clock import FrozenClock
from tests import cases
from tests.cases import complete, events, open_ids, task_of
from tests.conftest import deploy_shipped

KYIV, BISHKEK, TASHKENT = ZoneInfo("Europe/Kyiv"), ZoneInfo("Asia/Bishkek"), ZoneInfo("Asia/Tashkent")
ANSWER = {"answer": "The figures are attached.", "confirm_no_confidential": True, "refuse": False,
          "partly_refuse": False}


def request(received_at: str, **changes: Any) -> dict[str, Any]:
    return {"requester_kind": "person", "requester_name": "Olena Kovalenko", "contact": {"email": "olena@example.ua"},
            "channel": "email", "subject": "School budgets", "question": "What did each school receive in 2025?",
            "received_at": received_at, "urgent": False} | changes


def start(as_: Any, received_at: str, **changes: Any) -> dict[str, Any]:
    return cases.start(as_, "public_information_request", request(received_at, **changes))


@pytest.fixture(autouse=True)
def _request_procedures(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "information_request.bpmn")
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


def extend(as_: Any, case: dict[str, Any], working_days: int) -> Any:
    return as_("prhead").post(f"/api/v1/process-instances/{case['id']}/extend",
                              json={"working_days": working_days,
                                    "reason": "A large volume: the budgets of 214 schools must be compiled"})


def case_now(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    return as_("prhead").get(f"/api/v1/process-instances/{case['id']}").get_json()


@pytest.mark.jurisdiction("UA")
class TestUkraine:
    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=KYIV))

    def test_a_request_is_answered_on_the_fifth_working_day(self, as_: Any, clock: FrozenClock) -> None:
        case = start(as_, "2026-03-02T09:00:00+02:00")
        # Art. 20 part 1: received Mon 2 March; 3, 4, 5, 6, 9 March are the five working days.
        assert case["due_at"] == "2026-03-09T18:00:00+02:00"
        complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
        clock.set(datetime(2026, 3, 9, 16, 0, tzinfo=KYIV))
        complete(as_, "pr", case["id"], "prepare_answer", **ANSWER)
        done = complete(as_, "pr", case["id"], "send_answer", sent_via="email")
        assert done["status"] == "completed" and done["data"]["outcome"] == "answered"
        assert datetime.fromisoformat(done["completed_at"]) <= datetime.fromisoformat(done["due_at"])

    def test_an_urgent_request_is_due_in_48_hours_and_escalates_then(self, as_: Any, clock: FrozenClock,
                                                                        sessions: Any, ctx: Any) -> None:
        case = start(as_, "2026-03-02T09:00:00+02:00", urgent=True,
                     urgent_reason="A gas leak near School No. 5: is the building safe?")
        assert case["due_at"] == "2026-03-04T09:00:00+02:00"  # art. 20 part 2: 48 hours, not working days
        clock.set(datetime(2026, 3, 4, 8, 59, tzinfo=KYIV))
        assert fire_due(sessions, ctx, clock.now()) == 0
        clock.set(datetime(2026, 3, 4, 9, 0, 1, tzinfo=KYIV))
        assert fire_due(sessions, ctx, clock.now()) == 1
        assert task_of(as_, "prhead", case["id"], "escalate_overdue")["role"] == "pr_head"
        assert open_ids(case_now(as_, case)) == ["escalate_overdue", "triage"]

    def test_an_extension_is_allowed_on_day_four_and_refused_on_day_six(self, as_: Any, clock: FrozenClock) -> None:
        early, late = start(as_, "2026-03-02T09:00:00+02:00"), start(as_, "2026-03-02T08:50:00+02:00")
        clock.set(datetime(2026, 3, 6, 11, 0, tzinfo=KYIV))  # Fri 6 March: the 4th working day after receipt
        response = extend(as_, early, 15)
        assert response.status_code == 200, response.get_json()
        # Art. 20 part 4: 20 working days after 2 March in all: 3-6, 9-13, 16-20, 23-27, 30 March (summer time).
        assert response.get_json()["due_at"] == "2026-03-30T18:00:00+03:00"
        assert case_now(as_, early)["tasks"][0]["due_at"] == "2026-03-30T18:00:00+03:00"
        # Art. 20 part 4: the requester is told in writing, with the reason.
        told = [e["after"] for e in events(as_, early["id"], "letter.written")]
        assert [t["kind"] for t in told] == ["registered", "extended"]
        assert told[1]["body"] == (
            f"Строк розгляду вашого запиту {early['business_key']} «School budgets» продовжено до "
            "30 березня 2026\u202fр., 18:00 (GMT+03:00) "
            "(ст. 20 ч. 4 Закону України «Про доступ до публічної інформації»). "
            "Причина: A large volume: the budgets of 214 schools must be compiled")
        clock.set(datetime(2026, 3, 10, 11, 0, tzinfo=KYIV))  # Tue 10 March: the 6th working day
        refused = extend(as_, late, 15)
        assert refused.status_code == 422
        assert [e["field"] for e in refused.get_json()["errors"]] == ["working_days"]
        assert case_now(as_, late)["due_at"] == "2026-03-09T18:00:00+02:00"
        assert [e["after"]["kind"] for e in events(as_, late["id"], "letter.written")] == ["registered"]

    def test_an_extension_beyond_twenty_working_days_in_all_is_refused(self, as_: Any, clock: FrozenClock) -> None:
        case = start(as_, "2026-03-02T09:00:00+02:00")
        clock.set(datetime(2026, 3, 4, 11, 0, tzinfo=KYIV))
        refused = extend(as_, case, 16)
        assert refused.status_code == 422
        assert [e["field"] for e in refused.get_json()["errors"]] == ["working_days"]
        assert case_now(as_, case)["due_at"] == "2026-03-09T18:00:00+02:00"

    def test_a_request_for_what_another_body_holds_is_forwarded(self, as_: Any) -> None:
        case = start(as_, "2026-03-02T09:00:00+02:00")
        holder = {"name": "Ministry of Education and Science", "contact": "info@mon.gov.ua"}
        done = complete(as_, "pr", case["id"], "triage", decision="forward", holder=holder)
        assert done["status"] == "completed"
        assert done["data"]["outcome"] == "forwarded" and done["data"]["forwarded_to"] == holder
        assert done["due_at"] == "2026-03-09T18:00:00+02:00"
        told = [e["after"] for e in events(as_, case["id"], "letter.written")]
        assert [t["kind"] for t in told] == ["registered", "forwarded"]
        assert "Ministry of Education and Science, info@mon.gov.ua" in told[1]["body"]
        assert told[0]["body"] == (f"Ваш запит на інформацію «School budgets» зареєстровано за номером "
                                   f"{case['business_key']}. Відповідь буде надано до "
                                   "9 березня 2026\u202fр., 18:00 (GMT+02:00).")

    def test_a_journalists_request_runs_on_the_same_clock(self, as_: Any) -> None:
        media = cases.start(as_, received_at="2026-03-02T09:00:00+02:00", contact={"email": "desk@example.ua"})
        assert media["due_at"] == "2026-03-09T18:00:00+02:00"


class TestKyrgyzstan:
    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock(datetime(2026, 8, 27, 10, 0, tzinfo=BISHKEK))

    def test_independence_day_does_not_count(self, as_: Any) -> None:
        case = start(as_, "2026-08-27T10:00:00+06:00", contact={"email": "aibek@example.kg"})
        # 10 working days from Thu 27 August: 28 Aug; 31 Aug is Independence Day; 1-4, 7-11 September.
        assert case["due_at"] == "2026-09-11T18:00:00+06:00"
        media = cases.start(as_, received_at="2026-08-27T10:00:00+06:00")
        # 002 §9, 14 working days: ... 14-17 September.
        assert media["due_at"] == "2026-09-17T18:00:00+06:00"

    def test_a_request_is_extended_by_ten_working_days_announced_before_its_term_runs_out(
            self, as_: Any, clock: FrozenClock) -> None:
        early, late = start(as_, "2026-08-27T10:00:00+06:00"), start(as_, "2026-08-27T09:55:00+06:00")
        clock.set(datetime(2026, 9, 11, 17, 0, tzinfo=BISHKEK))  # the 10th working day, before its end
        assert extend(as_, early, 11).status_code == 422  # 20 working days in all at most
        response = extend(as_, early, 10)
        assert response.status_code == 200, response.get_json()
        # 10 more working days after 11 September: 14-18, 21-25 September.
        assert response.get_json()["due_at"] == "2026-09-25T18:00:00+06:00"
        clock.set(datetime(2026, 9, 14, 9, 0, tzinfo=BISHKEK))  # the first term has run out
        refused = extend(as_, late, 5)
        assert refused.status_code == 422
        assert [e["field"] for e in refused.get_json()["errors"]] == ["working_days"]
        assert case_now(as_, late)["due_at"] == "2026-09-11T18:00:00+06:00"

    def test_there_is_no_extension_the_profile_does_not_give(self, as_: Any) -> None:
        # 002 §9 gives the media request no extension, and JARCHY_REQUEST_EXTENSION_DAYS is 0 by default.
        media = cases.start(as_, received_at="2026-08-27T10:00:00+06:00")
        refused = extend(as_, media, 5)
        assert refused.status_code == 422
        assert case_now(as_, media)["due_at"] == "2026-09-17T18:00:00+06:00"

    def test_an_extension_without_a_reason_is_refused(self, as_: Any) -> None:
        case = start(as_, "2026-08-27T10:00:00+06:00")
        refused = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/extend",
                                     json={"working_days": 5, "reason": "   "})
        assert refused.status_code == 422
        assert [e["field"] for e in refused.get_json()["errors"]] == ["reason"]
        assert case_now(as_, case)["due_at"] == "2026-09-11T18:00:00+06:00"
        assert [e["after"]["kind"] for e in events(as_, case["id"], "letter.written")] == ["registered"]


@pytest.mark.jurisdiction("UZ")
class TestUzbekistan:
    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock(datetime(2026, 3, 5, 10, 0, tzinfo=TASHKENT))

    def test_the_days_are_calendar_days(self, as_: Any) -> None:
        case = start(as_, "2026-03-02T09:00:00+05:00", contact={"email": "dilnoza@example.uz"})
        # 15 days from Mon 2 March, weekends and the holidays of 9 and 20 March counted: Tue 17 March.
        assert case["due_at"] == "2026-03-17T18:00:00+05:00"
        media = cases.start(as_, received_at="2026-03-02T09:00:00+05:00", contact={"email": "desk@example.uz"})
        # A media request, 7 days: Mon 9 March is a holiday (8 March fell on a Sunday), so Tue 10 March.
        assert media["due_at"] == "2026-03-10T18:00:00+05:00"

    def test_a_last_day_that_is_not_a_working_day_moves_to_the_next_working_day(self, as_: Any) -> None:
        case = start(as_, "2026-03-05T10:00:00+05:00", contact={"email": "dilnoza@example.uz"})
        # The 15th day, Fri 20 March, is a holiday; 21-22 are the weekend and 23 March a holiday: Tue 24 March.
        assert case["due_at"] == "2026-03-24T18:00:00+05:00"

    def test_the_calendar_gives_a_code_and_the_day_off_of_a_saturday_worked_by_decree(self, as_: Any) -> None:
        """A client words the day from `kind` and `day_off_on` (docs/deadlines.md); `reason` stays English."""
        got = as_("pr").get("/api/v1/calendar", query_string={"from": "2026-12-12", "to": "2026-12-13"})
        assert got.status_code == 200, got.get_json()
        saturday, sunday = got.get_json()["items"]
        assert (saturday["working"], saturday["kind"], saturday["day_off_on"]) == (True, "worked_by_decree",
                                                                                   "2026-12-31")
        assert (sunday["working"], sunday["kind"], sunday["day_off_on"]) == (False, "weekend", None)
