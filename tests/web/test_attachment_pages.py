"""A case's files on the staff pages: the case page lists them (thumbnails, downloads) and attaches one without
JavaScript; the task page's attachment field offers the case's files and an upload (the page's script sends it,
JSON back); downloads come with the API's headers; to anyone who may not read the case, its files do not exist."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pytest

from tests import cases
from tests.files import EXE, deploy_evidence, evidence_forms, pdf, png  # noqa: F401 - a fixture
from tests.web.conftest import text

pytestmark = pytest.mark.usefixtures("evidence_forms", "cast")


@pytest.fixture
def case(sessions: Any, ctx: Any, as_: Any) -> dict[str, Any]:
    deploy_evidence(sessions, ctx)
    return cases.start(as_, "evidence", {})


def send(web: Any, instance_id: int, content: bytes, name: str, *, xhr: bool) -> Any:
    """As the page's script sends it (the token in a header), or the page's plain form (the token in its address:
    the body is read only once the sender is known)."""
    headers = {"X-CSRFToken": web.csrf(), "Accept": "application/json"} if xhr else {}
    query = "" if xhr else f"?csrf_token={web.csrf()}"
    return web.client.post(f"/cases/{instance_id}/attachments{query}", data={"file": (io.BytesIO(content), name)},
                           headers=headers, content_type="multipart/form-data")


def test_the_case_page_attaches_a_file_without_javascript_and_lists_it(page_as: Any, case: dict[str, Any]) -> None:
    web = page_as("pr")
    response = send(web, case["id"], png(), "briefing.png", xhr=False)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case['id']}#attachments")
    page = text(web.get(f"/cases/{case['id']}"))
    assert "“briefing.png” is attached to the case." in unescape(page)
    download = re.search(r'href="(/attachments/[^"]+)" download>briefing.png</a>', page)
    thumbnail = re.search(r'<img src="(/attachments/[^"]+/thumbnail)" alt=""', page)
    assert download and thumbnail
    got = web.get(download.group(1))
    assert got.status_code == 200 and got.data == png()
    assert got.headers["Content-Disposition"] == "attachment; filename=briefing.png"
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in got.headers["Content-Security-Policy"]
    assert web.get(thumbnail.group(1)).headers["Content-Type"] == "image/jpeg"
    outsider = page_as("ps_health")
    assert outsider.get(download.group(1)).status_code == 404
    assert outsider.get(thumbnail.group(1)).status_code == 404


def test_a_refused_file_is_told_in_words_and_nothing_is_attached(page_as: Any, case: dict[str, Any]) -> None:
    web = page_as("pr")
    refused = send(web, case["id"], EXE, "setup.pdf", xhr=True)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "file"
    assert "only photos, video, audio, PDF and office documents" in refused.get_json()["detail"]
    send(web, case["id"], EXE, "setup.pdf", xhr=False)
    page = unescape(text(web.get(f"/cases/{case['id']}")))
    assert "cannot be attached" in page and "setup.pdf" not in page


def test_the_task_page_offers_the_cases_files_and_an_upload(page_as: Any, case: dict[str, Any]) -> None:
    web = page_as("pr")
    uploaded = send(web, case["id"], pdf(), "scan.pdf", xhr=True)
    assert uploaded.status_code == 201
    scan = uploaded.get_json()
    assert scan["filename"] == "scan.pdf" and scan["kind"] == "document"
    task_id = re.search(r'href="/tasks/([^"]+)"', text(web.get(f"/cases/{case['id']}"))).group(1)
    page = text(web.get(f"/tasks/{task_id}"))
    assert f'data-upload-url="/cases/{case["id"]}/attachments"' in page
    assert re.search(rf'type="checkbox" id="f-photos-1" name="photos"\s+value="{scan["id"]}"', page)
    assert "scan.pdf (Document, " in page
    assert "dist/attachments.js" in page
    # Completing the task with the chosen file, as the form posts it.
    done = web.post(f"/tasks/{task_id}", [("photos", scan["id"]), ("scan", scan["id"])])
    assert done.status_code == 302, text(done)


def test_the_task_page_refuses_a_file_of_another_case_beside_its_field(page_as: Any, as_: Any,
                                                                       case: dict[str, Any]) -> None:
    other = cases.start(as_, "evidence", {})
    web = page_as("pr")
    theirs = send(web, other["id"], pdf(), "theirs.pdf", xhr=True).get_json()["id"]
    task_id = re.search(r'href="/tasks/([^"]+)"', text(web.get(f"/cases/{case['id']}"))).group(1)
    refused = web.post(f"/tasks/{task_id}", [("photos", theirs)])
    assert refused.status_code == 422
    assert re.search(r'id="f-photos-error">[^<]*Choose a file attached to this case', text(refused))


class Watched(io.BytesIO):
    """A request's body that tells whether the server read it."""

    read_at_all = False

    def read(self, size: int | None = -1) -> bytes:
        Watched.read_at_all = True
        return super().read(size)

    def readinto(self, buffer: Any) -> int:
        Watched.read_at_all = True
        return super().readinto(buffer)

    def readline(self, size: int | None = -1) -> bytes:
        Watched.read_at_all = True
        return super().readline(size)


def test_an_upload_from_someone_unknown_or_without_the_token_is_refused_before_its_body_is_read(
        page_as: Any, case: dict[str, Any]) -> None:
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n').encode() \
        + pdf() + f"\r\n--{boundary}--\r\n".encode()
    web = page_as("pr")
    form = text(web.get(f"/cases/{case['id']}"))
    assert f'action="/cases/{case["id"]}/attachments?csrf_token=' in form
    for client, query in ((page_as(None).client, ""), (web.client, ""), (web.client, "?csrf_token=forged")):
        Watched.read_at_all = False
        response = client.post(f"/cases/{case['id']}/attachments{query}", input_stream=Watched(body),
                               content_length=len(body), content_type=f"multipart/form-data; boundary={boundary}")
        assert response.status_code in (302, 400, 401, 403), response.status_code
        assert not Watched.read_at_all, (query, response.status_code)
