"""Pushing checkpoints to places outside the database: a directory, an e-mail address, a transparency witness.

Targets come from `JARCHY_AUDIT_PUSH` (settings.audit_push):

- a directory, as an absolute path or a `file://` URL. It holds `checkpoint` (the latest signed note, replaced
  atomically), `checkpoints/<size>.note` and `checkpoints/<size>.tsr` (the note's RFC 3161 token, DER, when it has
  one), `public_key.pem`, and `leaves`, an append-only mirror of the tree's leaf hashes (32 raw bytes each, leaf i =
  event seq i+1). Before appending, the pusher checks that the mirror's leaves give the previous note's root and that
  the mirror followed by the database's new leaves gives the new note's root: a directory never accepts a fork, and
  after the database's own tree was rewritten the mirror still names the first changed event.
- `mailto:address`: the note as the body of an e-mail, its token attached as `<size>.tsr`, sent through the
  deployment's SMTP server (JARCHY_SMTP_URL, engine.background.mail).
- an `http://` or `https://` witness speaking C2SP tlog-witness's add-checkpoint: a POST of `old <size>`, the
  consistency proof from that size (base64, one hash a line), a blank line and the note; 200 answers with the
  witness's cosignature lines (kept in the attempt's detail), 409 with the size it holds (tried once more from it).

This module does the I/O and knows no transaction: the sweep (engine.background.sweeper) reads what to push in one
short transaction, pushes with none open (never while the tree's lock is held) and records each attempt
(`record`) in a transaction of its own. The protocol clients are a few lines over the standard library: no Python
package implements tlog-witness's client side."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import os
import smtplib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditCheckpoint, CheckpointPush
from engine.audit import merkle, notes
from engine.background import mail
from engine.core.settings import Settings

HASH = 32
DETAIL = 1000
TIMEOUT = 10.0
# A target that failed is tried again by a sweep no sooner than this after its last attempt (sweeps run every few
# seconds; `jarchy audit checkpoint` tries at once).
RETRY_AFTER = timedelta(minutes=1)


class Refused(Exception):
    """The push did not happen (or the target refused it); the message says why, for the attempt's record."""


@dataclass(frozen=True)
class Item:
    """A checkpoint to push, read from the database."""

    checkpoint_id: int
    origin: str
    size: int
    root: bytes
    note: str
    token: bytes | None


@dataclass(frozen=True)
class Reads:
    """What a push may need to read from the tree, each a short read of its own: leaf hashes [start, end), and the
    consistency proof between two sizes."""

    leaves: Callable[[int, int], list[bytes]]
    consistency: Callable[[int, int], list[bytes]]


@dataclass(frozen=True)
class Outcome:
    target: str
    ok: bool
    detail: str


# -- what to push ---------------------------------------------------------------------------------------------------

def item_of(row: AuditCheckpoint) -> Item:
    return Item(row.id, row.origin, row.size, bytes.fromhex(row.root), row.note, row.timestamp_token)


def pending(session: Session, settings: Settings, checkpoint_id: int, at: datetime | None = None) -> list[str]:
    """The targets the checkpoint has not reached yet (with `at`: only those not tried since RETRY_AFTER)."""
    tried = session.execute(select(CheckpointPush.target, CheckpointPush.ok, CheckpointPush.attempted_at)
                            .where(CheckpointPush.checkpoint_id == checkpoint_id)).all()
    done = {target for target, ok, _ in tried if ok}
    recent = {target for target, _, moment in tried if at is not None and moment > at - RETRY_AFTER}
    return [t for t in dict.fromkeys(settings.audit_push) if t not in done and t not in recent]


def witness_size(session: Session, target: str) -> int:
    """The size a witness last cosigned for us (0 if never): where its consistency proof starts."""
    return session.scalar(select(AuditCheckpoint.size).join(CheckpointPush, CheckpointPush.checkpoint_id ==
                                                             AuditCheckpoint.id)
                          .where(CheckpointPush.target == target, CheckpointPush.ok.is_(True))
                          .order_by(AuditCheckpoint.size.desc()).limit(1)) or 0


def record(session: Session, checkpoint_id: int, outcome: Outcome, at: datetime) -> CheckpointPush:
    row = CheckpointPush(checkpoint_id=checkpoint_id, target=outcome.target[:500], attempted_at=at, ok=outcome.ok,
                         detail=outcome.detail[:DETAIL] or None)
    session.add(row)
    session.flush()
    return row


def pushes_of(session: Session, checkpoint_ids: list[int]) -> dict[int, list[CheckpointPush]]:
    found: dict[int, list[CheckpointPush]] = {i: [] for i in checkpoint_ids}
    for row in session.scalars(select(CheckpointPush).where(CheckpointPush.checkpoint_id.in_(checkpoint_ids))
                               .order_by(CheckpointPush.id)):
        found[row.checkpoint_id].append(row)
    return found


# -- pushing --------------------------------------------------------------------------------------------------------

