"""A small wall-clock sampling profiler for the peer benchmark's server (tests/perf/peer/server.py): py-spy is not
installed here, and cProfile can say neither where a request waits nor which stage a SQLAlchemy call served.

While on, a thread looks at the serving thread's stack every half millisecond (`sys._current_frames`) and adds the
time since its last look to one cell: (the request's kind, its stage, its layer). The **stage** is the innermost
frame on the stack that is one of `STAGES` (what the request was doing: authenticating, loading the case, running
SpiffWorkflow, validating the form, saving, projecting, auditing, presenting...); the **layer** is where the
innermost frame's code lives (the driver or the database waited on, SQLAlchemy's ORM, its compiler and cache keys,
SpiffWorkflow, Jarchy's own code...). Stage by layer, every cell exclusive: they add up to the request's time in the
server. A sample taken while the thread runs C code (the driver's `execute`, a socket's `recv`) is charged to the
Python frame that called it, which is how waiting on the database and on the sandbox process is seen. While it
samples, the interpreter switches threads every 0.2 ms instead of 5 (see `Sampler.start`); a sample still waits
for the GIL, so a stretch of Python is charged to a point inside it, not exactly where it ended."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from typing import Any

INTERVAL = 0.0005
SWITCH = 0.0002  # the interpreter's switch interval while sampling (see Sampler.start)

# (stage, file path ending, function names): the innermost match on the stack wins.
STAGES: list[tuple[str, str, tuple[str, ...]]] = [
    ("auth: the token's user", "engine/people/credentials.py", ("bearer",)),
    ("request body (marshmallow load)", "marshmallow/schema.py", ("load",)),
    ("answer serialization (marshmallow dump, JSON)", "marshmallow/schema.py", ("dump",)),
    ("answer serialization (marshmallow dump, JSON)", "flask/json/provider.py", ("dumps", "response")),
    ("loading the case (lock, definition, deserialize)", "engine/runtime/loading.py", ("load",)),
    ("loading the case (lock, definition, deserialize)", "engine/runtime/steps.py", ("lock", "open")),
    ("deserialize the state", "engine/spiff/serializer.py", ("load",)),
    ("form validation", "engine/runtime/steps.py", ("validated",)),
    ("SpiffWorkflow steps", "engine/runtime/steps.py", ("advance",)),
    ("scripts: sandbox round trips", "engine/spiff/sandbox_process.py", ("run",)),
    ("save: serialize the state", "engine/spiff/serializer.py", ("dump",)),
    ("save: projection (tasks, timers, case words)", "engine/runtime/projection.py", ("sync", "close")),
    ("save: projection (tasks, timers, case words)", "engine/runtime/steps.py", ("save",)),
    ("save: notifications (the task's candidates)", "engine/runtime/notifications.py", ("notify_task",)),
    ("audit events", "engine/audit/chain.py", ("record",)),
    ("the operation's own code", "engine/runtime/operations.py", ("start", "complete_task", "_start")),
    ("the inbox query", "engine/reads/queries.py", ("inbox",)),
    ("present the answer", "api/present.py", ("tasks", "completion", "instance", "page")),
    ("commit", "api/database.py", ("_commit",)),
]

_DRIVER_CALLS = ("do_execute", "do_executemany", "do_commit", "do_rollback", "do_begin", "fetchone", "fetchall",
                 "fetchmany", "_fetchone_impl", "_fetchall_impl", "do_execute_no_params", "_handle_dbapi_exception")


def layer(filename: str, function: str) -> str:
    """Where the innermost frame's code lives."""
    if "psycopg" in filename or "sqlite3" in filename:
        return "driver / database"
    if "sqlalchemy/" in filename:
        if filename.endswith(("engine/default.py", "engine/base.py", "engine/cursor.py")) and function in _DRIVER_CALLS:
            return "driver / database"
        if filename.endswith("engine/base.py") and function in ("_commit_impl", "_begin_impl"):
            return "driver / database"
        if "/orm/" in filename:
            return "SQLAlchemy ORM"
        if "/sql/" in filename:
            return "SQLAlchemy SQL: statements, compile, cache keys"
        return "SQLAlchemy engine, pool, results"
    if "multiprocessing/" in filename or filename.endswith(("socket.py", "selectors.py")) \
            or "sandbox_process" in filename:
        return "sandbox process (waiting)"
    for part, name in (("SpiffWorkflow/", "SpiffWorkflow"), ("jsonschema", "jsonschema"),
                       ("marshmallow", "marshmallow, flask-smorest, webargs"),
                       ("flask_smorest", "marshmallow, flask-smorest, webargs"),
                       ("webargs", "marshmallow, flask-smorest, webargs"), ("flask/", "Flask, Werkzeug"),
                       ("werkzeug/", "Flask, Werkzeug"), ("itsdangerous", "Flask, Werkzeug"),
                       ("RestrictedPython", "RestrictedPython"), ("/json/", "json")):
        if part in filename:
            return name
    if "site-packages" in filename or "/lib/python3" in filename:
        return "other libraries, stdlib"
    return "Jarchy's own code"


def stage(frame: Any) -> str:
    while frame is not None:
        code = frame.f_code
        for name, suffix, functions in STAGES:
            if code.co_name in functions and code.co_filename.endswith(suffix):
                return name
        frame = frame.f_back
    return "Flask, routing, the rest"


class Sampler:
    """Samples the thread serving the current request (one at a time: the client is sequential)."""

    def __init__(self) -> None:
        self.cells: Counter[tuple[str, str, str]] = Counter()
        self.requests: Counter[str] = Counter()
        self.serving: tuple[int, str] | None = None  # (thread id, request kind)
        self.on = False
        self.thread: threading.Thread | None = None
        self.switch = sys.getswitchinterval()

    def start(self) -> None:
        self.cells.clear()
        self.requests.clear()
        # The serving thread holds the GIL while it runs Python; at the default 5 ms switch interval this thread
        # would mostly look when that one waits (on the database, a socket), and charge the Python before to it.
        self.switch = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH)
        self.on = True
        self.thread = threading.Thread(target=self._loop, name="bench-sampler", daemon=True)
        self.thread.start()

    def stop(self) -> dict[str, Any]:
        self.on = False
        if self.thread is not None:
            self.thread.join()
        sys.setswitchinterval(self.switch)
        return {"requests": dict(self.requests),
                "cells": [[kind, st, ly, seconds] for (kind, st, ly), seconds in self.cells.items()]}

    def begin(self, kind: str) -> None:
        if self.on:
            self.requests[kind] += 1
            self.serving = (threading.get_ident(), kind)

    def end(self) -> None:
        self.serving = None

    def _loop(self) -> None:
        last = time.perf_counter()
        while self.on:
            time.sleep(INTERVAL)
            now = time.perf_counter()
            elapsed, last = now - last, now
            serving = self.serving
            if serving is None:
                continue
            frame = sys._current_frames().get(serving[0])
            if frame is None:
                continue
            self.cells[(serving[1], stage(frame), layer(frame.f_code.co_filename, frame.f_code.co_name))] += elapsed
