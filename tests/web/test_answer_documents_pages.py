"""The documents of an answer and the evidence of a response on the pages: the requester's tracking page lists the
documents sent (name, type, size) with links that download them with the private token, and nothing before the
answer is sent; the approver's and the sender's task pages offer only the files prepared, ticked, and a box left
unticked is a file not sent; the case page shows the piece's evidence and the documents sent by their names."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from tests import cases
from tests.cases import attach, complete
from tests.conftest import deploy_shipped
from tests.files import jpeg
from tests.web.conftest import text

DOCUMENT_LINK = re.compile(r'<a href="(/public/requests/[^"]+)" download>([^<]+)</a>')
FILED = {"requester_kind": "person", "requester_name": "Aibek Toktogulov", "contact": {"email": "aibek@example.kg"},
         "subject": "Playground repairs", "question": "How much did the city spend on playground repairs in 2025?"}


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any, cast: Any) -> None:
    for name in ("information_request.bpmn", "public_information_request.bpmn", "press_conference.bpmn",
                 "publication_response.bpmn"):
        deploy_shipped(sessions, ctx, name)


def test_the_tracking_page_lists_the_documents_sent_and_downloads_them_with_the_token(
        app: Any, page_as: Any, as_: Any) -> None:
    filed = app.test_client().post("/public/requests", json=FILED).get_json()
    case_id = as_("pr").get(f"/api/v1/process-instances?business_key={filed['reference']}").get_json()["items"][0]["id"]
    follow = f"/request/{filed['reference']}?token={filed['tracking_token']}"
    complete(as_, "pr", case_id, "triage", decision="answer", handler="pr_department", contributors=[])
    contracts = attach(as_, "pr", case_id, name="contracts-2025.pdf")
    attach(as_, "pr", case_id, name="internal-note.pdf")
    complete(as_, "pr", case_id, "prepare_answer", answer="4.2 million som.", confirm_no_confidential=True,
             refuse=False, partly_refuse=False, documents=[contracts])
    web = page_as(None)
    before = text(web.get(follow))
    assert 'id="documents"' not in before and "contracts-2025.pdf" not in before
    complete(as_, "pr", case_id, "send_answer", sent_via="portal")
    page = unescape(text(web.get(follow)))
    assert "Documents sent with the answer" in page
    ((href, name),) = DOCUMENT_LINK.findall(page)
    assert name == "contracts-2025.pdf" and "internal-note.pdf" not in page.split('id="documents"')[1].split("</ul>")[0]
    assert re.search(r"contracts-2025\.pdf</a> <span class=\"muted\">· PDF · [0-9]+ byte</span>", page)
    assert f"/documents/{contracts}?token={filed['tracking_token']}" in href
    downloaded = web.get(href)
    assert downloaded.status_code == 200 and downloaded.data.startswith(b"%PDF")
    assert downloaded.headers["Content-Disposition"] == "attachment; filename=contracts-2025.pdf"
    assert web.get(href.replace(filed["tracking_token"], "guess")).status_code == 404


def test_the_senders_page_offers_only_the_files_prepared_and_an_unticked_box_is_not_sent(
        page_as: Any, as_: Any) -> None:
    case = cases.start(as_, "information_request")
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    contracts = attach(as_, "pr", case["id"], name="contracts-2025.pdf")
    budget = attach(as_, "pr", case["id"], name="budget.pdf")
    memo = attach(as_, "pr", case["id"], name="internal-memo.pdf")
    complete(as_, "pr", case["id"], "prepare_answer", answer="Forty streets.", confirm_no_confidential=True,
             refuse=False, documents=[contracts, budget])
    task = cases.task_of(as_, "pr", case["id"], "send_answer")
    web = page_as("pr")
    page = text(web.get(f"/tasks/{task['id']}"))
    field = page.split('id="f-documents"')[1].split("</fieldset>")[0]
    assert f'value="{contracts}" checked' in field and f'value="{budget}" checked' in field
    assert memo not in field and "data-upload-url" not in field  # not prepared: not offered, and no upload here
    done = web.post(f"/tasks/{task['id']}", [("sent_via", "email"), ("sent_at", "2026-03-02T09:00"),
                                             ("documents", contracts)])
    assert done.status_code == 302, text(done)
    sent = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert sent["status"] == "completed" and sent["data"]["documents"] == [contracts]
    shown = unescape(text(web.get(f"/cases/{case['id']}")))
    assert 'download>contracts-2025.pdf</a>' in shown.split("What the case holds")[1].split('id="attachments"')[0]


def test_no_box_ticked_sends_no_document(page_as: Any, as_: Any) -> None:
    case = cases.start(as_, "information_request")
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    contracts = attach(as_, "pr", case["id"], name="contracts-2025.pdf")
    complete(as_, "pr", case["id"], "prepare_answer", answer="Forty streets.", confirm_no_confidential=True,
             refuse=False, documents=[contracts])
    task = cases.task_of(as_, "pr", case["id"], "send_answer")
    done = page_as("pr").post(f"/tasks/{task['id']}", {"sent_via": "email", "sent_at": "2026-03-02T09:00"})
    assert done.status_code == 302, text(done)
    assert as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()["data"]["documents"] == []


def test_the_case_page_shows_the_pieces_evidence_and_the_verify_page_asks_for_it(page_as: Any, as_: Any) -> None:
    data = {"kind": "publication", "outlet": "Vecherniy Bishkek", "medium": "print",
            "published_at": "2026-03-01T18:30:00+06:00", "summary": "Bus fares will double, the paper says.",
            "tone": "negative", "unit": "transport"}
    case = cases.start(as_, "publication_response", data, user="ps_transport")
    task = cases.task_of(as_, "ps_transport", case["id"], "verify_facts")
    web = page_as("ps_transport")
    facts = [("verdict", "accurate"), ("facts.0.claim", "Fares are 20 som."), ("facts.0.finding", "accurate"),
             ("facts.0.established", "Correct.")]
    refused = web.post(f"/tasks/{task['id']}", facts)
    assert refused.status_code == 422
    assert "Give at least 1." in text(refused).split('id="f-evidence"')[1].split("</fieldset>")[0]
    scan = attach(as_, "ps_transport", case["id"], jpeg(), "page-3-scan.jpg")
    assert web.post(f"/tasks/{task['id']}", [*facts, ("evidence", scan)]).status_code == 302
    page = unescape(text(web.get(f"/cases/{case['id']}")))
    held = page.split("What the case holds")[1].split('id="attachments"')[0]
    assert "Evidence: the piece as published" in held
    assert f'href="/attachments/{scan}" download>page-3-scan.jpg</a>' in held
