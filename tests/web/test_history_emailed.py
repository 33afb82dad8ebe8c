"""The case history of a release e-mailed to its distribution lists through a real SMTP server (aiosmtpd on
127.0.0.1): the release is said to be e-mailed to its recipients, and each e-mail sent or refused is told by its
recipient, in the reader's language (issue 15, leftovers)."""

from __future__ import annotations

from html import unescape
from pathlib import Path
from typing import Any

import pytest

from engine.background.sweeper import sweep
from engine.core.settings import Settings
from engine.people import registry
from engine.people.accounts import user_by_username
from tests import cases
from tests.cases import complete
from tests.conftest import deploy_shipped
from tests.integration.test_distribution import DRAFT, PUBLIC_URL, TRANSLATIONS, Inbox, inbox
from tests.media import seed_media
from tests.web.conftest import text

__all__ = ["inbox"]
pytestmark = pytest.mark.usefixtures("cast")


@pytest.fixture
def settings(database_url: str, tmp_path: Path, inbox: Inbox) -> Settings:
    return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                    smtp_url=f"smtp://127.0.0.1:{inbox.port}", public_url=PUBLIC_URL)  # type: ignore[attr-defined]


WORDS = {
    "en": ("The release is e-mailed to 2 recipients of the distribution lists: Accredited pool.",
           "The release was e-mailed to Aida Usenova <aida@kaktus.example>.",
           "The release could not be e-mailed to Farida Karimova <farida@blog.example>."),
    "ru": ("Релиз рассылается по электронной почте 2 получателям из списков рассылки: Accredited pool.",
           "Релиз отправлен по электронной почте: Aida Usenova <aida@kaktus.example>.",
           "Релиз не удалось отправить по электронной почте: Farida Karimova <farida@blog.example>."),
    "uk": ("Реліз надсилається електронною поштою 2 отримувачам зі списків розсилки: Accredited pool.",
           "Реліз надіслано електронною поштою: Aida Usenova <aida@kaktus.example>.",
           "Реліз не вдалося надіслати електронною поштою: Farida Karimova <farida@blog.example>."),
    "ky": ("Пресс-релиз таратуу тизмелериндеги 2 алуучуга электрондук почта аркылуу жөнөтүлүүдө: Accredited pool.",
           "Пресс-релиз электрондук почта аркылуу жөнөтүлдү: Aida Usenova <aida@kaktus.example>.",
           "Пресс-релизди электрондук почта аркылуу жөнөтүү мүмкүн болгон жок: Farida Karimova <farida@blog.example>."),
    "uz": ("Пресс-релиз тарқатиш рўйхатларидаги 2 та олувчига электрон почта орқали юборилмоқда: Accredited pool.",
           "Пресс-релиз электрон почта орқали юборилди: Aida Usenova <aida@kaktus.example>.",
           "Пресс-релизни электрон почта орқали юбориб бўлмади: Farida Karimova <farida@blog.example>."),
    "uz-Latn": ("Press-reliz tarqatish roʻyxatlaridagi 2 ta oluvchiga elektron pochta orqali yuborilmoqda: "
                "Accredited pool.",
                "Press-reliz elektron pochta orqali yuborildi: Aida Usenova <aida@kaktus.example>.",
                "Press-relizni elektron pochta orqali yuborib boʻlmadi: Farida Karimova <farida@blog.example>."),
}


@pytest.mark.parametrize("language", list(WORDS))
def test_each_email_of_a_release_is_told_by_its_recipient(language: str, as_: Any, page_as: Any, sessions: Any,
                                                          ctx: Any, inbox: Inbox) -> None:
    deploy_shipped(sessions, ctx, "release_approval.bpmn")
    media = seed_media(sessions, ctx)
    with sessions.begin() as session:
        pool = registry.create_list(session, {"name": "Accredited pool", "journalist_ids": [media.aida, media.farida]},
                                    actor="test", at=ctx.now())
    inbox.refused.add("farida@blog.example")
    case = cases.start(as_, process_key="release_approval", data=DRAFT, user="ps_transport",
                       distribution_lists=[pool.id])
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", decision="approve", confirm_no_confidential=True)
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)
    complete(as_, "pr", case["id"], "publish", distribution_lists=[pool.id])
    assert sweep(sessions, ctx, ctx.clock.now()).emailed == 1
    with sessions.begin() as session:
        user_by_username(session, "pr").locale = language
    page = unescape(text(page_as("pr").get(f"/cases/{case['id']}")))
    history = " ".join(page.split('<ol class="timeline">')[1].split("</ol>")[0].split())
    for sentence in WORDS[language]:
        assert sentence in history, history
    assert "delivery:" not in history
