"""The administrators' pages: procedures and the modeler's deploy, users, units and the calendar."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, CalendarOverride, ProcessDefinition, Unit, User
from engine.core.settings import LANGUAGES, ROLES
from engine.people.accounts import user_by_username
from engine.runtime import operations
from tests.conftest import PASSWORD, REQUEST, shipped_diagram
from tests.web.conftest import CSRF_META, WebClient, text

PAGES = ("/admin/procedures", "/admin/users", "/admin/users/new", "/admin/users/pr", "/admin/units",
         "/admin/calendar", "/admin/modeler", "/admin/procedures/information_request/versions/1/modeler",
         "/admin/procedures/information_request/versions/1/bpmn")
OTHERS = ("auditor", "prhead", "pr", "ps_transport", "head_transport", "leader", "lawyer")
XML = {"content_type": "application/xml"}


@pytest.fixture
def page_as(page_as: Any) -> Any:
    """Signed in, with the CSRF token read from an admin page (shown to others as the 403 page): other
    users' start pages are not these tests' business."""

    def sign_in(username: str | None) -> WebClient:
        web = page_as(username)
        found = CSRF_META.search(text(web.get("/admin/procedures" if username else "/sign-in")))
        assert found
        web._csrf = found.group(1)
        return web

    return sign_in


def count(sessions: Any, model: Any, *where: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)))


def events(sessions: Any, type_: str) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.id)))


def day_class(page: str, day: str) -> set[str]:
    """The classes of a day's cell in the calendar's month."""
    found = re.search(rf'<td class="([^"]*)" data-date="{day}">', page)
    assert found, day
    return set(found.group(1).split())


def deploy(web: WebClient, data: bytes, **kw: Any) -> Any:
    return web.client.post("/admin/deploy", data=data, headers={"X-CSRFToken": web.csrf()}, **(XML | kw))


def renamed(new_name: str) -> bytes:
    return shipped_diagram("information_request.bpmn").replace(
        b'name="Triage the request"', f'name="{new_name}"'.encode())


# -- who may see them --------------------------------------------------------------------------------------


def test_every_admin_page_opens_for_an_admin(page_as: Any, deployed: None) -> None:
    web = page_as("admin")
    for path in PAGES:
        response = web.get(path)
        assert response.status_code == 200, (path, text(response)[:500])
    assert "Procedures" in text(web.get("/admin/procedures"))


@pytest.mark.parametrize("username", OTHERS)
def test_no_other_role_may_open_or_use_them(page_as: Any, deployed: None, username: str, sessions: Any) -> None:
    web = page_as(username)
    for path in PAGES:
        assert web.get(path).status_code == 403, path
    assert deploy(web, renamed("Sort the request")).status_code == 403
    assert web.post("/admin/units", {"key": "sport", "name": "Sport"}).status_code == 403
    assert web.post("/admin/users/pr/active", {"active": "0"}).status_code == 403
    assert web.post("/admin/calendar/overrides", {"date": "2026-03-07", "working": "1",
                                                  "reason": "Decree"}).status_code == 403
    assert count(sessions, Unit, Unit.key == "sport") == 0
    assert count(sessions, CalendarOverride) == 0
    assert count(sessions, ProcessDefinition) == 1


def test_a_stranger_is_sent_to_sign_in(app: Any, cast: Any) -> None:
    response = app.test_client().get("/admin/users")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# -- procedures and the modeler ------------------------------------------------------------------------------


def test_procedures_show_every_version_with_its_running_cases(page_as: Any, deployed: None, sessions: Any,
                                                              ctx: Any) -> None:
    with sessions.begin() as session:
        operations.start(session, ctx, user_by_username(session, "pr"), "information_request", dict(REQUEST))
    web = page_as("admin")
    assert deploy(web, renamed("Sort the request")).status_code == 201
    page = text(web.get("/admin/procedures"))
    first, second = page.index('data-version="2"'), page.index('data-version="1"')
    assert first < second  # newest first
    row_2, row_1 = page[first:second], page[second:page.index("</tr>", second)]
    assert "admin" in row_2 and "the system" in row_1  # who deployed each
    assert "<td data-label=\"Running cases\">0</td>" in row_2
    assert "<td data-label=\"Running cases\">1</td>" in row_1
    with sessions() as session:
        checksum = session.scalars(select(ProcessDefinition.checksum).where(ProcessDefinition.version == 1)).one()
    assert checksum[:12] in row_1
    assert "/admin/procedures/information_request/versions/1/modeler" in row_1
    assert "/admin/modeler" in page  # a new, empty diagram


def test_the_modeler_opens_a_version_whose_xml_only_an_admin_may_read(page_as: Any, deployed: None) -> None:
    web = page_as("admin")
    page = text(web.get("/admin/procedures/information_request/versions/1/modeler"))
    assert 'data-diagram-url="/admin/procedures/information_request/versions/1/bpmn"' in page
    assert "dist/modeler.js" in page and 'class="wide"' in page
    xml = web.get("/admin/procedures/information_request/versions/1/bpmn")
    assert xml.mimetype == "application/xml" and xml.data == shipped_diagram("information_request.bpmn")
    download = web.get("/admin/procedures/information_request/versions/1/bpmn?download=1")
    assert "attachment" in download.headers["Content-Disposition"]
    assert "information_request.v1.bpmn" in download.headers["Content-Disposition"]
    assert web.get("/admin/procedures/information_request/versions/7/modeler").status_code == 404
    assert 'data-diagram-url' not in text(web.get("/admin/modeler"))


def test_the_modeler_page_names_every_role_in_every_language_for_the_lanes(page_as: Any, deployed: None) -> None:
    page = text(page_as("admin").get("/admin/modeler"))
    found = re.search(r"data-role-names='([^']*)'", page)
    assert found is not None
    names = json.loads(unescape(found.group(1)))
    assert set(names) == set(ROLES)
    assert names["pr_department"]["ru"] == "Отдел по связям с общественностью"
    assert names["pr_department"]["en"] == "PR department"
    assert names["unit_head"]["uz-Latn"] != names["unit_head"]["uz"]  # Latin and Cyrillic, each its own
    assert all(set(by_language) == set(LANGUAGES) and all(by_language.values()) for by_language in names.values())


def test_deploying_from_the_modeler_makes_a_new_version_once(page_as: Any, deployed: None, sessions: Any) -> None:
    web = page_as("admin")
    response = deploy(web, renamed("Sort the request"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["created"] is True and body["version"] == 2 and "version 2" in body["message"]
    again = deploy(web, renamed("Sort the request"))
    assert again.status_code == 200
    assert again.get_json()["created"] is False and "still version 2" in again.get_json()["message"]
    assert count(sessions, ProcessDefinition) == 2
    deployed_events = events(sessions, "definition.deployed")
    assert [e.actor for e in deployed_events] == ["system", "admin"]


def test_a_broken_diagram_is_refused_naming_the_element_in_the_readers_language(page_as: Any, deployed: None,
                                                                                sessions: Any) -> None:
    web = page_as("admin")
    web.post("/language", {"locale": "ru", "next": "/admin/modeler"})
    broken = shipped_diagram("information_request.bpmn").replace(b'name="pr_head"', b'name="foo"')
    response = deploy(web, broken)
    assert response.status_code == 422
    body = response.get_json()
    assert body["title"] == "Схема не развёрнута"
    (problem,) = body["errors"]
    assert problem["element_id"] == "Lane_pr_head" and problem["line"] > 1
    assert problem["code"] == "lane_not_a_role" and problem["params"]["lane"] == "foo"
    assert problem["message"].startswith("Дорожка «foo» не является ролью."), problem["message"]
    assert count(sessions, ProcessDefinition) == 1
    assert len(events(sessions, "definition.deployed")) == 1


def test_the_deploy_wants_xml(page_as: Any, deployed: None, sessions: Any) -> None:
    web = page_as("admin")
    response = deploy(web, b"not xml at all", content_type="text/plain")
    assert response.status_code == 415 and response.get_json()["errors"]
    malformed = deploy(web, b"<bpmn:definitions")
    assert malformed.status_code == 422 and malformed.get_json()["errors"][0]["line"] == 1
    assert count(sessions, ProcessDefinition) == 1


def test_a_deploy_without_the_csrf_token_is_refused(page_as: Any, deployed: None, sessions: Any) -> None:
    web = page_as("admin")
    response = web.client.post("/admin/deploy", data=renamed("Sort the request"), **XML)
    assert response.status_code == 400
    assert web.post("/admin/units", {"key": "sport", "name": "Sport"}, csrf=False).status_code == 400
    assert count(sessions, ProcessDefinition) == 1
    assert count(sessions, Unit, Unit.key == "sport") == 0


# -- users ------------------------------------------------------------------------------------------------


def new_user(**changes: Any) -> list[tuple[str, str]]:
    fields = {"username": "nurlan", "display_name": "Nurlan Asanov", "email": "nurlan@example.kg",
              "unit": "health", "locale": "ru", "password": "long enough password"} | changes
    roles = fields.pop("roles", ["press_secretary", "pr_department"])
    return list(fields.items()) + [("roles", r) for r in roles]


def test_users_are_listed_with_their_roles_unit_state_and_language(page_as: Any) -> None:
    page = text(page_as("admin").get("/admin/users"))
    row = page[page.index(">ps_transport<"):]
    row = row[:row.index("</tr>")]
    assert "Press secretary" in row and "Transport" in row and "active" in row and "English" in row


def test_an_admin_creates_a_user_through_the_form(page_as: Any, sessions: Any) -> None:
    web = page_as("admin")
    response = web.post("/admin/users/new", new_user())
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users/nurlan")
    with sessions() as session:
        user = user_by_username(session, "nurlan")
        assert user.roles == ["pr_department", "press_secretary"] and user.unit_key == "health"
        assert user.locale == "ru" and user.email == "nurlan@example.kg"
    created = events(sessions, "user.created")[-1]
    assert created.actor == "admin" and created.subject == "user:nurlan"
    assert WebClient(web.client.application.test_client()).sign_in("nurlan", "long enough password").status_code == 302


@pytest.mark.parametrize(("changes", "field", "status"), [
    ({"username": "no spaces allowed"}, "username", 422),
    ({"display_name": "  "}, "display_name", 422),
    ({"email": "not-an-address"}, "email", 422),
    ({"password": "short"}, "password", 422),
    ({"roles": []}, "roles", 422),
    ({"roles": ["press_secretary"], "unit": ""}, "unit", 422),
    ({"unit": "nowhere"}, "unit", 422),
    ({"locale": "xx"}, "locale", 422),
    ({"username": "pr"}, "username", 409),
])
def test_a_refused_new_user_shows_the_field_and_keeps_the_input(page_as: Any, sessions: Any, changes: dict[str, Any],
                                                                field: str, status: int) -> None:
    web = page_as("admin")
    before = count(sessions, User)
    audit_before = count(sessions, AuditEvent)
    response = web.post("/admin/users/new", new_user(**changes))
    page = text(response)
    assert response.status_code == status, page
    assert f'id="{field}-error"' in page and "aria-invalid" in page
    assert "Nurlan Asanov" in page or field == "display_name"  # the input is kept
    assert count(sessions, User) == before and count(sessions, AuditEvent) == audit_before


def test_an_admin_edits_a_user(page_as: Any, sessions: Any) -> None:
    web = page_as("admin")
    response = web.post("/admin/users/ps_transport", [
        ("display_name", "Aida Beková"), ("email", "aida@example.kg"), ("roles", "unit_head"),
        ("roles", "press_secretary"), ("unit", "health"), ("locale", "ky")])
    assert response.status_code == 302
    with sessions() as session:
        user = user_by_username(session, "ps_transport")
        assert (user.display_name, user.email, user.roles, user.unit_key, user.locale) == (
            "Aida Beková", "aida@example.kg", ["press_secretary", "unit_head"], "health", "ky")
    updated = events(sessions, "user.updated")[-1]
    assert updated.actor == "admin" and updated.before["unit"] == "transport" and updated.after["unit"] == "health"
    page = text(web.get("/admin/users/ps_transport"))
    assert 'value="Aida Beková"' in page


def test_a_refused_edit_changes_nothing(page_as: Any, sessions: Any) -> None:
    web = page_as("admin")
    response = web.post("/admin/users/ps_transport", [("display_name", "Someone else"), ("unit", ""),
                                                      ("roles", "press_secretary"), ("locale", "en")])
    assert response.status_code == 422
    assert 'id="unit-error"' in text(response) and 'value="Someone else"' in text(response)
    with sessions() as session:
        user = user_by_username(session, "ps_transport")
        assert user.display_name == "Ps_Transport" and user.unit_key == "transport"
    assert events(sessions, "user.updated") == []


def test_deactivating_and_reactivating_a_user(page_as: Any, sessions: Any) -> None:
    web = page_as("admin")
    pr = page_as("pr")
    assert web.post("/admin/users/pr/active", {"active": "0"}).status_code == 302
    assert pr.get("/inbox").status_code == 302  # signed out at once
    assert "deactivated" in text(web.get("/admin/users/pr"))
    assert page_as(None).sign_in("pr").status_code == 401
    assert web.post("/admin/users/pr/active", {"active": "1"}).status_code == 302
    assert page_as(None).sign_in("pr").status_code == 302
    assert [e.after["active"] for e in events(sessions, "user.updated")] == [False, True]


def test_setting_a_password(page_as: Any, sessions: Any) -> None:
    web = page_as("admin")
    differ = web.post("/admin/users/pr/password", {"password": "brand new secret", "password_again": "other"})
    assert differ.status_code == 422 and 'id="password_again-error"' in text(differ)
    short = web.post("/admin/users/pr/password", {"password": "short", "password_again": "short"})
    assert short.status_code == 422 and 'id="password-error"' in text(short)
    assert events(sessions, "user.updated") == []
    assert page_as(None).sign_in("pr", PASSWORD).status_code == 302
    assert web.post("/admin/users/pr/password", {"password": "brand new secret",
                                                 "password_again": "brand new secret"}).status_code == 302
    assert page_as(None).sign_in("pr", "brand new secret").status_code == 302
    assert page_as(None).sign_in("pr", PASSWORD).status_code == 401
    assert events(sessions, "user.updated")[-1].after["password"] == "changed"


def test_an_unknown_user_is_not_found(page_as: Any) -> None:
    assert page_as("admin").get("/admin/users/nobody").status_code == 404


# -- units ------------------------------------------------------------------------------------------------


def test_units_show_their_number_of_users(page_as: Any) -> None:
    page = text(page_as("admin").get("/admin/units"))
    row = page[page.index("<code>transport</code>"):]
    assert '<td data-label="Users">2</td>' in row[:row.index("</tr>")]
    row = page[page.index("<code>education</code>"):]
    assert '<td data-label="Users">0</td>' in row[:row.index("</tr>")]


def test_an_admin_creates_a_unit(page_as: Any, sessions: Any) -> None:
    web = page_as("admin")
    response = web.post("/admin/units", {"key": "sport", "name": "Sport and youth"})
    assert response.status_code == 302
    assert "Sport and youth" in text(web.get("/admin/units"))
    created = events(sessions, "unit.created")[-1]
    assert created.actor == "admin" and created.after == {"key": "sport", "name": "Sport and youth",
                                                          "names": {"en": "Sport and youth"}}


@pytest.mark.parametrize(("fields", "field", "status"), [
    ({"key": "Sport Dept", "name": "Sport"}, "key", 422),
    ({"key": "", "name": "Sport"}, "key", 422),
    ({"key": "sport", "name": ""}, "name", 422),
    ({"key": "sport", "name": "x" * 201}, "name", 422),
    ({"key": "transport", "name": "Transport again"}, "key", 409),
])
def test_a_refused_unit_shows_the_field(page_as: Any, sessions: Any, fields: dict[str, str], field: str,
                                        status: int) -> None:
    web = page_as("admin")
    before = count(sessions, Unit)
    response = web.post("/admin/units", fields)
    assert response.status_code == status
    assert f'id="{field}-error"' in text(response)
    assert count(sessions, Unit) == before and events(sessions, "unit.created")[-1].actor == "system"


# -- the calendar ---------------------------------------------------------------------------------------


def test_the_calendar_shows_the_countrys_holidays_and_weekends(page_as: Any) -> None:
    web = page_as("admin")
    page = text(web.get("/admin/calendar?month=2026-03"))
    assert "March 2026" in page and "Nooruz" in page
    assert day_class(page, "2026-03-21") == {"off"}  # Nooruz
    assert day_class(page, "2026-03-02") == {"working", "today"}  # the frozen clock's Monday
    assert day_class(page, "2026-03-07") == {"off"}  # a Saturday
    assert day_class(page, "2026-02-27") == {"working", "outside"}
    assert "March 2026" in text(web.get("/admin/calendar"))  # this month by default
    assert "March 2026" in text(web.get("/admin/calendar?month=nonsense"))


def test_an_admin_declares_a_saturday_worked(page_as: Any, sessions: Any, ctx: Any) -> None:
    web = page_as("admin")
    response = web.post("/admin/calendar/overrides", {"date": "2026-03-07", "working": "1",
                                                      "reason": "Decree No. 12"})
    assert response.status_code == 302 and response.headers["Location"].endswith("month=2026-03")
    page = text(web.get("/admin/calendar?month=2026-03"))
    assert day_class(page, "2026-03-07") == {"working", "overridden"} and "Decree No. 12" in page
    event = events(sessions, "calendar.override_set")[-1]
    assert event.actor == "admin" and event.after == {"working": True, "reason": "Decree No. 12"}
    assert event.before["working"] is False
    # Editing it: the form comes prefilled, and the day becomes a day off again.
    prefilled = text(web.get("/admin/calendar?date=2026-03-07"))
    assert 'value="2026-03-07"' in prefilled and 'value="Decree No. 12"' in prefilled
    assert re.search(r'id="working-1" name="working" value="1" checked', prefilled)
    saturday = text(web.get("/admin/calendar?date=2026-03-14"))  # no override: the form offers to flip the day
    assert "Now: a day off, Weekend" in saturday
    assert re.search(r'id="working-1" name="working" value="1" checked', saturday)
    assert web.post("/admin/calendar/overrides", {"date": "2026-03-07", "working": "0",
                                                  "reason": "Decree revoked"}).status_code == 302
    with sessions() as session:
        row = session.get(CalendarOverride, date(2026, 3, 7))
        assert row is not None and (row.working, row.reason) == (False, "Decree revoked")


@pytest.mark.parametrize(("fields", "field"), [
    ({"date": "2026-02-30", "working": "1", "reason": "Decree"}, "date"),
    ({"date": "", "working": "1", "reason": "Decree"}, "date"),
    ({"date": "1066-10-14", "working": "0", "reason": "Hastings"}, "date"),
    ({"date": "2026-03-07", "working": "", "reason": "Decree"}, "working"),
    ({"date": "2026-03-07", "working": "1", "reason": " "}, "reason"),
    ({"date": "2026-03-07", "working": "1", "reason": "x" * 201}, "reason"),
])
def test_a_refused_override_shows_the_field(page_as: Any, sessions: Any, fields: dict[str, str], field: str) -> None:
    response = page_as("admin").post("/admin/calendar/overrides", fields)
    assert response.status_code == 422
    assert f'id="{field}-error"' in text(response)
    assert count(sessions, CalendarOverride) == 0 and events(sessions, "calendar.override_set") == []


def test_holidays_are_named_in_the_readers_language(page_as: Any) -> None:
    web = page_as("admin")
    web.post("/language", {"locale": "ru", "next": "/admin/calendar"})
    page = unescape(text(web.get("/admin/calendar?month=2026-03")))
    assert "Международный женский день" in page and "International Women's Day" not in page
    # The package has no Uzbek for Kyrgyzstan (nor any Cyrillic Uzbek): the catalogs' reviewed names
    # (tests/web/test_calendar_languages.py).
    web.post("/language", {"locale": "uz", "next": "/admin/calendar"})
    page = unescape(text(web.get("/admin/calendar?month=2026-03")))
    assert "Халқаро хотин-қизлар куни" in page and "International Women's Day" not in page


def test_the_modeler_gets_its_own_interface_in_the_readers_language(page_as: Any) -> None:
    import json
    import re

    web = page_as("admin")

    def handed() -> dict[str, str]:
        found = re.search(r"data-bpmn-messages='([^']*)'", text(web.get("/admin/modeler")))
        assert found
        return dict(json.loads(unescape(found.group(1))))

    assert handed() == {}  # English: bpmn-js's own words
    web.post("/language", {"locale": "uk", "next": "/admin/modeler"})
    ukrainian = handed()
    assert len(ukrainian) > 300
    assert ukrainian["Activate hand tool"] != "Activate hand tool" and ukrainian["General"] != "General"
    assert all("{" not in key or set(re.findall(r"{\w+}", key)) == set(re.findall(r"{\w+}", value))
               for key, value in ukrainian.items())
