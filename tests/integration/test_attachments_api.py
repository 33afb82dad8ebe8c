"""Files attached to a case through the API, on both stores (a folder, and a real S3 server started by the tests):
who may attach and read them, what is taken (decided from the content, not the name), the size limits, the
download's headers, the thumbnail, the audit event with the SHA-256, the same bytes kept once."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import tracemalloc
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text

from engine.core.settings import Settings
from tests import cases
from tests.files import (  # noqa: F401 - fixtures
    EXE,
    HTML,
    SCRIPT,
    SVG,
    archive,
    doc,
    docx,
    files_url,
    jpeg,
    mp3,
    mp4_header,
    odt,
    pdf,
    png,
    s3_endpoint,
    store_kind,
    stored_objects,
    xlsx,
)

MIB = 1024 * 1024


@pytest.fixture
def settings(database_url: str, tmp_path: Path, files_url: str) -> Settings:  # noqa: F811
    return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                    files_url=files_url, max_photo_mb=1, max_document_mb=12)


@pytest.fixture
def case(as_: Any, deployed: None) -> dict[str, Any]:
    return cases.start(as_)


def upload(as_: Any, user: str, instance_id: int, content: bytes, name: str) -> Any:
    return as_(user).post(f"/api/v1/process-instances/{instance_id}/attachments",
                          data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def objects(request: pytest.FixtureRequest, files_url: str) -> list[str]:  # noqa: F811
    endpoint = request.getfixturevalue("s3_endpoint") if files_url.startswith("s3://") else None
    return [o for o in stored_objects(files_url, endpoint) if "/.incoming/" not in o or o.startswith("upload:")]


def test_staff_attach_a_photo_and_readers_download_it_with_its_thumbnail(as_: Any, case: dict[str, Any]) -> None:
    photo = png()
    response = upload(as_, "pr", case["id"], photo, "press-briefing.png")
    assert response.status_code == 201, response.get_json()
    shown = response.get_json()
    assert shown["filename"] == "press-briefing.png"
    assert (shown["content_type"], shown["kind"], shown["size"]) == ("image/png", "photo", len(photo))
    assert shown["sha256"] == hashlib.sha256(photo).hexdigest()
    assert shown["uploaded_by"] == "pr" and shown["uploaded_at"].startswith("2026-03-02T09:00")
    assert shown["thumbnail_url"] == f"/api/v1/attachments/{shown['id']}/thumbnail"

    listed = as_("prhead").get(f"/api/v1/process-instances/{case['id']}/attachments").get_json()["items"]
    assert [a["id"] for a in listed] == [shown["id"]]

    download = as_("auditor").get(f"/api/v1/attachments/{shown['id']}")
    assert download.status_code == 200
    assert download.data == photo
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"] == "attachment; filename=press-briefing.png"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]

    thumbnail = as_("pr").get(shown["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(thumbnail.data))
    assert image.format == "JPEG" and max(image.size) == 480 and image.size == (480, 320)


def test_someone_who_may_not_read_the_case_is_told_its_files_do_not_exist(as_: Any, case: dict[str, Any]) -> None:
    shown = upload(as_, "pr", case["id"], png(), "photo.png").get_json()
    for path in (f"/api/v1/process-instances/{case['id']}/attachments", f"/api/v1/attachments/{shown['id']}",
                 f"/api/v1/attachments/{shown['id']}/thumbnail"):
        assert as_("ps_health").get(path).status_code == 404, path
        assert as_(None).get(path).status_code == 401, path
    refused = upload(as_, "ps_health", case["id"], png(), "mine.png")
    assert refused.status_code == 404
    for path in ("/api/v1/attachments/no-such-file", "/api/v1/attachments/no-such-file/thumbnail",
                 "/api/v1/process-instances/999999/attachments"):
        assert as_("pr").get(path).status_code == 404, path
    assert upload(as_, "pr", 999999, png(), "photo.png").status_code == 404
    assert len(as_("pr").get(f"/api/v1/process-instances/{case['id']}/attachments").get_json()["items"]) == 1


def test_an_auditor_reads_the_files_but_attaches_none(as_: Any, case: dict[str, Any]) -> None:
    assert upload(as_, "auditor", case["id"], pdf(), "note.pdf").status_code == 403
    assert as_("auditor").get(f"/api/v1/process-instances/{case['id']}/attachments").get_json()["items"] == []


@pytest.mark.parametrize(("content", "name", "found"), [
    (HTML, "statement.pdf", "not recognised"),
    (SVG, "logo.png", "not recognised"),
    (SCRIPT, "run.docx", "not recognised"),
    (EXE, "report.pdf", "application/x-msdownload"),
    (archive(), "pack.docx", "application/zip"),
])
def test_a_file_is_taken_by_what_it_is_not_by_its_name(as_: Any, case: dict[str, Any], request: Any,
                                                       files_url: str, content: bytes, name: str,  # noqa: F811
                                                       found: str) -> None:
    response = upload(as_, "pr", case["id"], content, name)
    assert response.status_code == 422
    problem = response.get_json()
    assert [e["field"] for e in problem["errors"]] == ["file"]
    assert found in problem["errors"][0]["message"]
    assert as_("pr").get(f"/api/v1/process-instances/{case['id']}/attachments").get_json()["items"] == []
    assert objects(request, files_url) == []


def test_an_empty_upload_or_no_file_is_refused_naming_file(as_: Any, case: dict[str, Any]) -> None:
    empty = upload(as_, "pr", case["id"], b"", "empty.pdf")
    assert empty.status_code == 422 and [e["field"] for e in empty.get_json()["errors"]] == ["file"]
    missing = as_("pr").post(f"/api/v1/process-instances/{case['id']}/attachments", data={"other": "x"},
                             content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in [e["field"] for e in missing.get_json()["errors"]]
    json_body = as_("pr").post(f"/api/v1/process-instances/{case['id']}/attachments", json={"file": "x"})
    assert json_body.status_code == 422


@pytest.mark.parametrize(("make", "name", "content_type", "kind"), [
    (pdf, "answer.pdf", "application/pdf", "document"),
    (docx, "answer.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document"),
    (xlsx, "figures.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"),
    (odt, "answer.odt", "application/vnd.oasis.opendocument.text", "document"),
    (doc, "answer.doc", "application/msword", "document"),
    (jpeg, "portrait.jpeg", "image/jpeg", "photo"),
    (lambda: mp4_header() + b"\x00" * 4096, "clip.mp4", "video/mp4", "video"),
    (mp3, "interview.mp3", "audio/mpeg", "audio"),
])
def test_photos_video_audio_pdf_and_office_documents_are_taken(as_: Any, case: dict[str, Any], make: Any,
                                                               name: str, content_type: str, kind: str) -> None:
    response = upload(as_, "pr", case["id"], make(), name)
    assert response.status_code == 201, response.get_json()
    shown = response.get_json()
    assert (shown["filename"], shown["content_type"], shown["kind"]) == (name, content_type, kind)
    assert (shown["thumbnail_url"] is not None) == (kind == "photo")


def test_a_name_that_says_otherwise_gets_the_extension_of_what_the_file_is(as_: Any, case: dict[str, Any]) -> None:
    shown = upload(as_, "pr", case["id"], pdf(), "../../etc/statement.html").get_json()
    assert shown["filename"] == "statement.html.pdf"
    download = as_("pr").get(f"/api/v1/attachments/{shown['id']}")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=statement.html.pdf"
    cyrillic = upload(as_, "pr", case["id"], pdf(), "Пресс-релиз №5.pdf").get_json()
    assert cyrillic["filename"] == "Пресс-релиз №5.pdf"
    header = as_("pr").get(f"/api/v1/attachments/{cyrillic['id']}").headers["Content-Disposition"]
    assert header.startswith("attachment;") and "filename*=UTF-8''" in header


def test_a_file_over_its_kinds_limit_is_413_naming_the_limit_and_nothing_is_kept(
        as_: Any, case: dict[str, Any], request: Any, files_url: str) -> None:  # noqa: F811
    photo = png(64, 64)
    too_big = upload(as_, "pr", case["id"], photo + b"\x00" * (MIB + 1 - len(photo)), "huge.png")
    assert too_big.status_code == 413
    problem = too_big.get_json()
    assert "1 MiB" in problem["detail"] and problem["errors"][0]["field"] == "file"
    # A document of 12 MiB at most, sent as 13: past one S3 part (8 MiB), so its multipart upload is aborted.
    document = upload(as_, "pr", case["id"], pdf(13 * MIB), "long.pdf")
    assert document.status_code == 413 and "12 MiB" in document.get_json()["detail"]
    assert as_("pr").get(f"/api/v1/process-instances/{case['id']}/attachments").get_json()["items"] == []
    assert objects(request, files_url) == []
    exactly = upload(as_, "pr", case["id"], photo + b"\x00" * (MIB - len(photo)), "exactly.png")
    assert exactly.status_code == 201, exactly.get_json()


def test_a_body_announced_larger_than_any_file_may_be_is_refused_before_it_is_read(
        as_: Any, case: dict[str, Any]) -> None:
    response = as_("pr").post(f"/api/v1/process-instances/{case['id']}/attachments", data=b"x" * 100,
                              content_type="multipart/form-data; boundary=x",
                              environ_overrides={"CONTENT_LENGTH": str(4096 * MIB)})
    assert response.status_code == 413
    assert "2048 MiB" in response.get_json()["detail"]


def test_a_file_larger_than_one_part_goes_up_and_comes_back_whole(as_: Any, case: dict[str, Any]) -> None:
    content = pdf(10 * MIB + 12345)
    shown = upload(as_, "pr", case["id"], content, "annual-report.pdf").get_json()
    assert shown["sha256"] == hashlib.sha256(content).hexdigest() and shown["size"] == len(content)
    download = as_("pr").get(f"/api/v1/attachments/{shown['id']}")
    assert hashlib.sha256(download.data).hexdigest() == shown["sha256"]
    assert int(download.headers["Content-Length"]) == len(content)


def test_the_audit_event_records_the_sha256_and_the_same_bytes_are_kept_once(
        as_: Any, case: dict[str, Any], request: Any, files_url: str) -> None:  # noqa: F811
    content = pdf(5000)
    first = upload(as_, "pr", case["id"], content, "a.pdf").get_json()
    second = upload(as_, "prhead", case["id"], content, "b.pdf").get_json()
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    assert len(objects(request, files_url)) == 1
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    uploaded = [e for e in history if e["type"] == "attachment.uploaded"]
    assert [(e["actor"], e["subject"]) for e in uploaded] == [("pr", first["id"]), ("prhead", second["id"])]
    assert uploaded[0]["after"] == {"filename": "a.pdf", "content_type": "application/pdf", "kind": "document",
                                    "size": 5000, "sha256": hashlib.sha256(content).hexdigest()}
    assert as_("auditor").get("/api/v1/audit/verify").get_json()["ok"] is True


def test_nothing_is_attached_to_a_closed_case(as_: Any, case: dict[str, Any]) -> None:
    as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "withdrawn"})
    response = upload(as_, "prhead", case["id"], pdf(), "late.pdf")
    assert response.status_code == 409


def test_a_large_upload_is_streamed_never_held_whole_in_memory(as_: Any, case: dict[str, Any],
                                                               tmp_path: Path) -> None:
    """40 MiB of video from a file on disk, through the test client: the request's body is spooled to disk by the
    client, the form's file part by werkzeug, and the engine reads, hashes and stores it a MiB at a time (S3's parts
    are written to a temporary file and sent from it). The most memory Python held during the whole request stays
    a fraction of the file."""
    size = 40 * MIB
    source = tmp_path / "clip.mp4"
    digest = hashlib.sha256()
    with source.open("wb") as out:
        block = mp4_header() + b"\x00" * (MIB - len(mp4_header()))
        for index in range(size // MIB):
            chunk = block if index == 0 else bytes([index]) * MIB
            digest.update(chunk)
            out.write(chunk)
    client = as_("pr")
    upload(as_, "pr", case["id"], pdf(), "warm-up.pdf")  # the store's client is made once a process (S3's model)
    tracemalloc.start()
    try:
        with source.open("rb") as sent:
            response = client.post(f"/api/v1/process-instances/{case['id']}/attachments",
                                    data={"file": (sent, "clip.mp4")}, content_type="multipart/form-data")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["sha256"] == digest.hexdigest() and response.get_json()["size"] == size
    assert peak < 8 * MIB, f"{peak / MIB:.1f} MiB held at the peak for a {size // MIB} MiB upload"


class Arriving(io.RawIOBase):
    """A request's body arriving over a slow network: when half of it is in, `meanwhile` runs."""

    def __init__(self, body: bytes, meanwhile: Any) -> None:
        self.body, self.position, self.meanwhile = body, 0, meanwhile

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: len(self.body)}[whence] + position
        return self.position

    def readinto(self, buffer: Any) -> int:
        if self.meanwhile is not None and self.position >= len(self.body) // 2:
            self.meanwhile()
            self.meanwhile = None
        n = min(len(buffer), len(self.body) - self.position, 64 * 1024)
        buffer[:n] = self.body[self.position:self.position + n]
        self.position += n
        return n


