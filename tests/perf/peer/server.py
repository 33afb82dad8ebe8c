"""`jarchy serve` for the peer benchmark (tests/perf/bench_peer.py), with the bench's own instruments around the app.

Run as `python tests/perf/peer/server.py PORT THREADS` with the usual JARCHY_* environment. It is the product's
`serve` command (gunicorn, one worker, THREADS threads), with the WSGI app wrapped by `Instruments`:

- every SQL statement a request sends is counted (a `before_cursor_execute` listener on every SQLAlchemy engine,
  installed here only, never in product code; the timer loop's sweeps are not counted), and so is every request;
- `GET /__bench/stats` answers the counts, `POST /__bench/reset` zeroes them;
- `POST /__bench/sample/start` and `/__bench/sample/stop?out=FILE`: the wall-clock sampler of
  tests/perf/peer/sampler.py over the requests between them (stage by layer, in seconds), written as JSON;
- `POST /__bench/profile/start` starts a cProfile of the requests that follow (the profiler is enabled around each
  request in the thread serving it: the client is sequential, so one request runs at a time), and
  `POST /__bench/profile/stop?out=FILE` writes the pstats to FILE.

The timer loop of `serve` (a sweep every 5 s without Redis) runs as in production; it is not profiled.
Why a wrapper: the counts and the profile are the bench's, and product code must not carry them."""

from __future__ import annotations

import cProfile
import json
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from tests.perf.peer.sampler import Sampler  # noqa: E402

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Instruments:
    """The app with the bench's counters and profiler around it (see the module's docstring)."""

    def __init__(self, app: Wsgi) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.statements = 0
        self.requests = 0
        self.profile: cProfile.Profile | None = None
        self.serving = threading.local()
        self.sampler = Sampler()
        event.listen(Engine, "before_cursor_execute", self._statement)

    def _statement(self, *_: Any) -> None:
        if getattr(self.serving, "request", False):  # not the timer loop's sweeps: they run beside the requests
            with self.lock:
                self.statements += 1

    def _answer(self, start_response: Callable[..., Any], body: dict[str, Any]) -> list[bytes]:
        data = json.dumps(body).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _control(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path = environ["PATH_INFO"]
        if path == "/__bench/reset":
            with self.lock:
                self.statements = self.requests = 0
        elif path == "/__bench/profile/start":
            self.profile = cProfile.Profile()
        elif path == "/__bench/sample/start":
            self.sampler.start()
        elif path == "/__bench/sample/stop":
            out = parse_qs(environ.get("QUERY_STRING", ""))["out"][0]
            Path(out).write_text(json.dumps(self.sampler.stop()))
        elif path == "/__bench/profile/stop" and self.profile is not None:
            out = parse_qs(environ.get("QUERY_STRING", ""))["out"][0]
            self.profile.dump_stats(out)
            self.profile = None
        return self._answer(start_response, {"statements": self.statements, "requests": self.requests})

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"].startswith("/__bench/"):
            return self._control(environ, start_response)
        with self.lock:
            self.requests += 1
        profile = self.profile
        self.serving.request = True
        self.sampler.begin(kind(environ))
        if profile is not None:
            profile.enable()
        try:
            answer = self.app(environ, start_response)
            try:
                return list(answer)  # the body is made (and the request's transaction ended) inside
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()
        finally:
            if profile is not None:
                profile.disable()
            self.sampler.end()
            self.serving.request = False


def kind(environ: dict[str, Any]) -> str:
    """The peer workload's three kinds of request."""
    path = environ["PATH_INFO"]
    if path.endswith("/complete"):
        return "complete"
    return "inbox" if environ["REQUEST_METHOD"] == "GET" else "start"


def main(port: int, threads: int) -> None:
    import api
    import api.cli

    def create_app() -> Any:
        app = api.create_app()
        app.wsgi_app = Instruments(app.wsgi_app)  # type: ignore[method-assign]
        return app

    api.cli.create_app = create_app  # `serve` builds its app through this name
    api.cli.main(["serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
                 standalone_mode=False)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
