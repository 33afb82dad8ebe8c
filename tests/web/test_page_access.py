"""Every page, whoever wrote it: strangers are sent to sign in, and nothing changes without the CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent
from tests.web.conftest import WebClient

ARGUMENT = re.compile(r"<(?:[a-z_]+:)?[a-z_]+>")
CHOICE = re.compile(r"<any\(([a-z_]+)[^>]*>")  # <any(csv, json):fmt> -> csv
PUBLIC_PAGES = {"web_auth.home", "web_auth.sign_in", "web_auth.sign_out", "web_auth.language",
                "web_portal.ask", "web_portal.follow",  # the requester portal: anyone, no account
                "web_public.latest", "web_public.release", "web_public.response"}  # the office's public site


def _page_rules(app: Any) -> list[Any]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("web_")]


def _sample_url(rule: Any) -> str:
    """The rule with a made-up value for each argument: a stranger must be stopped before anything is looked up."""
    return ARGUMENT.sub("1", CHOICE.sub(r"\1", rule.rule))


def test_there_are_pages_for_each_kind_of_user(app: Any) -> None:
    blueprints = {rule.endpoint.split(".")[0] for rule in _page_rules(app)}
    assert {"web_auth", "web_staff", "web_admin", "web_audit", "web_dashboard"} <= blueprints


def test_every_page_sends_a_stranger_to_sign_in(app: Any) -> None:
    client = app.test_client()
    checked = 0
    for rule in _page_rules(app):
        if rule.endpoint in PUBLIC_PAGES or "GET" not in rule.methods:
            continue
        response = client.get(_sample_url(rule))
        assert response.status_code == 302, (rule.rule, response.status_code)
        assert "/sign-in" in response.headers["Location"], rule.rule
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("username", ["pr", "admin", "auditor"])
def test_no_page_changes_anything_without_the_csrf_token(app: Any, page_as: Any, sessions: Any,
                                                         username: str) -> None:
    web: WebClient = page_as(username)
    before = _events(sessions)
    for rule in _page_rules(app):
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            response = web.client.open(_sample_url(rule), method=method, data={"name": "x", "username": "x"})
            assert response.status_code == 400, (method, rule.rule, response.status_code)
    assert _events(sessions) == before  # every change leaves an audit event: none was made


def _events(sessions: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


@pytest.mark.parametrize("username", ["pr", "admin", "auditor"])
def test_ids_and_pages_beyond_what_the_database_holds_are_not_found_not_errors(
        app: Any, page_as: Any, username: str) -> None:
    web: WebClient = page_as(username)
    huge = str(2**70)
    for rule in _page_rules(app):
        url = CHOICE.sub(r"\1", rule.rule)
        if "GET" not in rule.methods or not ARGUMENT.search(url):
            continue
        response = web.get(ARGUMENT.sub(huge, url))
        assert response.status_code in (403, 404), (rule.rule, response.status_code)
    for path in ("/inbox", "/cases", "/audit/events", "/audit/cases"):
        assert web.get(f"{path}?page={huge}").status_code in (200, 403, 422), path


def test_a_nul_character_in_a_form_is_refused_before_it_reaches_the_database(
        app: Any, page_as: Any, sessions: Any) -> None:
    before = _events(sessions)
    stranger = WebClient(app.test_client())
    assert stranger.post("/sign-in", {"username": "pr\x00x", "password": "p"}).status_code == 400
    admin = page_as("admin")
    refused = admin.post("/admin/units", {"key": "culture", "name": "A\x00B"})
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert _events(sessions) == before