def test_others_write_while_a_files_body_is_still_arriving(as_: Any, case: dict[str, Any], sessions: Any,
                                                           database_url: str) -> None:
    """Who sent the file and whether they may attach it are read first; then no transaction stays open while the
    body arrives (on SQLite it would hold the write lock, and every other writer would wait for the upload)."""
    content = mp4_header() + b"\x01" * (4 * MIB)
    boundary = "jarchy-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    wrote: list[str] = []

    def another_writer() -> None:
        try:
            if database_url.startswith("sqlite"):
                with closing(sqlite3.connect(database_url.split("sqlite:///", 1)[1], timeout=1,
                                             isolation_level=None)) as other:
                    other.execute("BEGIN IMMEDIATE")
                    other.execute("UPDATE users SET display_name = display_name")
                    other.execute("COMMIT")
            else:
                with sessions.begin() as other:
                    other.execute(text("SET LOCAL lock_timeout = '1s'"))
                    other.execute(text("UPDATE process_instances SET status = status WHERE id = :id"),
                                  {"id": case["id"]})
            wrote.append("written")
        except Exception as exc:  # noqa: BLE001 - what the other writer met is the finding
            wrote.append(f"{type(exc).__name__}: {exc}")

    response = as_("pr").post(f"/api/v1/process-instances/{case['id']}/attachments",
                              input_stream=Arriving(body, another_writer), content_length=len(body),
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert wrote == ["written"]
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["sha256"] == hashlib.sha256(content).hexdigest()
