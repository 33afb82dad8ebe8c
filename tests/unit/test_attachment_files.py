"""What a file is, decided from its bytes; the name it is kept under; the thumbnail of a photo, and none of a
decompression bomb; the folder store keeps the same bytes once and nothing of a file over its limit."""

from __future__ import annotations

import hashlib
import io
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from engine.files import kinds, thumbnails
from engine.files.store import LocalStore, OverLimit, key_of
from tests.files import EXE, HTML, SCRIPT, SVG, archive, doc, docx, jpeg, mp3, mp4_header, odt, pdf, png, xlsx


@pytest.mark.parametrize(("content", "content_type"), [
    (png(), "image/png"), (jpeg(), "image/jpeg"), (pdf(), "application/pdf"),
    (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (odt(), "application/vnd.oasis.opendocument.text"), (doc(), "application/msword"),
    (mp4_header() + bytes(64), "video/mp4"), (mp3(), "audio/mpeg"),
])
def test_allowed_types_are_recognised_from_their_first_bytes(content: bytes, content_type: str) -> None:
    found = kinds.detect(content[:kinds.HEAD_BYTES], io.BytesIO(content))
    assert found is not None and found.content_type == content_type


@pytest.mark.parametrize("content", [HTML, SVG, SCRIPT, EXE, archive(), b"plain words", b"%!PS-Adobe-3.0\n"])
def test_pages_images_of_markup_scripts_programs_and_archives_are_not_taken(content: bytes) -> None:
    assert kinds.detect(content[:kinds.HEAD_BYTES], io.BytesIO(content)) is None


def test_an_ole2_file_whose_first_stream_is_not_words_is_read_for_its_streams() -> None:
    """Only the container's magic and no FIB at 512: olefile reads the directory (here a damaged one: refused)."""
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    assert kinds.detect(content[:kinds.HEAD_BYTES], io.BytesIO(content)) is None


@pytest.mark.parametrize(("given", "kept"), [
    ("report.pdf", "report.pdf"), ("report.PDF", "report.PDF"), ("report.html", "report.html.pdf"),
    ("../../etc/passwd", "passwd.pdf"), ("C:\\Users\\me\\scan.pdf", "scan.pdf"), ("", "file.pdf"),
    ("bad\x00name\n.pdf", "badname.pdf"), ("x" * 300 + ".pdf", "x" * 247 + ".pdf"),
])
def test_a_file_is_kept_under_the_senders_name_with_the_extension_of_what_it_is(given: str, kept: str) -> None:
    assert kinds.file_name(given, kinds.Detected("application/pdf", kinds.DOCUMENT, "pdf")) == kept


def test_a_photo_gets_a_jpeg_thumbnail_turned_as_its_exif_says() -> None:
    made = thumbnails.make(io.BytesIO(png(2000, 1000)))
    assert made is not None
    image = Image.open(io.BytesIO(made))
    assert image.format == "JPEG" and image.size == (480, 240)


def _bomb(width: int, height: int) -> bytes:
    """A PNG that says it is width x height pixels: a few kilobytes that would decode to gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    rows = zlib.compress(bytes(width + 1) * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_a_decompression_bomb_gets_no_thumbnail_and_costs_nothing() -> None:
    started = time.monotonic()
    assert thumbnails.make(io.BytesIO(_bomb(60_000, 60_000))) is None
    assert time.monotonic() - started < 1  # refused from its header, never decoded


def test_damaged_or_non_photo_bytes_get_no_thumbnail(monkeypatch: pytest.MonkeyPatch) -> None:
    assert thumbnails.make(io.BytesIO(png()[:200])) is None
    assert thumbnails.make(io.BytesIO(pdf())) is None
    # WeasyPrint, once the office report has made a PDF in the process, lets Pillow pad a damaged image out.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert thumbnails.make(io.BytesIO(png()[:200])) is None


def test_the_folder_keeps_the_same_bytes_once_and_nothing_of_a_file_over_its_limit(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    content = pdf(3 * 1024 * 1024)
    chunks = [content[i:i + 65536] for i in range(0, len(content), 65536)]
    first, second = store.receive(iter(chunks), limit=len(content)), store.receive(iter(chunks), limit=len(content))
    assert first == second and first.sha256 == hashlib.sha256(content).hexdigest()
    with pytest.raises(OverLimit):
        store.receive(iter([b"%PDF-" + bytes(100)]), limit=50)
    kept = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert kept == [key_of(first.sha256)]
    with store.open(key_of(first.sha256)) as stream:
        assert stream.read() == content
    with pytest.raises(FileNotFoundError):
        store.open(key_of("0" * 64))
    with pytest.raises(ValueError):
        store.open("../secret_key")
