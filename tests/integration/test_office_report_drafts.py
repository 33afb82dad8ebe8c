"""The office's report counts the draft acts published for discussion and the public's comments on them (driven
through the API and the public site as tests/integration/test_draft_act_publication_api.py drives them, under
Ukraine's profile), in the period they were published and written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_draft_act_publication_api import (  # noqa: F401 (its fixtures)
    _deployed,
    clock,
    comment,
    published,
)

pytestmark = pytest.mark.jurisdiction("UA")  # Ukraine's settings (tests/conftest.py)


def test_drafts_published_and_comments_received_are_counted_in_their_month(as_: Any) -> None:
    _, draft_id = published(as_)
    assert comment(as_, draft_id).status_code == 201
    assert comment(as_, draft_id, address="203.0.113.9", name="Taras Melnyk").status_code == 201
    march = as_("leader").get("/api/v1/reports/office?period=month&of=2026-03").get_json()
    assert march["draft_acts"] == {"published": 1, "comments": 2}
    assert march["events_supported"] is None  # event_support is not deployed here: not yet recorded
    april = as_("leader").get("/api/v1/reports/office?period=month&of=2026-04").get_json()
    assert april["draft_acts"] == {"published": 0, "comments": 0}
    assert march["releases"]["by_language"] == {"uk": 0}  # the profile's one publication language
