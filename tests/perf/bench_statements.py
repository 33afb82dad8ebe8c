"""How many SQL statements each request of an information request costs over HTTP, on SQLite and on PostgreSQL:
the start (`POST /api/v1/process-instances`) and the completion of each of its tasks (`POST /api/v1/tasks/{id}/
complete`), along two paths: the PR department triages, answers and sends; or it triages to a unit's press
secretary with two contributing units, whose heads contribute, the secretary answers, the PR department approves
and the secretary sends (`escalate_overdue`, a task beside the work opened by a timer, is not on either). Run from
the repo root:
`.venv/bin/python tests/perf/bench_statements.py [--earlier N] [--verbose]`.

One app per database (SQLite in a temporary folder; PostgreSQL in a fresh schema `bench_statements_<pid>` at
`JARCHY_TEST_POSTGRES`, dropped at the end, skipped with a message when unreachable), Flask's test client, a
FrozenClock at Mon 2 Mar 2026 09:00 Asia/Bishkek. N earlier cases are run to the end first (default 5), so the
counts are those of a database in use; then one case of each path is started and its tasks completed, each as
its user, counting every statement
each request sends (SQLAlchemy's `before_cursor_execute`: SQLite's `BEGIN IMMEDIATE` included; the commit, a
driver call, and SQLite's connection PRAGMAs not) and its commits (the engine's `commit` event). Prints a table of
the counts and, per request, the statements grouped by kind and first table (`--verbose`: each statement too).
See tests/perf/README.md."""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _postgres import PG_URL, pg_admin
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from api import create_app
from db.migrate import upgrade
from db.session import make_engine
from engine.core.settings import Settings
from engine.people.accounts import create_unit, create_user
from engine.procedures.definitions import deploy
from engine.spiff.clock import FrozenClock

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PASSWORD = "a long password"
REQUEST = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
           "contact": {"email": "aida@example.kg"}, "subject": "Bus fares", "question": "Will bus fares rise?"}
ANSWER = {"answer": "Fares stay as they are.", "confirm_no_confidential": True, "refuse": False}
# Each path: (task, who completes it, the unit of the task when several are open, its data).
PATHS = {
    "the PR department answers": (
        ("triage", "pr", None, {"handler": "pr_department", "contributors": []}),
        ("prepare_answer", "pr", None, ANSWER),
        ("send_answer", "pr", None, {"sent_via": "email"})),
    "a unit's press secretary answers, two units contribute, the PR department approves": (
        ("triage", "pr", None, {"handler": "press_secretary", "unit": "transport",
                                "contributors": ["finance", "culture"]}),
        ("contribute", "head_finance", "finance", {"contribution": "The budget holds the fares."}),
        ("contribute", "head_culture", "culture", {"contribution": "Nothing from culture."}),
        ("prepare_answer", "secretary", None, ANSWER),
        ("approve_answer", "pr", None, {"decision": "approve", "confirm_no_confidential": True}),
        ("send_answer", "secretary", None, {"sent_via": "email"})),
}
USERS = (("pr", ["pr_department"], None), ("secretary", ["press_secretary"], "transport"),
         ("head_finance", ["unit_head"], "finance"), ("head_culture", ["unit_head"], "culture"))
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN)\s+\"?(\w+)\"?", re.IGNORECASE)


def kind_and_table(statement: str) -> str:
    """`SELECT process_instances`: the statement's verb and the first table it names (a bare BEGIN: the verb)."""
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
    table = _TABLE.search(statement)
    return f"{verb} {table.group(1)}" if table else verb


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    commits: int = 0


@contextmanager
def counted(engine: Any) -> Iterator[Counted]:
    """The statements `engine` sends while the block runs, and its commits."""
    seen = Counted()

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statements.append(statement)

    def committed(_conn: Any) -> None:
        seen.commits += 1

    event.listen(engine, "before_cursor_execute", note)
    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
        event.remove(engine, "commit", committed)


