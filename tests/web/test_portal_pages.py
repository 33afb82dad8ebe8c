"""The requester portal's pages, for a person without an account: the form at /request, the private link it gives,
and the tracking page, in the reader's language; a phone's narrow screen gets the same form."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from tests.cases import complete
from tests.conftest import deploy_shipped
from tests.web.conftest import text

FORM = {"requester_kind": "person", "requester_name": "Aibek Toktogulov", "contact.email": "aibek@example.kg",
        "subject": "Playground repairs", "question": "How much did the city spend on playground repairs in 2025?"}
LINK = re.compile(r'<a id="tracking-link" href="([^"]+)">')


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


def test_a_person_files_on_the_page_and_follows_the_private_link(page_as: Any, as_: Any) -> None:
    web = page_as(None)
    form = text(web.get("/request"))
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in form
    assert 'name="requester_name"' in form and 'name="contact.email"' in form and 'name="question"' in form
    filed = web.post("/request", FORM)
    assert filed.status_code == 201
    # The page holds the private link: no cache keeps it, no link followed from it sends it on.
    assert (filed.headers["Cache-Control"], filed.headers["Referrer-Policy"]) == ("no-store", "no-referrer")
    page = unescape(text(filed))
    assert '<strong id="reference">PI-2026-000001</strong>' in page
    link = LINK.search(page)
    assert link is not None
    followed = web.get(link.group(1).replace("http://localhost", ""))
    assert (followed.headers["Cache-Control"], followed.headers["Referrer-Policy"]) == ("no-store", "no-referrer")
    tracking = text(followed)
    assert "Request PI-2026-000001" in tracking and "Being handled" in tracking
    assert "PI-2026-000001" in tracking and "Playground repairs" in unescape(tracking)
    # The office answers; the page shows it.
    case = as_("pr").get("/api/v1/process-instances?business_key=PI-2026-000001").get_json()["items"][0]
    complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
    complete(as_, "pr", case["id"], "prepare_answer", answer="4.2 million som, in 31 playgrounds.",
             confirm_no_confidential=True, refuse=False, partly_refuse=False)
    complete(as_, "pr", case["id"], "send_answer", sent_via="email")
    answered = text(web.get(link.group(1).replace("http://localhost", "")))
    assert '<div class="letter" id="answer">4.2 million som, in 31 playgrounds.</div>' in answered
    assert "Answered" in answered


def test_a_wrong_token_shows_the_not_found_page(page_as: Any) -> None:
    web = page_as(None)
    assert web.post("/request", FORM).status_code == 201
    assert web.get("/request/PI-2026-000001?token=guess").status_code == 404


def test_mistakes_are_shown_beside_their_fields_and_nothing_is_filed(page_as: Any, as_: Any) -> None:
    web = page_as(None)
    response = web.post("/request", FORM | {"contact.email": "not an address", "urgent": "on"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="f-contact-email" name="contact.email"' in page and 'aria-invalid="true"' in page
    assert 'id="f-urgent_reason-error"' in page or 'id="f-urgent-reason-error"' in page
    assert as_("pr").get("/api/v1/process-instances").get_json()["items"] == []


def test_the_page_speaks_the_readers_language(page_as: Any) -> None:
    web = page_as(None)
    web.post("/language", {"locale": "uk", "next": "/request"})
    page = unescape(text(web.get("/request")))
    assert '<html lang="uk">' in page
    assert "Ask for public information" not in page


def test_the_sixth_request_in_an_hour_from_one_network_waits(page_as: Any) -> None:
    web = page_as(None)
    for _ in range(5):
        assert web.post("/request", FORM).status_code == 201
    refused = web.post("/request", FORM)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


@pytest.mark.jurisdiction("UA")
@pytest.mark.parametrize(("language", "ground", "appeal"), [
    ("uk", "Інформація належить до інформації з обмеженим доступом (п. 2 ч. 1 ст. 22, ч. 2 ст. 6 Закону України "
           "«Про доступ до публічної інформації»)", "Відмову може бути оскаржено"),
    ("ru", "Информация относится к информации с ограниченным доступом (п. 2 ч. 1 ст. 22, ч. 2 ст. 6 Закона Украины "
           "«О доступе к публичной информации»)", "Отказ может быть обжалован руководителю"),
    ("uz-Latn", "Axborot foydalanish cheklangan axborot toifasiga kiradi (Ukrainaning «Ommaviy axborotdan "
                "foydalanish toʻgʻrisida»gi qonuni 22-moddasi 1-qismining 2-bandi, 6-moddasining 2-qismi)",
     "Rad etish ustidan"),
    ("en", "The information is of restricted access (confidential, secret or for official use) (art. 22 part 1 "
           "item 2 and art. 6 part 2 of the Law of Ukraine \"On Access to Public Information\")", "The refusal may be"),
])
def test_a_refusals_ground_and_appeal_are_read_in_the_readers_language(page_as: Any, as_: Any, language: str,
                                                                        ground: str, appeal: str) -> None:
    web = page_as(None)
    link = LINK.search(unescape(text(web.post("/request", FORM | {"contact.email": "o@example.ua"}))))
    assert link is not None
    case = as_("pr").get("/api/v1/process-instances?business_key=PI-2026-000001").get_json()["items"][0]
    complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
    complete(as_, "pr", case["id"], "prepare_answer", confirm_no_confidential=True, refuse=True, partly_refuse=False,
             refusal_ground="restricted")
    complete(as_, "pr", case["id"], "send_answer", sent_via="email")
    web.post("/language", {"locale": language, "next": "/request"})
    page = unescape(text(web.get(link.group(1).replace("http://localhost", ""))))
    refusal = page[page.index('<dl class="facts" id="refusal">'):]
    refusal = refusal[:refusal.index("</dl>")]
    assert f"<dd>{ground}</dd>" in refusal
    assert f"<dd>{appeal}" in refusal
