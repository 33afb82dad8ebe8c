"""RFC 3161 timestamps (engine.audit.timestamps) against a real TSA: OpenSSL's `ts -reply` on 127.0.0.1 (tests/tsa.py),
and OpenSSL's `ts -verify` as the independent judge of what our client brings back."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from engine.audit.timestamps import TimestampError, TimestampInvalid, load_certificates, request_token, verify_token
from tests.tsa import POLICY, make_ca

CHECKPOINT = b'{"size": 1024, "root": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}'


def _der(pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def test_a_token_from_the_tsa_verifies_over_the_same_data_against_its_ca_or_its_own_certificate(tsa: Any) -> None:
    token = request_token(tsa.url, CHECKPOINT)

    by_ca = verify_token(token, CHECKPOINT, trusted=[tsa.ca_pem])
    by_certificate = verify_token(token, CHECKPOINT, trusted=load_certificates(tsa.cert_path))

    assert by_ca == by_certificate
    assert abs(by_ca.gen_time - datetime.now(UTC)) < timedelta(minutes=1)
    assert by_ca.gen_time.tzinfo is not None and by_ca.gen_time.utcoffset() == timedelta(0)
    assert by_ca.tsa == "CN=Jarchy Test TSA,O=Jarchy tests,C=KG"
    assert by_ca.policy == POLICY
    assert by_ca.certificate_sha256 == hashlib.sha256(_der(tsa.cert_pem)).hexdigest()


def test_each_token_has_its_own_serial(tsa: Any) -> None:
    first = verify_token(request_token(tsa.url, CHECKPOINT), CHECKPOINT)
    second = verify_token(request_token(tsa.url, CHECKPOINT), CHECKPOINT)

    assert second.serial == first.serial + 1


def test_openssl_accepts_the_token_our_client_brought_back(tsa: Any, tmp_path: Path) -> None:
    token = request_token(tsa.url, CHECKPOINT)
    (tmp_path / "token.der").write_bytes(token)
    (tmp_path / "checkpoint").write_bytes(CHECKPOINT)
    (tmp_path / "other").write_bytes(CHECKPOINT + b" ")

    def openssl_verify(data: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["openssl", "ts", "-verify", "-in", str(tmp_path / "token.der"), "-token_in",
                               "-data", str(tmp_path / data), "-CAfile", str(tsa.ca_path)],
                              capture_output=True, text=True, timeout=30)

    accepted = openssl_verify("checkpoint")
    refused = openssl_verify("other")

    assert accepted.returncode == 0, accepted.stderr
    assert "Verification: OK" in accepted.stdout
    assert refused.returncode != 0  # the judge does judge: the same token over other bytes fails


def test_a_token_over_other_data_is_an_imprint_mismatch(tsa: Any) -> None:
    token = request_token(tsa.url, CHECKPOINT)

    with pytest.raises(TimestampInvalid) as refused:
        verify_token(token, CHECKPOINT.replace(b"1024", b"1023"), trusted=[tsa.ca_pem])

    assert refused.value.code == "imprint_mismatch"


def test_a_byte_changed_in_the_tstinfo_is_a_digest_mismatch(tsa: Any) -> None:
    # The signature covers the signed attributes, and they hold the TSTInfo's digest: an edited TSTInfo (here its
    # nonce, so that it still reads and its imprint still matches) no longer hashes to the signed messageDigest,
    # which is caught before the signature is checked (the signature itself is still good: nothing it covers changed).
    token = request_token(tsa.url, CHECKPOINT)
    from asn1crypto import cms

    nonce = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed["nonce"].dump()
    assert token.count(nonce) == 1
    at = token.index(nonce) + len(nonce) - 1
    edited = token[:at] + bytes([token[at] ^ 0x01]) + token[at + 1:]

    with pytest.raises(TimestampInvalid) as refused:
        verify_token(edited, CHECKPOINT, trusted=[tsa.ca_pem])

    assert refused.value.code == "digest_mismatch"


def test_a_byte_changed_in_the_signature_is_a_bad_signature(tsa: Any) -> None:
    token = request_token(tsa.url, CHECKPOINT)
    edited = token[:-1] + bytes([token[-1] ^ 0x01])  # OpenSSL writes the signer info's signature last

    with pytest.raises(TimestampInvalid) as refused:
        verify_token(edited, CHECKPOINT, trusted=[tsa.ca_pem])

    assert refused.value.code == "bad_signature"


def test_a_tsa_not_issued_by_a_trusted_ca_is_untrusted(tsa: Any) -> None:
    token = request_token(tsa.url, CHECKPOINT)
    unrelated, _ = make_ca("Some Other Root CA")

    with pytest.raises(TimestampInvalid) as refused:
        verify_token(token, CHECKPOINT, trusted=[unrelated.public_bytes(serialization.Encoding.DER)])

    assert refused.value.code == "untrusted_tsa"
    assert "Jarchy Test TSA" in refused.value.detail
    assert verify_token(token, CHECKPOINT).tsa  # without trusted certificates, only the token's own checks


@pytest.mark.parametrize(("timestamping", "critical"), [(False, False), (True, False)],
                         ids=["without timeStamping", "timeStamping not critical"])
def test_a_certificate_not_issued_for_timestamping_is_not_a_tsa_certificate(tsa: Any, timestamping: bool,
                                                                             critical: bool) -> None:
    tsa.sign_with(timestamping=timestamping, critical=critical)
    with pytest.raises(TimestampError) as asked:  # our client does not keep such a token either
        request_token(tsa.url, CHECKPOINT)
    assert asked.value.code == "tsa_bad_response"
    assert "not_a_tsa_certificate" in asked.value.detail
    token = _answer_token(tsa)

    with pytest.raises(TimestampInvalid) as refused:
        verify_token(token, CHECKPOINT, trusted=[tsa.ca_pem])

    assert refused.value.code == "not_a_tsa_certificate"


@pytest.mark.parametrize("key", ["rsa", "rsa-pss", "ecdsa", "ed25519"])
def test_tokens_signed_with_each_kind_of_key_verify(tsa: Any, key: str) -> None:
    pem = tsa.sign_with(key=key)

    stamp = verify_token(request_token(tsa.url, CHECKPOINT), CHECKPOINT, trusted=[tsa.ca_pem])

    assert stamp.tsa == f"CN=Jarchy Test TSA ({key}),O=Jarchy tests,C=KG"
    assert stamp.certificate_sha256 == hashlib.sha256(_der(pem)).hexdigest()


def test_a_tsa_answering_http_500_has_refused(tsa: Any) -> None:
    tsa.refuse = "http"

    with pytest.raises(TimestampError) as asked:
        request_token(tsa.url, CHECKPOINT)

    assert asked.value.code == "tsa_refused"
    assert "HTTP 500" in asked.value.detail


def test_a_tsa_rejecting_the_query_has_refused_with_its_status_and_reason(tsa: Any) -> None:
    tsa.refuse = "rejection"  # OpenSSL configured to accept only SHA-512 imprints

    with pytest.raises(TimestampError) as asked:
        request_token(tsa.url, CHECKPOINT)

    assert asked.value.code == "tsa_refused"
    assert "rejection" in asked.value.detail and "bad_alg" in asked.value.detail


def test_a_tsa_that_is_down_is_unreachable(tsa: Any) -> None:
    url = tsa.url
    tsa.stop()

    with pytest.raises(TimestampError) as asked:
        request_token(url, CHECKPOINT, timeout=5)

    assert asked.value.code == "tsa_unreachable"


def test_a_replayed_answer_is_refused_for_its_nonce(tsa: Any) -> None:
    old = tsa.reply
    kept: list[bytes] = []

    def replaying(query: bytes) -> bytes:
        if not kept:
            kept.append(old(query))
        return kept[0]

    tsa.reply = replaying
    request_token(tsa.url, CHECKPOINT)

    with pytest.raises(TimestampError) as asked:  # the same data, so only the nonce tells the answers apart
        request_token(tsa.url, CHECKPOINT)

    assert asked.value.code == "tsa_bad_response"
    assert "nonce" in asked.value.detail


def test_something_that_is_not_a_token_is_malformed() -> None:
    with pytest.raises(TimestampInvalid) as refused:
        verify_token(b"0\x03\x02\x01\x01", CHECKPOINT)

    assert refused.value.code == "malformed"


def test_certificates_load_from_a_pem_bundle_a_der_file_or_pem_text(tsa: Any, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(tsa.ca_pem + tsa.cert_pem)
    der = tmp_path / "tsa.der"
    der.write_bytes(_der(tsa.cert_pem))
    (tmp_path / "nothing.pem").write_text("no certificate here")

    assert load_certificates(bundle) == [_der(tsa.ca_pem), _der(tsa.cert_pem)]
    assert load_certificates(str(der)) == [_der(tsa.cert_pem)]
    assert load_certificates(tsa.ca_pem.decode()) == [_der(tsa.ca_pem)]
    with pytest.raises(ValueError, match="nothing.pem"):
        load_certificates(tmp_path / "nothing.pem")


def _answer_token(tsa: Any) -> bytes:
    """The token the TSA answers to a query over CHECKPOINT, taken without our client's checks."""
    from asn1crypto import tsp

    query = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"},
                            "hashed_message": hashlib.sha256(CHECKPOINT).digest()},
        "cert_req": True,
    }).dump()
    return tsp.TimeStampResp.load(tsa.reply(query))["time_stamp_token"].dump()


def test_the_tsa_and_the_certificates_trusted_for_it_are_settings() -> None:
    from engine.core.settings import settings_from_env

    configured = settings_from_env({"JARCHY_SECRET_KEY": "k", "JARCHY_TSA_URL": "https://tsa.example/",
                                    "JARCHY_TSA_CERT": "/etc/jarchy/tsa.pem"})
    unset = settings_from_env({"JARCHY_SECRET_KEY": "k", "JARCHY_TSA_URL": ""})

    assert (configured.tsa_url, configured.tsa_cert) == ("https://tsa.example/", "/etc/jarchy/tsa.pem")
    assert (unset.tsa_url, unset.tsa_cert) == (None, None)
