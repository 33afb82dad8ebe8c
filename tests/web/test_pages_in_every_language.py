"""The pages a reader of a Cyrillic language reads hold no Latin word: a published release's case and its history,
a failed case, the auditor's events and case timelines, the administrator's calendar. Everything a person typed in
these cases is Cyrillic, so a Latin word on the page is the application's (an English message, a raw key or id).

Identifiers an administrator or auditor needs (a procedure's key, a checksum, an element's id, a hash) are marked as
technical (`<code>`, `.technical`) and read around; the few words that cannot be translated are in ALLOWED, each with
its reason."""

from __future__ import annotations

import ast
import io
import re
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from api.web.audit_words import AuditWords
from db.models import AuditEvent, HumanTask, Outlet, Unit
from db.vocabulary import EventType, NotificationKind
from engine.audit import chain
from engine.background.sweeper import keep_checkpoints
from engine.people import accreditation, calendar_feed, media_plan, registry
from engine.people.accounts import user_by_username
from engine.runtime import calendar_change, notifications
from tests.cases import complete
from tests.conftest import CAST, deploy_shipped, seal_audit
from tests.diagrams import script_diagram
from tests.files import jpeg, pdf
from tests.integration.test_release_approval_api import release_approval_deployed, start
from tests.web.conftest import text

__all__ = ["release_approval_deployed"]

CYRILLIC_LANGUAGES = ("ky", "ru", "uk", "uz")
LATIN_WORD = re.compile(r"[A-Za-zʻʼ_]*[A-Za-z][A-Za-zʻʼ_]+")
# What stays Latin in every language, and why.
# A case's registration number (PR-2026-000001): an identifier staff quote, whatever their language.
REGISTRATION_NUMBER = re.compile(r"\b[A-Z]{2,4}-\d{4}-\d+\b")
# An e-mail address (a journalist's in the registry) is Latin in every language.
EMAIL_ADDRESS = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# The cast's usernames (tests.conftest.CAST) are Latin by design: they are what a person signs in with.
ALLOWED = {
    "PDF",  # a file type's name, written so in each language
    "SHA",  # the checksum's algorithm (SHA-256), a name
    "CSV", "JSON",  # the export formats' names, on the auditors' download links
    "PEM",  # the public key's file format, on the auditors' Checkpoints page (its name in every language)
    "English",  # English named in itself, as the language switcher names each language (a unit's names per language)
    "Transport", "Health", "Education",  # the cast's units as tests.conftest creates them (recorded in the chain)
    "pdf", "jpg",  # the extensions of the files the test attaches ("справка.pdf"): part of a person's file name
}
DRAFT = {"kind": "press_release", "title": "Сорок улиц отремонтируют", "body": "Транспортный отдел отремонтирует их.",
         "unit": "transport"}
TRANSLATIONS = {"ky": {"title": "Кырк көчө оңдолот", "body": "Транспорт бөлүмү кырк көчөнү оңдойт."},
                "ru": {"title": "Сорок улиц отремонтируют", "body": "Транспортный отдел отремонтирует сорок улиц."}}
SKIPPED = frozenset({"script", "style", "code", "svg", "template"})
# The fields recorded only beside a refusal's `code`: the auditor reads the refusal worded from them, and the
# exception's type under its own title (api.web.audit_words._worded_code).
UNTITLED = frozenset({"code", "params", "exception"})


