"""Signed checkpoints kept outside the database: timestamped by a TSA, signed on the sweep's schedule, pushed to a
directory (with its leaves mirror), an e-mail address and a witness over HTTP, each attempt recorded and listed."""

from __future__ import annotations

import base64
import socket
import threading
from dataclasses import dataclass, field, replace
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from api.cli import main
from db.models import AuditCheckpoint, CheckpointPush
from engine.audit import checkpoints, keys, merkle, notes, timestamps
from engine.background.sweeper import keep_checkpoints
from tests.integration.test_audit_tree import AT, record
from tests.witness import local_witness


def rows(sessions: Any, model: Any) -> list[Any]:
    with sessions() as session:
        return list(session.scalars(select(model).order_by(model.id)))


# -- timestamps -----------------------------------------------------------------------------------------------------

def test_a_checkpoint_is_timestamped_over_its_signed_body_and_the_token_verifies(sessions: Any, settings: Any,
                                                                                 tsa: Any) -> None:
    record(sessions, 5)
    stamped = replace(settings, tsa_url=tsa.url)
    work = keep_checkpoints(sessions, stamped, AT, now=True)
    assert work.made and work.latest is not None and work.latest[0] == 5
    assert [ok for _, ok, _ in work.stamps] == [True]
    (row,) = rows(sessions, AuditCheckpoint)
    body = notes.open_note(row.note, keys.public_key(settings)).body().encode()
    stamp = timestamps.verify_token(row.timestamp_token, body, trusted=timestamps.load_certificates(tsa.ca_pem))
    assert row.timestamped_at == stamp.gen_time and row.timestamp_error is None


def test_a_tsa_that_is_down_leaves_the_checkpoint_standing_and_the_next_sweep_stamps_it(
        sessions: Any, settings: Any, tsa: Any) -> None:
    record(sessions, 3)
    tsa.refuse = "http"
    stamped = replace(settings, tsa_url=tsa.url)
    work = keep_checkpoints(sessions, stamped, AT, now=True)
    assert work.made and [ok for _, ok, _ in work.stamps] == [False]
    (row,) = rows(sessions, AuditCheckpoint)
    assert row.timestamp_token is None and row.timestamp_error.startswith("tsa_refused:")
    tsa.refuse = None
    assert keep_checkpoints(sessions, stamped, AT + timedelta(seconds=10)).stamps == ()  # asked a moment ago
    later = keep_checkpoints(sessions, stamped, AT + timedelta(minutes=2))
    assert not later.made and [ok for _, ok, _ in later.stamps] == [True]
    (row,) = rows(sessions, AuditCheckpoint)
    assert row.timestamp_token is not None and row.timestamp_error is None


# -- the schedule ---------------------------------------------------------------------------------------------------

def test_the_sweep_signs_one_only_when_due_and_only_after_new_events(sessions: Any, settings: Any) -> None:
    hourly = replace(settings, audit_checkpoint_minutes=60)
    assert not keep_checkpoints(sessions, hourly, AT).made  # nothing recorded yet
    record(sessions, 2)
    assert keep_checkpoints(sessions, hourly, AT).made
    record(sessions, 2, start=2)
    assert not keep_checkpoints(sessions, hourly, AT + timedelta(minutes=59)).made  # not an hour yet
    assert keep_checkpoints(sessions, hourly, AT + timedelta(minutes=60)).made
    assert not keep_checkpoints(sessions, hourly, AT + timedelta(hours=5)).made  # nothing new since
    assert not keep_checkpoints(sessions, replace(settings, audit_checkpoint_minutes=0), AT + timedelta(days=1)).made
    assert [r.size for r in rows(sessions, AuditCheckpoint)] == [2, 4]


def test_two_sweepers_at_once_sign_one_checkpoint(sessions: Any, settings: Any) -> None:
    record(sessions, 7)
    keys.signing_key(settings)  # generated once before the race
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweeper() -> None:
        try:
            barrier.wait()
            keep_checkpoints(sessions, settings, AT)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditCheckpoint)) == 1


# -- the key --------------------------------------------------------------------------------------------------------

