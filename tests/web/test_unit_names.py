"""Issue 15, point 2: a unit has a name in each interface language (API, command line, admin page), and each reader
sees it in theirs; where it has none the default name is shown, marked with the language it is in."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from api.cli import main
from db.models import User
from tests.web.conftest import text
from tests.web.test_staff_pages import start, triage_to_transport

HEALTH = {"ru": "Управление здравоохранения", "uz-Latn": "Sogʻliqni saqlash boshqarmasi"}


def test_an_admin_names_a_unit_in_each_language_and_reads_them_back(as_: Any) -> None:
    admin = as_("admin")
    created = admin.post("/api/v1/units", json={"key": "sport", "name": "Sport", "names": {"ky": "Спорт бөлүмү"}})
    assert created.status_code == 201
    assert created.get_json()["names"] == {"ky": "Спорт бөлүмү", "en": "Sport"}
    changed = admin.patch("/api/v1/units/sport", json={"names": {"ru": "Отдел спорта", "ky": None}, "name": "Sports"})
    assert changed.status_code == 200
    assert admin.get("/api/v1/units/sport").get_json() == {"key": "sport", "name": "Sports",
                                                           "names": {"ru": "Отдел спорта", "en": "Sports"}}
    history = admin.get("/api/v1/audit?type=unit.updated").get_json()["items"]
    assert history[-1]["after"]["names"] == {"ru": "Отдел спорта", "en": "Sports"}


@pytest.mark.parametrize(("names", "field"), [
    ({"xx": "Sport"}, "names.xx"),
    ({"ru": "  "}, "names.ru"),
    ({"uz-Latn": "x" * 201}, "names.uz-Latn"),
    ({"en": None}, "names.en"),
])
def test_a_bad_name_is_refused_naming_its_language_and_nothing_changes(as_: Any, names: dict[str, Any],
                                                                        field: str) -> None:
    admin = as_("admin")
    for response in (admin.patch("/api/v1/units/health", json={"names": names}),
                     admin.post("/api/v1/units", json={"key": "sport", "name": "Sport", "names": names})):
        assert response.status_code == 422, response.get_json()
        assert [e["field"] for e in response.get_json()["errors"]] == [field]
    assert admin.get("/api/v1/units/health").get_json()["names"] == {"en": "Health"}
    assert admin.get("/api/v1/units/sport").status_code == 404


def test_the_command_line_adds_and_renames_a_unit_in_each_language(app: Any, settings: Any, as_: Any) -> None:
    env = {"JARCHY_DATABASE_URL": settings.database_url, "JARCHY_SECRET_KEY": settings.secret_key}
    added = CliRunner().invoke(main, ["units", "add", "sport", "--name", "Sport", "--names", "ru=Спорт"], env=env)
    assert added.exit_code == 0, added.output
    renamed = CliRunner().invoke(main, ["units", "rename", "sport", "--names", "uz-Latn=Sport boʻlimi"], env=env)
    assert renamed.exit_code == 0, renamed.output
    refused = CliRunner().invoke(main, ["units", "rename", "sport", "--names", "fr=Sport"], env=env)
    assert refused.exit_code == 1 and "names.fr" in refused.output
    assert as_("admin").get("/api/v1/units/sport").get_json()["names"] == {
        "ru": "Спорт", "uz-Latn": "Sport boʻlimi", "en": "Sport"}


def test_the_admin_page_edits_the_names_and_each_reader_sees_theirs_or_the_default_marked(
        page_as: Any, as_: Any, sessions: Any) -> None:
    admin = page_as("admin")
    form = {f"names.{code}": "" for code in ("ky", "ru", "uz", "uz-Latn", "uk")}
    refused = admin.post("/admin/units/health", form | {"names.en": "", "names.ru": "x" * 201})
    assert refused.status_code == 422
    page = text(refused)
    assert 'id="names.en-error"' in page and 'id="names.ru-error"' in page
    filled = {f"names.{code}": name for code, name in HEALTH.items()}
    saved = admin.post("/admin/units/health", form | {"names.en": "Health"} | filled)
    assert saved.status_code == 302
    assert as_("admin").get("/api/v1/units/health").get_json()["names"] == HEALTH | {"en": "Health"}
    with sessions.begin() as session:
        session.execute(update(User).where(User.username == "admin").values(locale="ru"))
    users = text(admin.get("/admin/users"))
    assert "Управление здравоохранения" in users  # ps_health's unit, in Russian
    # Transport has no Russian name: its English one, marked as English, in its own language.
    assert '<span lang="en">Transport</span> <small class="lang-fallback">(English)</small>' in users
    with sessions.begin() as session:
        session.execute(update(User).where(User.username == "admin").values(locale="uk"))
    assert '<span lang="en">Health</span>' in text(admin.get("/admin/units"))


MARKED = '<span lang="en">Transport</span> <small class="lang-fallback">(English)</small>'


def test_a_unit_without_a_russian_name_is_marked_english_on_every_staff_page(page_as: Any, sessions: Any,
                                                                             deployed: None) -> None:
    """The inbox, the case page (its tasks, its history and what it holds), the admin's units and the dashboard show
    the transport unit, which has no Russian name, by its English name said to be English."""
    with sessions.begin() as session:
        readers = ["pr", "ps_transport", "admin", "leader"]
        session.execute(update(User).where(User.username.in_(readers)).values(locale="ru"))
    pr = page_as("pr")
    case = start(pr, unit="transport")
    triage_to_transport(pr, sessions, case)
    inbox = text(page_as("ps_transport").get("/inbox"))  # the press secretary's task, not yet taken
    assert f"({MARKED})" in inbox
    page = text(pr.get(f"/cases/{case}"))
    assert f"<dd>{MARKED}</dd>" in page  # what the case holds: its unit
    assert page.count(MARKED) >= 3  # and the open task's unit and the history's "waiting for"
    assert ">Transport<" not in page.replace(MARKED, "")
    assert MARKED in text(page_as("admin").get("/admin/units"))
    dashboard = text(page_as("leader").get("/dashboard"))
    assert f"<th scope=\"row\">{MARKED}</th>" in dashboard  # the by-unit chart's table
    assert "Transport (English)" in dashboard  # the chart's own label: text, the language said
