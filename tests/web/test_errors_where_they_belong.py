"""Errors go where they belong, in the reader's language: each missing field of a form says "required" once,
beside its own input; a refusal (403, 404, 409) is a sentence written for the reader from its code, and the engine's
English never reaches the page."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from babel.dates import format_date
from sqlalchemy import select

from db.models import Accreditation, HumanTask
from engine.people.accounts import create_user
from tests.conftest import PASSWORD, deploy_shipped
from tests.web.conftest import text

pytestmark = pytest.mark.usefixtures("deployed")

START = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
         "contact.email": "aida@example.kg", "subject": "Bus fares", "question": "Will bus fares rise next year?",
         "received_at": "2026-03-02T08:30"}
MISSING = ("channel", "outlet", "requester_name", "contact", "subject", "question")
REQUIRED = {"en": "This field is required.", "ru": "Это поле обязательно.", "ky": "Бул талаа милдеттүү.",
            "uz": "Бу майдон мажбурий.", "uk": "Це поле обов'язкове."}


def speaking(web: Any, language: str) -> Any:
    assert web.post("/language", {"locale": language, "next": "/inbox"}).status_code == 302
    return web


def field_errors(page: str) -> dict[str, list[str]]:
    """Each field's error paragraph (by the field's input id), as its reader sees it."""
    found: dict[str, list[str]] = {}
    for field, message in re.findall(r'<p class="field-error" id="f-([\w.-]+)-error">(.*?)</p>', page, re.S):
        found.setdefault(field, []).append(unescape(message))
    return found


@pytest.mark.parametrize("language", REQUIRED)
def test_an_empty_start_form_says_required_once_beside_each_missing_field(page_as: Any, language: str) -> None:
    web = speaking(page_as("pr"), language)
    shown = text(web.get("/start/information_request"))
    # What a browser sends for the form as it opened: every input empty but the moment of receipt it fills in.
    received = re.search(r'name="received_at" value="([^"]+)"', shown)
    assert received
    response = web.post("/start/information_request", {"received_at": received.group(1)})
    page = text(response)
    assert response.status_code == 422
    assert field_errors(page) == {name: [REQUIRED[language]] for name in MISSING}
    for name in MISSING:  # beside its own input: the input (or its fieldset) is described by that paragraph
        assert re.search(rf'id="f-{name}"[^>]*aria-describedby="[^"]*f-{name}-error"', page), name
    summary = page[page.index('id="form-errors"'):page.index("</ul>", page.index('id="form-errors"'))]
    assert [unescape(m) for m in re.findall(r'<a href="#f-[\w-]+">[^<]*</a>: ([^<]*)</li>', summary)] == \
        [REQUIRED[language]] * len(MISSING)


# Each refusal: its status, the English detail the engine gives, and the sentence a reader gets.
SENTENCES = {
    "missing case": (404, "case 999999 does not exist", {
        "en": "There is no such case: the link may be wrong or out of date.",
        "ru": "Такого дела нет: возможно, ссылка неверна или устарела."}),
    "missing task": (404, "task no-such-task does not exist", {
        "en": "There is no such task: the link may be wrong or out of date.",
        "ru": "Такой задачи нет: возможно, ссылка неверна или устарела."}),
    "task of another unit": (403, "you may not read this task", {
        "en": "This task is for another role or unit.",
        "ru": "Эта задача предназначена для другой роли или другого подразделения."}),
    "task held by another": (403, "the task is assigned to someone else", {
        "en": "Someone else has taken this task.",
        "ru": "Эту задачу уже взял в работу другой сотрудник."}),
    "procedure of another role": (403, "only pr_department, press_secretary may start 'information_request'", {
        "en": "Your role may not start this procedure.",
        "ru": "Ваша роль не позволяет начать эту процедуру."}),
    "task already completed": (409, "the task is already completed", {
        "en": "This task is closed: it was completed or is no longer needed.",
        "ru": "Эта задача закрыта: она выполнена или больше не нужна."}),
    "claim taken by another": (409, "another user holds this task", {
        "en": "Someone else has taken this task.",
        "ru": "Эту задачу уже взял в работу другой сотрудник."}),
}
TITLES = {"en": {403: "You may not do this", 404: "Not found", 409: "This cannot be done now"},
          "ru": {403: "У вас нет прав на это действие", 404: "Не найдено", 409: "Сейчас это невозможно"}}


@pytest.fixture
def refusals(page_as: Any, sessions: Any, ctx: Any) -> dict[str, Any]:
    """Each refusal as a page, asked for by someone it refuses: (who, method, path, form)."""
    with sessions.begin() as session:
        create_user(session, username="pr2", display_name="Second PR officer", password=PASSWORD,
                    roles=["pr_department"], actor="system", at=ctx.now())
    pr = page_as("pr")

    def triage() -> str:
        started = pr.post("/start/information_request", START)
        assert started.status_code == 302, text(started)
        with sessions.begin() as session:
            return str(session.scalars(select(HumanTask.id).where(
                HumanTask.instance_id == int(started.headers["Location"].rsplit("/", 1)[1]))).one())

    held, done = triage(), triage()
    assert pr.post(f"/tasks/{held}/claim").status_code == 302
    assert pr.post(f"/tasks/{done}", {"handler": "pr_department"}).status_code == 302
    return {
        "missing case": ("pr", "get", "/cases/999999", None),
        "missing task": ("pr", "get", "/tasks/no-such-task", None),
        "task of another unit": ("ps_health", "get", f"/tasks/{held}", None),
        "task held by another": ("pr2", "post", f"/tasks/{held}", {"handler": "pr_department"}),
        "procedure of another role": ("head_transport", "get", "/start/information_request", None),
        "task already completed": ("pr", "post", f"/tasks/{done}", {"handler": "pr_department"}),
        "claim taken by another": ("pr2", "post", f"/tasks/{held}/claim", {}),
    }


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_refusal_is_a_sentence_in_the_readers_language(page_as: Any, refusals: dict[str, Any],
                                                          language: str) -> None:
    clients: dict[str, Any] = {}
    for situation, (username, method, path, form) in refusals.items():
        status, detail, sentence = SENTENCES[situation]
        web = clients.get(username) or clients.setdefault(username, speaking(page_as(username), language))
        response = web.get(path) if method == "get" else web.post(path, form)
        page = text(response)
        assert response.status_code == status, (situation, response.status_code)
        main = page[page.index('<main id="main">'):page.index("</main>")]
        assert f"<h1>{status}: {TITLES[language][status]}</h1>" in main, situation
        assert f'<p class="lead" id="refusal">{sentence[language]}</p>' in unescape(main), situation
        assert detail not in unescape(main) and "<details" not in main, situation


def test_a_duplicate_unit_is_refused_beside_its_field_in_the_readers_language(page_as: Any) -> None:
    admin = speaking(page_as("admin"), "ru")
    response = admin.post("/admin/units", {"key": "transport", "name": "Транспорт"})
    page = text(response)
    assert response.status_code == 409
    assert '<p class="field-error" id="key-error">Это уже занято: выберите другое.</p>' in page
    assert "already exists" not in page


def test_the_last_administrator_is_kept_with_a_sentence(page_as: Any) -> None:
    admin = speaking(page_as("admin"), "ru")
    response = admin.post("/admin/users/admin/active", {"active": "0"})
    assert response.status_code == 409
    assert '<p class="lead" id="refusal">Последний активный администратор должен оставаться администратором.</p>' \
        in text(response)


def test_a_deploy_that_lost_a_race_says_so_in_the_readers_language(page_as: Any, monkeypatch: pytest.MonkeyPatch
                                                                   ) -> None:
    from api.web.views import admin as admin_pages
    from engine.core.errors import Conflict
    from tests.conftest import shipped_diagram

    def lost(*_args: Any, **_kwargs: Any) -> None:
        raise Conflict("another version of 'information_request' was deployed at the same moment; deploy again")

    monkeypatch.setattr(admin_pages.definitions, "deploy", lost)
    admin = speaking(page_as("admin"), "ru")
    response = admin.client.post("/admin/deploy", data=shipped_diagram("information_request.bpmn"),
                                 headers={"Content-Type": "application/xml", "X-CSRFToken": admin.csrf()})
    assert response.status_code == 409
    assert response.get_json()["detail"] == "Кто-то уже изменил это раньше вас; обновите страницу и попробуйте снова"


def test_refusals_of_every_module_reach_a_russian_page_worded_with_their_values(page_as: Any, sessions: Any,
                                                                                ctx: Any) -> None:
    """A 404, a 409 with a date, a 422 of the registry and of the media plan, a 429: each the Russian sentence of
    its code with its values (a date as Russian writes it), and none of the engine's English."""
    pr = speaking(page_as("pr"), "ru")

    def shown(response: Any, status: int) -> str:
        assert response.status_code == status, text(response)
        page = unescape(text(response))
        return page[page.index('<main id="main">'):page.index("</main>")]

    missing = shown(pr.get("/cases/999999"), 404)
    assert "Такого дела нет" in missing and "does not exist" not in missing
    mistyped = shown(pr.post("/registry/journalists/new", {"name": "Aida Usenova", "email": "aida-at-kaktus"}), 422)
    assert "aida-at-kaktus — не адрес электронной почты." in mistyped and "is not an e-mail address" not in mistyped
    backwards = shown(pr.post("/media-plan/new", {
        "title": "Budget", "official": "Mayor", "format": "press_conference", "starts_on": "2026-03-11",
        "starts_time": "10:00", "ends_on": "2026-03-11", "ends_time": "09:00", "place": "City hall",
        "open_to_press": "1", "unit": "transport"}), 422)
    assert "Конец наступает раньше начала." in backwards and "must come after" not in backwards
    added = pr.post("/registry/journalists/new", {"name": "Aida Usenova", "email": "aida@kaktus.example"})
    page = added.headers["Location"]
    assert pr.post(f"{page}/accreditations", {"valid_from": "2026-01-01", "valid_until": "2026-12-31"}
                   ).status_code == 302
    with sessions() as session:
        accreditation = session.scalars(select(Accreditation)).one()
    revoke = f"/registry/accreditations/{accreditation.id}/revoke"
    assert pr.post(revoke, {"reason": "Left the outlet."}).status_code == 302
    twice = shown(pr.post(revoke, {"reason": "Again."}), 409)
    revoked_on = accreditation_day(sessions, accreditation.id)
    assert f"Эта аккредитация уже отозвана, {revoked_on}<" in twice and "already revoked" not in twice
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")
    public = speaking(page_as(None), "ru")
    for _ in range(5):
        assert public.post("/request", PORTAL_FORM).status_code == 201
    throttled = shown(public.post("/request", PORTAL_FORM), 429)
    assert "слишком много запросов" in throttled and "requests an hour" not in throttled


PORTAL_FORM = {"requester_kind": "person", "requester_name": "Aibek Toktogulov", "contact.email": "aibek@example.kg",
               "subject": "Playground repairs", "question": "How much did the city spend on playground repairs?"}


def accreditation_day(sessions: Any, accreditation_id: int) -> str:
    """The day of the revocation as a Russian reader reads it (Babel's long date: "6 декабря 2026 г.")."""
    with sessions() as session:
        revoked_at = session.get(Accreditation, accreditation_id).revoked_at
    return format_date(revoked_at.date(), "long", locale="ru")


def test_every_kind_of_diagram_problem_has_its_own_sentence_in_the_readers_language(app: Any) -> None:
    from api.web import refusals as wording
    from engine.core.errors import Code

    codes = list(Code)
    kinds = codes[codes.index(Code.DIAGRAM_ENCODING):codes.index(Code.DIAGRAM_UNREADABLE) + 1]
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        generic = wording.worded(Code.DIAGRAM_PROBLEM)
        sentences = {code: wording.worded(code, {"element_id": "Task_1", "limit": 64, "count": 2}) for code in kinds}
    assert [code for code, sentence in sentences.items() if not sentence or sentence == generic
            or not re.search("[а-яё]", sentence)] == []
