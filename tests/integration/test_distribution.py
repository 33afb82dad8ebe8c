"""A published release goes to the journalists of its distribution lists by e-mail, through a real SMTP server
(aiosmtpd on 127.0.0.1): one e-mail a recipient, in their language where the release has it, with the link to its
public page; nothing before the embargo (the injectable clock and the sweep); each delivery recorded (sent, failed,
bounced), shown through the API."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from engine.background.sweeper import sweep
from engine.core.settings import Settings
from engine.people import registry
from tests import cases
from tests.cases import complete, events, submit, task_of
from tests.conftest import deploy_shipped
from tests.files import mp4_header
from tests.media import Media, seed_media

EMBARGO = "2026-03-05T10:00:00+06:00"  # Thu 5 Mar 2026; the clock stands at Mon 2 Mar 2026, 09:00
PUBLIC_URL = "https://press.example.kg"
DRAFT = {"kind": "press_release", "title": "Forty streets to be repaired in 2026",
         "body": "The transport unit will repair forty streets in 2026.", "unit": "transport"}
TRANSLATIONS = {
    "ky": {"title": "2026-жылы кырк көчө оңдолот", "body": "Транспорт бөлүмү 2026-жылы кырк көчөнү оңдойт."},
    "ru": {"title": "В 2026 году отремонтируют сорок улиц", "body": "Транспортный отдел отремонтирует сорок улиц."},
}


# -- a real SMTP server -------------------------------------------------------------------------------------

@dataclass
class Inbox:
    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # addresses answered 550 at RCPT

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    found = Inbox()
    controller = Controller(found, hostname="127.0.0.1", port=port)
    controller.start()
    found.port = port  # type: ignore[attr-defined]
    yield found
    controller.stop()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, inbox: Inbox) -> Settings:
    """The tests' settings, with the SMTP server and the public site's address."""
    return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                    smtp_url=f"smtp://127.0.0.1:{inbox.port}", public_url=PUBLIC_URL)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def release_approval_deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "release_approval.bpmn")


@dataclass(frozen=True)
class Lists:
    pool: int  # Aida, Bakyt, Chynara (inactive)
    foreign: int  # Farida, Aida again
    media: Media


@pytest.fixture
def lists(sessions: Any, ctx: Any) -> Lists:
    media = seed_media(sessions, ctx)
    with sessions.begin() as session:
        pool = registry.create_list(session, {"name": "Accredited pool", "journalist_ids": [
            media.aida, media.bakyt, media.chynara]}, actor="test", at=ctx.now())
        foreign = registry.create_list(session, {"name": "Foreign media", "journalist_ids": [media.farida, media.aida]},
                                       actor="test", at=ctx.now())
        registry.update_journalist(session, media.chynara, {"active": False}, actor="test", at=ctx.now())
        return Lists(pool.id, foreign.id, media)


start = partial(cases.start, process_key="release_approval", data=DRAFT, user="ps_transport")


def agreed(as_: Any, case: dict[str, Any]) -> None:
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", decision="approve", confirm_no_confidential=True)
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)


def deliveries(as_: Any, case: dict[str, Any], user: str = "pr") -> list[dict[str, Any]]:
    response = as_(user).get(f"/api/v1/process-instances/{case['id']}/deliveries")
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["items"])


def by_address(inbox: Inbox) -> dict[str, EmailMessage]:
    found: dict[str, EmailMessage] = {}
    for rcpt_tos, message in inbox.received:
        assert len(rcpt_tos) == 1  # one e-mail a recipient: nobody sees the others' addresses
        assert rcpt_tos[0] not in found, f"{rcpt_tos[0]} received the release twice"
        found[rcpt_tos[0]] = message
    return found


def test_nothing_is_sent_before_the_embargo_and_each_journalist_gets_one_email_in_their_language_after(
        as_: Any, sessions: Any, ctx: Any, inbox: Inbox, lists: Lists) -> None:
    media = lists.media
    case = start(as_, embargo_until=EMBARGO, distribution_lists=[lists.pool, lists.foreign])
    agreed(as_, case)
    publish = task_of(as_, "pr", case["id"], "publish")
    assert publish["data"] == {"distribution_lists": [lists.pool, lists.foreign]}  # as the author chose them
    labels = publish["form"]["schema"]["properties"]["distribution_lists"]["items"]["x-enum-labels"]
    assert labels == {str(lists.pool): "Accredited pool", str(lists.foreign): "Foreign media"}
    after = complete(as_, "pr", case["id"], "publish", distribution_lists=[lists.pool, lists.foreign])
    assert [t["bpmn_id"] for t in after["timers"]] == ["embargo"]

    embargo = datetime.fromisoformat(EMBARGO)
    assert sweep(sessions, ctx, embargo - timedelta(seconds=1)).fired == 0
    assert deliveries(as_, case) == [] and inbox.received == []  # not published, so nothing exists to send
    assert events(as_, case["id"], "distribution.prepared") == []

    ctx.clock.set(embargo + timedelta(seconds=1))
    result = sweep(sessions, ctx, ctx.clock.now())
    assert (result.fired, result.emailed) == (1, 3)
    (release,) = as_(None).get("/public/releases").get_json()["items"]
    link = f"{PUBLIC_URL}/public/releases/{release['id']}"

    received = by_address(inbox)
    assert set(received) == {"aida@kaktus.example", "bakyt@24.example", "farida@blog.example"}  # Chynara: inactive
    aida, bakyt, farida = (received[a] for a in ("aida@kaktus.example", "bakyt@24.example", "farida@blog.example"))
    assert aida["Subject"] == TRANSLATIONS["ky"]["title"]  # she reads ky first
    assert bakyt["Subject"] == TRANSLATIONS["ru"]["title"]
    assert farida["Subject"] == TRANSLATIONS["ky"]["title"]  # English is not a translation: the state language
    for message, language in ((aida, "ky"), (bakyt, "ru"), (farida, "ky")):
        body = message.get_content()
        assert TRANSLATIONS[language]["body"] in body and link in body and case["business_key"] in body
        assert not message.is_multipart()  # links, never attachments
    assert aida["To"].addresses[0].display_name == "Aida Usenova"
    assert aida["X-Jarchy-Delivery"]

    shown = deliveries(as_, case)
    assert [(d["recipient"], d["language"], d["status"], d["attempts"]) for d in shown] == [
        ("Aida Usenova", "ky", "sent", 1), ("Bakyt Asanov", "ru", "sent", 1), ("Farida Karimova", "ky", "sent", 1)]
    assert {d["journalist_id"] for d in shown} == {media.aida, media.bakyt, media.farida}
    assert all(datetime.fromisoformat(d["sent_at"]) == ctx.clock.now() for d in shown)
    assert all(datetime.fromisoformat(d["created_at"]) == ctx.clock.now() for d in shown)
    assert str(shown[0]["id"]) == aida["X-Jarchy-Delivery"]
    (prepared,) = events(as_, case["id"], "distribution.prepared")
    assert prepared["after"]["lists"] == [lists.pool, lists.foreign]
    assert len(prepared["after"]["recipients"]) == 3
    assert [e["subject"] for e in events(as_, case["id"], "delivery.sent")] == [f"delivery:{d['id']}" for d in shown]

    # Later sweeps send nothing again.
    assert sweep(sessions, ctx, ctx.clock.now() + timedelta(minutes=10)).emailed == 0
    assert len(inbox.received) == 3


def test_published_at_once_the_pr_department_may_change_the_lists_and_a_refused_address_fails(
        as_: Any, sessions: Any, ctx: Any, inbox: Inbox, lists: Lists) -> None:
    inbox.refused.add("bakyt@24.example")
    case = start(as_, distribution_lists=[lists.foreign])
    agreed(as_, case)
    unknown = submit(as_, "pr", task_of(as_, "pr", case["id"], "publish")["id"], distribution_lists=[lists.pool, 999])
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.get_json()["errors"]] == ["distribution_lists.1"]
    done = complete(as_, "pr", case["id"], "publish", distribution_lists=[lists.pool])
    assert done["status"] == "completed" and done["data"]["distribution_lists"] == [lists.pool]
    shown = deliveries(as_, case)
    assert [(d["recipient"], d["status"]) for d in shown] == [("Aida Usenova", "pending"), ("Bakyt Asanov", "pending")]

    assert sweep(sessions, ctx, ctx.clock.now()).emailed == 1
    assert set(by_address(inbox)) == {"aida@kaktus.example"}
    aida, bakyt = deliveries(as_, case)
    assert (aida["status"], bakyt["status"], bakyt["attempts"]) == ("sent", "failed", 1)  # a 5xx is final
    assert "550" in bakyt["error"]
    (failed,) = events(as_, case["id"], "delivery.failed")
    assert failed["subject"] == f"delivery:{bakyt['id']}" and "550" in failed["after"]["reason"]

    # A bounce reported afterwards by the mail system: only a sent delivery bounces; the same bounce twice is one.
    response = as_("pr").post(f"/api/v1/deliveries/{aida['id']}/bounce", json={"reason": "5.2.2 mailbox full"})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["status"], response.get_json()["error"]) == ("bounced", "5.2.2 mailbox full")
    assert as_("prhead").post(f"/api/v1/deliveries/{aida['id']}/bounce", json={"reason": "again"}).status_code == 200
    assert as_("pr").post(f"/api/v1/deliveries/{bakyt['id']}/bounce", json={"reason": "x"}).status_code == 409
    assert as_("pr").post(f"/api/v1/deliveries/{aida['id']}/bounce", json={"reason": " "}).status_code == 422
    assert as_("pr").post(f"/api/v1/deliveries/{aida['id']}/bounce", json={}).status_code == 422
    assert as_("pr").post("/api/v1/deliveries/99999/bounce", json={"reason": "x"}).status_code == 404
    assert as_("ps_transport").post(f"/api/v1/deliveries/{aida['id']}/bounce", json={"reason": "x"}).status_code == 403
    (bounced,) = events(as_, case["id"], "delivery.bounced")
    assert (bounced["actor"], bounced["after"]["reason"]) == ("pr", "5.2.2 mailbox full")
    assert [d["status"] for d in deliveries(as_, case, user="ps_transport")] == ["bounced", "failed"]  # its author
    assert as_("head_health").get(f"/api/v1/process-instances/{case['id']}/deliveries").status_code == 403


def test_a_release_without_lists_is_published_on_the_website_only(as_: Any, sessions: Any, ctx: Any, inbox: Inbox,
                                                                   lists: Lists) -> None:
    case = start(as_)
    assert case["data"]["distribution_lists"] == []
    agreed(as_, case)
    assert task_of(as_, "pr", case["id"], "publish")["data"] == {"distribution_lists": []}
    complete(as_, "pr", case["id"], "publish")
    assert deliveries(as_, case) == [] and events(as_, case["id"], "distribution.prepared") == []
    assert sweep(sessions, ctx, ctx.clock.now()).emailed == 0 and inbox.received == []
    refused = start(as_, status=422, distribution_lists=["pool"])
    assert [e["field"] for e in refused["errors"]] == ["distribution_lists.0"]


def test_the_email_links_each_file_the_release_carries_and_attaches_none(as_: Any, sessions: Any, ctx: Any,
                                                                         inbox: Inbox, lists: Lists) -> None:
    case = start(as_, distribution_lists=[lists.foreign])
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", decision="approve", confirm_no_confidential=True)
    video = as_("ps_transport").post(f"/api/v1/process-instances/{case['id']}/attachments",
                                     data={"file": (io.BytesIO(mp4_header() + b"\0" * 4096), "opening.mp4")},
                                     content_type="multipart/form-data").get_json()
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS, media=[video["id"]])
    complete(as_, "pr", case["id"], "publish")
    assert sweep(sessions, ctx, ctx.clock.now()).emailed == 2
    for message in by_address(inbox).values():
        assert not message.is_multipart()
        assert f"opening.mp4: {PUBLIC_URL}/public/media/{video['id']}" in message.get_content()
    assert as_(None).get(f"/public/media/{video['id']}").data == mp4_header() + b"\0" * 4096
