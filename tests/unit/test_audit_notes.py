"""Checkpoints as C2SP signed notes: what is signed opens with the right key only, and any change is refused."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.audit import notes

KEY = Ed25519PrivateKey.generate()
CHECKPOINT = notes.Checkpoint("city-hall.example/audit", 4242, bytes(range(32)),
                              datetime(2026, 12, 7, 12, 0, tzinfo=UTC))


def test_a_signed_checkpoint_opens_with_its_key_and_reads_back_the_same() -> None:
    note = notes.sign(CHECKPOINT, KEY)
    assert note.startswith("city-hall.example/audit\n4242\n" + base64.b64encode(bytes(range(32))).decode()
                           + "\nsigned-at 2026-12-07T12:00:00Z\n\n\u2014 city-hall.example/audit ")
    assert notes.open_note(note, KEY.public_key()) == CHECKPOINT
    # the public key travels as PEM or as a verifier key; both open it
    for text in (notes.public_key_pem(KEY.public_key()), notes.verifier_key(CHECKPOINT.origin, KEY.public_key())):
        assert notes.open_note(note, notes.load_public_key(text)) == CHECKPOINT


@pytest.mark.parametrize("change", [("4242", "4241"), ("signed-at 2026-12-07", "signed-at 2026-12-06"),
                                    ("city-hall", "town-hall")])
def test_a_changed_line_is_refused(change: tuple[str, str]) -> None:
    note = notes.sign(CHECKPOINT, KEY)
    body, _, signature = note.partition("\n\n")
    with pytest.raises(notes.BadNote) as refused:
        notes.open_note(body.replace(*change, 1) + "\n\n" + signature, KEY.public_key(), CHECKPOINT.origin)
    assert refused.value.code == "bad_signature"


def test_another_key_finds_no_signature_of_its_own() -> None:
    note = notes.sign(CHECKPOINT, KEY)
    with pytest.raises(notes.BadNote) as refused:
        notes.open_note(note, Ed25519PrivateKey.generate().public_key())
    assert refused.value.code == "unsigned"


def test_a_witness_cosignature_beside_it_does_not_disturb_it() -> None:
    note = notes.sign(CHECKPOINT, KEY)
    witness = Ed25519PrivateKey.generate()
    stamp = base64.b64encode(notes.key_hash("witness.example", witness.public_key())
                             + witness.sign(b"anything")).decode()
    assert notes.open_note(note + f"\u2014 witness.example {stamp}\n", KEY.public_key()) == CHECKPOINT


@pytest.mark.parametrize("text", ["", "no signature", "a\n1\nroot\n\n\u2014 a AAAA\n",
                                  "a\nx\nAAAA\n\n\u2014 a AAAA\n",
                                  # a digit to str.isdigit, not to int(): superscript two
                                  f"a\n\u00b2\n{base64.b64encode(bytes(32)).decode()}\n\n\u2014 a AAAA\n"])
def test_garbage_is_malformed_not_a_crash(text: str) -> None:
    with pytest.raises(notes.BadNote) as refused:
        notes.open_note(text, KEY.public_key())
    assert refused.value.code == "malformed"


def test_verifier_keys_whose_base64_holds_a_plus_sign_still_load() -> None:
    # about half of all keys: the key's base64 is split at its own "+" if read from the right
    keys = [Ed25519PrivateKey.generate() for _ in range(64)]
    with_plus = [k for k in keys if "+" in notes.verifier_key("o", k.public_key()).split("+", 2)[2]]
    assert with_plus
    for key in with_plus:
        assert notes.load_public_key(notes.verifier_key("o", key.public_key())) == key.public_key()
