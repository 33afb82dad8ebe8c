"""The case's history in the reader's words (issue 15, leftovers): people by the names they are known by, never their
usernames; the message a case received by what it is, not by its diagram's key; a release e-mailed to distribution
lists by its recipients and lists. In each of the six languages."""

from __future__ import annotations

import io
from functools import partial
from html import unescape
from typing import Any

import pytest

from engine.people import registry
from engine.people.accounts import user_by_username
from tests import cases
from tests.cases import complete
from tests.conftest import deploy_shipped
from tests.integration.test_distribution import DRAFT, TRANSLATIONS
from tests.integration.test_public_information_request_api import start as start_request
from tests.media import seed_media
from tests.web.conftest import text

pytestmark = pytest.mark.usefixtures("cast")
NAME = "Айгуль Осмонова"


def _history(page_as: Any, sessions: Any, case_id: int, language: str) -> str:
    with sessions.begin() as session:
        reader = user_by_username(session, "pr")
        reader.locale, reader.display_name = language, NAME
    page = unescape(text(page_as("pr").get(f"/cases/{case_id}")))
    return page.split('<ol class="timeline">')[1].split("</ol>")[0]


CLARIFIED = {
    "en": (f"{NAME} registered the case.", f"{NAME} delivered the message “Clarification from the requester”.",
           f"File attached: smeta.pdf ({NAME})"),
    "ru": (f"{NAME}: дело зарегистрировано.", f"{NAME}: доставлено сообщение «Уточнение от запрашивающего».",
           f"Файл прикреплён: smeta.pdf ({NAME})"),
    "uk": (f"{NAME}: справу зареєстровано.", f"{NAME}: доставлено повідомлення «Уточнення від запитувача».",
           f"Файл прикріплено: smeta.pdf ({NAME})"),
    "ky": (f"{NAME} ишти каттады.", f"{NAME} «Суроочунун тактоосу» билдирүүсүн жеткирди.",
           f"Файл тиркелди: smeta.pdf ({NAME})"),
    "uz-Latn": (f"{NAME} ishni roʻyxatga oldi.", f"{NAME} «Soʻrovchining aniqlashtirishi» xabarini yetkazdi.",
                f"Fayl biriktirildi: smeta.pdf ({NAME})"),
    "uz": (f"{NAME} ишни рўйхатга олди.", f"{NAME} «Сўровчининг аниқлаштириши» хабарини етказди.",
           f"Файл бириктирилди: smeta.pdf ({NAME})"),
}


@pytest.mark.parametrize("language", list(CLARIFIED))
def test_people_and_the_message_received_are_named_in_the_readers_words(
        language: str, as_: Any, page_as: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")
    case = start_request(as_)
    complete(as_, "pr", case["id"], "triage", decision="clarify", clarification_question="Which district?")
    delivered = as_("pr").post(f"/api/v1/process-instances/{case['id']}/messages",
                               json={"name": "clarification", "data": {"text": "Oktyabrsky district"}})
    assert delivered.status_code == 200, delivered.get_json()
    web = page_as("pr")
    attached = web.client.post(f"/cases/{case['id']}/attachments?csrf_token={web.csrf()}",
                               data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "smeta.pdf")},
                               content_type="multipart/form-data")
    assert attached.status_code == 302
    history = _history(page_as, sessions, case["id"], language)
    registered, message, fallback = CLARIFIED[language]
    assert registered in history and message in history and fallback in history
    assert "“clarification”" not in history and "«clarification»" not in history
    assert "(pr)" not in history and ">pr " not in history


DISTRIBUTED = {
    "en": "The release is listed for 2 recipients of the distribution lists (Accredited pool, Foreign media); "
          "no e-mail is sent from this office.",
    "ru": "Релиз включён в рассылку для 2 получателей из списков рассылки (Accredited pool, Foreign media); "
          "электронная почта из этого офиса не отправляется.",
    "uk": "Реліз внесено до розсилки для 2 отримувачів зі списків розсилки (Accredited pool, Foreign media); "
          "електронна пошта з цього офісу не надсилається.",
    "ky": "Пресс-релиз таратуу тизмелериндеги 2 алуучуга белгиленди (Accredited pool, Foreign media); "
          "бул кеңседен электрондук кат жөнөтүлбөйт.",
    "uz-Latn": "Press-reliz tarqatish roʻyxatlaridagi 2 ta oluvchi uchun belgilandi (Accredited pool, Foreign "
               "media); bu idoradan elektron xat yuborilmaydi.",
    "uz": "Пресс-релиз тарқатиш рўйхатларидаги 2 та олувчи учун белгиланди (Accredited pool, Foreign media); "
          "бу идорадан электрон хат юборилмайди.",
}


@pytest.mark.parametrize("language", list(DISTRIBUTED))
def test_a_release_sent_to_distribution_lists_is_told_with_its_recipients_and_lists(
        language: str, as_: Any, page_as: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "release_approval.bpmn")
    media = seed_media(sessions, ctx)
    with sessions.begin() as session:
        pool = registry.create_list(session, {"name": "Accredited pool", "journalist_ids": [media.aida]},
                                    actor="test", at=ctx.now())
        foreign = registry.create_list(session, {"name": "Foreign media", "journalist_ids": [media.farida]},
                                       actor="test", at=ctx.now())
    start = partial(cases.start, process_key="release_approval", data=DRAFT, user="ps_transport")
    case = start(as_, distribution_lists=[pool.id, foreign.id])
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", decision="approve", confirm_no_confidential=True)
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)
    complete(as_, "pr", case["id"], "publish", distribution_lists=[pool.id, foreign.id])
    history = _history(page_as, sessions, case["id"], language)
    assert DISTRIBUTED[language] in " ".join(history.split())