def seed(app: Any) -> None:
    sessions, ctx = app.extensions["jarchy.sessions"], app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        deploy(session, (WORKFLOWS / "information_request.bpmn").read_bytes(), actor="bench",
               at=ctx.now())
        for key in ("transport", "finance", "culture"):
            create_unit(session, key=key, name=key.title(), actor="bench", at=ctx.now())
        for username, roles, unit in USERS:
            create_user(session, username=username, display_name=username, password=PASSWORD, roles=roles,
                        unit=unit, actor="bench", at=ctx.now())


def start(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    """Start a case over the API; the answer (the case with its open tasks)."""
    response = client.post("/api/v1/process-instances", headers=headers,
                           json={"process_key": "information_request", "data": REQUEST})
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def complete(client: Any, headers: dict[str, str], case: dict[str, Any], name: str, unit: str | None,
             data: dict[str, Any]) -> dict[str, Any]:
    """Complete the case's open task `name` (of `unit`, where several are open; the tasks its last answer listed);
    the case as the answer gives it."""
    [task] = [t for t in case["tasks"] if t["bpmn_id"] == name and (unit is None or t["unit"] == unit)]
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers, json={"data": data})
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json()["instance"])


def run_case(client: Any, headers: dict[str, dict[str, str]], path: tuple[Any, ...],
             engine: Any | None = None) -> list[Counted]:
    """One case from its start to its end along `path`; with `engine`, each request's statements counted."""
    counts: list[Counted] = []
    with counted(engine) if engine is not None else nullcontext(Counted()) as seen:
        case = start(client, headers["pr"])
    counts.append(seen)
    for name, user, unit, data in path:
        with counted(engine) if engine is not None else nullcontext(Counted()) as seen:
            case = complete(client, headers[user], case, name, unit, data)
        counts.append(seen)
    assert case["status"] == "completed" and not case["tasks"], case
    return counts


def measure(url: str, folder: Path, earlier: int) -> dict[str, list[Counted]]:
    """The statements of each request of one case of each path, after `earlier` cases of each ran to their end."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek")))
    # E-mail configured, as in an office: a notification reads its recipients' choices (the mail itself is the
    # worker's, not the request's).
    app = create_app({"SETTINGS": Settings(database_url=url, secret_key="bench" * 8, var_dir=folder,
                                           smtp_url="smtp://127.0.0.1:2525"),
                      "CLOCK": clock})
    try:
        seed(app)
        client = app.test_client()
        headers = {}
        for username, _, _ in USERS:
            token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).get_json()
            headers[username] = {"Authorization": f"Bearer {token['access_token']}"}
        for _ in range(earlier):
            for path in PATHS.values():
                run_case(client, headers, path)
        return {name: run_case(client, headers, path, app.extensions["jarchy.engine"])
                for name, path in PATHS.items()}
    finally:
        app.extensions["jarchy.engine"].dispose()


def groups(statements: list[str]) -> str:
    counts = Counter(kind_and_table(s) for s in statements)
    return ", ".join(f"{count} {group}" for group, count in sorted(counts.items(), key=lambda i: (-i[1], i[0])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--earlier", type=int, default=5, help="cases run to their end before the one counted")
    parser.add_argument("--verbose", action="store_true", help="also print every statement, in order")
    args = parser.parse_args()
    results: dict[str, dict[str, list[Counted]]] = {}
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
    print(f"Statements (commits) of each request of an information request, after {args.earlier} earlier cases "
          "of each path")
    for path_name, path in PATHS.items():
        requests = ["start", *(name for name, *_ in path)]
        print(f"\n{path_name}:\n")
        print("| database | " + " | ".join(requests) + " |")
        print("| --- |" + " ---: |" * len(requests))
        for database, paths in results.items():
            print(f"| {database} | " + " | ".join(f"{len(c.statements)} ({c.commits})" for c in paths[path_name])
                  + " |")
    for database, paths in results.items():
        for path_name, path in PATHS.items():
            print(f"\n{database}, {path_name}")
            for request, seen in zip(["start", *(name for name, *_ in path)], paths[path_name], strict=True):
                print(f"  {request}: {groups(seen.statements)}")
                if args.verbose:
                    for statement in seen.statements:
                        print("      " + " ".join(statement.split())[:160])


if __name__ == "__main__":
    main()