def test_a_key_from_the_environment_signs_and_a_missing_key_file_is_named(sessions: Any, settings: Any,
                                                                          tmp_path: Path) -> None:
    record(sessions, 1)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    env = {"JARCHY_DATABASE_URL": settings.database_url, "JARCHY_SECRET_KEY": settings.secret_key,
           "JARCHY_VAR_DIR": str(tmp_path / "var"), "JARCHY_AUDIT_KEY_PEM": pem}
    result = CliRunner().invoke(main, ["audit", "checkpoint"], env=env)
    assert result.exit_code == 0, result.output
    (row,) = rows(sessions, AuditCheckpoint)
    assert result.output.startswith(f"checkpoint 1 {row.root}")
    assert notes.open_note(row.note, key.public_key()).size == 1
    shown = CliRunner().invoke(main, ["audit", "public-key"], env=env)
    assert shown.output.strip() == notes.public_key_pem(key.public_key()).strip()
    missing = tmp_path / "nowhere" / "audit.pem"
    env = env | {"JARCHY_AUDIT_KEY_PEM": "", "JARCHY_AUDIT_KEY": str(missing)}
    failed = CliRunner().invoke(main, ["audit", "checkpoint"], env=env)
    assert failed.exit_code == 1 and str(missing) in failed.output


# -- pushes ---------------------------------------------------------------------------------------------------------

def test_a_directory_gets_the_notes_and_a_leaves_mirror_that_grows_by_the_new_leaves_only(
        sessions: Any, settings: Any, tmp_path: Path) -> None:
    folder = tmp_path / "outside"
    pushing = replace(settings, audit_push=(f"file://{folder}",))
    record(sessions, 5)
    first = keep_checkpoints(sessions, pushing, AT, now=True)
    assert [p.ok for p in first.pushes] == [True]
    mirror = (folder / "leaves").read_bytes()
    assert len(mirror) == 5 * 32
    note = (folder / "checkpoint").read_text()
    opened = notes.open_note(note, notes.load_public_key((folder / "public_key.pem").read_text()))
    assert merkle.root([mirror[i:i + 32] for i in range(0, len(mirror), 32)]) == opened.root
    record(sessions, 4, start=5)
    second = keep_checkpoints(sessions, pushing, AT, now=True)
    assert [p.ok for p in second.pushes] == [True] and "4 new leaves" in second.pushes[0].detail
    grown = (folder / "leaves").read_bytes()
    assert grown[:5 * 32] == mirror and len(grown) == 9 * 32
    assert sorted(p.name for p in (folder / "checkpoints").iterdir()) == ["5.note", "9.note"]
    assert notes.open_note((folder / "checkpoint").read_text(), keys.public_key(settings)).size == 9


def test_a_mirror_that_does_not_give_the_previous_root_is_a_fork_and_refused(sessions: Any, settings: Any,
                                                                             tmp_path: Path) -> None:
    folder = tmp_path / "outside"
    pushing = replace(settings, audit_push=(str(folder),))
    record(sessions, 4)
    keep_checkpoints(sessions, pushing, AT, now=True)
    forged = bytearray((folder / "leaves").read_bytes())
    forged[40] ^= 1  # the second leaf
    (folder / "leaves").write_bytes(bytes(forged))
    record(sessions, 2, start=4)
    work = keep_checkpoints(sessions, pushing, AT, now=True)
    assert [p.ok for p in work.pushes] == [False] and "fork" in work.pushes[0].detail
    assert (folder / "leaves").read_bytes() == bytes(forged)  # nothing appended
    assert notes.open_note((folder / "checkpoint").read_text(), keys.public_key(settings)).size == 4
    attempts = rows(sessions, CheckpointPush)
    assert [(a.target, a.ok) for a in attempts] == [(str(folder), True), (str(folder), False)]
    assert "fork" in attempts[-1].detail


def test_a_witness_cosigns_refuses_a_forged_note_and_a_409_is_retried_from_its_size(
        sessions: Any, settings: Any) -> None:
    record(sessions, 3)
    with local_witness(keys.public_key(settings)) as witness:
        pushing = replace(settings, audit_push=(witness.url,))
        first = keep_checkpoints(sessions, pushing, AT, now=True)
        assert [p.ok for p in first.pushes] == [True] and f"\u2014 {witness.name} " in first.pushes[0].detail
        cosignature = first.pushes[0].detail.rpartition(" ")[2]
        (row,) = rows(sessions, AuditCheckpoint)
        body = notes.open_note(row.note, keys.public_key(settings)).body().encode()
        witness.key.public_key().verify(base64.b64decode(cosignature)[4:], body)
        # the witness is ahead of what we think it holds: 409, then again from its size
        record(sessions, 4, start=3)
        with sessions.begin() as session:
            session.execute(CheckpointPush.__table__.delete())
        second = keep_checkpoints(sessions, pushing, AT, now=True)
        assert [p.ok for p in second.pushes] == [True] and "cosigned from 3" in second.pushes[0].detail
        assert witness.answers == [200, 409, 200] and witness.size == 7
        # a note signed by another key is refused
        forger = Ed25519PrivateKey.generate()
        status, _ = witness.add_checkpoint("old 7\n\n" + notes.sign(notes.Checkpoint(
            settings.checkpoint_origin, 8, b"\0" * 32, AT), forger))
        assert status == 403 and witness.size == 7


