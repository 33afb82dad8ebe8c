"""Every field on every main page has a label a screen reader announces, and every button a name."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from tests.web.test_staff_pages import start, task_id

pytestmark = pytest.mark.usefixtures("deployed")


class Fields(HTMLParser):
    """The page's form fields and the ids its <label for> name (hand-written: a dozen lines of stdlib parsing)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.buttons: list[dict[str, str | None]] = []
        self._button: dict[str, str | None] | None = None
        self._button_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        if tag in ("input", "select", "textarea") and found.get("type") not in ("hidden", "submit", "button"):
            self.fields.append(found)
        if tag == "button":
            self._button, self._button_text = found, ""

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None:
            self._button["text"] = self._button_text.strip()
            self.buttons.append(self._button)
            self._button = None


PAGES = {
    "pr": ["/inbox", "/start", "/start/information_request", "/cases", "/tasks/{triage}", "/cases/{case}"],
    "leader": ["/dashboard"],
    "admin": ["/admin/procedures", "/admin/users", "/admin/users/new", "/admin/units", "/admin/calendar",
              "/admin/modeler", "/admin/users/pr"],
    "auditor": ["/audit/events", "/audit/cases", "/audit/cases/{case}", "/audit/verify"],
}


@pytest.mark.parametrize("username", sorted(PAGES))
def test_every_field_has_a_label_and_every_button_a_name(page_as: Any, sessions: Any, username: str) -> None:
    case = start(page_as("pr"))
    web = page_as(username)
    for path in PAGES[username]:
        response = web.get(path.format(case=case, triage=task_id(sessions, case, "triage")))
        assert response.status_code == 200, path
        page = Fields()
        page.feed(response.get_data(as_text=True))
        unlabelled = [f for f in page.fields
                      if not (f.get("id") in page.labelled or f.get("aria-label") or f.get("aria-labelledby"))]
        assert unlabelled == [], (path, unlabelled)
        nameless = [b for b in page.buttons if not (b.get("text") or b.get("aria-label") or b.get("title"))]
        assert nameless == [], (path, nameless)
        assert page.fields or path in ("/admin/procedures", "/audit/verify", "/dashboard", "/start",
                                       "/cases/{case}", "/audit/cases/{case}", "/admin/modeler"), path