def push(target: str, item: Item, reads: Reads, settings: Settings, public_key: Ed25519PublicKey, *,
         witness_at: int = 0) -> Outcome:
    """One attempt to hand `item` to `target`; never raises for the target's failures."""
    try:
        lowered = target.lower()
        if lowered.startswith("mailto:"):
            detail = to_mail(unquote(target[len("mailto:"):]), item, settings)
        elif lowered.startswith(("http://", "https://")):
            detail = to_witness(target, item, reads, witness_at)
        elif lowered.startswith("file://") or target.startswith("/"):
            folder = Path(unquote(urlsplit(target).path)) if lowered.startswith("file://") else Path(target)
            detail = to_directory(folder, item, reads, public_key)
        else:
            raise Refused("not a push target: give an absolute directory, file://, mailto: or an http(s) URL")
    except Refused as exc:
        return Outcome(target, False, str(exc))
    except OSError as exc:  # the file system, a socket, smtplib's errors
        return Outcome(target, False, f"{type(exc).__name__}: {exc}")
    return Outcome(target, True, detail)


def to_directory(folder: Path, item: Item, reads: Reads, public_key: Ed25519PublicKey) -> str:
    (folder / "checkpoints").mkdir(parents=True, exist_ok=True)
    with _locked(folder / ".lock"):
        mirror = folder / "leaves"
        data = mirror.read_bytes() if mirror.exists() else b""
        if len(data) % HASH:
            raise Refused(f"the leaves mirror is {len(data)} bytes, not a whole number of 32-byte hashes")
        have = [data[i:i + HASH] for i in range(0, len(data), HASH)]
        latest = folder / "checkpoint"
        if latest.exists():
            try:
                previous = notes.open_note(latest.read_text(encoding="utf-8"), public_key)
            except notes.BadNote as exc:
                raise Refused(f"the directory's checkpoint does not open with the office's key: {exc.detail}") from None
            if previous.size > len(have) or merkle.root(have[:previous.size]) != previous.root:
                raise Refused(f"fork: the mirror's leaves do not give the root of its checkpoint {previous.size}")
            if item.size < previous.size:
                raise Refused(f"the directory holds checkpoint {previous.size}, newer than {item.size}")
        if len(have) > item.size:
            raise Refused(f"the mirror holds {len(have)} leaves, more than checkpoint {item.size}")
        new = reads.leaves(len(have), item.size)
        if merkle.root(have + new) != item.root:
            raise Refused(f"fork: the mirror's {len(have)} leaves and the database's next ones do not give the root "
                          f"of checkpoint {item.size}")
        with mirror.open("ab") as out:
            out.write(b"".join(new))
            out.flush()
            os.fsync(out.fileno())
        _write(folder / "checkpoints" / f"{item.size}.note", item.note.encode())
        if item.token is not None:
            _write(folder / "checkpoints" / f"{item.size}.tsr", item.token)
        _write(folder / "public_key.pem", notes.public_key_pem(public_key).encode())
        _write(latest, item.note.encode())
    return f"checkpoint {item.size} written, {len(new)} new leaves"


def to_mail(address: str, item: Item, settings: Settings) -> str:
    config = mail.config_of(settings)
    if config is None:
        raise Refused("no SMTP server to send through (JARCHY_SMTP_URL)")
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = address
    message["Subject"] = f"Audit checkpoint {item.origin} {item.size}"
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(idstring=f"checkpoint-{item.size}",
                                       domain=config.sender.rpartition("@")[2] or config.host)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(item.note)
    if item.token is not None:
        message.add_attachment(item.token, maintype="application", subtype="timestamp-reply",
                               filename=f"{item.size}.tsr")
    try:
        mail.deliver(config, message)
    except smtplib.SMTPException as exc:
        raise Refused(f"the SMTP server refused it: {exc}") from None
    return f"sent to {address}"


def to_witness(url: str, item: Item, reads: Reads, old: int) -> str:
    endpoint = url if url.rstrip("/").endswith("/add-checkpoint") else url.rstrip("/") + "/add-checkpoint"
    old = min(old, item.size)
    status, answer = _post(endpoint, _add_checkpoint(old, item, reads))
    if status == 409:
        said = answer.strip()
        if not said.isdigit() or int(said) > item.size:
            raise Refused(f"the witness holds size {said[:40]!r}, which checkpoint {item.size} cannot extend")
        old = int(said)
        status, answer = _post(endpoint, _add_checkpoint(old, item, reads))
    if status != 200:
        raise Refused(f"the witness answered {status}: {answer.strip()[:300]}")
    return f"cosigned from {old}: {answer.strip()}"


def _add_checkpoint(old: int, item: Item, reads: Reads) -> bytes:
    proof = reads.consistency(old, item.size) if 0 < old < item.size else []
    lines = [f"old {old}"] + [base64.b64encode(h).decode() for h in proof]
    return ("\n".join(lines) + "\n\n" + item.note).encode()


def _post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 (http(s) only, see push)
                                     headers={"Content-Type": "text/plain; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (configured URL)
            return response.status, response.read(1 << 16).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(1 << 16).decode("utf-8", "replace")
    except (urllib.error.URLError, TimeoutError) as exc:
        raise Refused(f"the witness at {url} is unreachable: {getattr(exc, 'reason', exc)}") from None


def _write(path: Path, data: bytes) -> None:
    """Written whole, then renamed into place: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with temporary.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Two sweepers pushing to one directory append its leaves one after the other."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