def test_a_witness_that_refuses_is_recorded_and_tried_again_at_the_next_sweep(sessions: Any, settings: Any) -> None:
    record(sessions, 2)
    forged_key = Ed25519PrivateKey.generate().public_key()
    with local_witness(forged_key) as witness:  # a witness that knows another key refuses our notes
        pushing = replace(settings, audit_push=(witness.url,))
        keep_checkpoints(sessions, pushing, AT, now=True)
        witness.log_key = keys.public_key(settings)
        assert keep_checkpoints(sessions, pushing, AT + timedelta(seconds=5)).pushes == ()  # tried just now
        again = keep_checkpoints(sessions, pushing, AT + timedelta(minutes=2))
    assert [p.ok for p in again.pushes] == [True]
    attempts = rows(sessions, CheckpointPush)
    assert [a.ok for a in attempts] == [False, True] and "403" in attempts[0].detail


@dataclass
class Inbox:
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def test_a_mail_target_gets_the_note_and_its_token(sessions: Any, settings: Any, tsa: Any) -> None:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        record(sessions, 3)
        pushing = replace(settings, smtp_url=f"smtp://127.0.0.1:{port}", tsa_url=tsa.url,
                          audit_push=("mailto:auditor@example.org",))
        work = keep_checkpoints(sessions, pushing, AT, now=True)
    finally:
        controller.stop()
    assert [p.ok for p in work.pushes] == [True]
    (message,) = inbox.received
    (row,) = rows(sessions, AuditCheckpoint)
    assert message["To"] == "auditor@example.org"
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == row.note.strip()
    (attached,) = list(message.iter_attachments())
    assert attached.get_filename() == "3.tsr" and attached.get_content() == row.timestamp_token


# -- the listing ----------------------------------------------------------------------------------------------------

def test_the_listing_verifies_a_good_token_and_flags_a_corrupted_one(as_: Any, sessions: Any, settings: Any,
                                                                    tsa: Any, tmp_path: Path) -> None:
    stamped = replace(settings, tsa_url=tsa.url, audit_push=(str(tmp_path / "outside"),))
    record(sessions, 2)
    keep_checkpoints(sessions, stamped, AT, now=True)
    record(sessions, 2, start=2)
    keep_checkpoints(sessions, stamped, AT, now=True)
    sizes = [r.size for r in rows(sessions, AuditCheckpoint)]  # the cast's accounts were recorded first
    with sessions.begin() as session:
        first = checkpoints.by_size(session, sizes[0])
        token = bytearray(first.timestamp_token)
        token[-10] ^= 0xFF  # inside the signature
        first.timestamp_token = bytes(token)
    body = as_("auditor").get("/api/v1/audit/checkpoints").get_json()
    assert body["public_key"] == notes.public_key_pem(keys.public_key(settings))
    newest, oldest = body["items"]
    assert (newest["size"], oldest["size"], body["total"]) == (sizes[1], sizes[0], 2) and sizes[1] == sizes[0] + 2
    assert newest["timestamp"]["verified"] is True and "Jarchy" in newest["timestamp"]["tsa"]
    assert oldest["timestamp"] == {"verified": False, "code": oldest["timestamp"]["code"]}
    assert newest["pushes"][0]["ok"] is True and newest["pushes"][0]["target"] == str(tmp_path / "outside")
    assert newest["root"] == notes.open_note(newest["note"], keys.public_key(settings)).root.hex()
    assert "timestamp_token" in newest and "timestamp_token" in oldest
    assert as_("pr").get("/api/v1/audit/checkpoints").status_code == 403
    bad = as_("auditor").get("/api/v1/audit/checkpoints?per_page=0")
    assert bad.status_code == 422 and "per_page" in str(bad.get_json())