class MainText(HTMLParser):
    """The text of a page's <main>, without scripts, identifiers (`code`, `.technical`) and hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.inside_main = False
        self.skipping: list[str] = []
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "main":
            self.inside_main = True
        elif self.skipping or tag in SKIPPED or "technical" in classes:
            if tag not in ("br", "img", "input", "meta", "link", "hr", "wbr"):
                self.skipping.append(tag)
        elif self.inside_main:
            # What a screen reader says of a control is text too.
            for name in ("title", "aria-label", "placeholder", "alt"):
                self.words.append(dict(attrs).get(name) or "")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        elif tag == "main":
            self.inside_main = False

    def handle_data(self, data: str) -> None:
        if self.inside_main and not self.skipping:
            self.words.append(data)


def latin_words(page: str) -> list[str]:
    reader = MainText()
    reader.feed(page)
    main = EMAIL_ADDRESS.sub(" ", REGISTRATION_NUMBER.sub(" ", " ".join(reader.words)))
    return sorted({word for word in LATIN_WORD.findall(main) if word not in ALLOWED and word.lower() not in CAST})


def read_in(sessions: Any, username: str, language: str) -> None:
    with sessions.begin() as session:
        user_by_username(session, username).locale = language


@pytest.fixture
def published_release(as_: Any, page_as: Any, sessions: Any) -> dict[str, Any]:
    """A release typed in Cyrillic, with a file attached, through both reviews and published (the cast's unit named
    in Cyrillic too)."""
    with sessions.begin() as session:
        unit = session.scalars(select(Unit).where(Unit.key == "transport")).one()
        unit.name, unit.names = "Транспорт", {lang: "Транспорт" for lang in ("ky", "ru", "uz", "uk", "en")}
    case = start(as_, data=DRAFT)
    assert case["status"] == "running", case
    web = page_as("ps_transport")
    attached = web.client.post(f"/cases/{case['id']}/attachments", data={"file": (io.BytesIO(pdf()), "справка.pdf")},
                               headers={"X-CSRFToken": web.csrf(), "Accept": "application/json"},
                               content_type="multipart/form-data")
    assert attached.status_code == 201, attached.get_data(as_text=True)
    photo = web.client.post(f"/cases/{case['id']}/attachments", data={"file": (io.BytesIO(jpeg()), "фото.jpg")},
                            headers={"X-CSRFToken": web.csrf(), "Accept": "application/json"},
                            content_type="multipart/form-data")
    assert photo.status_code == 201, photo.get_data(as_text=True)
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", decision="approve", confirm_no_confidential=True,
             comment="Согласовано.")
    # The photo goes out with the release: the publication's event lists it, field by field.
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS, media=[photo.get_json()["id"]])
    return complete(as_, "pr", case["id"], "publish")


@pytest.fixture
def failed_case(as_: Any) -> dict[str, Any]:
    """A procedure drawn with Cyrillic names whose script divides by zero."""
    diagram = script_diagram("raschet", "a = 1\nb = a / 0", name="Подсчёт суммы").replace(
        'name="raschet"', 'name="Расчёт"')
    deployed = as_("admin").post("/api/v1/process-definitions", data=diagram.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert deployed.status_code == 201, deployed.get_json()
    case = as_("pr").post("/api/v1/process-instances", json={"process_key": "raschet", "data": {}}).get_json()
    assert case["status"] == "failed", case
    return case


@pytest.fixture
def registry_and_plan(sessions: Any, ctx: Any, published_release: dict[str, Any]) -> None:
    """The registry and the media plan as a press office fills them in Cyrillic: an outlet, its journalist
    accredited for the year, a distribution list, an appearance; and the PR department told of the release (a
    notice: a notification's `kind` beside the release's own field `kind`)."""
    with sessions.begin() as session:
        keeper, now = user_by_username(session, "pr"), ctx.now()
        outlet = registry.create_outlet(session, {"name": "Кабар", "kind": "agency", "country": "KG"},
                                        actor=keeper, at=now)
        journalist = registry.create_journalist(session, {"name": "Айгүл Асанова", "outlet_id": outlet.id,
                                                          "email": "asanova@kabar.example", "languages": ["ky", "ru"]},
                                                actor=keeper, at=now)
        accreditation.accredit(session, journalist.id, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31),
                               actor=keeper, at=now)
        registry.create_list(session, {"name": "Аккредитованные", "journalist_ids": [journalist.id]},
                             actor=keeper, at=now)
        starts = now + timedelta(days=2)
        media_plan.create_entry(session, {"title": "Брифинг о ремонте дорог", "official": "Мэр", "format": "briefing",
                                          "place": "Мэрия, пресс-зал", "open_to_press": True, "unit": "transport",
                                          "starts_at": starts, "ends_at": starts + timedelta(hours=1)},
                                tz=ctx.cal.timezone, actor=keeper, at=now)
        notifications.notify(session, kind=NotificationKind.NOTICE, users=[keeper], message="К сведению.", at=now,
                             instance_id=published_release["id"], task_id=None, email_enabled=False)


def pages_flagged(page_as: Any, sessions: Any, username: str, paths: list[str]) -> dict[str, list[str]]:
    """Each page in each Cyrillic language, with the Latin words its main text holds (only those that do)."""
    flagged = {}
    for language in CYRILLIC_LANGUAGES:
        read_in(sessions, username, language)
        for path in paths:
            response = page_as(username).get(path)
            assert response.status_code == 200, (path, response.status_code)
            words = latin_words(text(response))
            if words:
                flagged[f"{language} {path}"] = words
    return flagged


def test_a_published_releases_case_reads_without_latin_words(page_as: Any, sessions: Any,
                                                              published_release: dict[str, Any]) -> None:
    assert pages_flagged(page_as, sessions, "pr", [f"/cases/{published_release['id']}"]) == {}


def test_a_failed_case_reads_without_latin_words(page_as: Any, sessions: Any, failed_case: dict[str, Any]) -> None:
    assert pages_flagged(page_as, sessions, "pr", [f"/cases/{failed_case['id']}"]) == {}


def test_the_auditors_pages_read_without_latin_words(page_as: Any, sessions: Any, published_release: dict[str, Any],
                                                     failed_case: dict[str, Any]) -> None:
    paths = ["/audit/events?per_page=100", f"/audit/cases/{published_release['id']}",
             f"/audit/cases/{failed_case['id']}"]
    assert pages_flagged(page_as, sessions, "auditor", paths) == {}


def test_the_checkpoints_page_reads_without_latin_words(page_as: Any, sessions: Any, settings: Any, ctx: Any,
                                                       cast: Any, tsa: Any, tmp_path: Path) -> None:
    """A checkpoint stamped and pushed, one the TSA refused: verdicts and outcomes in words; the root, the TSA's
    name, the targets and the pushers' details are identifiers, read around."""
    stamped = replace(settings, tsa_url=tsa.url, audit_push=(str(tmp_path / "outside"),))
    keep_checkpoints(sessions, stamped, ctx.now(), now=True)
    with sessions.begin() as session:
        chain.record(session, type=EventType("user.created"), at=ctx.now(), actor="admin", subject="Айгүл")
    seal_audit(sessions)  # as the next sweep would: a checkpoint covers sealed events only
    tsa.refuse = "http"
    keep_checkpoints(sessions, stamped, ctx.now(), now=True)
    assert text(page_as("auditor").get("/audit/checkpoints")).count("<tr data-size=") == 2
    assert pages_flagged(page_as, sessions, "auditor", ["/audit/checkpoints"]) == {}


