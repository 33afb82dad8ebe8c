"""The case's history names what its events are about (issue 15, after review): a file by its name, a publication
by its feed and title in the reader's language, never the ids the audit chain keeps (`b0e5a981-…`, `releases:1`)."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pytest

from engine.people.accounts import user_by_username
from tests.cases import complete
from tests.integration.test_release_approval_api import agreed_and_translated, release_approval_deployed, start
from tests.web.conftest import text

__all__ = ["release_approval_deployed"]
pytestmark = pytest.mark.usefixtures("cast")


def _history(page_as: Any, sessions: Any, user: str, case_id: int, language: str) -> str:
    with sessions.begin() as session:
        user_by_username(session, user).locale = language
    page = unescape(text(page_as(user).get(f"/cases/{case_id}")))
    return page.split('<ol class="timeline">')[1].split("</ol>")[0]


def test_a_published_release_is_named_by_its_feed_and_title_in_russian(as_: Any, page_as: Any,
                                                                       sessions: Any) -> None:
    case = start(as_)
    agreed_and_translated(as_, case)
    web = page_as("pr")
    attached = web.client.post(f"/cases/{case['id']}/attachments?csrf_token={web.csrf()}",
                               data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "smeta.pdf")},
                               content_type="multipart/form-data")
    complete(as_, "pr", case["id"], "publish")
    history = _history(page_as, sessions, "pr", case["id"], "ru")
    assert "Материал опубликован: Пресс-релизы, «В 2026 году отремонтируют сорок улиц»" in history
    assert "releases:" not in history.lower()
    assert attached.status_code == 302 and "Файл прикреплён: smeta.pdf" in history  # the file, by its name
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", history, re.IGNORECASE)  # no id of a file
