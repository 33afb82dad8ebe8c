"""How many SQL statements one task completion costs over HTTP: `POST /api/v1/tasks/{id}/complete` of an
information request's triage, on SQLite and on PostgreSQL. Run from the repo root:
`.venv/bin/python tests/perf/bench_statements.py [--earlier N]`.

One app per database (SQLite in a temporary folder; PostgreSQL in a fresh schema `bench_statements_<pid>` at
`JARCHY_TEST_POSTGRES`, dropped at the end, skipped with a message when unreachable), Flask's test client, a
FrozenClock at Mon 2 Mar 2026 09:00 Asia/Bishkek. N earlier cases are started and triaged first (default 5), so
the count is that of a database in use; then one case is started and its triage completed (by the PR department,
no contributors), counting every statement the request sends (SQLAlchemy's `before_cursor_execute`: SQLite's
`BEGIN IMMEDIATE` included; the commit, a driver call, and SQLite's connection PRAGMAs not). Prints the count and
the statements grouped by kind and first table (`--verbose`: each statement too). See tests/perf/README.md."""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from api import create_app
from db.migrate import upgrade
from db.session import make_engine
from engine.core.settings import Settings
from engine.people.accounts import create_unit, create_user
from engine.procedures.definitions import deploy
from engine.spiff.clock import FrozenClock

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PG_URL = os.environ.get("JARCHY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "a long password"
REQUEST = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
           "contact": {"email": "aida@example.kg"}, "subject": "Bus fares", "question": "Will bus fares rise?"}
TRIAGE = {"handler": "pr_department", "contributors": []}
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN)\s+\"?(\w+)\"?", re.IGNORECASE)


def kind_and_table(statement: str) -> str:
    """`SELECT process_instances`: the statement's verb and the first table it names (a bare BEGIN: the verb)."""
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
    table = _TABLE.search(statement)
    return f"{verb} {table.group(1)}" if table else verb


@contextmanager
def counted(engine: Any) -> Iterator[list[str]]:
    """The statements `engine` sends while the block runs."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def seed(app: Any) -> None:
    sessions, ctx = app.extensions["jarchy.sessions"], app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        deploy(session, (WORKFLOWS / "information_request.bpmn").read_bytes(), actor="bench",
               at=ctx.now())
        create_unit(session, key="transport", name="Transport", actor="bench", at=ctx.now())
        create_user(session, username="pr", display_name="PR", password=PASSWORD, roles=["pr_department"],
                    actor="bench", at=ctx.now())


def start_and_triage_id(client: Any, headers: dict[str, str]) -> str:
    """Start a case over the API; its triage task's id."""
    response = client.post("/api/v1/process-instances", headers=headers,
                           json={"process_key": "information_request", "data": REQUEST})
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["tasks"][0]["id"])


def complete(client: Any, headers: dict[str, str], task_id: str) -> None:
    response = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers, json={"data": TRIAGE})
    assert response.status_code == 200, response.get_json()


def measure(url: str, folder: Path, earlier: int) -> list[str]:
    """The statements of one triage completion, after `earlier` cases were triaged."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek")))
    app = create_app({"SETTINGS": Settings(database_url=url, secret_key="bench" * 8, var_dir=folder),
                      "CLOCK": clock})
    try:
        seed(app)
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "pr", "password": PASSWORD}).get_json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for _ in range(earlier):
            complete(client, headers, start_and_triage_id(client, headers))
        task_id = start_and_triage_id(client, headers)
        with counted(app.extensions["jarchy.engine"]) as seen:
            complete(client, headers, task_id)
        return seen
    finally:
        app.extensions["jarchy.engine"].dispose()


def pg_admin(*statements: str) -> None:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


def report(database: str, seen: list[str]) -> None:
    groups = Counter(kind_and_table(s) for s in seen)
    overrides = sum("calendar_overrides" in s for s in seen)
    print(f"\n{database}: {len(seen)} statements ({overrides} touching calendar_overrides)")
    for group, count in sorted(groups.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:3d}  {group}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--earlier", type=int, default=5, help="cases triaged before the one counted (default 5)")
    parser.add_argument("--verbose", action="store_true", help="also print every statement, in order")
    args = parser.parse_args()
    results: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="jarchy-bench-") as folder:
        results["SQLite"] = measure(f"sqlite:///{Path(folder) / 'bench.db'}", Path(folder), args.earlier)
    schema = f"bench_statements_{os.getpid()}"
    drop = f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'
    try:
        pg_admin(drop, f'CREATE SCHEMA "{schema}"')
    except OperationalError as exc:
        print(f"PostgreSQL at {PG_URL} is NOT reachable, skipped: {str(exc.orig).splitlines()[0]}")
    else:
        try:
            with tempfile.TemporaryDirectory(prefix="jarchy-bench-") as folder:
                url = f"{PG_URL}?options=-csearch_path%3D{schema}"
                results["PostgreSQL"] = measure(url, Path(folder), args.earlier)
        finally:
            pg_admin(drop)
    print(f"POST /api/v1/tasks/{{id}}/complete (information request triage, after {args.earlier} earlier cases)")
    for database, seen in results.items():
        report(database, seen)
        if args.verbose:
            for statement in seen:
                print("      " + " ".join(statement.split())[:160])


if __name__ == "__main__":
    main()