def test_the_registrys_and_media_plans_events_read_without_latin_words(page_as: Any, sessions: Any,
                                                                       registry_and_plan: None) -> None:
    """Their fields, their subjects (the records by their names), a journalist's languages and an outlet's country
    by their names, and a notice called a notice."""
    assert pages_flagged(page_as, sessions, "auditor", ["/audit/events?per_page=100"]) == {}


def test_the_registrys_pages_read_without_latin_words(page_as: Any, sessions: Any, registry_and_plan: None) -> None:
    """An outlet's country by its name, in the list and in its form (a choice of countries, not two letters to
    type); a journalist's languages by theirs."""
    with sessions() as session:
        outlet = session.scalars(select(Outlet).where(Outlet.name == "Кабар")).one()
    paths = ["/registry/outlets", f"/registry/outlets/{outlet.id}", "/registry/journalists"]
    assert pages_flagged(page_as, sessions, "pr", paths) == {}
    read_in(sessions, "pr", "ru")
    listed = text(page_as("pr").get("/registry/outlets"))
    assert ">Киргизия<" in listed and ">KG<" not in listed
    assert '<option value="KG" selected>Киргизия</option>' in text(page_as("pr").get(f"/registry/outlets/{outlet.id}"))


def test_a_fact_checks_claims_are_claims_not_lawsuits(as_: Any, page_as: Any, sessions: Any, ctx: Any) -> None:
    """The fact check lists the piece's claims ("Утверждение 1"); a statement of claim to a court is another
    thing: one English word "Claim" for both made every language read "Иск 1" beside each claim checked."""
    deploy_shipped(sessions, ctx, "press_conference.bpmn")  # the publication response's call activity
    deploy_shipped(sessions, ctx, "publication_response.bpmn")
    case = as_("ps_transport").post("/api/v1/process-instances", json={"process_key": "publication_response", "data": {
        "kind": "publication", "outlet": "Кабар", "medium": "online", "url": "https://kabar.example/fares",
        "published_at": "2026-03-01T18:30:00+06:00", "summary": "Тарифы удвоятся.", "tone": "negative",
        "unit": "transport"}}).get_json()
    complete(as_, "ps_transport", case["id"], "verify_facts", verdict="distorted", facts=[
        {"claim": "Тарифы удвоятся в апреле.", "finding": "distorted", "established": "Решения нет."}])
    expected = {"ru": ("Утверждение 1", "Иск"), "uk": ("Твердження 1", "Позов"), "ky": ("Ырастоо 1", "Доо 1"),
                "uz": ("Иддао 1", "Даъво 1"), "uz-Latn": ("Iddao 1", "Daʼvo 1")}
    for language, (claim, lawsuit) in expected.items():
        read_in(sessions, "pr", language)
        page = text(page_as("pr").get(f"/cases/{case['id']}"))
        assert claim in page and lawsuit not in page, language


