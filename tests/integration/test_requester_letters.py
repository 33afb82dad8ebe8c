"""Letters to the requester (who has no account) go out through the e-mail outbox like the staff's notifications:
claimed once, retried, audited; a requester without an e-mail address still has every letter kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models import RequesterLetter
from engine.background.sweeper import send_pending_email
from engine.core.settings import Settings
from tests import cases
from tests.cases import complete, events
from tests.conftest import deploy_shipped
from tests.integration.test_mail import Smtp, smtp  # noqa: F401 (the SMTP server fixture)

CITIZEN = {"requester_kind": "person", "requester_name": "Aibek Toktogulov", "contact": {"email": "aibek@example.kg"},
           "channel": "letter", "subject": "Playground repairs", "question": "How much was spent on playgrounds?",
           "received_at": "2026-03-02T09:00:00+06:00", "urgent": False}


@pytest.fixture
def settings(database_url: str, tmp_path: Any, smtp: Smtp, request: Any) -> Settings:  # noqa: F811
    """With SMTP; a test may name the publication languages (`indirect` parametrisation), the first the letters'."""
    languages = getattr(request, "param", ("ky", "ru"))
    return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                    smtp_url=smtp.url, publication_languages=languages)


@pytest.fixture(autouse=True)
def _deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")


def letters(sessions: Any) -> list[tuple[str, str | None, str]]:
    with sessions() as session:
        return [(r.kind, r.address, r.email_status) for r in session.scalars(select(RequesterLetter)
                                                                             .order_by(RequesterLetter.id))]


def test_the_registration_and_the_answer_are_e_mailed_to_the_requester(as_: Any, sessions: Any, ctx: Any,
                                                                       settings: Settings, smtp: Smtp) -> None:  # noqa: F811
    case = cases.start(as_, "public_information_request", CITIZEN)
    assert letters(sessions) == [("registered", "aibek@example.kg", "pending")]
    assert send_pending_email(sessions, settings, clock=ctx.clock) == 1
    (mail_from, rcpt_tos, message) = smtp.inbox.received[0]
    assert rcpt_tos == ["aibek@example.kg"]
    assert message["To"].addresses[0].display_name == "Aibek Toktogulov"
    assert message["Subject"] == "PI-2026-000001: Playground repairs"
    body = message.get_content()
    assert body.startswith("Сиздин «Playground repairs» маалымат алуу боюнча суроо-талабыңыз PI-2026-000001 номери "
                           "менен катталды. Жооп 16.03.2026 18:00 (GMT+06:00) чейин берилет.")

    complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
    complete(as_, "pr", case["id"], "prepare_answer", answer="4.2 million som.", confirm_no_confidential=True,
             refuse=False, partly_refuse=False)
    complete(as_, "pr", case["id"], "send_answer", sent_via="email")
    assert send_pending_email(sessions, settings, clock=ctx.clock) == 1
    assert smtp.inbox.received[1][2].get_content().startswith("4.2 million som.")
    assert letters(sessions) == [("registered", "aibek@example.kg", "sent"), ("answered", "aibek@example.kg", "sent")]
    emailed = [e["after"]["kind"] for e in events(as_, case["id"], "letter.emailed")]
    assert emailed == ["registered", "answered"]
    # Sent once: a second sweep finds nothing to send.
    assert send_pending_email(sessions, settings, clock=ctx.clock) == 0 and len(smtp.inbox.received) == 2


def test_a_requester_without_an_e_mail_address_has_the_letter_kept_not_sent(as_: Any, sessions: Any,
                                                                          settings: Settings, ctx: Any) -> None:
    cases.start(as_, "public_information_request", CITIZEN | {"contact": {"address": "Bishkek, Chui 1"}})
    assert letters(sessions) == [("registered", None, "none")]
    assert send_pending_email(sessions, settings, clock=ctx.clock) == 0


@pytest.mark.parametrize("settings", [("ru", "ky")], indirect=True)
def test_a_russian_letter_writes_its_deadline_as_russian_letters_do(as_: Any, sessions: Any) -> None:
    """The first publication language is Russian: the date in words, the case Russian gives it after «до»."""
    cases.start(as_, "public_information_request", CITIZEN)
    with sessions() as session:
        body = session.scalars(select(RequesterLetter.body)).one()
    assert body == ("Ваш запрос на информацию «Playground repairs» зарегистрирован под номером PI-2026-000001. "
                    "Ответ будет дан до 16 марта 2026\u202fг., 18:00 (GMT+06:00).")
