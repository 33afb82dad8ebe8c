"""Signing in and out of the pages, the session cookie, CSRF, and the remembered language."""

from __future__ import annotations

from typing import Any

import pytest

from engine.people.accounts import update_user
from tests.conftest import PASSWORD
from tests.web.conftest import WebClient, text


def test_the_start_page_sends_a_stranger_to_sign_in(app: Any) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")


def test_signing_in_sets_an_http_only_same_site_cookie_and_lands_on_the_users_work(app: Any, cast: Any) -> None:
    web = WebClient(app.test_client())
    response = web.sign_in("pr")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox"
    cookie = response.headers["Set-Cookie"]
    assert "jarchy_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1: a Secure cookie would never come back


def test_over_https_the_cookie_is_secure(app: Any, cast: Any) -> None:
    web = WebClient(app.test_client())
    web.client.get("/sign-in", base_url="https://localhost")
    response = web.post("/sign-in", {"username": "pr", "password": PASSWORD}, base_url="https://localhost",
                        headers={"Referer": "https://localhost/sign-in"})
    assert "Secure" in response.headers["Set-Cookie"]


# Leadership and the PR head watch the office; those who work cases, their inbox; the auditor, the trail; the
# administrator, the procedures.
LANDINGS = [("leader", "/dashboard"), ("prhead", "/dashboard"), ("pr", "/inbox"), ("ps_transport", "/inbox"),
            ("head_transport", "/inbox"), ("lawyer", "/inbox"), ("auditor", "/audit/events"),
            ("admin", "/admin/procedures")]


@pytest.mark.parametrize(("username", "home"), LANDINGS)
def test_each_kind_of_user_lands_on_their_own_work(app: Any, cast: Any, username: str, home: str) -> None:
    web = WebClient(app.test_client())
    assert web.sign_in(username).headers["Location"] == home
    assert web.get("/").headers["Location"] == home  # and so does the site's address
    assert web.get(home).status_code == 200  # a page they may open


@pytest.mark.parametrize("username", ["leader", "auditor"])
def test_a_page_asked_for_before_signing_in_still_wins_over_the_landing(app: Any, cast: Any, username: str) -> None:
    web = WebClient(app.test_client())
    response = web.post("/sign-in?next=/reports/requests", {"username": username, "password": PASSWORD})
    assert response.headers["Location"] == "/reports/requests"
    elsewhere = WebClient(app.test_client()).post("/sign-in?next=//evil.example/x",
                                                  {"username": username, "password": PASSWORD})
    assert elsewhere.headers["Location"] == dict(LANDINGS)[username]  # another site is never a landing


def test_a_wrong_password_is_refused_with_the_form_again(app: Any, cast: Any) -> None:
    web = WebClient(app.test_client())
    response = web.post("/sign-in", {"username": "pr", "password": "wrong"})
    assert response.status_code == 401
    assert 'role="alert"' in text(response) and 'value="pr"' in text(response)
    assert web.get("/inbox").status_code == 302


