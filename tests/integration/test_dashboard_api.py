"""`GET /api/v1/dashboard`: the dashboard's figures over a period, each with the query of
`GET /api/v1/process-instances` that lists exactly the cases it counts; a period that cannot be shown refused with
422 naming its parameter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.conftest import BISHKEK
from tests.web.test_audit_pages import answer, complete, start

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def cases(cast: Any, sessions: Any, ctx: Any, clock: Any) -> dict[str, str]:
    keys = {}
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK))
    late, keys["late"] = start(sessions, ctx, "pr", received_at="2026-02-02T09:00:00+06:00")
    answer(sessions, ctx, late)
    on_time, keys["on_time"] = start(sessions, ctx, "pr")
    answer(sessions, ctx, on_time)
    _id, keys["overdue"] = start(sessions, ctx, "pr", received_at="2026-02-05T09:00:00+06:00")
    _id, keys["open"] = start(sessions, ctx, "ps_transport", unit="transport")
    clock.set(datetime(2026, 3, 31, 23, 30, tzinfo=BISHKEK))
    _id, keys["last_minute"] = start(sessions, ctx, "pr")  # 17:30 UTC: still March in the office
    clock.set(datetime(2026, 4, 2, 12, 0, tzinfo=BISHKEK))
    return keys


def figures_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [body["requests_answered"]["on_time"], body["requests_answered"]["late"], body["open"], body["overdue"],
            *body["registered_by_procedure"], *body["registered_by_unit"]]


def test_each_figure_s_query_lists_exactly_the_cases_it_counts(as_: Any, cases: Any) -> None:
    leader = as_("leader")
    body = leader.get("/api/v1/dashboard?period=month&at=2026-03-01").get_json()
    assert (body["period"], body["from"], body["to"]) == ("month", "2026-03-01", "2026-03-31")
    assert body["previous"] == {"from": "2026-02-01", "to": "2026-02-28"}
    assert body["next"] == {"from": "2026-04-01", "to": "2026-04-30"}
    assert (body["requests_answered"]["on_time"]["count"], body["requests_answered"]["late"]["count"]) == (1, 1)
    assert [(r["process_key"], r["count"]) for r in body["registered_by_procedure"]] == [("information_request", 5)]
    assert [(r["unit"], r["count"]) for r in body["registered_by_unit"]] == [("transport", 1), (None, 4)]
    for figure in figures_of(body):
        listed = leader.get("/api/v1/process-instances", query_string={**figure["cases"], "per_page": 100})
        assert listed.status_code == 200, listed.get_json()
        assert listed.get_json()["total"] == figure["count"], figure["cases"]
    tones = body["publications_by_tone"]
    assert {tone: len(queries) for tone, queries in tones["cases"].items()} == {"positive": 1, "neutral": 1,
                                                                               "negative": 1}
    assert tones["cases"]["negative"][0] == {"process_key": "publication_response", "tone": "negative",
                                             "published_from": "2026-03-01", "published_to": "2026-03-31"}
    late = leader.get("/api/v1/process-instances", query_string=body["requests_answered"]["late"]["cases"])
    assert [c["business_key"] for c in late.get_json()["items"]] == [cases["late"]]


def test_a_case_cancelled_after_its_answer_was_written_counts_neither_on_time_nor_late(as_: Any, cast: Any,
                                                                                        sessions: Any, ctx: Any,
                                                                                        clock: Any) -> None:
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK))
    answered, _key = start(sessions, ctx, "pr")
    answer(sessions, ctx, answered)
    written, _key = start(sessions, ctx, "pr")
    complete(sessions, ctx, "pr", written, "triage", handler="pr_department", contributors=[])
    complete(sessions, ctx, "pr", written, "prepare_answer", answer="No change.", confirm_no_confidential=True,
             refuse=False)  # the answer is written (the case's outcome says answered), never sent
    assert as_("prhead").post(f"/api/v1/process-instances/{written}/cancel",
                              json={"reason": "The requester's address was wrong."}).status_code == 200
    body = as_("leader").get("/api/v1/dashboard?period=month&at=2026-03-01").get_json()
    on_time, late = body["requests_answered"]["on_time"], body["requests_answered"]["late"]
    assert (on_time["count"], late["count"]) == (1, 0)
    listed = as_("leader").get("/api/v1/process-instances", query_string=on_time["cases"]).get_json()["items"]
    assert [c["id"] for c in listed] == [answered]


def test_the_default_period_is_the_office_s_month_now(as_: Any, cases: Any) -> None:
    body = as_("prhead").get("/api/v1/dashboard").get_json()
    assert (body["period"], body["from"], body["to"]) == ("month", "2026-04-01", "2026-04-30")
    assert body["registered_by_procedure"] == []  # the 23:30 case of 31 March is March's
    assert body["open"]["count"] == 3 and body["overdue"]["count"] == 2  # due 5 and 23 March


@pytest.mark.parametrize(("query", "field"), [
    ("period=custom&from=2026-03-10&to=2026-03-01", "to"),
    ("period=custom&from=2026-03-10", "to"),
    ("period=custom&to=2026-03-10", "from"),
    ("period=decade", "period"),
    ("period=week&at=yesterday", "at"),
])
def test_a_period_that_cannot_be_shown_is_refused_naming_its_parameter(as_: Any, cast: Any, query: str,
                                                                       field: str) -> None:
    response = as_("leader").get(f"/api/v1/dashboard?{query}")
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    # The offending parameter first (a missing day: also what was given that asks for it).
    assert [e["field"] for e in response.get_json()["errors"]][0] == field


def test_the_cases_list_refuses_a_filter_it_cannot_read(as_: Any, cast: Any) -> None:
    response = as_("leader").get("/api/v1/process-instances?closed_from=March&overdue=perhaps")
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.get_json()["errors"]) == ["closed_from", "overdue"]


@pytest.mark.parametrize("username", ["pr", "ps_transport", "head_transport", "lawyer"])
def test_those_who_work_cases_are_refused_the_dashboard(as_: Any, cast: Any, username: str) -> None:
    response = as_(username).get("/api/v1/dashboard")
    assert response.status_code == 403 and response.get_json()["code"] == "role_required"
