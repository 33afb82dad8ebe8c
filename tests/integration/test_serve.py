"""The installed `jarchy` command, end to end: init twice, add a unit and a user, serve, sign in."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

JARCHY = str(Path(sys.executable).with_name("jarchy"))


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JARCHY, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "JARCHY_VAR_DIR": str(tmp_path / "var"), "JARCHY_DATABASE_URL": "", "JARCHY_REDIS_URL": ""}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_init_is_idempotent_and_serve_answers_on_localhost(env: dict[str, str], tmp_path: Path) -> None:
    first = run(env, "init")
    assert first.returncode == 0, first.stderr
    assert "information_request version 1 deployed" in first.stdout
    again = run(env, "init")
    assert again.returncode == 0 and "information_request version 1 unchanged" in again.stdout
    assert (tmp_path / "var" / "jarchy.db").exists() and (tmp_path / "var" / "secret_key").exists()
    assert run(env, "units", "add", "transport", "--name", "Transport").returncode == 0
    added = run(env, "users", "add", "bakyt", "--password", "a long password", "--role", "press_secretary",
                "--unit", "transport")
    assert added.returncode == 0, added.stderr
    bad = run(env, "users", "add", "nounit", "--password", "a long password", "--role", "unit_head")
    assert bad.returncode == 1 and "unit" in bad.stderr

    with serving(env, tmp_path) as base:
        request = urllib.request.Request(f"{base}/api/v1/auth/token", method="POST",
                                         data=json.dumps({"username": "bakyt", "password": "a long password"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["token_type"] == "Bearer"
        # A private link's token, in the query, never reaches the access log (the path does).
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/api/v1/media-plan.ics?token=secret-token-0123456789", timeout=10)
    logged = "".join(p.read_text() for p in tmp_path.glob("serve-*.log"))
    assert "/api/v1/media-plan.ics" in logged and "secret-token-0123456789" not in logged


@contextlib.contextmanager
def serving(env: dict[str, str], tmp_path: Path, attempts: int = 3) -> Iterator[str]:
    """`jarchy serve` on a free port, answering /healthz. A port found free can be taken by another test
    before the server binds it: then the server gives up and another port is tried."""
    for attempt in range(attempts):
        port = free_port()
        log = tmp_path / f"serve-{attempt}.log"
        with log.open("w") as out:
            server = subprocess.Popen([JARCHY, "serve", "--port", str(port)], env=env, stdout=out,
                                      stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            health = _wait_for(f"{base}/healthz", server)
            if health is None:
                continue
            assert health == {"app": "api", "broker": "not configured", "database": "ok"}, log.read_text()
            yield base
            return
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
    raise AssertionError("jarchy serve never answered: " + log.read_text()[-3000:])


def _wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> dict[str, str] | None:
    """The health answer, or None if the server exited (its port was taken) or never answered as Jarchy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)  # type: ignore[no-any-return]
        except (OSError, ValueError):
            time.sleep(0.2)
    return None
