"""RFC 3161 trusted timestamps: asking a timestamp authority (TSA) for a token over some bytes, and checking one.

A token is the TSA's signed word that a SHA-256 digest existed at its `genTime`: whoever trusts the TSA's
certificate can check it later without trusting this office's server or its database. What is stamped is the
caller's choice (the checkpoints stamp their signed body, engine.audit.checkpoints); this module knows no database.

- `request_token(url, data)` sends a TimeStampReq over SHA-256(data) (a random nonce, certReq so the token carries
  the TSA's certificate) and returns the TimeStampToken: the DER CMS ContentInfo, as stored and as
  `openssl ts -verify -in ... -token_in` reads it.
- `verify_token(token, data, trusted=...)` checks it on read and returns what it says (`Stamp`).
- `load_certificates(path_or_pem)` reads the certificates an office trusts for its TSA (`JARCHY_TSA_CERT`,
  `--tsa-cert`).

The ASN.1 is asn1crypto's (TimeStampReq/Resp and TSTInfo in asn1crypto.tsp, SignedData in asn1crypto.cms), the
signatures `cryptography`'s, HTTP the standard library's. Not rfc3161ng: unmaintained since 2020 and built on
pyasn1, whose definitions we would still have to complete; asn1crypto is pure Python, has no dependencies and
knows the TSP and CMS structures and the ESS signing-certificate attributes. The checks themselves are hand-written
because no maintained Python library verifies a timestamp token (OpenSSL's `ts -verify` does, and the tests check
that it agrees with us).

Failures raise `TimestampError` (asking: the TSA could not be reached, refused, or answered nonsense) or
`TimestampInvalid` (checking: the token does not prove what it should), each with a stable `code` and an English
`detail` for logs.
"""

from __future__ import annotations

import hashlib
import http.client
import secrets
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPES = ("application/timestamp-reply", "application/timestamp-response")
GRANTED = ("granted", "granted_with_mods")
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}
_MAX_REPLY = 1 << 20  # a token is a few KiB; a TSA answering megabytes is not answering a timestamp


