"""The registry's pages, for the PR department, its head and the administrator: journalists, their accreditation
and its revocation, outlets, distribution lists, CSV out and in; a refused form or import keeps nothing. And a
release's deliveries on its case page."""

from __future__ import annotations

import io
from html import unescape
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import Accreditation, Journalist, Outlet
from engine.people import registry
from engine.people.registry import members
from engine.reads.registry import distribution_lists
from tests.cases import complete, task_of
from tests.conftest import deploy_shipped
from tests.media import seed_media
from tests.web.conftest import text

PAGES = ("/registry/journalists", "/registry/journalists/new", "/registry/outlets", "/registry/lists",
         "/registry/lists/new", "/registry/outlets.csv", "/registry/journalists.csv")


def count(sessions: Any, model: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("username", ["pr", "prhead", "admin"])
def test_the_registry_opens_for_those_who_keep_it(page_as: Any, username: str) -> None:
    web = page_as(username)
    for path in PAGES:
        assert web.get(path).status_code == 200, path
    assert 'href="/registry/journalists"' in text(web.get("/registry/outlets"))


@pytest.mark.parametrize("username", ["ps_transport", "head_transport", "leader", "lawyer", "auditor"])
def test_nobody_else_opens_or_changes_it(page_as: Any, username: str, sessions: Any) -> None:
    web = page_as(username)
    for path in PAGES:
        assert web.get(path).status_code == 403, path
    assert web.post("/registry/outlets", {"name": "Kaktus Media", "kind": "online"}).status_code == 403
    assert count(sessions, Outlet) == 0
    assert "/registry/journalists" not in text(web.get("/", follow_redirects=True))


def test_the_pr_department_adds_an_outlet_and_a_journalist_accredits_then_revokes(page_as: Any,
                                                                                  sessions: Any) -> None:
    web = page_as("pr")
    refused = web.post("/registry/outlets", {"name": "Kaktus Media", "kind": "online", "country": "Kyrgyzstan"})
    assert refused.status_code == 422 and count(sessions, Outlet) == 0
    assert 'aria-invalid="true"' in text(refused) and 'value="Kaktus Media"' in text(refused)
    assert web.post("/registry/outlets", {"name": "Kaktus Media", "kind": "online", "country": "kg"}).status_code == 302
    with sessions() as session:
        outlet = session.scalars(select(Outlet)).one()
        assert (outlet.country, outlet.kind) == ("KG", "online")
    assert "Kaktus Media" in text(web.get("/registry/outlets"))

    missing = web.post("/registry/journalists/new", {"name": "Aida Usenova", "outlet_id": str(outlet.id)})
    assert missing.status_code == 422 and count(sessions, Journalist) == 0
    # The languages are chosen by name, one a choice, most preferred first.
    form = text(web.get("/registry/journalists/new"))
    assert '<option value="ky">Кыргызча</option>' in form and "ky ru" not in form
    added = web.post("/registry/journalists/new", [("name", "Aida Usenova"), ("outlet_id", str(outlet.id)),
                                                   ("email", "aida@kaktus.example"), ("languages", "ky"),
                                                   ("languages", ""), ("languages", "ru"), ("languages", "kk")])
    assert added.status_code == 302
    page = added.headers["Location"]
    with sessions() as session:
        aida = session.scalars(select(Journalist)).one()
        assert (aida.languages, aida.outlet_id, aida.active) == (["ky", "ru", "kk"], outlet.id, True)

    backwards = web.post(f"{page}/accreditations", {"valid_from": "2026-12-31", "valid_until": "2026-01-01"})
    assert backwards.status_code == 422 and count(sessions, Accreditation) == 0
    assert web.post(f"{page}/accreditations", {"valid_from": "2026-01-01", "valid_until": "2026-12-31"}
                    ).status_code == 302
    shown = unescape(text(web.get(page)))
    assert "Accredited until December 31, 2026." in shown
    assert "December 31, 2026" in text(web.get("/registry/journalists"))
    # Named, never coded: a language of the pages in itself, another in the reader's language.
    assert "Кыргызча, Русский, Kazakh" in text(web.get("/registry/journalists"))
    assert '<option value="kk" selected>Kazakh</option>' in text(web.get(page))
    with sessions() as session:
        accreditation = session.scalars(select(Accreditation)).one()
    blank = web.post(f"/registry/accreditations/{accreditation.id}/revoke", {"reason": " "})
    assert blank.status_code == 422
    assert web.post(f"/registry/accreditations/{accreditation.id}/revoke",
                    {"reason": "Left the outlet."}).status_code == 302
    with sessions() as session:
        assert session.get(Accreditation, accreditation.id).revoke_reason == "Left the outlet."
    assert "Left the outlet." in unescape(text(web.get(page)))

    # Made inactive: an unticked box says so.
    assert web.post(page, {"name": "Aida Usenova", "email": "aida@kaktus.example", "languages": "ky"}
                    ).status_code == 302
    with sessions() as session:
        assert session.get(Journalist, aida.id).active is False


def test_a_distribution_list_is_kept_on_its_page(page_as: Any, sessions: Any, ctx: Any) -> None:
    media = seed_media(sessions, ctx)
    web = page_as("prhead")
    made = web.post("/registry/lists/new", [("name", "Accredited pool"), ("journalist_ids", str(media.aida)),
                                            ("journalist_ids", str(media.bakyt))])
    assert made.status_code == 302
    listed = text(web.get("/registry/lists"))
    assert "Accredited pool" in listed
    with sessions() as session:
        (pool,) = distribution_lists(session)
        assert pool.journalist_ids == [media.aida, media.bakyt]
    assert web.post(f"/registry/lists/{pool.row.id}", [("name", "Accredited pool"),
                                                        ("journalist_ids", str(media.bakyt))]).status_code == 302
    with sessions() as session:
        assert members(session, pool.row.id) == [media.bakyt]
    assert web.post("/registry/lists/new", [("name", "accredited pool")]).status_code == 409


def test_csv_goes_out_and_comes_back_and_a_bad_file_lists_its_lines(page_as: Any, sessions: Any, ctx: Any) -> None:
    seed_media(sessions, ctx)
    web = page_as("pr")
    exported = web.get("/registry/journalists.csv")
    assert exported.mimetype == "text/csv"
    assert exported.get_data(as_text=True).startswith("id,name,outlet,email,phone,languages,active")
    again = web.post("/registry/journalists/import",
                     {"file": (io.BytesIO(exported.get_data()), "journalists.csv")},
                     content_type="multipart/form-data")
    assert again.status_code == 302
    assert "6 unchanged" in unescape(text(web.get(again.headers["Location"])))

    bad = web.post("/registry/outlets/import", {"file": (io.BytesIO(b"name,kind\r\nRadio Azattyk,radio\r\nX,fax\r\n"),
                                                         "outlets.csv")}, content_type="multipart/form-data")
    assert bad.status_code == 422
    page = unescape(text(bad))
    assert "<code>kind</code>" in page and "<td>3</td>" in page
    assert "Radio Azattyk" not in text(web.get("/registry/outlets"))  # nothing of the file was kept
    assert web.post("/registry/outlets/import", {}, content_type="multipart/form-data").status_code == 422


def test_journalists_are_ticked_on_the_accreditation_task_and_a_releases_deliveries_show_on_its_case(
        page_as: Any, as_: Any, sessions: Any, ctx: Any) -> None:
    media = seed_media(sessions, ctx)
    deploy_shipped(sessions, ctx, "press_conference.bpmn")
    deploy_shipped(sessions, ctx, "release_approval.bpmn")
    conference = as_("pr").post("/api/v1/process-instances", json={"process_key": "press_conference",
                                                                   "data": {"format": "briefing"}}).get_json()
    complete(as_, "pr", conference["id"], "plan", held_at="2026-03-04T11:00:00+06:00", place="City hall",
             speakers=["Mayor"], topic="Fares")
    task = task_of(as_, "pr", conference["id"], "accredit_media")
    web = page_as("pr")
    form = unescape(text(web.get(f"/tasks/{task['id']}")))
    assert 'type="checkbox"' in form and "Aida Usenova (Kaktus Media)" in form
    base = [("invitation", "Briefing on fares."), ("invited", "Kaktus Media")]
    refused = web.post(f"/tasks/{task['id']}", [*base, ("accredited", str(media.chynara))])
    assert refused.status_code == 422
    assert "expired on February 28, 2026." in unescape(text(refused))  # worded from its code, the date by Babel
    done = web.post(f"/tasks/{task['id']}", [*base, ("accredited", str(media.aida)), ("accredited", str(media.bakyt))])
    assert done.status_code == 302
    case = as_("pr").get(f"/api/v1/process-instances/{conference['id']}").get_json()
    assert case["data"]["accredited"] == [media.aida, media.bakyt]
    assert "Bakyt Asanov (24.kg)" in unescape(text(web.get(f"/cases/{conference['id']}")))  # named, not numbered

    with sessions.begin() as session:
        pool = registry.create_list(session, {"name": "Accredited pool", "journalist_ids": [media.aida]},
                                    actor="test", at=ctx.now()).id
    release = as_("ps_transport").post("/api/v1/process-instances", json={"process_key": "release_approval", "data": {
        "kind": "press_release", "title": "Fares", "body": "Fares stay.", "unit": "transport",
        "distribution_lists": [pool]}}).get_json()
    complete(as_, "head_transport", release["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", release["id"], "pr_review", decision="approve", confirm_no_confidential=True)
    complete(as_, "ps_transport", release["id"], "translate", translations={
        "ky": {"title": "Жол кире", "body": "Өзгөрбөйт."}, "ru": {"title": "Проезд", "body": "Не изменится."}})
    publish = task_of(as_, "pr", release["id"], "publish")
    page = unescape(text(web.get(f"/tasks/{publish['id']}")))
    assert "Accredited pool" in page and "checked" in page  # the author's choice, ticked
    assert web.post(f"/tasks/{publish['id']}", [("distribution_lists", str(pool))]).status_code == 302
    shown = unescape(text(web.get(f"/cases/{release['id']}")))
    assert "Sent to the media" in shown and "aida@kaktus.example" in shown
    assert "Not e-mailed" in shown  # no SMTP server in these tests
