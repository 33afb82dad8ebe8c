"""The breach report (002 §7), driven through the REST API with users of the right roles: a press secretary
reports, the head of the PR department finds a breach and reports it to leadership, who record the measure; or
finds none and the case closes with the reasons. Every staff role may report; bad input changes nothing; only
the head of the PR department reviews and only leadership records the measure; the audit names each actor."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from tests import cases
from tests.cases import complete, history, inbox, open_tasks, refused_to, submit, task_of
from tests.conftest import deploy_shipped

KEY = "breach_report"
REPORT = {
    "official": "B. Asanov, head of the bus depot",
    "occurred_at": "2026-02-27T18:30:00+06:00",
    "outlet": "Kaktus Media, evening stream",
    "what": "Announced a fare rise that was never decided, without the PR department's agreement.",
    "evidence": "https://kaktus.example/stream/2026-02-27",
    "unit": "transport",
}
TO_LEADERSHIP = "The depot head spoke to the press without authorisation (002 §3) and announced an undecided rise."
REASONS = "He was authorised by the PR department for this stream and said nothing confidential."
MEASURE = "A reprimand; the head of transport briefs unit heads on the Regulation."
# The clock of tests/conftest.py stands at Mon 2 March 2026, 09:00 in Bishkek.
FUTURE = "2026-03-02T09:00:01+06:00"


@pytest.fixture(autouse=True)
def deployed_breach_report(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, f"{KEY}.bpmn")


# Reported by the transport unit's press secretary unless a test says who.
start = partial(cases.start, process_key=KEY, data=REPORT, user="ps_transport")


def _cases(as_: Any) -> int:
    return as_("admin").get(f"/api/v1/process-instances?process_key={KEY}").get_json()["total"]


def _audit(as_: Any, instance_id: int) -> list[dict[str, Any]]:
    response = as_("auditor").get(f"/api/v1/audit?instance_id={instance_id}&per_page=100")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def _fields(response: Any) -> set[str]:
    assert response.status_code == 422, response.get_json()
    return {e["field"] for e in response.get_json()["errors"]}


# --- the breach, from report to measure --------------------------------------------------------------
def test_a_breach_reported_by_a_press_secretary_ends_with_the_measure_leadership_recorded(as_: Any) -> None:
    case = start(as_)
    assert case["business_key"] == "BR-2026-000001"
    assert (case["status"], case["started_by"], case["unit"], case["process_key"]) == \
        ("running", "ps_transport", "transport", KEY)
    assert open_tasks(case) == [("review_breach", "pr_head", None)]
    assert case["timers"] == [] and case["due_at"] is None

    review = task_of(as_, "prhead", case["id"], "review_breach")
    assert review["form"]["key"] == f"{KEY}/review_breach"
    assert review["data"] == {}  # the finding is the head's: nothing is preset or carried
    assert "default" not in review["form"]["schema"]["properties"]["finding"]
    after = complete(as_, "prhead", case["id"], "review_breach", finding="breach", report_to_leadership=TO_LEADERSHIP)
    assert open_tasks(after) == [("record_measure", "leadership", None)]
    assert after["status"] == "running" and "outcome" not in after["data"]
    assert (after["data"]["finding"], after["data"]["report_to_leadership"]) == ("breach", TO_LEADERSHIP)

    measure = task_of(as_, "leader", case["id"], "record_measure")
    refused_to(as_, ["prhead", "pr", "ps_transport", "head_transport", "lawyer", "admin", "auditor"], measure,
               {"measure": MEASURE})
    done = complete(as_, "leader", case["id"], "record_measure", measure=MEASURE)
    assert (done["status"], done["tasks"], done["timers"]) == ("completed", [], [])
    data = done["data"]
    assert (data["outcome"], data["finding"], data["report_to_leadership"], data["measure"]) == \
        ("measure_recorded", "breach", TO_LEADERSHIP, MEASURE)
    assert (data["official"], data["occurred_at"], data["evidence"]) == \
        (REPORT["official"], REPORT["occurred_at"], REPORT["evidence"])

    # The audit has every step with its actor.
    audit = _audit(as_, case["id"])
    steps = [(e["type"], e["subject"], e["actor"]) for e in audit]
    assert ("instance.started", "BR-2026-000001", "ps_transport") in steps
    assert [(s, a) for t, s, a in steps if t == "task.completed"] == \
        [("review_breach", "prhead"), ("record_measure", "leader")]
    assert [s for t, s, _ in steps if t == "task.created"] == ["review_breach", "record_measure"]
    (completed,) = [e for e in audit if e["type"] == "instance.completed"]
    assert (completed["actor"], completed["after"]) == ("leader", {"outcome": "measure_recorded"})
    started = next(e for e in audit if e["type"] == "instance.started")
    assert started["after"]["data"]["official"] == REPORT["official"]
    # The case's own history, oldest first, agrees.
    events = history(as_, case["id"])
    assert events[0] == ("instance.started", "BR-2026-000001", "ps_transport")
    assert events[-1] == ("instance.completed", "BR-2026-000001", "leader")


def test_no_breach_ends_the_case_with_its_reasons_and_nothing_for_leadership(as_: Any) -> None:
    case = start(as_, user="pr", unit=None)
    assert case["unit"] is None
    done = complete(as_, "prhead", case["id"], "review_breach", finding="no_breach", reasons=REASONS)
    assert (done["status"], done["tasks"]) == ("completed", [])
    assert (done["data"]["outcome"], done["data"]["finding"], done["data"]["reasons"]) == \
        ("no_breach", "no_breach", REASONS)
    assert "report_to_leadership" not in done["data"] and "measure" not in done["data"]
    assert inbox(as_, "leader", case["id"]) == []
    events = history(as_, case["id"])
    assert ("task.completed", "review_breach", "prhead") in events
    assert not any(subject == "record_measure" for _, subject, _ in events)
    assert events[-1] == ("instance.completed", case["business_key"], "prhead")
    (completed,) = [e for e in _audit(as_, case["id"]) if e["type"] == "instance.completed"]
    assert completed["after"] == {"outcome": "no_breach"}


# --- who reports, who reviews ------------------------------------------------------------------------
@pytest.mark.parametrize(("user", "unit"), [("pr", None), ("ps_transport", "transport"), ("ps_health", "health"),
                                            ("head_transport", "transport"), ("prhead", None), ("leader", None),
                                            ("lawyer", None)])
def test_every_staff_role_may_report_a_breach(as_: Any, user: str, unit: str | None) -> None:
    case = start(as_, user=user, unit=unit)
    assert (case["status"], case["started_by"], case["unit"]) == ("running", user, unit)
    assert open_tasks(case) == [("review_breach", "pr_head", None)]
    assert as_(user).get(f"/api/v1/process-instances/{case['id']}").status_code == 200


@pytest.mark.parametrize("user", ["admin", "auditor"])
def test_administrators_and_auditors_do_not_report(as_: Any, user: str) -> None:
    response = as_(user).post("/api/v1/process-instances", json={"process_key": KEY, "data": REPORT})
    assert response.status_code == 403
    assert _cases(as_) == 0


def test_a_report_about_an_official_is_not_read_by_an_unrelated_press_secretary(as_: Any) -> None:
    case = start(as_)
    assert as_("ps_health").get(f"/api/v1/process-instances/{case['id']}").status_code == 403
    assert as_("head_health").get(f"/api/v1/process-instances/{case['id']}").status_code == 403
    assert as_("leader").get(f"/api/v1/process-instances/{case['id']}").status_code == 200


def test_only_the_head_of_the_pr_department_reviews(as_: Any) -> None:
    case = start(as_)
    review = task_of(as_, "prhead", case["id"], "review_breach")
    refused_to(as_, ["auditor", "pr", "ps_transport", "head_transport", "leader", "lawyer", "admin"], review,
               {"finding": "no_breach", "reasons": REASONS})
    after = as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert open_tasks(after) == [("review_breach", "pr_head", None)] and "finding" not in after["data"]
    assert not any(kind == "task.completed" for kind, _, _ in history(as_, case["id"]))


# --- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "field"), [
    ({k: v for k, v in REPORT.items() if k != "official"}, "official"),
    ({**REPORT, "official": ""}, "official"),
    ({**REPORT, "official": "   "}, "official"),
    ({**REPORT, "occurred_at": FUTURE}, "occurred_at"),
    ({**REPORT, "occurred_at": "last Friday"}, "occurred_at"),
    ({k: v for k, v in REPORT.items() if k != "what"}, "what"),
    ({**REPORT, "unit": "nowhere"}, "unit"),
    ({**REPORT, "finding": "breach"}, "finding"),  # no field of the report: the finding is the review's
])
def test_a_bad_report_is_refused_naming_the_field_and_starts_nothing(as_: Any, data: dict[str, Any],
                                                                     field: str) -> None:
    response = as_("ps_transport").post("/api/v1/process-instances", json={"process_key": KEY, "data": data})
    assert _fields(response) == {field}
    assert _cases(as_) == 0
    assert as_("auditor").get("/api/v1/audit?type=instance.started").get_json()["total"] == 0


def test_a_future_moment_is_refused_with_its_reason(as_: Any) -> None:
    response = as_("ps_transport").post("/api/v1/process-instances",
                                        json={"process_key": KEY, "data": {**REPORT, "occurred_at": FUTURE}})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert (error["field"], error["message"]) == ("occurred_at", "must not be in the future")


@pytest.mark.parametrize(("data", "field"), [
    ({"finding": "breach"}, "report_to_leadership"),
    ({"finding": "breach", "reasons": REASONS}, "report_to_leadership"),
    ({"finding": "breach", "report_to_leadership": ""}, "report_to_leadership"),
    ({"finding": "breach", "report_to_leadership": "  \n "}, "report_to_leadership"),
    ({"finding": "no_breach", "reasons": " "}, "reasons"),
    ({"finding": "no_breach"}, "reasons"),
    ({"report_to_leadership": TO_LEADERSHIP}, "finding"),
    ({"finding": "perhaps", "reasons": REASONS}, "finding"),
    ({"finding": "no_breach", "reasons": REASONS, "measure": MEASURE}, "measure"),
])
def test_a_bad_review_is_refused_naming_the_field_and_changes_nothing(as_: Any, data: dict[str, Any],
                                                                      field: str) -> None:
    case = start(as_)
    review = task_of(as_, "prhead", case["id"], "review_breach")
    before = history(as_, case["id"])
    assert _fields(submit(as_, "prhead", review["id"], **data)) == {field}
    after = as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert after["status"] == "running" and open_tasks(after) == [("review_breach", "pr_head", None)]
    assert after["data"] == case["data"]
    assert history(as_, case["id"]) == before
    # The same task is still there to be completed properly.
    done = complete(as_, "prhead", case["id"], "review_breach", finding="no_breach", reasons=REASONS)
    assert done["data"]["outcome"] == "no_breach"


def test_a_measure_must_be_written(as_: Any) -> None:
    case = start(as_)
    complete(as_, "prhead", case["id"], "review_breach", finding="breach", report_to_leadership=TO_LEADERSHIP)
    measure = task_of(as_, "leader", case["id"], "record_measure")
    assert _fields(submit(as_, "leader", measure["id"])) == {"measure"}
    assert _fields(submit(as_, "leader", measure["id"], measure="")) == {"measure"}
    blank = submit(as_, "leader", measure["id"], measure="   ")
    assert [(e["field"], e["message"]) for e in blank.get_json()["errors"]] == [("measure", "must not be blank")]
    still = as_("admin").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert still["status"] == "running" and open_tasks(still) == [("record_measure", "leadership", None)]