COUNTRY_CODE_CITED = re.compile(r"\b(?:UA|KG|UZ|RU):")


def test_the_public_information_requests_forms_name_countries_not_codes(as_: Any, page_as: Any, sessions: Any,
                                                                       ctx: Any) -> None:
    """Its help cites each country's law by the country's name ("Украина: ст. 20 ч. 3"), never by "UA:", in every
    language: the registration form and the triage and answer tasks."""
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")
    case = as_("pr").post("/api/v1/process-instances", json={"process_key": "public_information_request", "data": {
        "requester_kind": "person", "requester_name": "Айбек Токтогулов", "contact": {"phone": "+996 555 000 000"},
        "channel": "letter", "subject": "Ремонт площадок", "question": "Сколько потрачено?",
        "received_at": "2026-03-02T09:00:00+06:00", "urgent": False}}).get_json()
    assert case["status"] == "running", case
    complete(as_, "pr", case["id"], "triage", decision="answer", handler="pr_department", contributors=[])
    with sessions() as session:
        tasks = {task.bpmn_id: task.id for task in session.scalars(select(HumanTask).where(
            HumanTask.instance_id == case["id"]))}
    paths = ["/start/public_information_request", f"/tasks/{tasks['triage']}", f"/tasks/{tasks['prepare_answer']}"]
    cited = {}
    for language in ("en", *CYRILLIC_LANGUAGES, "uz-Latn"):
        read_in(sessions, "pr", language)
        for path in paths:
            page = text(page_as("pr").get(path))
            if COUNTRY_CODE_CITED.search(page):
                cited[f"{language} {path}"] = COUNTRY_CODE_CITED.findall(page)
    assert cited == {}


def test_a_calendar_links_event_names_its_user(page_as: Any, sessions: Any, ctx: Any) -> None:
    """The link's events record the user by id (`user:7`): the auditor reads the username, as for every other user."""
    with sessions.begin() as session:
        user = user_by_username(session, "pr")
        calendar_feed.issue(session, user, at=ctx.now())
        subject = f"user:{user.id}"
    page = text(page_as("auditor").get("/audit/events?type=media_plan.feed_issued"))
    assert '<td data-label="Subject">pr</td>' in page and subject not in page


