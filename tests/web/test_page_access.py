"""Every page, whoever wrote it: strangers are sent to sign in, and nothing changes without the CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import WebClient

ARGUMENT = re.compile(r"<(?:[a-z_]+:)?[a-z_]+>")
CHOICE = re.compile(r"<any\(([a-z_]+)[^>]*>")  # <any(csv, json):fmt> -> csv
PUBLIC_PAGES = {"web_auth.home", "web_auth.sign_in", "web_auth.sign_out", "web_auth.language"}


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
def test_no_page_changes_anything_without_the_csrf_token(app: Any, page_as: Any, username: str) -> None:
    web: WebClient = page_as(username)
    for rule in _page_rules(app):
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            response = web.client.open(_sample_url(rule), method=method, data={})
            assert response.status_code == 400, (method, rule.rule, response.status_code)
            assert "CSRF" in response.get_data(as_text=True) or response.status_code == 400
