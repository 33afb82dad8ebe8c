"""What the benchmarks that serve Jarchy over HTTP share: a free port, and a server process run until the block ends,
once it answers `/healthz`. Imported as a sibling module, like `_postgres`."""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(argv: Callable[[int], list[str]], env: dict[str, str], folder: Path, cwd: Path,
            seconds: float = 30) -> Iterator[int]:
    """The process `argv(port)` on a free port, its output in FOLDER/serve-PORT.log, stopped when the block ends;
    the port, once `/healthz` answers (SystemExit naming the log if it does not within `seconds`)."""
    port = free_port()
    log = (folder / f"serve-{port}.log").open("w")
    child = subprocess.Popen(argv(port), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        deadline = time.monotonic() + seconds
        while True:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; see {log.name}")
            time.sleep(0.1)
        yield port
    finally:
        child.terminate()
        child.wait(timeout=30)
        log.close()
