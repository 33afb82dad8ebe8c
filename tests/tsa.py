"""A real RFC 3161 timestamp authority on 127.0.0.1 for the tests: no network, no mock of the protocol.

`local_tsa(folder)` (and the pytest fixture `tsa`, registered in tests/conftest.py) makes a test CA and a TSA
certificate (extended key usage timeStamping, critical) with `cryptography`, and serves HTTP on an ephemeral port
from a thread, answering each POSTed TimeStampReq by running the OpenSSL on this machine: `openssl ts -reply` with a
generated tsa.cnf, the TSA's key and certificate and the CA as chain, the serial kept in a file beside them.

What a test can make it do:
- `tsa.refuse = "http"`: answer HTTP 500; `"rejection"`: OpenSSL's own rejection (a config whose only accepted
  digest is SHA-512, so it answers status rejection, failInfo badAlg, to our SHA-256 query).
- `tsa.sign_with(key="rsa"|"rsa-pss"|"ecdsa"|"ed25519", timestamping=True, critical=True)`: issue another signer
  certificate (by the same CA) and sign each token with it. OpenSSL signs only with a certificate whose critical
  EKU is timeStamping (TS_RESP_CTX_set_signer_cert checks the purpose) and only with RSA PKCS#1 v1.5 or ECDSA in
  3.0, so for those the TSTInfo stays OpenSSL's and the SignedData around it is built here (`resign`), as a TSA with
  such a key or a misissued certificate would.
- `tsa.stop()`: nobody answers at `url` any more.

Independent of the app (only `cryptography`, asn1crypto and the `openssl` binary), so the checkpoint tests and the
offline verifier's tests can start it too.
"""

from __future__ import annotations

import hashlib
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

POLICY = "1.2.3.4.1"

_CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_digest = sha256
default_policy = {policy}
other_policies = 1.2.3.4.5
digests = {digests}
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "KG"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Jarchy tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: Any) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_ca(common_name: str = "Jarchy Test Root CA") -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed CA (P-256): the root the office would trust for its TSA."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def issue_tsa(ca: x509.Certificate, ca_key: Any, *, key: str = "rsa", timestamping: bool = True,
              critical: bool = True, common_name: str = "Jarchy Test TSA") -> tuple[x509.Certificate, Any]:
    """A TSA certificate issued by `ca`: with the extended key usage timeStamping (critical) unless told not to."""
    if key in ("rsa", "rsa-pss"):
        private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif key == "ecdsa":
        private = ec.generate_private_key(ec.SECP256R1())
    elif key == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
    else:
        raise ValueError(key)
    now = datetime.now(UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca.subject)
               .public_key(private.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False),
                              critical=True))
    if timestamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=critical)
    else:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), private


def resign(token: bytes, cert: x509.Certificate, key: Any, *, pss: bool = False) -> bytes:
    """The TSTInfo of `token`, signed anew by `key` as `cert` (CMS SignedData with the content type, message digest
    and ESSCertIDv2 attributes, as RFC 3161 and 5816 have a TSA sign)."""
    content = cms.ContentInfo.load(token)["content"]
    tst_info = bytes(content["encap_content_info"]["content"].contents)
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    asn1_cert = asn1_x509.Certificate.load(cert_der)
    attributes = [
        {"type": "content_type", "values": ["tst_info"]},
        {"type": "message_digest", "values": [hashlib.sha256(tst_info).digest()]},
        {"type": "signing_certificate_v2",
         "values": [{"certs": [{"hash_algorithm": {"algorithm": "sha256"},
                                "cert_hash": hashlib.sha256(cert_der).digest()}]}]},
    ]
    attributes.sort(key=lambda a: cms.CMSAttribute(a).dump())  # DER: a SET OF in the order of its encodings
    if isinstance(key, ed25519.Ed25519PrivateKey):
        algorithm: dict[str, Any] = {"algorithm": "ed25519"}
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = {"algorithm": "sha256_ecdsa"}
    elif pss:
        algorithm = {"algorithm": "rsassa_pss", "parameters": {
            "hash_algorithm": {"algorithm": "sha256"},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": "sha256"}},
            "salt_length": 32, "trailer_field": "trailer_field_bc"}}
    else:
        algorithm = {"algorithm": "sha256_rsa"}
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": {"issuer_and_serial_number": {"issuer": asn1_cert.issuer, "serial_number": asn1_cert.serial_number}},
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": attributes,
        "signature_algorithm": algorithm,
        "signature": b"",
    })
    message = b"\x31" + signer["signed_attrs"].dump()[1:]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(message)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(message, ec.ECDSA(hashes.SHA256()))
    elif pss:
        signature = key.sign(message, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    else:
        signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    signer["signature"] = signature
    return cms.ContentInfo({"content_type": "signed_data", "content": {
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "tst_info", "content": tsp.TSTInfo.load(tst_info)},
        "certificates": [asn1_cert],
        "signer_infos": [signer],
    }}).dump()