class _TimeStampResp(tsp.TimeStampResp):
    """RFC 3161 §2.4.2's TimeStampResp, whose token is OPTIONAL (absent from a rejection): asn1crypto 1.5.1 marks it
    required, so a refusal would not read (wbond/asn1crypto issue #286, open)."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


class TimestampError(Exception):
    """Asking for a token failed. `code`: `tsa_unreachable` (no answer, a network error or a time-out),
    `tsa_refused` (an HTTP error status, or a PKIStatus other than granted: status and failInfo in `detail`),
    `tsa_bad_response` (an answer that is not a TimeStampResp, or a token not over what was asked)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class TimestampInvalid(Exception):
    """A token does not prove what it should. `code`: `malformed`, `imprint_mismatch` (not over these bytes),
    `digest_mismatch` (the signed messageDigest is not the TSTInfo's), `bad_signature`, `unknown_signer` (the token
    carries no certificate its signer info and ESS attribute name), `not_a_tsa_certificate` (no critical
    timeStamping extended key usage), `certificate_expired` (genTime outside the certificate's validity),
    `untrusted_tsa` (neither a trusted certificate nor issued by one)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Stamp:
    """What a verified token says: when (the TSA's genTime, UTC), its serial number, who signed it (the signer
    certificate's subject, RFC 4514), under which TSA policy (a dotted OID), and the SHA-256 of the signer's
    certificate (hex)."""

    gen_time: datetime
    serial: int
    tsa: str
    policy: str
    certificate_sha256: str


# -- asking ---------------------------------------------------------------------------------------------------------


def request_token(url: str, data: bytes, *, timeout: float = 10.0) -> bytes:
    """Asks the TSA at `url` for a token over SHA-256(`data`); returns the DER TimeStampToken."""
    digest = hashlib.sha256(data).digest()
    nonce = secrets.randbits(64)
    query = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
        "nonce": nonce,
        "cert_req": True,
    }).dump()
    if not url.lower().startswith(("http://", "https://")):
        raise TimestampError("tsa_unreachable", f"{url!r} is not an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 (http or https, checked above)
        url, data=query, method="POST", headers={"Content-Type": QUERY_TYPE})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            body = reply.read(_MAX_REPLY + 1)
    except urllib.error.HTTPError as exc:
        raise TimestampError("tsa_refused", f"HTTP {exc.code} {exc.reason} from {url}") from None
    except http.client.HTTPException as exc:
        raise TimestampError("tsa_bad_response", f"{url} does not speak HTTP: {exc!r}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TimestampError("tsa_unreachable", f"{url}: {reason}") from None
    if len(body) > _MAX_REPLY:
        raise TimestampError("tsa_bad_response", f"the answer of {url} is larger than {_MAX_REPLY} bytes")
    try:
        response = _TimeStampResp.load(body)
        status = response["status"]["status"].native
        fail_info = response["status"]["fail_info"].native
        text = response["status"]["status_string"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampError("tsa_bad_response", f"not a TimeStampResp: {exc}") from None
    if status not in GRANTED:
        reasons = ", ".join(sorted(fail_info)) if fail_info else "no failInfo"
        said = f" ({'; '.join(text)})" if text else ""
        raise TimestampError("tsa_refused", f"status {status}, {reasons}{said}")
    token_info = response["time_stamp_token"]
    if not isinstance(token_info, cms.ContentInfo) or not token_info.contents:
        raise TimestampError("tsa_bad_response", f"status {status} without a token")
    token = token_info.dump()
    try:
        info = _tst_info(_signed_data(token))
    except TimestampInvalid as exc:
        raise TimestampError("tsa_bad_response", exc.detail) from None
    imprint = info["message_imprint"]
    if imprint["hash_algorithm"]["algorithm"].native != "sha256" or imprint["hashed_message"].native != digest:
        raise TimestampError("tsa_bad_response", "the token is over another digest than the one asked")
    if info["nonce"].native != nonce:
        raise TimestampError("tsa_bad_response", "the token's nonce is not the one sent (a replayed answer?)")
    try:
        verify_token(token, data)
    except TimestampInvalid as exc:
        raise TimestampError("tsa_bad_response", f"{exc.code}: {exc.detail}") from None
    return token


# -- checking -------------------------------------------------------------------------------------------------------


def verify_token(token: bytes, data: bytes, *, trusted: Sequence[bytes] = ()) -> Stamp:
    """Checks that `token` is a TSA's signature over SHA-256(`data`); with `trusted` (DER or PEM certificates),
    also that its signer is one of them or is issued by one. Raises TimestampInvalid naming the first failure."""
    signed = _signed_data(token)
    info = _tst_info(signed)
    try:
        imprint = info["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        hashed = imprint["hashed_message"].native
        gen_time = info["gen_time"].native
        serial = info["serial_number"].native
        policy = info["policy"].dotted
        signers = list(signed["signer_infos"])
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampInvalid("malformed", f"the TSTInfo does not read: {exc}") from None
    if algorithm not in _HASHES:
        raise TimestampInvalid("malformed", f"message imprint by an unknown hash {algorithm}")
    if hashed != _digest(algorithm, data):
        raise TimestampInvalid("imprint_mismatch", "the token is over other data")
    if len(signers) != 1:
        raise TimestampInvalid("malformed", f"{len(signers)} signer infos, not one")
    signer = signers[0]
    attributes = _signed_attributes(signer)
    digest_algorithm = signer["digest_algorithm"]["algorithm"].native
    if digest_algorithm not in _HASHES:
        raise TimestampInvalid("malformed", f"signed by an unknown digest {digest_algorithm}")
    if attributes.get("content_type") != "tst_info":
        raise TimestampInvalid("malformed", "the signed content type is not a TSTInfo")
    if attributes.get("message_digest") != _digest(digest_algorithm, _encapsulated(signed)):
        raise TimestampInvalid("digest_mismatch", "the signed messageDigest is not the digest of the TSTInfo")
    der, certificate = _signer_certificate(signed, signer, attributes)
    _check_signature(signer, certificate, digest_algorithm)
    _check_tsa_certificate(certificate, gen_time)
    if trusted:
        _check_trusted(der, certificate, trusted)
    return Stamp(
        gen_time=gen_time.astimezone(UTC),
        serial=int(serial),
        tsa=certificate.subject.rfc4514_string(),
        policy=policy,
        certificate_sha256=hashlib.sha256(der).hexdigest(),
    )


def load_certificates(path_or_pem: str | bytes | Path) -> list[bytes]:
    """The DER certificates of a PEM bundle or a DER file, given as a path or as the PEM text itself."""
    if isinstance(path_or_pem, bytes):
        raw = path_or_pem
    elif isinstance(path_or_pem, str) and "-----BEGIN" in path_or_pem:
        raw = path_or_pem.encode()
    else:
        raw = Path(path_or_pem).read_bytes()
    if b"-----BEGIN" in raw:
        try:
            found = x509.load_pem_x509_certificates(raw)
        except ValueError as exc:
            raise ValueError(f"no certificate in {_named(path_or_pem)}: {exc}") from None
        return [c.public_bytes(serialization.Encoding.DER) for c in found]
    try:
        return [x509.load_der_x509_certificate(raw).public_bytes(serialization.Encoding.DER)]
    except ValueError as exc:
        raise ValueError(f"no certificate in {_named(path_or_pem)}: {exc}") from None


def _named(path_or_pem: str | bytes | Path) -> str:
    return "the PEM given" if isinstance(path_or_pem, bytes) or "-----BEGIN" in str(path_or_pem) else str(path_or_pem)


def _digest(algorithm: str, data: bytes) -> bytes:
    h = hashes.Hash(_HASHES[algorithm]())
    h.update(data)
    return h.finalize()


def _signed_data(token: bytes) -> cms.SignedData:
    try:
        content_info = cms.ContentInfo.load(token)
        if content_info["content_type"].native != "signed_data":
            raise ValueError(f"content type {content_info['content_type'].native}")
        signed = content_info["content"]
        if signed["encap_content_info"]["content_type"].native != "tst_info":
            raise ValueError("the signed content is not a TSTInfo")
        signed.native  # noqa: B018 (parses it all now, so that a broken inner structure is malformed here)
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampInvalid("malformed", f"not a timestamp token: {exc}") from None
    return signed


def _encapsulated(signed: cms.SignedData) -> bytes:
    """The TSTInfo's bytes as signed: the contents of the encapsulated OCTET STRING."""
    return bytes(signed["encap_content_info"]["content"].contents)


def _tst_info(signed: cms.SignedData) -> tsp.TSTInfo:
    try:
        info = tsp.TSTInfo.load(_encapsulated(signed))
        info.native  # noqa: B018 (parses every field now)
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampInvalid("malformed", f"the TSTInfo does not read: {exc}") from None
    return info


def _signed_attributes(signer: cms.SignerInfo) -> dict[str, Any]:
    attrs = signer["signed_attrs"]
    if not len(attrs):
        raise TimestampInvalid("malformed", "the signer info has no signed attributes")
    found: dict[str, Any] = {}
    try:
        for attr in attrs:
            name = attr["type"].native
            if name in found:
                raise TimestampInvalid("malformed", f"the signed attribute {name} is given twice")
            values = attr["values"]
            if len(values) != 1:
                raise TimestampInvalid("malformed", f"the signed attribute {name} has {len(values)} values")
            value = values[0]
            found[name] = value if name in ("signing_certificate", "signing_certificate_v2") else value.native
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampInvalid("malformed", f"the signed attributes do not read: {exc}") from None
    return found


def _signer_certificate(signed: cms.SignedData, signer: cms.SignerInfo,
                        attributes: dict[str, Any]) -> tuple[bytes, x509.Certificate]:
    """The certificate among the token's that the signer info identifies and the ESS attribute names."""
    carried = [c.chosen for c in signed["certificates"] if isinstance(c.chosen, asn1_x509.Certificate)] \
        if signed["certificates"].native is not None else []
    sid = signer["sid"]
    if sid.name == "issuer_and_serial_number":
        matching = [c for c in carried if c.issuer == sid.chosen["issuer"]
                    and c.serial_number == sid.chosen["serial_number"].native]
    else:
        matching = [c for c in carried if c.key_identifier == sid.chosen.native]
    if not matching:
        raise TimestampInvalid("unknown_signer", "the token carries no certificate of its signer")
    der = matching[0].dump()
    if "signing_certificate_v2" in attributes:
        first = attributes["signing_certificate_v2"]["certs"][0]
        algorithm = first["hash_algorithm"]["algorithm"].native
        if algorithm not in _HASHES:
            raise TimestampInvalid("malformed", f"ESSCertIDv2 by an unknown hash {algorithm}")
        named = first["cert_hash"].native == _digest(algorithm, der)
    elif "signing_certificate" in attributes:
        # RFC 2634's ESSCertID names the certificate by its SHA-1 (an identifier, the signature is checked apart)
        named = attributes["signing_certificate"]["certs"][0]["cert_hash"].native == hashlib.sha1(der).digest()  # noqa: S324
    else:
        raise TimestampInvalid("malformed", "no signing certificate (ESSCertID) attribute")
    if not named:
        raise TimestampInvalid("unknown_signer", "the ESS signing-certificate attribute names another certificate")
    try:
        return der, x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise TimestampInvalid("malformed", f"the signer's certificate does not read: {exc}") from None


def _check_signature(signer: cms.SignerInfo, certificate: x509.Certificate, digest_algorithm: str) -> None:
    # The signature is over the DER SET OF the signed attributes (RFC 5652 §5.4), not their [0] IMPLICIT tag.
    encoded = signer["signed_attrs"].dump()
    message = b"\x31" + encoded[1:]
    signature = signer["signature"].native
    algorithm = signer["signature_algorithm"]
    try:
        name = algorithm.signature_algo
    except ValueError as exc:
        raise TimestampInvalid("malformed", f"an unknown signature algorithm: {exc}") from None
    key = certificate.public_key()
    try:
        if name == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), _hash_of(algorithm, digest_algorithm))
        elif name == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            params = algorithm["parameters"]
            pss_hash = _HASHES.get(params["hash_algorithm"]["algorithm"].native)
            mgf_hash = _HASHES.get(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
            if pss_hash is None or mgf_hash is None:
                raise TimestampInvalid("malformed", "RSA-PSS with an unknown hash")
            key.verify(signature, message, padding.PSS(padding.MGF1(mgf_hash()), params["salt_length"].native),
                       pss_hash())
        elif name == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(_hash_of(algorithm, digest_algorithm)))
        elif (name == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey)) or (
                name == "ed448" and isinstance(key, ed448.Ed448PublicKey)):
            key.verify(signature, message)
        else:
            raise TimestampInvalid("malformed", f"a {name} signature by a {type(key).__name__}")
    except InvalidSignature:
        raise TimestampInvalid("bad_signature", "the TSA's signature does not verify") from None


