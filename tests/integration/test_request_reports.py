"""The figures on requests the access laws expect: per procedure and unit, for a period of receipt; a closed period's
figures are stored with their hash and no longer change."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from typing import Any

import pytest

from tests import cases
from tests.cases import complete
from tests.conftest import BISHKEK, REQUEST, deploy_shipped

PERSON = {"requester_kind": "person", "requester_name": "Aibek Toktogulov", "contact": {"phone": "+996 555 123456"},
          "channel": "letter", "subject": "Playgrounds", "question": "How much was spent on playgrounds?",
          "received_at": "2026-03-02T09:00:00+06:00", "urgent": False}
MARCH = "/api/v1/reports/requests?from=2026-03-01&to=2026-03-31"


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "information_request.bpmn")
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


def at(clock: Any, day: int, hour: int = 10) -> None:
    clock.set(datetime(2026, 3, day, hour, 0, tzinfo=BISHKEK))


def answer(as_: Any, case: dict[str, Any], **prepared: Any) -> None:
    complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
    fields = {"answer": "The figures.", "refuse": False} | prepared
    complete(as_, "pr", case["id"], "prepare_answer", confirm_no_confidential=True, partly_refuse=False,
             **{name: value for name, value in fields.items() if value is not None})
    complete(as_, "pr", case["id"], "send_answer", sent_via="letter")


@pytest.fixture
def march(as_: Any, clock: Any) -> dict[str, dict[str, Any]]:
    """Five requests for public information and a media request, all received on Mon 2 March, handled through
    March: answered on the 3rd working day, refused on the 4th, answered late on the 12th, forwarded, left open."""
    made = {name: cases.start(as_, "public_information_request", PERSON) for name in "ABCDE"}
    made["F"] = cases.start(as_, data=REQUEST | {"received_at": "2026-03-02T09:00:00+06:00", "unit": "transport"})
    complete(as_, "pr", made["D"]["id"], "triage", decision="forward",
             holder={"name": "State Agency for Architecture", "contact": "info@gosstroy.gov.kg"})
    at(clock, 5)
    answer(as_, made["A"])
    at(clock, 6)
    answer(as_, made["B"], refuse=True, refusal_ground="State secret", answer=None)
    at(clock, 18)
    answer(as_, made["C"])
    at(clock, 18, 11)
    return made


def test_the_figures_of_a_month_per_procedure_and_unit(as_: Any, march: Any) -> None:
    response = as_("prhead").get(MARCH)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["from"] == "2026-03-01" and report["to"] == "2026-03-31" and report["closed"] is None
    media, public = report["items"]
    figures = {k: v for k, v in public.items() if k != "units"}
    assert figures == {"process_key": "public_information_request", "received": 5, "answered_on_time": 2,
                       "answered_late": 1, "refused": {"State secret": 1}, "partly_refused": 0, "forwarded": 1,
                       "extended": 0, "withdrawn": 0, "open": 1, "overdue": 1,
                       # 3 (3-5 March), 4 (to the 6th), 12 (to the 18th): the median is 4.
                       "median_working_days": 4}
    assert [u["unit"] for u in public["units"]] == [None]
    assert media["received"] == 1 and media["open"] == 1 and media["overdue"] == 0  # due 23 March
    assert media["median_working_days"] is None
    assert [(u["unit"], u["received"]) for u in media["units"]] == [("transport", 1)]


def test_a_period_counts_by_the_day_of_receipt(as_: Any, march: Any) -> None:
    april = as_("prhead").get("/api/v1/reports/requests?from=2026-04-01&to=2026-04-30").get_json()
    assert [item["received"] for item in april["items"]] == [0, 0]


def test_the_figures_as_csv(as_: Any, march: Any) -> None:
    response = as_("auditor").get(MARCH + "&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    public = next(r for r in rows if r["process_key"] == "public_information_request" and r["unit"] == "(all)")
    assert public["received"] == "5" and public["answered_late"] == "1" and public["refused:State secret"] == "1"
    assert public["median_working_days"] == "4"
    assert [(r["process_key"], r["unit"]) for r in rows] == [
        ("information_request", "(all)"), ("information_request", "transport"),
        ("public_information_request", "(all)"), ("public_information_request", "(none)")]


def test_the_csv_states_the_time_zone_whose_days_it_counts(as_: Any, march: Any) -> None:
    response = as_("auditor").get(MARCH + "&format=csv")
    assert response.headers["X-Time-Zone"] == "Asia/Bishkek"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and {r["time_zone"] for r in rows} == {"Asia/Bishkek"}  # on every row, for a file read alone


def test_a_closed_period_keeps_its_figures_and_its_hash(as_: Any, march: Any, clock: Any) -> None:
    closed = as_("prhead").post("/api/v1/reports/requests/periods", json={"from": "2026-03-01", "to": "2026-03-17"})
    assert closed.status_code == 201, closed.get_json()
    period = closed.get_json()
    assert period["closed_by"] == "prhead"
    before = as_("leader").get("/api/v1/reports/requests?from=2026-03-01&to=2026-03-17").get_json()
    assert before["closed"] == period
    stored = {"from": "2026-03-01", "to": "2026-03-17", "items": before["items"]}
    canonical = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert period["sha256"] == hashlib.sha256(canonical).hexdigest()
    # E is answered afterwards: the closed period does not change, a live count does.
    at(clock, 19)
    answer(as_, march["E"])
    after = as_("leader").get("/api/v1/reports/requests?from=2026-03-01&to=2026-03-17").get_json()
    assert after["items"] == before["items"] and after["items"][1]["open"] == 1
    live = as_("leader").get("/api/v1/reports/requests?from=2026-03-01&to=2026-03-18").get_json()
    assert live["closed"] is None and live["items"][1]["open"] == 0 and live["items"][1]["answered_late"] == 2
    (event,) = [e for e in as_("auditor").get("/api/v1/audit?type=report.closed").get_json()["items"]]
    assert event["actor"] == "prhead" and event["after"]["sha256"] == period["sha256"]
    listed = as_("auditor").get("/api/v1/reports/requests/periods").get_json()["items"]
    assert listed == [period]


def test_closing_refuses_a_period_not_ended_or_overlapping(as_: Any, march: Any) -> None:
    url = "/api/v1/reports/requests/periods"
    not_ended = as_("prhead").post(url, json={"from": "2026-03-01", "to": "2026-03-31"})
    assert not_ended.status_code == 422 and [e["field"] for e in not_ended.get_json()["errors"]] == ["to"]
    assert as_("prhead").post(url, json={"from": "2026-03-01", "to": "2026-03-10"}).status_code == 201
    assert as_("prhead").post(url, json={"from": "2026-03-05", "to": "2026-03-12"}).status_code == 409
    assert as_("admin").get(url).get_json()["items"][0]["to"] == "2026-03-10"


def test_who_may_read_and_who_may_close(as_: Any, march: Any) -> None:
    for user in ("prhead", "leader", "auditor", "admin"):
        assert as_(user).get(MARCH).status_code == 200, user
    for user in ("ps_transport", "pr", "head_health", "lawyer"):
        assert as_(user).get(MARCH).status_code == 403, user
    body = {"from": "2026-03-01", "to": "2026-03-10"}
    for user in ("leader", "auditor", "pr"):
        assert as_(user).post("/api/v1/reports/requests/periods", json=body).status_code == 403, user
    assert as_("auditor").get("/api/v1/audit?type=report.closed").get_json()["items"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-03-31&to=2026-03-01", "to"),
    ("from=yesterday&to=2026-03-01", "from"),
    ("from=2026-03-01", "to"),
    ("from=2026-03-01&to=2026-03-31&format=xml", "format"),
])
def test_bad_input_names_the_field(as_: Any, query: str, field: str) -> None:
    response = as_("prhead").get(f"/api/v1/reports/requests?{query}")
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]
    if field != "format":  # closing takes the same period, and no format
        body = dict(part.split("=") for part in query.split("&"))
        closing = as_("prhead").post("/api/v1/reports/requests/periods", json=body)
        assert closing.status_code == 422 and field in [e["field"] for e in closing.get_json()["errors"]]
        assert as_("auditor").get("/api/v1/reports/requests/periods").get_json()["items"] == []
