"""What the attachment tests share: a real S3 server (moto's server mode, on a free port of 127.0.0.1, started by the
tests themselves in a process of their own), the stores they run on (a folder and that server), and small files of every
kind, made here.

Under CI=true a server that cannot start fails the run; elsewhere it skips the S3 half."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

BUCKET = "jarchy-test"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server in a process of its own on a free port (as a real store runs apart from Jarchy, and so
    that the objects it holds are not counted in the memory of the tests' own process), with the test bucket."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                s3_client(endpoint).create_bucket(Bucket=BUCKET)
                break
            except Exception as exc:  # noqa: BLE001 - not up yet, or not installed: told below
                if server.poll() is not None or time.monotonic() > deadline:
                    message = f"the S3 server (moto) did not start: {exc!r}"
                    if IN_CI:
                        pytest.fail(message)
                    pytest.skip(message)
                time.sleep(0.2)  # waiting for another process to listen (not moving the test's clock)
        yield endpoint
    finally:
        server.terminate()
        server.wait(10)


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                          aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture(params=["folder", "s3"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def files_url(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """JARCHY_FILES_URL for the test: a folder of its own, or a prefix of its own in the S3 server's bucket (the
    endpoint and keys in the usual AWS_* variables, as a deployment gives them)."""
    if store_kind == "folder":
        return str(tmp_path / "files")
    endpoint = request.getfixturevalue("s3_endpoint")
    for name, value in {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    return f"s3://{BUCKET}/t{uuid.uuid4().hex}"


def stored_objects(files_url: str, endpoint: str | None = None) -> list[str]:
    """Every file the store holds (a folder's files, or the objects under the S3 prefix), and for S3 the uploads
    begun and never finished."""
    if not files_url.startswith("s3://"):
        root = Path(files_url)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    assert endpoint is not None
    prefix = files_url[len(f"s3://{BUCKET}/"):] + "/"
    client = s3_client(endpoint)
    objects = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    uploads = client.list_multipart_uploads(Bucket=BUCKET, Prefix=prefix).get("Uploads", [])
    return sorted([o["Key"] for o in objects] + [f"upload:{u['Key']}" for u in uploads])


# -- files of every kind ------------------------------------------------------------------------------------

def png(width: int = 1200, height: int = 800) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 40)).save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 640, height: int = 480) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 130, 40)).save(out, "JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(size: int = len(PDF)) -> bytes:
    return PDF + b"%" * max(0, size - len(PDF))


def mp4_header() -> bytes:
    """An ISO BMFF `ftyp` box of an MP4 video."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def mp3() -> bytes:
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return out.getvalue()


def doc() -> bytes:
    """A Word 97-2003 file as Word writes one: the OLE2 container's header, then its WordDocument stream, which
    starts with the File Information Block's magic number."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * (512 - 8)
    return header + b"\xec\xa5\xc1\x00" + b"\x00" * 4096


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
SCRIPT = b"#!/bin/sh\nrm -rf /\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def archive() -> bytes:
    """A ZIP of anything (here a page): not a document, refused."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("index.html", HTML)
    return out.getvalue()


# -- a procedure whose task's form holds attachments ----------------------------------------------------------

FORMS = Path(__file__).resolve().parent / "forms"
EVIDENCE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="evidence" name="Evidence" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="pr_department">
      <bpmn:flowNodeRef>collect</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="collect"/>
    <bpmn:userTask id="collect" name="Collect the evidence" camunda:formKey="evidence/collect"/>
    <bpmn:sequenceFlow id="f2" sourceRef="collect" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def evidence_forms(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The forms of tests/forms/ served beside the shipped ones (`evidence/collect`: photos and a scan, attached)."""
    from engine.procedures import forms

    shipped = forms._form_file

    def either(key: str) -> Any:
        mine = FORMS.joinpath(*key.split("/")).with_suffix(".json")
        return mine if mine.is_file() else shipped(key)

    monkeypatch.setattr(forms, "_form_file", either)
    forms.load_form.cache_clear()
    yield
    forms.load_form.cache_clear()


def deploy_evidence(sessions: Any, ctx: Any) -> None:
    from engine.procedures.definitions import deploy

    with sessions.begin() as session:
        deploy(session, EVIDENCE.encode(), actor="system", at=ctx.now())