@dataclass
class LocalTSA:
    folder: Path
    url: str = ""
    refuse: str | None = None  # None, "http" (HTTP 500) or "rejection" (OpenSSL's status rejection, badAlg)
    replies: int = 0
    ca_path: Path = field(init=False)
    cert_path: Path = field(init=False)
    key_path: Path = field(init=False)
    _ca: Any = None
    _ca_key: Any = None
    _signer: tuple[x509.Certificate, Any, bool] | None = None  # a signer OpenSSL cannot be, see sign_with
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def ca_pem(self) -> bytes:
        return self.ca_path.read_bytes()

    @property
    def cert_pem(self) -> bytes:
        return self.cert_path.read_bytes()

    def setup(self) -> None:
        self._ca, self._ca_key = make_ca()
        cert, key = issue_tsa(self._ca, self._ca_key)
        self.ca_path = self.folder / "ca.pem"
        self.cert_path = self.folder / "tsa.pem"
        self.key_path = self.folder / "tsa.key"
        self.ca_path.write_bytes(self._ca.public_bytes(serialization.Encoding.PEM))
        self.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key_path.write_bytes(_pem_key(key))
        (self.folder / "serial").write_text("01\n")
        for name, digests in (("tsa.cnf", "sha256, sha384, sha512"), ("rejecting.cnf", "sha512")):
            (self.folder / name).write_text(_CONFIG.format(dir=self.folder, policy=POLICY, digests=digests))

    def sign_with(self, *, key: str = "rsa", timestamping: bool = True, critical: bool = True) -> bytes:
        """Signs the tokens from now on with a new certificate from the same CA; returns its PEM."""
        cert, private = issue_tsa(self._ca, self._ca_key, key=key, timestamping=timestamping, critical=critical,
                                  common_name=f"Jarchy Test TSA ({key})")
        self._signer = (cert, private, key == "rsa-pss")
        return cert.public_bytes(serialization.Encoding.PEM)

    def reply(self, query: bytes) -> bytes:
        """OpenSSL's TimeStampResp to a DER TimeStampReq (re-signed where `sign_with` asked for another signer)."""
        with self._lock:  # one at a time: the serial file
            self.replies += 1
            query_path = self.folder / f"query-{self.replies}.tsq"
            reply_path = self.folder / f"reply-{self.replies}.tsr"
            query_path.write_bytes(query)
            config = "rejecting.cnf" if self.refuse == "rejection" else "tsa.cnf"
            subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(self.folder / config), "-queryfile", str(query_path),
                 "-inkey", str(self.key_path), "-signer", str(self.cert_path), "-chain", str(self.ca_path),
                 "-out", str(reply_path)],
                check=True, capture_output=True, timeout=30)
            answer = reply_path.read_bytes()
        if self._signer is None or self.refuse:
            return answer
        response = tsp.TimeStampResp.load(answer)
        cert, key, pss = self._signer
        token = resign(response["time_stamp_token"].dump(), cert, key, pss=pss)
        return tsp.TimeStampResp({"status": {"status": "granted"},
                                  "time_stamp_token": cms.ContentInfo.load(token)}).dump()

    def start(self) -> None:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if tsa.refuse == "http" or self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_error(500 if tsa.refuse == "http" else 415)
                    return
                body = tsa.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tsa"
        threading.Thread(target=self._server.serve_forever, name="local-tsa", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextmanager
def local_tsa(folder: Path) -> Iterator[LocalTSA]:
    folder.mkdir(parents=True, exist_ok=True)
    tsa = LocalTSA(folder)
    tsa.setup()
    tsa.start()
    try:
        yield tsa
    finally:
        tsa.stop()
