"""The auditors' Checkpoints page: every signed checkpoint with its timestamp's verdict and its pushes, the files
an auditor keeps outside the office (signed notes, tokens, the public key), and a key that cannot be read."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditCheckpoint
from engine.audit import keys, notes
from engine.background.sweeper import keep_checkpoints
from tests.conftest import CAST, seal_audit
from tests.web.conftest import text
from tests.web.test_audit_pages import start

SIZE = re.compile(r'<tr data-size="(\d+)"')


@pytest.fixture
def kept(sessions: Any, settings: Any, ctx: Any, cast: Any, tsa: Any, tmp_path: Path) -> dict[str, Any]:
    """Three checkpoints: the first stamped and pushed to a directory, the second stamped but its token spoiled,
    the third made while the TSA refused, pushed to a directory that cannot be written."""
    outside, blocked = tmp_path / "outside", tmp_path / "blocked"
    blocked.write_text("a file, not a directory")
    stamped = replace(settings, tsa_url=tsa.url, audit_push=(str(outside),))
    seal_audit(sessions)  # as the sweep would before each checkpoint
    keep_checkpoints(sessions, stamped, ctx.now(), now=True)
    start(sessions, ctx, "pr")
    seal_audit(sessions)
    keep_checkpoints(sessions, replace(stamped, audit_push=()), ctx.now(), now=True)
    with sessions.begin() as session:
        second = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc())).first()
        token = bytearray(second.timestamp_token)
        token[-10] ^= 0xFF  # inside the TSA's signature
        second.timestamp_token = bytes(token)
    start(sessions, ctx, "pr")
    seal_audit(sessions)
    tsa.refuse = "http"
    keep_checkpoints(sessions, replace(stamped, audit_push=(str(blocked),)), ctx.now(), now=True)
    tsa.refuse = None
    with sessions() as session:
        rows = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size)))
        session.expunge_all()
    return {"rows": rows, "outside": outside, "blocked": blocked}


pytestmark = pytest.mark.usefixtures("deployed")


def test_the_page_lists_checkpoints_newest_first_with_verdicts_and_pushes(page_as: Any, kept: Any) -> None:
    first, second, third = kept["rows"]
    page = text(page_as("auditor").get("/audit/checkpoints"))
    assert [int(s) for s in SIZE.findall(page)] == [third.size, second.size, first.size]
    assert all(row.root in page for row in kept["rows"])
    rows = dict(zip((third.size, second.size, first.size), page.split('<tr data-size="')[1:], strict=True))
    assert "Verified" in rows[first.size] and re.search(r'by <span class="technical">[^<]*Jarchy', rows[first.size])
    assert str(kept["outside"]) in rows[first.size] and "Sent" in rows[first.size]
    assert "Not verified" in rows[second.size] and "signature on the token does not verify" in rows[second.size]
    assert "Not stamped" in rows[third.size] and "refused the request" in rows[third.size]
    assert str(kept["blocked"]) in rows[third.size] and "Failed" in rows[third.size]
    assert "Not sent anywhere" in rows[second.size]
    assert "Timestamp token" not in rows[third.size] and "Signed note" in rows[third.size]
    assert "jarchy audit verify-export EXPORT --checkpoint FILE --public-key KEY" in page
    assert 'href="/audit/checkpoints"' in page  # in the navigation


def test_the_downloads_are_the_exact_note_token_and_key(page_as: Any, kept: Any, settings: Any) -> None:
    web = page_as("auditor")
    first = kept["rows"][0]
    note = web.get(f"/audit/checkpoints/{first.size}.note")
    assert note.status_code == 200 and note.mimetype == "text/plain"
    assert note.data.decode() == first.note == (kept["outside"] / "checkpoints" / f"{first.size}.note").read_text()
    assert f"filename={first.size}.note" in note.headers["Content-Disposition"]
    token = web.get(f"/audit/checkpoints/{first.size}.tsr")
    assert token.status_code == 200 and token.data == first.timestamp_token
    assert f"filename={first.size}.tsr" in token.headers["Content-Disposition"]
    key = web.get("/audit/audit_public_key.pem")
    assert key.status_code == 200 and key.data.decode() == notes.public_key_pem(keys.public_key(settings))
    assert "filename=audit_public_key.pem" in key.headers["Content-Disposition"]
    assert notes.open_note(note.data.decode(), notes.load_public_key(key.data.decode())).size == first.size


def test_a_missing_checkpoint_or_token_is_not_found(page_as: Any, kept: Any) -> None:
    web = page_as("auditor")
    third = kept["rows"][2]
    assert web.get("/audit/checkpoints/999999.note").status_code == 404
    assert web.get(f"/audit/checkpoints/{third.size}.tsr").status_code == 404  # the TSA refused it
    assert web.get("/audit/checkpoints/abc.note").status_code == 404
    assert web.get(f"/audit/checkpoints/{2**70}.note").status_code == 404  # past what the database holds


@pytest.mark.parametrize("page_number", ["0", "two", "99999999999"])
def test_a_bad_page_number_is_named(page_as: Any, kept: Any, page_number: str) -> None:
    response = page_as("auditor").get(f"/audit/checkpoints?page={page_number}")
    assert response.status_code == 422 and "The page must be a whole number from 1." in text(response)


def test_pages_beyond_the_last_show_none(page_as: Any, kept: Any) -> None:
    page = text(page_as("auditor").get("/audit/checkpoints?page=2"))
    assert SIZE.findall(page) == []


@pytest.mark.parametrize("username", sorted(set(CAST) - {"auditor"}))
def test_the_page_and_its_files_are_for_auditors_only(page_as: Any, kept: Any, username: str) -> None:
    web = page_as(username)
    size = kept["rows"][0].size
    for path in ("/audit/checkpoints", f"/audit/checkpoints/{size}.note", f"/audit/checkpoints/{size}.tsr",
                 "/audit/audit_public_key.pem"):
        assert web.get(path).status_code == 403, path


def test_an_unreadable_key_is_said_on_the_page_and_the_api_answers_503(page_as: Any, as_: Any, kept: Any,
                                                                       ctx: Any, tmp_path: Path,
                                                                       monkeypatch: Any) -> None:
    monkeypatch.setattr(ctx, "settings", replace(ctx.settings, audit_key=str(tmp_path / "gone.pem")))
    response = page_as("auditor").get("/audit/checkpoints")
    assert response.status_code == 503
    assert "The office's audit key cannot be read: check the setting JARCHY_AUDIT_KEY" in html.unescape(text(response))
    assert "jarchy audit verify-export" in text(response)  # the rest of the page still there
    assert page_as("auditor").get("/audit/audit_public_key.pem").status_code == 503
    api = as_("auditor").get("/api/v1/audit/checkpoints")
    body = api.get_json()
    assert api.status_code == 503 and body["code"] == "audit_key_unavailable"
    assert body["params"] == {"setting": "JARCHY_AUDIT_KEY"}