def _hash_of(algorithm: cms.SignedDigestAlgorithm, digest_algorithm: str) -> hashes.HashAlgorithm:
    """The hash an RSA or ECDSA signature used: the one its algorithm names (sha256_rsa), else the signer's digest
    algorithm (rsaEncryption, as OpenSSL writes it)."""
    try:
        name = algorithm.hash_algo
    except ValueError:
        name = digest_algorithm
    if name not in _HASHES:
        raise TimestampInvalid("malformed", f"a signature by an unknown hash {name}")
    return _HASHES[name]()


def _check_tsa_certificate(certificate: x509.Certificate, gen_time: datetime) -> None:
    """RFC 3161 §2.3: the TSA's certificate has the extended key usage timeStamping, marked critical."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise TimestampInvalid("not_a_tsa_certificate", "the signer's certificate has no extended key usage") \
            from None
    if ExtendedKeyUsageOID.TIME_STAMPING not in usage.value:
        raise TimestampInvalid("not_a_tsa_certificate", "the signer's certificate is not for timeStamping")
    if not usage.critical:
        raise TimestampInvalid("not_a_tsa_certificate", "the signer's timeStamping key usage is not critical")
    if not certificate.not_valid_before_utc <= gen_time <= certificate.not_valid_after_utc:
        raise TimestampInvalid("certificate_expired", f"genTime {gen_time.isoformat()} outside the TSA "
                               "certificate's validity")


def _check_trusted(der: bytes, certificate: x509.Certificate, trusted: Sequence[bytes]) -> None:
    for item in trusted:
        for anchor_der in load_certificates(item) if b"-----BEGIN" in item else [item]:
            if anchor_der == der:
                return
            try:
                anchor = x509.load_der_x509_certificate(anchor_der)
                certificate.verify_directly_issued_by(anchor)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return
    raise TimestampInvalid("untrusted_tsa", f"{certificate.subject.rfc4514_string()} is not trusted, nor issued "
                           "by a trusted certificate")
