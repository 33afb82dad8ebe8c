"""Whether a reader may read one case, at 1,000 and at `--large` finished cases, on SQLite and PostgreSQL. Run from
the repo root: `PYTHONPATH=. .venv/bin/python tests/perf/bench_case_reading.py [--large 100000] [--reps 15]
[--only sqlite|postgresql]`. Not collected by pytest, not part of CI.

Every case page, its files, its comments and a delivery ask it of a reader who does not read every case (a press
secretary, a unit head). The databases are bench_inbox.py's (the same open work through the runtime, then the
finished cases in bulk, three completed tasks each). Two ways of asking, timed in turn on the same database and
session, median ms of `--reps` after 2 warm-ups:

- **list clause**: the case's id with the cases list's rights clause (`engine.people.access.readable_instances_clause`:
  started by the reader, or `id IN` every case with a task the reader holds, completed or is a candidate for),
  which is how `may_read_instance` asked before;
- **own tasks**: `engine.people.access.may_read_instance` as it is now, the case's own tasks by key.

The readers: the transport secretary on one of their open cases (a candidate: may read) and the health secretary
on the same case (may not). Each statement's plan is printed at the large size."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "perf"))

import bench_inbox  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from db.models import HumanTask, ProcessInstance, User  # noqa: E402
from db.vocabulary import TaskStatus  # noqa: E402
from engine.people import access  # noqa: E402

READERS = ("ps_transport", "ps_health")


def by_list_clause(session: Session, user: User, case: ProcessInstance) -> bool:
    clause = access.readable_instances_clause(user)
    return clause is None or session.scalar(select(ProcessInstance.id).where(ProcessInstance.id == case.id,
                                                                             clause)) is not None


def by_own_tasks(session: Session, user: User, case: ProcessInstance) -> bool:
    return access.may_read_instance(session, user, case)


WAYS: dict[str, Callable[[Session, User, ProcessInstance], bool]] = {"list clause": by_list_clause,
                                                                    "own tasks": by_own_tasks}


def measure(engine: Any, reps: int, plans: bool) -> dict[tuple[str, str], tuple[float, bool]]:
    found: dict[tuple[str, str], tuple[float, bool]] = {}
    with Session(engine) as session:
        case_id = session.scalar(select(HumanTask.instance_id).where(HumanTask.status == TaskStatus.OPEN,
                                                                    HumanTask.unit_key == "transport").limit(1))
        case = session.get(ProcessInstance, case_id)
        for username in READERS:
            user = session.scalars(select(User).where(User.username == username)).one()
            times: dict[str, list[float]] = {way: [] for way in WAYS}
            answers: dict[str, bool] = {}
            for i in range(reps + 2):
                for way, ask in WAYS.items():
                    started = time.perf_counter()
                    answers[way] = ask(session, user, case)
                    if i >= 2:
                        times[way].append(time.perf_counter() - started)
            assert len(set(answers.values())) == 1, (username, answers)  # both ways agree
            for way in WAYS:
                found[(username, way)] = (statistics.median(times[way]) * 1000, answers[way])
            if plans:
                for way, ask in WAYS.items():
                    print(f"--- {username}, {way}\n" + explained(
                        engine, session, lambda ask=ask, user=user: ask(session, user, case)))
    return found


def explained(engine: Any, session: Session, call: Callable[[], Any]) -> str:
    sent: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    if not sent:
        return "(no statement)\n"
    postgres = engine.dialect.name == "postgresql"
    shown = []
    for statement, parameters in sent:
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        rows = session.connection().exec_driver_sql(explain + statement, parameters).all()
        shown.append("\n".join(str(row[0]) if postgres else str(row[-1]) for row in rows))
    return "\n".join(shown) + "\n"


def sized(name: str, urls: tuple[str, str], large: int, reps: int) -> dict[str, Any]:
    spacing = min(timedelta(minutes=30), (bench_inbox.ARCHIVE_END - bench_inbox.ARCHIVE_START - timedelta(days=4))
                  / large)
    results = {}
    with tempfile.TemporaryDirectory() as var:
        for url, size in zip(urls, (1_000, large), strict=True):
            engine, _app = bench_inbox.prepared(f"{name} {size:,}", url, var, 30, size, spacing)
            results[size] = measure(engine, reps, plans=size == large)
            engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    tables: dict[str, dict[str, Any]] = {}
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            tables["SQLite"] = sized("SQLite", (f"sqlite:///{folder}/small.db", f"sqlite:///{folder}/large.db"),
                                     args.large, args.reps)
    pg = bench_inbox.postgres_schemas() if args.only != "sqlite" else None
    if pg:
        urls, admin, schemas = pg
        try:
            tables["PostgreSQL"] = sized("PostgreSQL", urls, args.large, args.reps)
        finally:
            with admin.connect() as conn:
                for schema in schemas:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    print(f"\nmedian ms of {args.reps} checks of one case (may read?), 1,000 / {args.large:,} finished cases")
    print("| database | reader | way | 1,000 | " + f"{args.large:,} | x |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for db, results in tables.items():
        for (username, way), (small_ms, answer) in results[1_000].items():
            large_ms, _ = results[args.large][(username, way)]
            print(f"| {db} | {username} ({'reads' if answer else 'refused'}) | {way} | {small_ms:.2f} | "
                  f"{large_ms:.2f} | {large_ms / small_ms:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
