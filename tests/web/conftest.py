"""The pages through Flask's test client: a signed-in browser without JavaScript.

`page_as(username)` signs in through the sign-in form; `.post` sends the session's CSRF token
the way a page's form does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class WebClient:
    def __init__(self, client: Any) -> None:
        self.client = client
        self._csrf: str | None = None

    def csrf(self) -> str:
        if self._csrf is None:
            found = CSRF_META.search(self.client.get("/", follow_redirects=True).get_data(as_text=True))
            assert found, "every page carries the session's CSRF token"
            self._csrf = found.group(1)
        return self._csrf

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(path, **kw)

    def post(self, path: str, data: Any = None, *, csrf: bool = True, **kw: Any) -> TestResponse:
        """`data` as a dict or a list of (name, value) pairs, as a browser sends a form."""
        pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
        if csrf:
            pairs.append(("csrf_token", self.csrf()))
        from werkzeug.datastructures import MultiDict

        return self.client.post(path, data=MultiDict(pairs), **kw)

    def sign_in(self, username: str, password: str = PASSWORD) -> TestResponse:
        response = self.post("/sign-in", {"username": username, "password": password})
        self._csrf = None  # a new session at sign-in, with a new token
        return response


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def page_as(app: Any, cast: dict[str, Any]) -> Any:
    def sign_in(username: str | None) -> WebClient:
        web = WebClient(app.test_client())
        if username is not None:
            response = web.sign_in(username)
            assert response.status_code == 302, text(response)
        return web

    return sign_in
