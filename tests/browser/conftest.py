"""Browser tests: the app served on a free port of 127.0.0.1, driven by Playwright in Debian's Chromium.

`make test` installs /usr/bin/chromium. Under CI=true a missing browser is a failure, never a skip.
The served app keeps the test's frozen clock: time moves by `clock.advance`, never by sleeping."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI, PASSWORD, _worker, migrated_database

CHROMIUM = os.environ.get("JARCHY_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The browser walks the production-like database only (the same pages run on SQLite in tests/web)."""
    with migrated_database("postgresql", f"jarchy_b{_worker()}_{os.getpid()}", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def open_as(browser: Any, live_server: str, cast: Any) -> Iterator[Any]:
    """`open_as(username, width=1280)`: a new browser context signed in through the sign-in form; `bypass_csp` lets
    a test inject axe-core (tests/browser/axe.py) past the pages' Content-Security-Policy."""
    contexts: list[Any] = []

    def sign_in(username: str | None, *, width: int = 1280, height: int = 900, locale: str = "en-GB",
                bypass_csp: bool = False) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                      base_url=live_server, accept_downloads=True, bypass_csp=bypass_csp)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        page.goto("/sign-in")
        if username is not None:
            page.locator("#username").fill(username)  # by id: the labels are in the context's language
            page.locator("#password").fill(PASSWORD)
            page.locator("#password").press("Enter")
            page.wait_for_url(lambda url: "/sign-in" not in url)
        return page

    yield sign_in
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> None:
    """Refreshes docs/screenshots/<name>.png when JARCHY_SCREENSHOTS=1 (`make screenshots`)."""
    if os.environ.get("JARCHY_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def choose_language(page: Any, code: str) -> None:
    """Changes the bar's language as a person does: choose it, then send it with its button (the list does not
    submit on change, WCAG 3.2.2); returns once the page has reloaded in it."""
    with page.expect_navigation():
        page.get_by_label("Language").select_option(code)
        page.locator("form.language button[type=submit]").click()
