"""A release goes out with its photo, video and audio materials (000 §4.2): the press secretary chooses the case's
files when translating, the PR department confirms them when publishing, and then, and only then, anyone may see
and download exactly those files: on the release's public page, in the JSON and the Atom feed. Every other file of
the case, and every file of a release still under embargo, does not exist for the public (404)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from defusedxml import ElementTree

from engine.background.sweeper import sweep
from tests.cases import complete, submit, task_of
from tests.files import jpeg, pdf, png
from tests.integration.test_release_approval_api import (
    EMBARGO,
    PR_APPROVE,
    TRANSLATIONS,
    release_approval_deployed,
    start,
)

__all__ = ["release_approval_deployed"]
ATOM = "{http://www.w3.org/2005/Atom}"


def attach(as_: Any, instance_id: int, content: bytes, name: str, user: str = "ps_transport") -> dict[str, Any]:
    response = as_(user).post(f"/api/v1/process-instances/{instance_id}/attachments",
                              data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def agreed(as_: Any, case: dict[str, Any]) -> None:
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", **PR_APPROVE, comment="Agreed.")


def files_of_a_release(as_: Any, **draft: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A release agreed and translated with a photo and a PDF chosen, and a draft photo of the same case not."""
    case = start(as_, **draft)
    agreed(as_, case)
    files = {"photo": attach(as_, case["id"], png(), "opening.png"),
             "report": attach(as_, case["id"], pdf(), "report.pdf"),
             "draft": attach(as_, case["id"], jpeg(), "draft.jpg")}
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS,
             media=[files["photo"]["id"], files["report"]["id"]])
    return case, files


def test_the_published_release_shows_and_serves_its_chosen_files_and_no_other(as_: Any) -> None:
    case, files = files_of_a_release(as_)
    publish = task_of(as_, "pr", case["id"], "publish")
    assert publish["data"]["media"] == [files["photo"]["id"], files["report"]["id"]]  # as the press secretary chose
    visitor = as_(None)
    for item in files.values():  # nothing is public before the release is published
        assert visitor.get(f"/public/media/{item['id']}").status_code == 404
    complete(as_, "pr", case["id"], "publish", media=[files["photo"]["id"], files["report"]["id"]])

    (release,) = visitor.get("/public/releases").get_json()["items"]
    assert [(m["filename"], m["kind"], m["size"], m["sha256"]) for m in release["media"]] == [
        ("opening.png", "photo", files["photo"]["size"], files["photo"]["sha256"]),
        ("report.pdf", "document", files["report"]["size"], files["report"]["sha256"])]
    photo, report = release["media"]
    assert photo["url"] == f"http://localhost/public/media/{files['photo']['id']}"
    assert photo["thumbnail_url"] == photo["url"] + "/thumbnail" and report["thumbnail_url"] is None

    got = visitor.get(f"/public/media/{files['photo']['id']}")
    assert got.status_code == 200 and got.data == png()
    assert got.headers["Content-Disposition"] == "attachment; filename=opening.png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    thumbnail = visitor.get(f"/public/media/{files['photo']['id']}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg" and thumbnail.data[:2] == b"\xff\xd8"
    assert visitor.get(f"/public/media/{files['report']['id']}").data == pdf()
    assert visitor.get(f"/public/media/{files['report']['id']}/thumbnail").status_code == 404
    # The draft photo of the same case was not chosen: it stays with the case's readers.
    assert visitor.get(f"/public/media/{files['draft']['id']}").status_code == 404
    assert visitor.get(f"/public/media/{files['draft']['id']}/thumbnail").status_code == 404
    assert visitor.get("/public/media/" + "x" * 200).status_code == 404

    page = visitor.get(f"/public/releases/{release['id']}").get_data(as_text=True)
    assert f'<a href="{photo["url"]}" download>opening.png</a>' in page
    assert f'<img src="{photo["thumbnail_url"]}" alt=""' in page
    assert f'<a href="{report["url"]}" download>report.pdf</a>' in page
    assert "draft.jpg" not in page
    assert f'<meta property="og:image" content="{photo["thumbnail_url"]}">' in page

    feed = ElementTree.fromstring(visitor.get("/public/releases.atom").data)
    (entry,) = feed.findall(f"{ATOM}entry")
    enclosures = [(link.get("href"), link.get("type"), link.get("length"))
                  for link in entry.findall(f"{ATOM}link") if link.get("rel") == "enclosure"]
    assert enclosures == [(photo["url"], "image/png", str(files["photo"]["size"])),
                          (report["url"], "application/pdf", str(files["report"]["size"]))]


def test_the_pr_department_may_leave_a_file_out_when_publishing(as_: Any) -> None:
    case, files = files_of_a_release(as_)
    complete(as_, "pr", case["id"], "publish", media=[files["report"]["id"]])
    (release,) = as_(None).get("/public/releases").get_json()["items"]
    assert [m["filename"] for m in release["media"]] == ["report.pdf"]
    assert as_(None).get(f"/public/media/{files['photo']['id']}").status_code == 404


def test_a_file_of_another_case_is_refused_naming_the_field(as_: Any) -> None:
    case, other = start(as_), start(as_)
    agreed(as_, case)
    theirs = attach(as_, other["id"], png(), "theirs.png")
    task = task_of(as_, "ps_transport", case["id"], "translate")
    response = submit(as_, "ps_transport", task["id"], translations=TRANSLATIONS, media=[theirs["id"]])
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["media"]
    assert task_of(as_, "ps_transport", case["id"], "translate")["status"] == "open"


def test_the_files_of_an_embargoed_release_are_public_only_when_its_embargo_ends(
        as_: Any, sessions: Any, ctx: Any) -> None:
    case, files = files_of_a_release(as_, embargo_until=EMBARGO)
    complete(as_, "pr", case["id"], "publish")  # the press secretary's choice, carried
    photo = f"/public/media/{files['photo']['id']}"
    embargo = datetime.fromisoformat(EMBARGO)
    assert sweep(sessions, ctx, embargo - timedelta(seconds=1)).fired == 0
    assert as_(None).get(photo).status_code == 404
    assert sweep(sessions, ctx, embargo + timedelta(seconds=1)).fired == 1
    assert as_(None).get(photo).status_code == 200
    (release,) = as_(None).get("/public/releases").get_json()["items"]
    assert [m["filename"] for m in release["media"]] == ["opening.png", "report.pdf"]
