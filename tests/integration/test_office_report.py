"""The office's own report for leadership (issue 14, point 4), over a March whose cases were driven through the API
by the people who work them: requests answered on time and late and one left open, a press release and a closing
statement published in Kyrgyz and Russian, a distorted piece rebutted and escalated to a briefing that was held,
and an accurate piece closed without a response. The month, its quarter and its year count the same; April
counts nothing; CSV and PDF say the same in the reader's language."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest
from pypdf import PdfReader

from engine.background.sweeper import sweep
from engine.people.accounts import user_by_username
from tests import cases
from tests.cases import complete
from tests.conftest import deploy_shipped
from tests.media import seed_media

PERSON = {"requester_kind": "person", "requester_name": "Aibek Toktogulov", "contact": {"phone": "+996 555 123456"},
          "channel": "letter", "subject": "Playgrounds", "question": "How much was spent on playgrounds?",
          "received_at": "2026-03-02T09:00:00+06:00", "urgent": False}
DRAFT = {"kind": "press_release", "title": "Forty streets to be repaired in 2026",
         "body": "The transport unit will repair forty streets in 2026.", "unit": "transport"}
TRANSLATIONS = {
    "ky": {"title": "2026-жылы кырк көчө оңдолот", "body": "Транспорт бөлүмү 2026-жылы кырк көчөнү оңдойт."},
    "ru": {"title": "В 2026 году отремонтируют сорок улиц", "body": "Транспортный отдел отремонтирует сорок улиц."},
}
PIECE = {"kind": "publication", "outlet": "Kaktus Media", "medium": "online",
         "url": "https://kaktus.example/2026/03/01/bus-fares", "published_at": "2026-03-01T18:30:00+06:00",
         "summary": "Bus fares will double in April, the article claims.", "tone": "negative", "unit": "transport"}
FACTS = [{"claim": "Fares double in April.", "finding": "distorted", "established": "No decision was taken."}]
EXPLANATIONS = [{"claim": "Fares double in April.", "explanation": "No decision on fares was taken."}]
APPROVE = {"decision": "approve", "confirm_no_confidential": True}
MARCH = "/api/v1/reports/office?period=month&of=2026-03"


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    for name in ("public_information_request", "release_approval", "press_conference", "publication_response"):
        deploy_shipped(sessions, ctx, f"{name}.bpmn")


def at(clock: Any, moment: str) -> None:
    clock.set(datetime.fromisoformat(moment))


def answer(as_: Any, case: dict[str, Any]) -> None:
    complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
    complete(as_, "pr", case["id"], "prepare_answer", answer="The figures.", refuse=False,
             confirm_no_confidential=True, partly_refuse=False)
    complete(as_, "pr", case["id"], "send_answer", sent_via="letter")


@pytest.fixture
def march(as_: Any, sessions: Any, ctx: Any, clock: Any) -> None:
    media = seed_media(sessions, ctx)
    on_time, late, _open = (cases.start(as_, "public_information_request", PERSON) for _ in range(3))
    release = cases.start(as_, "release_approval", DRAFT, user="ps_transport")
    complete(as_, "head_transport", release["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", release["id"], "pr_review", **APPROVE, comment="Agreed.")
    complete(as_, "ps_transport", release["id"], "translate", translations=TRANSLATIONS)
    complete(as_, "pr", release["id"], "publish")
    accurate = cases.start(as_, "publication_response", PIECE, user="ps_transport")
    complete(as_, "ps_transport", accurate["id"], "verify_facts", verdict="accurate",
             facts=[{"claim": "Fares are 20 som today.", "finding": "accurate", "established": "Correct."}])
    piece = cases.start(as_, "publication_response", PIECE, user="ps_transport")
    complete(as_, "ps_transport", piece["id"], "verify_facts", verdict="distorted", facts=FACTS)
    complete(as_, "ps_transport", piece["id"], "draft_rebuttal", text="Fares stay at 20 som.",
             explanations=EXPLANATIONS)
    complete(as_, "pr", piece["id"], "pr_approval", **APPROVE)
    complete(as_, "pr", piece["id"], "publish_response", outlet_sent_via="email", outlet_contact="ed@kaktus.example")
    at(clock, "2026-03-04T18:00:01+06:00")
    sweep(sessions, ctx, clock.now())  # the observation ends
    complete(as_, "prhead", piece["id"], "assess_escalation", resolved=False, escalate="briefing",
             assessment="Three more outlets repeat the claim.")
    at(clock, "2026-03-05T10:00:00+06:00")
    answer(as_, on_time)
    complete(as_, "pr", piece["id"], "plan", held_at="2026-03-10T11:00:00+06:00", place="City hall",
             speakers=["Mayor"], topic="Bus fares")
    complete(as_, "pr", piece["id"], "accredit_media", invitation="Briefing on bus fares.", invited=["24.kg"],
             accredited=[media.aida])
    complete(as_, "pr", piece["id"], "prepare_materials", talking_points=["Fares stay at 20 som."])
    complete(as_, "leader", piece["id"], "review_talking_points", decision="approve")
    complete(as_, "pr", piece["id"], "confirm_event", decision="hold")
    at(clock, "2026-03-10T11:00:01+06:00")
    assert sweep(sessions, ctx, clock.now()).fired == 1
    complete(as_, "pr", piece["id"], "closing_release", kind="statement", translations=TRANSLATIONS)
    at(clock, "2026-03-18T10:00:00+06:00")
    answer(as_, late)
    at(clock, "2026-04-02T10:00:00+06:00")


EXPECTED = {
    "releases": {"published": 2, "by_kind": {"press_release": 1, "statement": 1, "announcement": 0, "report": 0,
                                             "bulletin": 0},
                 "by_language": {"ky": 2, "ru": 2}},
    "responses": {"registered": 2,
                  "by_verdict": {"accurate": 1, "distorted": 1, "negative_true": 0, "unverified": 0},
                  "by_outcome": {"in_progress": 0, "no_response": 1, "resolved": 0, "not_resolved": 0,
                                 "escalated": 1, "cancelled": 0},
                  "published": {"rebuttal": 1, "comment": 0}},
    "press_conferences": {"held": 1, "by_format": {"press_conference": 0, "briefing": 1}},
    "distribution": {"emails": 0, "by_status": {"sent": 0, "pending": 0, "not_sent": 0, "failed": 0, "bounced": 0}},
    "events_supported": None,
    "draft_acts": None,
}


def test_a_month_counts_what_the_office_did(as_: Any, march: None) -> None:
    response = as_("leader").get(MARCH)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert (report["period"], report["of"], report["from"], report["to"]) == ("month", "2026-03", "2026-03-01",
                                                                              "2026-03-31")
    assert report["requests_closed"] is False
    assert {k: report[k] for k in EXPECTED} == EXPECTED
    (public,) = [p for p in report["requests"]["procedures"] if p["process_key"] == "public_information_request"]
    assert (public["received"], public["answered_on_time"], public["answered_late"], public["open"]) == (3, 1, 1, 1)
    total = report["requests"]["total"]
    assert (total["received"], total["answered_on_time"], total["answered_late"], total["open"]) == (3, 1, 1, 1)


def test_the_quarter_and_the_year_count_the_same_and_april_nothing(as_: Any, march: None) -> None:
    month = as_("prhead").get(MARCH).get_json()
    for query in ("period=quarter&of=2026-Q1", "period=year&of=2026", "from=2026-03-01&to=2026-03-31"):
        other = as_("prhead").get(f"/api/v1/reports/office?{query}").get_json()
        assert {k: other[k] for k in EXPECTED} == {k: month[k] for k in EXPECTED}, query
        assert other["requests"]["total"] == month["requests"]["total"], query
    quarter = as_("auditor").get("/api/v1/reports/office?period=quarter&of=2026-Q1").get_json()
    assert (quarter["from"], quarter["to"]) == ("2026-01-01", "2026-03-31")
    april = as_("admin").get("/api/v1/reports/office?period=month&of=2026-04").get_json()
    assert april["releases"]["published"] == 0 and april["responses"]["registered"] == 0
    assert april["press_conferences"]["held"] == 0 and april["requests"]["total"]["received"] == 0


def test_the_csv_has_a_row_a_figure_in_the_readers_language(as_: Any, march: None) -> None:
    response = as_("leader").get(MARCH + "&format=csv", headers={"Accept-Language": "ru"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "office-report-2026-03-01-2026-03-31.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_key = {(r["table"], r["figure"]): r for r in rows}
    assert by_key[("releases_by_kind", "statement")]["value"] == "1"
    assert by_key[("press_conferences", "briefing")]["value"] == "1"
    assert by_key[("responses_by_verdict", "distorted")]["value"] == "1"
    assert by_key[("events_supported", "supported")]["value"] == ""  # not yet recorded
    assert by_key[("releases_by_language", "ky")]["label"] == "киргизский"  # Babel's name, in Russian
    assert by_key[("releases_by_kind", "press_release")]["label"] == "Пресс-релиз"


def test_through_the_api_the_words_are_the_accounts_language_unless_the_call_asks_another(as_: Any, march: None,
                                                                                          sessions: Any) -> None:
    with sessions.begin() as session:
        user_by_username(session, "leader").locale = "uk"

    def label(**headers: str) -> str:
        response = as_("leader").get(MARCH + "&format=csv", headers=headers)
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        return next(r["label"] for r in rows if (r["table"], r["figure"]) == ("releases_by_language", "ky"))

    assert label() == "киргизька"  # the account's Ukrainian, with no Accept-Language sent
    assert label(**{"Accept-Language": "ru"}) == "киргизский"
    pdf = as_("leader").get(MARCH + "&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_the_csv_states_the_time_zone_whose_days_it_counts(as_: Any, march: None) -> None:
    response = as_("leader").get(MARCH + "&format=csv")
    assert response.headers["X-Time-Zone"] == "Asia/Bishkek"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and {r["time_zone"] for r in rows} == {"Asia/Bishkek"}  # on every row, for a file read alone


def test_the_pdf_is_in_the_readers_language_with_cyrillic(as_: Any, march: None) -> None:
    response = as_("leader").get(MARCH + "&format=pdf", headers={"Accept-Language": "ru"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "office-report-2026-03-01-2026-03-31.pdf" in response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Пресс-релиз" in text and "Брифинг" in text


@pytest.mark.parametrize(("query", "fields"), [
    ("period=week&of=2026-10", ["period"]),
    ("period=month&of=2026-13", ["of"]),
    ("period=month", ["of", "period"]),
    ("period=quarter&of=2026-Q5", ["of"]),
    ("of=2026-03", ["of", "period"]),
    ("from=2026-03-01", ["from", "to"]),
    ("to=2026-03-01", ["from", "to"]),
    ("from=2026-03-31&to=2026-03-01", ["to"]),
    ("period=month&of=2026-03&from=2026-03-01", ["from", "period"]),
    ("from=2026-02-30&to=2026-03-01", ["from"]),
    ("period=month&of=2026-03&format=xml", ["format"]),
])
def test_bad_parameters_are_refused_naming_them(as_: Any, query: str, fields: list[str]) -> None:
    response = as_("leader").get(f"/api/v1/reports/office?{query}")
    assert response.status_code == 422, response.get_json()
    assert sorted(e["field"] for e in response.get_json()["errors"]) == sorted(fields)


def test_without_a_period_it_is_the_current_month(as_: Any, clock: Any) -> None:
    report = as_("leader").get("/api/v1/reports/office").get_json()  # the clock stands at Mon 2 March 2026
    assert (report["period"], report["of"], report["from"], report["to"]) == ("month", "2026-03", "2026-03-01",
                                                                              "2026-03-31")


def test_leadership_the_pr_head_auditors_and_administrators_read_it_others_not(as_: Any) -> None:
    for user in ("leader", "prhead", "auditor", "admin"):
        assert as_(user).get(MARCH).status_code == 200, user
    for user in ("pr", "ps_transport", "head_transport", "lawyer"):
        assert as_(user).get(MARCH).status_code == 403, user
    assert as_(None).get(MARCH).status_code == 401



def test_events_and_draft_acts_read_zero_once_their_procedures_are_deployed(as_: Any, sessions: Any,
                                                                           ctx: Any) -> None:
    assert as_("leader").get(MARCH).get_json()["draft_acts"] is None  # not yet recorded
    deploy_shipped(sessions, ctx, "event_support.bpmn")
    deploy_shipped(sessions, ctx, "draft_act_publication.bpmn")
    report = as_("leader").get(MARCH).get_json()
    assert report["events_supported"] == {"supported": 0}
    assert report["draft_acts"] == {"published": 0, "comments": 0}