def test_a_calendar_days_event_reads_without_latin_words(page_as: Any, sessions: Any, ctx: Any) -> None:
    """The day an administrator declares off is the event's subject (`calendar:2026-03-09`): a day in the reader's
    words, its `working` field titled."""
    with sessions.begin() as session:
        calendar_change.set_override(session, ctx, day=date(2026, 3, 9), working=False, reason="День траура",
                                     actor=user_by_username(session, "admin"), at=ctx.now())
    assert pages_flagged(page_as, sessions, "auditor", ["/audit/events?type=calendar.override_set"]) == {}
    read_in(sessions, "auditor", "ru")
    page = text(page_as("auditor").get("/audit/events?type=calendar.override_set"))
    assert "9 марта 2026" in page.replace("\u202f", " ") and "Рабочий день" in page


def test_an_accreditations_days_read_as_days(page_as: Any, sessions: Any, registry_and_plan: None) -> None:
    """Its validity is days, not moments: never an ISO date, never a midnight moved into the office's time zone."""
    read_in(sessions, "auditor", "ru")
    page = text(page_as("auditor").get("/audit/events?type=accreditation.granted")).replace("\u202f", " ")
    assert "1 янв. 2026 г." in page and "31 дек. 2026 г." in page
    assert "2026-01-01" not in page and "2026-12-31" not in page and "06:00" not in page


def test_the_administrators_calendar_reads_without_latin_words(page_as: Any, sessions: Any) -> None:
    assert pages_flagged(page_as, sessions, "admin", ["/admin/calendar"]) == {}


def test_the_auditor_reads_a_deployment_a_publication_and_a_file_in_words(page_as: Any, sessions: Any,
                                                                          published_release: dict[str, Any]) -> None:
    """The vocabulary of the events themselves: where a version came from, which feed, what file, how big, and
    who when nobody did (the application)."""
    with sessions() as session:
        published = session.scalars(select(AuditEvent).where(AuditEvent.type == "publication.published")).one()
    read_in(sessions, "auditor", "ru")
    page = text(page_as("auditor").get(f"/audit/cases/{published_release['id']}"))
    assert "Лента публикаций" in page and "Пресс-релизы: «Сорок улиц отремонтируют»" in page
    assert published.subject not in page and ">releases<" not in page
    assert "Размер" in page and "19531" not in page
    events = text(page_as("auditor").get("/audit/events?type=definition.deployed"))
    assert "Происхождение версии" in events and "Развёрнута администратором" in events and "Deployed" not in events
    assert "Согласование и публикация пресс-релиза" in events and "Release approval" not in events
    assert ">system<" not in events and ">система<" in events


def _dict_keys(node: ast.AST) -> set[str]:
    """The string keys of every dict literal in an expression (nested ones too: the pages title those as well)."""
    return {key.value for found in ast.walk(node) if isinstance(found, ast.Dict)
            for key in found.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)}


def recorded_fields() -> set[str]:
    """Every field name the engine writes into an audit event's data: the literal keys of `chain.record`'s `before`
    and `after`, and of the `describe…` functions that give a record's fields (engine.people.registry, media_plan)."""
    fields: set[str] = set()
    for path in Path("engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "chain":
                for keyword in node.keywords:
                    if keyword.arg in ("before", "after"):
                        fields |= _dict_keys(keyword.value)
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("describe"):
                for returned in ast.walk(node):
                    if isinstance(returned, ast.Return) and returned.value is not None:
                        fields |= _dict_keys(returned.value)
    return fields


def test_every_field_the_audit_records_is_titled_in_every_language(app: Any) -> None:
    """A field of an event no word names would be titled by its key made English ("Outlet id", "Status reason") on
    the auditors' pages in every language: each one's English title is a message of the catalogs."""
    with Path("api/translations/messages.pot").open("rb") as pot:
        template = {message.id for message in read_po(pot)}
    fields = recorded_fields()
    assert {"outlet_id", "open_to_press", "kind", "valid_from"} <= fields  # the scan finds what it looks for
    with app.test_request_context(headers={"Accept-Language": "en"}):
        words = AuditWords()
        untitled = {field: title for field in sorted(fields - UNTITLED)
                    if (title := words._title(field, {})) not in template}
    assert untitled == {}
