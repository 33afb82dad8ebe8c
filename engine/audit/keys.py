"""The Ed25519 key that signs the audit's checkpoints, read from outside the database.

The key is the office's, not the database's: JARCHY_AUDIT_KEY_PEM (the PEM itself, for a secret store that fills
environment variables) wins over JARCHY_AUDIT_KEY (a PEM file), and with neither a key is generated once into
var/audit_key.pem (mode 0600), as the session secret is. Whoever can rewrite the database but not read this key
cannot sign a checkpoint over a rewritten history."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.core.errors import Code, Unavailable
from engine.core.settings import Settings

DEFAULT_FILE = "audit_key.pem"


class KeyUnavailable(Unavailable):
    """The configured key cannot be read or is not an Ed25519 private key: a fault of the server's configuration
    (503, `audit_key_unavailable`), its `setting` the one to mend."""

    def __init__(self, detail: str, setting: str) -> None:
        super().__init__(detail, code=Code.AUDIT_KEY_UNAVAILABLE, params={"setting": setting})


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    if settings.audit_key_pem:
        return _load(settings.audit_key_pem.encode(), "JARCHY_AUDIT_KEY_PEM", "JARCHY_AUDIT_KEY_PEM")
    if settings.audit_key:
        path = Path(settings.audit_key)
        try:
            return _load(path.read_bytes(), str(path), "JARCHY_AUDIT_KEY")
        except OSError as exc:
            raise KeyUnavailable(f"cannot read the audit key {path}: {exc.strerror}", "JARCHY_AUDIT_KEY") from None
    path = settings.var_dir / DEFAULT_FILE
    if path.exists():
        return _load(path.read_bytes(), str(path), "JARCHY_AUDIT_KEY")
    return _generate(path)


def public_key(settings: Settings) -> Ed25519PublicKey:
    return signing_key(settings).public_key()


def _load(pem: bytes, where: str, setting: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyUnavailable(f"{where} is not an unencrypted PEM private key: {exc}", setting) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyUnavailable(f"{where} is not an Ed25519 key", setting)
    return key


def _generate(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    # written whole to a private file, then linked into place: two processes starting at once keep the first key
    # and never read a half-written one
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return _load(path.read_bytes(), str(path), "JARCHY_AUDIT_KEY")
    finally:
        temporary.unlink()
    return key
