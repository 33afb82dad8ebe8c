"""Uzbek in Latin script (`uz-Latn`, Oʻzbekcha), the sixth language of the pages beside Uzbek in Cyrillic (`uz`):
chosen on the account or by the browser, its pages carry no Cyrillic letter, and the modeler follows it
(the calendar's holidays: tests/unit/test_calendar.py)."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from sqlalchemy import select

from api.web.i18n import negotiate
from db.models import HumanTask, User
from tests.web.conftest import text

pytestmark = pytest.mark.usefixtures("deployed")

START = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
         "contact.email": "aida@example.kg", "subject": "Bus fares", "question": "Will bus fares rise next year?",
         "received_at": "2026-03-02T08:30"}
CYRILLIC = re.compile(r"[\u0400-\u04ff]+")


def visible(page: str) -> str:
    """The words a reader sees: no scripts or styles, no tags, and not the language switcher, where each language
    is named in its own script."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<option value="[\w-]+" lang="[\w-]+"[^>]*>[^<]*</option>', " ", page)
    return unescape(re.sub(r"<[^>]+>", " ", page))


def open_task(sessions: Any, instance_id: int) -> str:
    with sessions.begin() as session:
        return str(session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                              HumanTask.status == "open")).one())


def test_a_user_who_chooses_latin_uzbek_reads_the_inbox_and_a_task_in_it(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    response = web.post("/start/information_request", START)
    assert response.status_code == 302, text(response)
    case = int(response.headers["Location"].rsplit("/", 1)[1])
    assert web.post("/language", {"locale": "uz-Latn", "next": "/inbox"}).status_code == 302
    with sessions() as session:  # remembered on the account
        assert session.scalars(select(User.locale).where(User.username == "pr")).one() == "uz-Latn"

    inbox = text(web.get("/inbox"))
    assert '<html lang="uz-Latn">' in inbox
    assert '<option value="uz-Latn" lang="uz-Latn" selected>Oʻzbekcha</option>' in inbox
    assert '<option value="uz" lang="uz-Cyrl">Ўзбекча</option>' in inbox  # Cyrillic stays on offer
    assert "Kiruvchilar" in visible(inbox) and "Soʻrovni taqsimlash" in visible(inbox)
    assert CYRILLIC.findall(visible(inbox)) == []

    task = text(web.get(f"/tasks/{open_task(sessions, case)}"))
    words = visible(task)
    assert "Soʻrovni taqsimlash" in words and "OAVning axborot soʻrovi" in words and "Chiqish" in words
    assert "Triage the request" not in words and "Sign out" not in words
    assert CYRILLIC.findall(words) == []


def test_uzbek_in_cyrillic_is_still_cyrillic(page_as: Any) -> None:
    web = page_as("pr")
    web.post("/language", {"locale": "uz", "next": "/inbox"})
    inbox = text(web.get("/inbox"))
    assert '<html lang="uz-Cyrl">' in inbox and "Чиқиш" in visible(inbox) and "Chiqish" not in visible(inbox)


@pytest.mark.parametrize(("header", "language", "html_lang", "sign_in"), [
    ("uz-Latn", "uz-Latn", "uz-Latn", "Kirish"),
    ("uz-Latn-UZ,ru;q=0.8", "uz-Latn", "uz-Latn", "Kirish"),
    ("uz-latn", "uz-Latn", "uz-Latn", "Kirish"),
    ("uz", "uz", "uz-Cyrl", "Кириш"),
    ("uz-Cyrl-UZ", "uz", "uz-Cyrl", "Кириш"),
    ("uz-UZ,en;q=0.5", "uz", "uz-Cyrl", "Кириш"),
    ("de,uz-Latn;q=0.7,uz;q=0.5", "uz-Latn", "uz-Latn", "Kirish"),
    ("uz-Latn;q=0,uz;q=0.5", "uz", "uz-Cyrl", "Кириш"),  # q=0: not Latin
    ("de,fr", "en", "en", "Sign in"),
])
def test_the_browsers_language_chooses_the_script_of_uzbek(app: Any, header: str, language: str, html_lang: str,
                                                           sign_in: str) -> None:
    page = text(app.test_client().get("/sign-in", headers={"Accept-Language": header}))
    assert f'<html lang="{html_lang}">' in page and sign_in in visible(page)


def test_language_tags_are_looked_up_a_subtag_at_a_time() -> None:
    assert negotiate(["uz-Latn-UZ"]) == "uz-Latn" and negotiate(["uz_Latn"]) == "uz-Latn"
    assert negotiate(["uz-Arab", "ru"]) == "uz"  # Uzbek in another script: the contract's uz
    assert negotiate(["ru-RU", "uz-Latn"]) == "ru" and negotiate(["*"]) == "en" and negotiate([]) == "en"


def test_the_modeler_speaks_latin_uzbek(page_as: Any) -> None:
    web = page_as("admin")
    web.post("/language", {"locale": "uz-Latn", "next": "/admin/modeler"})
    page = text(web.get("/admin/modeler"))
    found = re.search(r"data-bpmn-messages='([^']*)'", page)
    assert found and '<html lang="uz-Latn">' in page
    handed = dict(json.loads(unescape(found.group(1))))
    assert len(handed) > 300 and handed["General"] == "Umumiy"
    assert not [text for text in handed.values() if CYRILLIC.search(text)]



def test_an_admin_gives_a_user_latin_uzbek_through_the_form(page_as: Any, sessions: Any) -> None:
    web = page_as("admin")
    form = text(web.get("/admin/users/new"))
    assert '<option value="uz-Latn"' in form and "Oʻzbekcha" in form
    fields = [("username", "dilnoza"), ("display_name", "Dilnoza Karimova"), ("email", "dilnoza@example.uz"),
              ("unit", "health"), ("locale", "uz-Latn"), ("password", "long enough password"),
              ("roles", "press_secretary")]
    assert web.post("/admin/users/new", fields).status_code == 302
    with sessions() as session:
        assert session.scalars(select(User.locale).where(User.username == "dilnoza")).one() == "uz-Latn"
    listed = text(web.get("/admin/users"))
    row = listed[listed.index(">dilnoza<"):]
    assert "Oʻzbekcha" in row[:row.index("</tr>")]
    refused = web.post("/admin/users/new", [(k, "dilnoza2" if k == "username" else ("uz_Latn" if k == "locale" else v))
                                            for k, v in fields])
    assert refused.status_code == 422 and 'id="locale-error"' in text(refused)
    with sessions() as session:
        assert session.scalars(select(User).where(User.username == "dilnoza2")).first() is None