def test_a_form_without_the_csrf_token_is_refused(app: Any, cast: Any) -> None:
    web = WebClient(app.test_client())
    response = web.post("/sign-in", {"username": "pr", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert web.get("/inbox").status_code == 302  # not signed in


def test_a_token_from_another_session_is_refused(app: Any, cast: Any) -> None:
    other = WebClient(app.test_client())
    web = WebClient(app.test_client())
    web._csrf = other.csrf()
    assert web.post("/sign-in", {"username": "pr", "password": PASSWORD}).status_code == 400


def test_sign_out_ends_the_session(page_as: Any) -> None:
    web = page_as("pr")
    assert web.get("/inbox").status_code == 200
    response = web.post("/sign-out")
    assert response.status_code == 302
    assert web.get("/inbox").status_code == 302


def test_a_deactivated_user_is_signed_out_at_the_next_page(page_as: Any, sessions: Any, ctx: Any) -> None:
    web = page_as("pr")
    with sessions.begin() as session:
        update_user(session, "pr", {"active": False}, actor="admin", at=ctx.now())
    response = web.get("/inbox")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_page_remembers_where_a_stranger_wanted_to_go(app: Any, cast: Any) -> None:
    web = WebClient(app.test_client())
    target = web.get("/inbox?overdue=true").headers["Location"]
    assert target == "/sign-in?next=/inbox?overdue%3Dtrue"
    web.get(target)
    response = web.post("/sign-in?next=/inbox?overdue%3Dtrue", {"username": "pr", "password": PASSWORD})
    assert response.headers["Location"] == "/inbox?overdue=true"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"])
def test_sign_in_never_sends_the_user_off_the_site(app: Any, cast: Any, target: str) -> None:
    web = WebClient(app.test_client())
    response = web.post("/sign-in", {"username": "pr", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/inbox"


def test_the_language_chosen_is_remembered_on_the_account(page_as: Any, app: Any) -> None:
    web = page_as("pr")
    assert web.post("/language", {"locale": "ru", "next": "/inbox"}).headers["Location"] == "/inbox"
    assert 'lang="ru"' in text(web.get("/inbox"))
    again = WebClient(app.test_client())
    again.sign_in("pr")
    page = text(again.get("/inbox"))
    assert 'lang="ru"' in page and "Выйти" in page


def test_before_signing_in_the_browsers_language_is_used(app: Any) -> None:
    page = text(app.test_client().get("/sign-in", headers={"Accept-Language": "uk,en;q=0.5"}))
    assert 'lang="uk"' in page and "Увійти" in page


def test_an_unknown_language_changes_nothing(page_as: Any) -> None:
    web = page_as("pr")
    web.post("/language", {"locale": "xx", "next": "/inbox"})
    assert 'lang="en"' in text(web.get("/inbox"))


def test_pages_forbid_framing_and_foreign_scripts(app: Any) -> None:
    response = app.test_client().get("/sign-in")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_page_for_another_role_is_forbidden(page_as: Any) -> None:
    response = page_as("pr").get("/admin/procedures")
    assert response.status_code == 403
    assert "<h1>403" in text(response)


def test_an_unknown_page_is_a_page_for_a_browser_and_problem_details_for_a_program(app: Any) -> None:
    client = app.test_client()
    page = client.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.mimetype == "text/html" and "<h1>404" in text(page)
    api = client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert client.get("/no-such-page").mimetype == "application/problem+json"


def test_an_engine_refusal_is_shown_in_the_readers_language_by_its_code(page_as: Any) -> None:
    web = page_as("pr")
    english = text(web.get("/tasks/no-such-task"))
    assert "<h1>404: Not found</h1>" in english
    assert '<p class="lead" id="refusal">There is no such task' in english
    web.post("/language", {"locale": "ru", "next": "/inbox"})
    russian = text(web.get("/tasks/no-such-task"))
    assert "<h1>404: " in russian and "<h1>404: Not found" not in russian
    assert "does not exist" not in russian and "Technical details" not in russian


def test_a_copy_of_the_cookie_taken_before_signing_out_opens_no_page(app: Any, page_as: Any) -> None:
    web = page_as("pr")
    elsewhere = page_as("pr")  # the same user signed in on another computer
    copied = web.client.get_cookie("jarchy_session").value
    assert web.post("/sign-out").status_code == 302
    thief = app.test_client()
    thief.set_cookie("jarchy_session", copied)
    response = thief.get("/inbox")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert elsewhere.get("/inbox").status_code == 200


def test_ten_wrong_passwords_on_the_page_get_a_sentence_saying_when_to_try_again(app: Any, cast: Any) -> None:
    web = WebClient(app.test_client())
    for _ in range(10):
        assert web.post("/sign-in", {"username": "pr", "password": "wrong password"}).status_code == 401
    response = web.post("/sign-in", {"username": "pr", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["Retry-After"] == "600"
    assert "Too many failed sign-ins. Try again after 9:10" in text(response)  # 09:00 in Bishkek now
    assert web.get("/inbox").status_code == 302


def test_the_page_and_the_api_share_one_throttle_and_it_speaks_the_readers_language(app: Any, cast: Any) -> None:
    api = app.test_client()
    for _ in range(10):
        assert api.post("/api/v1/auth/token", json={"username": "pr", "password": "wrong password"}).status_code == 401
    web = WebClient(app.test_client())
    web.client.get("/sign-in", headers={"Accept-Language": "ru"})
    response = web.post("/sign-in", {"username": "pr", "password": PASSWORD}, headers={"Accept-Language": "ru"})
    assert response.status_code == 429
    assert 'lang="ru"' in text(response) and "9:10" in text(response)
    assert "Too many failed sign-ins" not in text(response)
