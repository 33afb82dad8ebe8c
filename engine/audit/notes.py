"""Checkpoints as signed notes: the text formats of C2SP's signed-note and tlog-checkpoint, which transparency
logs' witnesses (Sigstore, Go's checksum database, Tessera) read.

A checkpoint's body is three lines, `origin`, `size`, the base64 root, and Jarchy's one extension line,
`signed-at <ISO 8601 UTC>`; the note is the body, a blank line and one line per signature, `— <name>
<base64(key hash || Ed25519 signature)>`, the key hash being the first four bytes of SHA-256(name, "\\n", 0x01,
public key). Written by hand: the format is a few lines of text and no maintained Python package implements it."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = b"\x01"
DASH = "\u2014 "
SIGNED_AT = "signed-at "


class BadNote(ValueError):
    """A note that is malformed or not signed by the key it is checked with; `code` for a reader to word."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    signed_at: datetime | None = None
    extensions: tuple[str, ...] = field(default=())  # other extension lines, kept as signed

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        if self.signed_at is not None:
            lines.append(SIGNED_AT + self.signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return "\n".join([*lines, *self.extensions]) + "\n"


def key_hash(name: str, public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + raw).digest()[:4]


def sign(checkpoint: Checkpoint, private_key: Ed25519PrivateKey) -> str:
    """The signed note of a checkpoint, signed under its origin's name."""
    body = checkpoint.body()
    signature = private_key.sign(body.encode())
    stamp = base64.b64encode(key_hash(checkpoint.origin, private_key.public_key()) + signature).decode()
    return f"{body}\n{DASH}{checkpoint.origin} {stamp}\n"


def signature_of(note: str, name: str, public_key: Ed25519PublicKey) -> bytes | None:
    """The raw signature by this key in the note, if any."""
    _, lines = _split(note)
    wanted = key_hash(name, public_key)
    for line in lines:
        signer, _, stamp = line[len(DASH):].partition(" ")
        raw = _b64(stamp, "malformed")
        if signer == name and raw[:4] == wanted:
            return raw[4:]
    return None


def signed_body(note: str) -> str:
    """The text a note's signatures (and a checkpoint's timestamp token) cover: its body, up to the blank line."""
    return _split(note)[0]


def open_note(note: str, public_key: Ed25519PublicKey, name: str | None = None) -> Checkpoint:
    """The checkpoint of a note after checking its signature by `public_key` (under `name`, default the note's
    origin); raises BadNote: `malformed`, `unsigned` (no signature by this key), `bad_signature`."""
    body, _ = _split(note)
    checkpoint = parse_body(body)
    signature = signature_of(note, name or checkpoint.origin, public_key)
    if signature is None:
        raise BadNote("unsigned", f"the checkpoint is not signed by the key of {name or checkpoint.origin}")
    try:
        public_key.verify(signature, body.encode())
    except InvalidSignature:
        raise BadNote("bad_signature", "the checkpoint's signature does not match its text") from None
    return checkpoint


def parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0] or not (lines[1].isascii() and lines[1].isdigit()):
        raise BadNote("malformed", "a checkpoint is an origin, a size and a root, one a line")
    root = _b64(lines[2], "malformed")
    if len(root) != 32:
        raise BadNote("malformed", "the checkpoint's root is not 32 bytes")
    signed_at, extensions = None, []
    for line in lines[3:-1]:
        if line.startswith(SIGNED_AT) and signed_at is None:
            try:
                signed_at = datetime.strptime(line[len(SIGNED_AT):], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            except ValueError:
                raise BadNote("malformed", f"bad time line {line!r}") from None
        else:
            extensions.append(line)
    return Checkpoint(lines[0], int(lines[1]), root, signed_at, tuple(extensions))


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    """The note verifier key text, `name+<hex key hash>+<base64(0x01 || key)>`, a witness's configuration."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{name}+{key_hash(name, public_key).hex()}+{base64.b64encode(ED25519 + raw).decode()}"


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key given as PEM or as a note verifier key."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            # name+hash+key: a name never holds "+", base64 may
            parts = text.split("+", 2)
            if len(parts) != 3:
                raise BadNote("malformed", "a verifier key is name+hash+key")
            raw = _b64(parts[2], "malformed")
            if raw[:1] != ED25519 or len(raw) != 33:
                raise BadNote("malformed", "not an Ed25519 verifier key")
            key = Ed25519PublicKey.from_public_bytes(raw[1:])
    except (ValueError, TypeError) as exc:
        if isinstance(exc, BadNote):
            raise
        raise BadNote("malformed", f"not a public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BadNote("malformed", "the public key is not an Ed25519 key")
    return key


def _split(note: str) -> tuple[str, list[str]]:
    body, sep, signatures = note.rpartition("\n\n")
    lines = [line for line in signatures.split("\n") if line]
    if not sep or not lines or not all(line.startswith(DASH) for line in lines):
        raise BadNote("malformed", "a signed note is its text, a blank line and its signature lines")
    return body + "\n", lines


def _b64(text: str, code: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise BadNote(code, f"{text[:20]!r} is not base64") from None
