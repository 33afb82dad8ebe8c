"""The installed `jarchy` command, end to end: init twice, add a unit and a user, serve, sign in."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
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

    port = free_port()
    server = subprocess.Popen([JARCHY, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        health = _wait_for(f"{base}/healthz")
        assert health == {"app": "api", "broker": "not configured", "database": "ok"}
        request = urllib.request.Request(f"{base}/api/v1/auth/token", method="POST",
                                         data=json.dumps({"username": "bakyt", "password": "a long password"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["token_type"] == "Bearer"
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_for(url: str, seconds: float = 90) -> dict[str, str]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.load(response)  # type: ignore[no-any-return]
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
