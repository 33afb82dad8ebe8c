"""The letter of the regulation in each step (issue 15, point 1): a task's page and the API's task show its step's
documentation in the reader's language, else in English marked as such; the procedures page and the API's
definition list the documentation a language lacks, and deploy refuses none."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from sqlalchemy import select

from db.models import HumanTask, ProcessDefinition
from engine.people.accounts import user_by_username
from engine.runtime import operations
from tests.conftest import REQUEST, shipped_diagram
from tests.web.conftest import text
from tests.web.test_admin_pages import deploy

TRANSLATED = re.compile(rb"\s*<jarchy:documentation [^>]*>.*?</jarchy:documentation>", re.S)
RUSSIAN = "002 §9: отдел по связям с общественностью отвечает сам или поручает пресс-секретарю подразделения."


def _element(xml: bytes, element_id: str) -> bytes:
    found = re.search(rb'<bpmn:(\w+) id="' + element_id.encode() + rb'".*?</bpmn:\1>', xml, re.S)
    assert found is not None and b"<bpmn:extensionElements>" in found.group(0), element_id
    return found.group(0)


def documented(translations: dict[str, str], *, untranslated: tuple[str, ...] = ()) -> bytes:
    """information_request with its triage task's documentation translated into `translations` only, and the
    elements `untranslated` with no translation of theirs."""
    xml = shipped_diagram("information_request.bpmn")
    for element_id in untranslated:
        element = _element(xml, element_id)
        xml = xml.replace(element, TRANSLATED.sub(b"", element))
    task = _element(xml, "triage")
    own = "".join(f'<jarchy:documentation lang="{lang}">{text}</jarchy:documentation>'
                  for lang, text in translations.items()).encode()
    changed = TRANSLATED.sub(b"", task).replace(b"<bpmn:extensionElements>", b"<bpmn:extensionElements>" + own, 1)
    return xml.replace(task, changed)


def english(element_id: str = "triage") -> str:
    """An element's English documentation, as the shipped diagram words it."""
    element = _element(shipped_diagram("information_request.bpmn"), element_id).decode()
    found = re.search(r"<bpmn:documentation>(.*?)</bpmn:documentation>", element, re.S)
    assert found is not None
    return unescape(found.group(1)).strip()


def a_triage_task(page_as: Any, sessions: Any, ctx: Any, xml: bytes) -> str:
    """`xml` deployed by the administrator and a case started on it: its open triage task's id."""
    assert deploy(page_as("admin"), xml).status_code == 201
    with sessions.begin() as session:
        instance = operations.start(session, ctx, user_by_username(session, "pr"), "information_request",
                                    dict(REQUEST))
        return str(session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance.id)).one())


def regulation(page: str) -> str:
    """The task page's "What the regulation says" section ("Что предписывает положение" to a Russian reader)."""
    start = page.index('<section class="regulation"')
    return page[start:page.index("</section>", start)]


def test_a_russian_reader_reads_the_steps_documentation_in_russian(page_as: Any, sessions: Any, ctx: Any) -> None:
    task_id = a_triage_task(page_as, sessions, ctx, documented({"ru": RUSSIAN}))
    web = page_as("pr")
    web.post("/language", {"locale": "ru", "next": "/inbox"})
    shown = regulation(unescape(text(web.get(f"/tasks/{task_id}"))))
    assert "Что предписывает положение" in shown
    assert f'<div class="documentation" lang="ru">{RUSSIAN}</div>' in shown
    assert english() not in shown and 'id="regulation-note"' not in shown


def test_a_step_without_a_translation_shows_the_english_marked_as_english(page_as: Any, sessions: Any,
                                                                          ctx: Any) -> None:
    task_id = a_triage_task(page_as, sessions, ctx, documented({"ky": "002 §9: …"}))
    web = page_as("pr")
    web.post("/language", {"locale": "ru", "next": "/inbox"})
    shown = regulation(unescape(text(web.get(f"/tasks/{task_id}"))))
    assert f'<div class="documentation" lang="en">{english()}</div>' in shown
    assert "У этого шага пока нет описания на вашем языке: оно показано на английском." in shown


def test_a_version_deployed_before_versions_kept_documentation_shows_none(page_as: Any, sessions: Any,
                                                                          ctx: Any) -> None:
    task_id = a_triage_task(page_as, sessions, ctx, documented({"ru": RUSSIAN}))
    with sessions.begin() as session:
        for definition in session.scalars(select(ProcessDefinition)):
            definition.meta = {k: v for k, v in definition.meta.items() if k != "element_documentation"} | {
                "documentation_labels": {}}
    web = page_as("pr")
    web.post("/language", {"locale": "ru", "next": "/inbox"})
    page = web.get(f"/tasks/{task_id}")
    assert page.status_code == 200
    assert 'class="regulation"' not in text(page) and "Распределить запрос" in unescape(text(page))


def test_the_api_task_carries_its_documentation_in_the_language_asked_for(page_as: Any, as_: Any, sessions: Any,
                                                                          ctx: Any) -> None:
    task_id = a_triage_task(page_as, sessions, ctx, documented({"ru": RUSSIAN}))
    api = as_("pr")
    asked = api.get(f"/api/v1/tasks/{task_id}", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).get_json()
    assert (asked["documentation"], asked["documentation_lang"]) == (RUSSIAN, "ru")
    untranslated = api.get(f"/api/v1/tasks/{task_id}", headers={"Accept-Language": "uk"}).get_json()
    assert (untranslated["documentation"], untranslated["documentation_lang"]) == (english(), "en")
    # Without Accept-Language, the caller's account's language.
    assert api.get(f"/api/v1/tasks/{task_id}").get_json()["documentation_lang"] == "en"
    with sessions.begin() as session:
        user_by_username(session, "pr").locale = "ru"
    assert api.get(f"/api/v1/tasks/{task_id}").get_json()["documentation"] == RUSSIAN
    # The inbox's rows stay as they were: the documentation is the one task's.
    assert "documentation" not in api.get("/api/v1/tasks").get_json()["items"][0]


def test_documentation_without_a_translation_is_deployed_and_listed(page_as: Any, as_: Any, sessions: Any,
                                                                    ctx: Any) -> None:
    others = {"ru": RUSSIAN, "uz": "002 §9: …", "uz-Latn": "002 §9: …", "uk": "002 §9: …"}
    web = page_as("admin")
    web.post("/language", {"locale": "ru", "next": "/admin/procedures"})
    assert deploy(web, documented(others)).status_code == 201
    page = unescape(text(web.get("/admin/procedures")))
    listed = page[page.index("Описания без перевода в последней версии"):]
    listed = listed[:listed.index("</details>")]
    by_language = {term.split(" (")[0]: items for term, items in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>",
                                                                             listed, re.S)}
    # Named in the reader's language with its id, under each language that lacks it, and only there.
    shown = '<li data-element="triage">Распределить запрос <small class="technical">triage</small></li>'
    assert shown in by_language["Кыргызча"]
    assert 'data-element="triage"' not in by_language.get("Русский", "")
    body = as_("admin").get("/api/v1/process-definitions/information_request").get_json()
    assert {"id": "triage", "name": "Triage the request"} in body["missing_documentation"]["ky"]
    assert "triage" not in [item["id"] for item in body["missing_documentation"]["ru"]]
    assert body["missing_labels"]["ky"] == []  # the names' list keeps its shape
