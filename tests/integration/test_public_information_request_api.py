"""The request for public information (`public_information_request`): anyone asks, the profile in force sets the clock,
a refusal cites a ground of the law and states the appeal route, a partial refusal says what is withheld, a request
for what the office does not hold is forwarded. Driven through the REST API with users of the right roles."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.background.sweeper import fire_due
from tests import cases
from tests.cases import complete, events, open_ids, task_of
from tests.conftest import BISHKEK, deploy_shipped


@pytest.fixture(autouse=True)
def _both_request_procedures(deployed: None, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


KYIV = ZoneInfo("Europe/Kyiv")
CITIZEN = {
    "requester_kind": "person",
    "requester_name": "Aibek Toktogulov",
    "contact": {"email": "aibek@example.kg"},
    "channel": "letter",
    "subject": "Playground repairs",
    "question": "How much did the city spend on playground repairs in 2025?",
    "received_at": "2026-03-02T09:00:00+06:00",
    "urgent": False,
}
ANSWER = {"answer": "4.2 million som, in 31 playgrounds.", "confirm_no_confidential": True, "refuse": False,
          "partly_refuse": False}
start = partial(cases.start, process_key="public_information_request", data=CITIZEN)


def answered_by_pr(as_: Any, case: dict[str, Any], **prepared: Any) -> dict[str, Any]:
    complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
    # `answer=None`: the field left out, as for a refusal as a whole.
    complete(as_, "pr", case["id"], "prepare_answer",
             **{name: value for name, value in (ANSWER | prepared).items() if value is not None})
    return complete(as_, "pr", case["id"], "send_answer", sent_via="email")


def test_a_person_asks_and_gets_a_number_and_the_profiles_deadline(as_: Any) -> None:
    case = start(as_)
    assert case["business_key"] == "PI-2026-000001"
    assert case["data"]["requester_kind"] == "person" and "outlet" not in case["data"]
    # KG profile: 10 working days (Law No. 217, to verify). From Mon 2 March: 3-6 (4), 9-13 (9), 16 March (10).
    assert datetime.fromisoformat(case["due_at"]) == datetime(2026, 3, 16, 18, 0, tzinfo=BISHKEK)
    assert open_ids(case) == ["triage"] and case["tasks"][0]["due_at"] == case["due_at"]
    # The media's own request keeps 002 §9's 14 working days beside it.
    media = cases.start(as_, received_at="2026-03-02T09:00:00+06:00")
    assert media["due_at"] == "2026-03-23T18:00:00+06:00"


def test_an_organisation_or_the_media_may_ask_too_and_a_kind_outside_the_list_is_refused(as_: Any) -> None:
    assert start(as_, requester_kind="organisation", requester_name="Bishkek Parents' Union")["status"] == "running"
    assert start(as_, requester_kind="media", requester_name="Kaktus Media")["status"] == "running"
    problem = start(as_, requester_kind="robot", status=422)
    assert [e["field"] for e in problem["errors"]] == ["requester_kind"]


def test_an_urgent_request_must_say_why(as_: Any) -> None:
    problem = start(as_, urgent=True, status=422)
    assert [e["field"] for e in problem["errors"]] == ["urgent_reason"]
    nothing = as_("pr").get("/api/v1/process-instances?process_key=public_information_request").get_json()
    assert nothing["items"] == []


def test_a_request_without_contact_details_is_refused(as_: Any) -> None:
    problem = start(as_, contact={}, status=422)
    assert {e["field"] for e in problem["errors"]} >= {"contact"}


def test_the_pr_department_answers_and_the_letter_is_the_answer(as_: Any) -> None:
    done = answered_by_pr(as_, start(as_))
    assert done["status"] == "completed"
    assert done["data"]["outcome"] == "answered"
    assert done["data"]["letter"] == ANSWER["answer"]
    assert done["data"]["refusal"] is None
    told = [e["after"] for e in events(as_, done["id"], "letter.written")]
    assert [(t["kind"], t["to"], t["email"]) for t in told] == [
        ("registered", "Aibek Toktogulov", False), ("answered", "Aibek Toktogulov", False)]  # no SMTP here
    assert told[1]["body"] == ANSWER["answer"]
    assert "PI-2026-000001" in told[0]["body"] and "16.03.2026 18:00 (GMT+06:00)" in told[0]["body"]


def test_a_request_for_what_another_body_holds_is_forwarded_and_ends_so(as_: Any) -> None:
    case = start(as_)
    holder = {"name": "State Agency for Architecture", "contact": "info@gosstroy.gov.kg"}
    done = complete(as_, "pr", case["id"], "triage", decision="forward", holder=holder)
    assert done["status"] == "completed"
    assert done["data"]["outcome"] == "forwarded"
    assert done["data"]["forwarded_to"] == holder
    assert done["tasks"] == [] and done["timers"] == []


def test_forwarding_needs_the_holder_and_answering_needs_the_handler(as_: Any) -> None:
    case = start(as_)
    triage = task_of(as_, "pr", case["id"], "triage")
    for data, field in (({"decision": "forward"}, "holder"), ({"decision": "answer"}, "handler"),
                        ({"decision": "clarify"}, "clarification_question")):
        response = as_("pr").post(f"/api/v1/tasks/{triage['id']}/complete", json={"data": data})
        assert response.status_code == 422, data
        assert field in [e["field"] for e in response.get_json()["errors"]]
    assert open_ids(as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()) == ["triage"]


def test_a_unit_answers_with_contributions_and_the_pr_departments_agreement(as_: Any) -> None:
    case = start(as_)
    after = complete(as_, "pr", case["id"], "triage", decision="answer", handler="press_secretary", unit="transport",
                     contributors=["health"])
    assert open_ids(after) == ["contribute"]
    complete(as_, "head_health", case["id"], "contribute", contribution="Health: 12 playgrounds near clinics.")
    complete(as_, "ps_transport", case["id"], "prepare_answer", **ANSWER)
    reworked = complete(as_, "pr", case["id"], "approve_answer", decision="rework", comment="Give the total.")
    assert open_ids(reworked) == ["prepare_answer"]
    complete(as_, "ps_transport", case["id"], "prepare_answer", **ANSWER)
    complete(as_, "pr", case["id"], "approve_answer", decision="approve", confirm_no_confidential=True)
    done = complete(as_, "ps_transport", case["id"], "send_answer", sent_via="email")
    assert done["data"]["outcome"] == "answered" and done["data"]["contributions"] == [
        "Health: 12 playgrounds near clinics."]


def test_under_a_profile_without_verified_grounds_the_refusal_states_the_offices_ground_and_the_appeal(
        as_: Any) -> None:
    # KG's profile lists no refusal grounds until they are read in Law No. 217: the ground is the office's words.
    done = answered_by_pr(as_, start(as_), refuse=True, refusal_ground="State secret (Law on state secrets, art. 5)",
                          answer=None)
    assert done["data"]["outcome"] == "refused"
    letter = done["data"]["letter"]
    assert "State secret (Law on state secrets, art. 5)" in letter
    assert "Баш тартууга жогору турган органга же сотко даттанса болот." in letter  # ky, the first language
    assert "баш тартылды" in letter


def test_the_clarification_pauses_the_clock_and_brings_the_request_back_to_triage(as_: Any, clock: Any) -> None:
    case = start(as_)
    waiting = complete(as_, "pr", case["id"], "triage", decision="clarify", clarification_question="Which district?")
    assert open_ids(waiting) == []
    clock.set(datetime(2026, 3, 4, 10, 0, tzinfo=BISHKEK))  # Tue 3, Wed 4: two working days
    response = as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages",
                              json={"name": "clarification", "data": {"text": "Oktyabrsky district"}})
    assert response.status_code == 200, response.get_json()
    resumed = response.get_json()
    assert resumed["due_at"] == "2026-03-18T18:00:00+06:00"  # 16 March plus 17, 18 March
    assert open_ids(resumed) == ["triage"]


def test_an_overdue_request_escalates_to_the_head_of_the_pr_department(as_: Any, sessions: Any, ctx: Any,
                                                                       clock: Any) -> None:
    case = start(as_)
    clock.set(datetime(2026, 3, 16, 18, 0, 1, tzinfo=BISHKEK))
    assert fire_due(sessions, ctx, clock.now()) == 1
    escalation = task_of(as_, "prhead", case["id"], "escalate_overdue")
    assert escalation["role"] == "pr_head"
    assert open_ids(as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()) == [
        "escalate_overdue", "triage"]


@pytest.mark.jurisdiction("UA")
class TestUnderUkraine:
    @pytest.fixture
    def clock(self) -> Any:
        from engine.spiff.clock import FrozenClock
        return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=KYIV))

    def ua_start(self, as_: Any, **changes: Any) -> dict[str, Any]:
        return start(as_, **({"received_at": "2026-03-02T09:00:00+02:00", "contact": {"email": "o@example.ua"}}
                             | changes))

    def test_the_refusal_ground_is_one_of_the_laws_and_the_form_offers_them(self, as_: Any) -> None:
        case = self.ua_start(as_)
        complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
        prepare = task_of(as_, "pr", case["id"], "prepare_answer")
        field = prepare["form"]["schema"]["properties"]["refusal_ground"]
        assert field["enum"] == ["not_held", "restricted", "costs_unpaid", "request_incomplete"]
        response = as_("pr").post(f"/api/v1/tasks/{prepare['id']}/complete", json={"data": {
            "confirm_no_confidential": True, "refuse": True, "partly_refuse": False, "refusal_ground": "inconvenient"}})
        assert response.status_code == 422
        assert [e["field"] for e in response.get_json()["errors"]] == ["refusal_ground"]
        assert open_ids(as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()) == ["prepare_answer"]

    def test_a_refusal_sent_states_its_ground_article_and_the_appeal_route(self, as_: Any) -> None:
        case = self.ua_start(as_)
        done = answered_by_pr(as_, case, refuse=True, refusal_ground="restricted", answer=None)
        refusal = done["data"]["refusal"]
        assert refusal["ground"] == "restricted"
        assert refusal["law"] == "п. 2 ч. 1 ст. 22, ч. 2 ст. 6 Закону України «Про доступ до публічної інформації»"
        assert refusal["title"] == "Інформація належить до інформації з обмеженим доступом"
        assert "ст. 23" in refusal["appeal"]
        assert done["data"]["letter"] == (
            "У задоволенні вашого запиту на інформацію відмовлено.\n"
            "Підстава: Інформація належить до інформації з обмеженим доступом "
            "(п. 2 ч. 1 ст. 22, ч. 2 ст. 6 Закону України «Про доступ до публічної інформації»)"
            "\n\n" + refusal["appeal"])

    def test_a_partial_refusal_gives_the_rest_and_says_what_is_withheld_and_why(self, as_: Any) -> None:
        case = self.ua_start(as_)
        done = answered_by_pr(as_, case, partly_refuse=True, refusal_ground="restricted",
                              withheld="The contractors' bank details")
        assert done["data"]["outcome"] == "partly_refused"
        letter = done["data"]["letter"]
        assert letter.startswith(ANSWER["answer"])
        assert "Не надано: The contractors' bank details" in letter
        assert "Підстава: Інформація належить до інформації з обмеженим доступом" in letter
        assert letter.endswith(done["data"]["refusal"]["appeal"])

    def test_a_partial_refusal_without_what_is_withheld_is_refused(self, as_: Any) -> None:
        case = self.ua_start(as_)
        complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
        prepare = task_of(as_, "pr", case["id"], "prepare_answer")
        response = as_("pr").post(f"/api/v1/tasks/{prepare['id']}/complete",
                                  json={"data": ANSWER | {"partly_refuse": True}})
        assert response.status_code == 422
        assert {e["field"] for e in response.get_json()["errors"]} == {"refusal_ground", "withheld"}

    def test_the_pr_department_refuses_a_press_secretarys_answer_on_a_ground_of_the_law(self, as_: Any) -> None:
        case = self.ua_start(as_)
        complete(as_, "pr", case["id"], "triage", decision="answer", handler="press_secretary", unit="transport",
                 contributors=[])
        complete(as_, "ps_transport", case["id"], "prepare_answer", **ANSWER)
        complete(as_, "pr", case["id"], "approve_answer", decision="refuse", refusal_ground="not_held")
        done = complete(as_, "ps_transport", case["id"], "send_answer", sent_via="email")
        assert done["data"]["outcome"] == "refused"
        assert done["data"]["refusal"]["ground"] == "not_held"
        assert ANSWER["answer"] not in done["data"]["letter"]


def test_an_answer_sent_while_the_escalation_is_open_stays_the_cases_outcome(as_: Any, sessions: Any, ctx: Any,
                                                                            clock: Any) -> None:
    case = start(as_)
    clock.set(datetime(2026, 3, 17, 10, 0, tzinfo=BISHKEK))  # past 16 March 18:00
    assert fire_due(sessions, ctx, clock.now()) == 1
    answered = answered_by_pr(as_, case)
    # The escalation carries the data as it stood on the 16th; it must not hide the answer sent since.
    assert answered["status"] == "running" and [t["bpmn_id"] for t in answered["tasks"]] == ["escalate_overdue"]
    assert answered["data"]["outcome"] == "answered" and answered["data"]["letter"] == ANSWER["answer"]
    done = complete(as_, "prhead", case["id"], "escalate_overdue", action_taken="Reminded the department.")
    assert done["status"] == "completed"
    assert done["data"]["outcome"] == "answered" and done["data"]["action_taken"] == "Reminded the department."
    assert done["data"]["sent_at"] == answered["data"]["sent_at"]
