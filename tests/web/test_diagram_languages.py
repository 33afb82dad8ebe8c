"""Diagrams speak every language (issue 15, point 1): a version's names in the reader's language on the staff
pages, a missing translation listed but never refused."""

from __future__ import annotations

from html import unescape
from typing import Any

from engine.people.accounts import user_by_username
from engine.runtime import operations
from tests.conftest import REQUEST, deploy_shipped, shipped_diagram
from tests.web.conftest import text
from tests.web.test_admin_pages import deploy

RU_TRIAGE = "<jarchy:label lang=\"ru\">Распределить запрос</jarchy:label>".encode()


def renamed(russian: str | None) -> bytes:
    """information_request with its triage task renamed in English and, unless None, in Russian."""
    xml = shipped_diagram("information_request.bpmn").replace(b'name="Triage the request"', b'name="Sort the request"')
    new = f'<jarchy:label lang="ru">{russian}</jarchy:label>'.encode() if russian else b""
    assert RU_TRIAGE in xml
    return xml.replace(RU_TRIAGE, new)


def test_a_renamed_task_shows_its_russian_name_to_a_russian_reader(page_as: Any, deployed: None, sessions: Any,
                                                                    ctx: Any) -> None:
    assert deploy(page_as("admin"), renamed("Рассортировать запрос")).status_code == 201
    with sessions.begin() as session:
        instance = operations.start(session, ctx, user_by_username(session, "pr"), "information_request",
                                    dict(REQUEST))
    web = page_as("pr")
    web.post("/language", {"locale": "ru", "next": "/inbox"})
    inbox = unescape(text(web.get("/inbox")))
    assert "Рассортировать запрос" in inbox and "Sort the request" not in inbox
    case = unescape(text(web.get(f"/cases/{instance.id}")))
    assert case.count("Рассортировать запрос") >= 2  # the open task and the history's "task created"
    assert "Sort the request" not in case and "Triage the request" not in case
    diagram = web.get(f"/cases/{instance.id}/diagram.bpmn?lang=ru").get_data(as_text=True)
    assert 'name="Рассортировать запрос"' in diagram
    assert 'name="Отдел по связям с общественностью"' in diagram and 'name="pr_department"' not in diagram


def test_a_missing_translation_is_deployed_and_listed(page_as: Any, as_: Any, deployed: None) -> None:
    web = page_as("admin")
    assert deploy(web, renamed(None)).status_code == 201
    page = unescape(text(web.get("/admin/procedures")))
    listed = page[page.index("Labels without a translation"):]
    assert '<li data-element="triage">Sort the request</li>' in listed
    assert listed.index("Русский") < listed.index('data-element="triage"') < listed.index("</details>")
    body = as_("admin").get("/api/v1/process-definitions/information_request").get_json()
    assert body["missing_labels"]["ru"] == [{"id": "triage", "name": "Sort the request"}]
    assert body["missing_labels"]["ky"] == []


def test_a_procedure_has_its_diagrams_russian_name_on_every_page(page_as: Any, deployed: None, sessions: Any,
                                                                  ctx: Any) -> None:
    """The dashboard, the office report and the audit pages name a procedure as the case lists do: by its latest
    version's own label, not the catalog's wording of its key."""
    label = '<jarchy:label lang="ru">Запрос информации от СМИ</jarchy:label>'.encode()
    xml = shipped_diagram("information_request.bpmn")
    assert label in xml
    admin = page_as("admin")
    admin.post("/language", {"locale": "ru", "next": "/admin/procedures"})
    deployed_as = deploy(admin, xml.replace(label, '<jarchy:label lang="ru">Запрос редакции</jarchy:label>'.encode()))
    assert "Запрос редакции" in deployed_as.get_json()["message"]
    with sessions.begin() as session:
        operations.start(session, ctx, user_by_username(session, "pr"), "information_request", dict(REQUEST))
    month = ctx.now().strftime("%Y-%m")
    for username, path in (("leader", "/dashboard"), ("leader", f"/reports/office?period=month&of={month}"),
                           ("auditor", "/audit/cases"), ("auditor", "/audit/events")):
        web = page_as(username)
        web.post("/language", {"locale": "ru", "next": path})
        page = unescape(text(web.get(path)))
        assert "Запрос редакции" in page, path
        assert "Запрос информации" not in page, path


def test_a_notice_names_its_step_by_the_diagrams_russian_label(page_as: Any, as_: Any, sessions: Any,
                                                                ctx: Any) -> None:
    """A "for your information" notice (002 §15: the PR department told of a publication) names the step as the
    deployed version labels it in the recipient's language, not as the catalog words its English name."""
    deploy_shipped(sessions, ctx, "press_conference.bpmn")  # publication_response's callee
    label = '<jarchy:label lang="ru">Проинформировать отдел по связям с общественностью</jarchy:label>'.encode()
    xml = shipped_diagram("publication_response.bpmn")
    assert label in xml
    ours = '<jarchy:label lang="ru">Сообщить отделу о публикации</jarchy:label>'.encode()
    assert deploy(page_as("admin"), xml.replace(label, ours)).status_code == 201
    page_as("pr").post("/language", {"locale": "ru", "next": "/inbox"})
    publication = {"kind": "publication", "outlet": "Kaktus Media", "medium": "online",
                   "url": "https://kaktus.example/2026/03/01/bus-fares", "published_at": "2026-03-01T18:30:00+06:00",
                   "summary": "Bus fares will double in April.", "tone": "negative", "unit": "transport"}
    with sessions.begin() as session:
        instance = operations.start(session, ctx, user_by_username(session, "ps_transport"), "publication_response",
                                    publication)
    told = [n["message"] for n in as_("pr").get("/api/v1/notifications").get_json()["items"]
            if n["kind"] == "notice" and n["instance_id"] == instance.id]
    assert told == [f"К сведению: Сообщить отделу о публикации, дело {instance.business_key}: "
                    "Bus fares will double in April."]
