"""A real transparency witness on 127.0.0.1 for the tests: C2SP tlog-witness's add-checkpoint over HTTP.

It knows the log's public key, opens each note with it (403 when not signed by it, 400 malformed), checks the
consistency proof from the size it last cosigned with engine.audit.merkle (409 with its size when `old` is not it,
422 for a proof that does not hold), and cosigns with its own Ed25519 key: a signed-note signature line under its
name over the checkpoint's body."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.audit import merkle, notes


class LocalWitness:
    def __init__(self, log_key: Ed25519PublicKey, name: str = "witness.test") -> None:
        self.log_key = log_key
        self.name = name
        self.key = Ed25519PrivateKey.generate()
        self.size, self.root = 0, merkle.EMPTY_ROOT
        self.answers: list[int] = []  # the status of every request, in order
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add_checkpoint(self, body: str) -> tuple[int, str]:
        head, sep, note = body.partition("\n\n")
        lines = head.split("\n")
        if not sep or not lines[0].startswith("old ") or not lines[0][4:].isdigit():
            return 400, "malformed request\n"
        old = int(lines[0][4:])
        try:
            proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
            checkpoint = notes.open_note(note, self.log_key)
        except notes.BadNote as exc:
            return (400 if exc.code == "malformed" else 403), exc.detail + "\n"
        except ValueError:
            return 400, "malformed proof\n"
        with self.lock:
            if old != self.size:
                return 409, f"{self.size}\n"
            if not merkle.verify_consistency(old, checkpoint.size, self.root, checkpoint.root, proof):
                return 422, "the consistency proof does not hold\n"
            self.size, self.root = checkpoint.size, checkpoint.root
        body_text = checkpoint.body().encode()
        stamp = notes.key_hash(self.name, self.key.public_key()) + self.key.sign(body_text)
        return 200, f"{notes.DASH}{self.name} {base64.b64encode(stamp).decode()}\n"

    def start(self) -> None:
        witness = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                request = self.rfile.read(length).decode("utf-8", "replace")
                if self.path != "/add-checkpoint":
                    status, answer = 404, "not found\n"
                else:
                    status, answer = witness.add_checkpoint(request)
                witness.answers.append(status)
                data = answer.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/x.tlog.size" if status == 409 else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@contextmanager
def local_witness(log_key: Ed25519PublicKey) -> Iterator[LocalWitness]:
    witness = LocalWitness(log_key)
    witness.start()
    try:
        yield witness
    finally:
        witness.stop()
