"""The floor of the peer workload: its seven requests served with nothing but what any design must do.

Run as `python tests/perf/peer/floor.py PORT THREADS URL` (URL: `sqlite:///FILE` or a `postgresql+psycopg://`
address with `?options=-csearch_path%3DSCHEMA`). tests/perf/bench_peer.py runs it as mode "f" with the same client
as Jarchy's mode b, so the difference between b and f is what Jarchy adds on this machine, and f against a says how
close to the engine any server on this stack can come.

What it keeps of a real server: the same gunicorn (one worker, THREADS threads, the same access log line a request);
the same URLs, JSON bodies in and out, and a bearer token compared on every request; every write a transaction of
its own, committed durably with the database's settings as Jarchy opens it (SQLite: WAL, `BEGIN IMMEDIATE`,
`synchronous` left at its default, FULL; PostgreSQL: the server's, `synchronous_commit` on), the case and its open
task each a row, the form data stored as JSON. What it leaves out, each of which Jarchy must do: the engine (mode a
measures it), the state's serialization, form validation, the audit trail, deadlines, notifications, permissions,
the case's full presentation. The three user tasks and the outcome are a fixed list here: the answer a client sees
is the same as Jarchy's for this diagram, and nothing else is computed.

Hand-written because it measures the least a server can do; no library does that for us."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

TOKEN = "floor-token"  # noqa: S105 (a bench's fixed token, compared as a real one would be)
STEPS = ("prepare", "review", "publish")
SQLITE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cases (id INTEGER PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tasks (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), "
    "bpmn_id TEXT NOT NULL, status TEXT NOT NULL, data TEXT)",
    "CREATE INDEX IF NOT EXISTS tasks_case ON tasks (case_id)",
)
POSTGRES_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cases (id SERIAL PRIMARY KEY, status TEXT NOT NULL, data JSONB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tasks (id SERIAL PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), "
    "bpmn_id TEXT NOT NULL, status TEXT NOT NULL, data JSONB)",
    "CREATE INDEX IF NOT EXISTS tasks_case ON tasks (case_id)",
)

# SQLite has no row lock: its BEGIN IMMEDIATE took the database's write lock already.
OPEN_TASK = ("SELECT t.bpmn_id, c.id, c.data FROM tasks t JOIN cases c ON c.id = t.case_id "
             "WHERE t.id = ? AND t.status = 'open'")

Respond = Callable[..., Any]


class Floor:
    """The WSGI app: one database connection a thread, opened as Jarchy opens its own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite:///")
        self.local = threading.local()
        with self._connection() as conn:  # the tables, before the first request
            self._run(conn, SQLITE_SCHEMA if self.sqlite else POSTGRES_SCHEMA)

    def _connection(self) -> Any:
        if self.sqlite:
            conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30, check_same_thread=False)
            conn.isolation_level = None  # BEGIN IMMEDIATE is sent by hand, as Jarchy's engine does
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            return conn
        import psycopg

        parts = urlsplit(self.url.replace("postgresql+psycopg://", "postgresql://", 1))
        return psycopg.connect(parts._replace(query="").geturl(), options=parse_qs(parts.query)["options"][0])

    def _run(self, conn: Any, statements: Iterable[str]) -> None:
        for statement in statements:
            conn.execute(statement)
        if not self.sqlite:
            conn.commit()

    def _conn(self) -> Any:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = self._connection()
        return conn

    def _write(self, work: Callable[[Any], Any]) -> Any:
        """`work` in a transaction of its own, committed before the answer goes."""
        conn = self._conn()
        if self.sqlite:
            conn.execute("BEGIN IMMEDIATE")
        try:
            done = work(conn)
        except BaseException:
            conn.rollback() if not self.sqlite else conn.execute("ROLLBACK")
            raise
        conn.commit() if not self.sqlite else conn.execute("COMMIT")
        return done

    def _p(self, statement: str) -> str:
        return statement if self.sqlite else statement.replace("?", "%s")

    def _data(self, value: Any) -> dict[str, Any]:
        return json.loads(value) if isinstance(value, str) else value

    def start(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        def work(conn: Any) -> dict[str, Any]:
            data = {**body["data"], "urgent": False}
            case_id = conn.execute(self._p("INSERT INTO cases (status, data) VALUES ('running', ?) RETURNING id"),
                                   (json.dumps(data),)).fetchone()[0]
            conn.execute(self._p("INSERT INTO tasks (case_id, bpmn_id, status) VALUES (?, ?, 'open')"),
                         (case_id, STEPS[0]))
            return {"id": case_id, "process_key": body["process_key"], "status": "running", "data": data}

        return "201 Created", self._write(work)

    def inbox(self, query: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
        conn = self._conn()
        rows = conn.execute(self._p("SELECT id, bpmn_id FROM tasks WHERE case_id = ? AND status = ?"),
                            (int(query["instance_id"][0]), query["status"][0])).fetchall()
        if not self.sqlite:
            conn.commit()  # the read's transaction ended, as Jarchy's request ends its own
        return "200 OK", {"items": [{"id": r[0], "bpmn_id": r[1], "status": "open"} for r in rows]}

    def complete(self, task_id: int, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        def work(conn: Any) -> dict[str, Any]:
            row = conn.execute(self._p(OPEN_TASK if self.sqlite else OPEN_TASK + " FOR UPDATE OF c"),
                               (task_id,)).fetchone()
            bpmn_id, case_id, data = row[0], row[1], {**self._data(row[2]), **body["data"]}
            conn.execute(self._p("UPDATE tasks SET status = 'completed', data = ? WHERE id = ?"),
                         (json.dumps(body["data"]), task_id))
            at = STEPS.index(bpmn_id)
            if at + 1 < len(STEPS):
                conn.execute(self._p("INSERT INTO tasks (case_id, bpmn_id, status) VALUES (?, ?, 'open')"),
                             (case_id, STEPS[at + 1]))
                status = "running"
            else:
                data |= {"outcome": "approved", "words": len(data.get("text", "").split())}
                status = "completed"
            conn.execute(self._p("UPDATE cases SET status = ?, data = ? WHERE id = ?"),
                         (status, json.dumps(data), case_id))
            return {"task": {"id": task_id, "status": "completed"},
                    "instance": {"id": case_id, "status": status, "data": data}}

        return "200 OK", self._write(work)

    def __call__(self, environ: dict[str, Any], start_response: Respond) -> list[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length)) if length else None
        if path == "/healthz":
            return self._answer(start_response, "200 OK", {"status": "ok"})
        if path == "/api/v1/auth/token":
            return self._answer(start_response, "200 OK", {"access_token": TOKEN})
        if environ.get("HTTP_AUTHORIZATION") != f"Bearer {TOKEN}":
            return self._answer(start_response, "401 Unauthorized", {"message": "a token is needed"})
        if path == "/api/v1/process-instances" and method == "POST":
            return self._answer(start_response, *self.start(body))
        if path == "/api/v1/tasks" and method == "GET":
            return self._answer(start_response, *self.inbox(parse_qs(environ.get("QUERY_STRING", ""))))
        if path.startswith("/api/v1/tasks/") and path.endswith("/complete") and method == "POST":
            return self._answer(start_response, *self.complete(int(path.split("/")[4]), body))
        return self._answer(start_response, "404 Not Found", {"message": "no such route"})

    def _answer(self, start_response: Respond, status: str, body: dict[str, Any]) -> list[bytes]:
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


def main(port: int, threads: int, url: str) -> None:
    from gunicorn.app.base import BaseApplication

    from api.cli import ACCESS_LOG_FORMAT

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:  # as `jarchy serve` sets gunicorn up
            self.cfg.set("bind", f"127.0.0.1:{port}")
            self.cfg.set("workers", 1)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            self.cfg.set("access_log_format", ACCESS_LOG_FORMAT)

        def load(self) -> Any:
            return Floor(url)

    Server().run()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
