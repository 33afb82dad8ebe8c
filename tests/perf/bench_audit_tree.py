"""What the audit's Merkle tree costs (issue 18, point 7), on SQLite and on PostgreSQL. Run from the repo root:
`.venv/bin/python tests/perf/bench_audit_tree.py [--n 50] [--reps 3] [--sqlite-sizes 1000,1000000]
[--pg-sizes 1000,1000000,10000000] [--only sqlite|postgresql]` (about 5 minutes here, most of it writing the
10,000,000 simulated leaves into PostgreSQL; in a git worktree whose venv points elsewhere put `PYTHONPATH=.`
before it). Not collected by pytest, not part of CI. Every figure is a ratio or a time taken in the same run on
the same machine: never a threshold. See tests/perf/README.md.

1. A task completion with and without the tree: Flask's test client, `POST /api/v1/tasks/{id}/complete` of an
   information request's triage (PR department, no contributors), N cases started first (untimed). Three modes,
   `--reps` rounds each, interleaved: (a) no checkpoint; (b) a checkpoint (`engine.audit.checkpoints.create`:
   integrate + sign) after every completion, timed apart; (c) one checkpoint after all N. The completion's own time
   is the same in (a) and (b): the tree is built by checkpoints, never on the write path. The checkpoint's time
   divided by the events it integrated is the integration cost per event.
2. Appending stays O(log n): `engine.audit.tree.integrate` of 1,000 new events (chained by `engine.audit.chain`
   as the application records them) onto a tree of 1,000 / 1,000,000 / 10,000,000 simulated leaves.
3. Proofs at each size: `tree.inclusion_proof`, `tree.consistency_proof`, `tree.root_at` (each in a fresh session,
   as a request would), their time and their SQL statements (a `before_cursor_execute` listener), every answer
   verified with `merkle.verify_*` against roots computed while the leaves were made; and the pure-Python cost of
   verifying a proof (the offline verifier's unit cost).
4. Storage: audit_tree_nodes rows and bytes per event (PostgreSQL: pg_total_relation_size; SQLite: dbstat).

Simulated leaves: leaf i is sha256("bench-leaf" + i), a stand-in for an event's leaf hash; a `merkle.Frontier`
appends them and yields every complete subtree, so the stored nodes (levels 0..) form a real tree, written in bulk
(PostgreSQL: COPY into the table without its primary key, which is added back after, as a restore would do;
SQLite: executemany in one transaction), with the audit_tree row (size, root). Of audit_events only the last
simulated leaf's event is written (seq = size, a random prev_hash and its true chain hash), with the chain head on
it: integration reads just that event's hash to link the next ones, so the 1,000 new events are recorded through
`chain.record` and chained onto it like any others. Their leaves are real (`tree.leaf_of`).

Each size has its own database (SQLite files in a temporary folder; PostgreSQL schemas `bench_tree_<pid>_<size>` at
JARCHY_TEST_POSTGRES, dropped at the end; PostgreSQL skipped with a message when unreachable)."""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _postgres import PG_URL, pg_admin
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api import create_app
from db.migrate import upgrade
from db.models import AuditChainHead, AuditEvent, AuditTree
from db.session import make_engine, make_sessionmaker
from db.vocabulary import EventType
from engine.audit import chain, checkpoints, merkle, tree
from engine.core.settings import Settings
from engine.people.accounts import create_unit, create_user
from engine.procedures.definitions import deploy
from engine.spiff.clock import FrozenClock

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
SECRET = "bench-secret-key-0123456789abcdef"
PASSWORD = "a long password"
REQUEST = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
           "contact": {"email": "aida@example.kg"}, "subject": "Bus fares", "question": "Will bus fares rise?"}
TRIAGE = {"handler": "pr_department", "contributors": []}
APPEND = 1000
PROOFS = 200


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


# -- 1. completions with and without checkpoints -------------------------------------------------------------


def completions(url: str, folder: Path, n: int, reps: int) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=url, secret_key=SECRET, var_dir=folder)
    app = create_app({"SETTINGS": settings, "CLOCK": FrozenClock(MONDAY_9)})
    sessions, ctx = app.extensions["jarchy.sessions"], app.extensions["jarchy.ctx"]
    try:
        with sessions.begin() as session:
            deploy(session, (WORKFLOWS / "information_request.bpmn").read_bytes(), actor="bench", at=ctx.now())
            create_unit(session, key="transport", name="Transport", actor="bench", at=ctx.now())
            create_user(session, username="pr", display_name="PR", password=PASSWORD, roles=["pr_department"],
                        actor="bench", at=ctx.now())
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "pr", "password": PASSWORD}).get_json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}

        def start() -> str:
            response = client.post("/api/v1/process-instances", headers=headers,
                                   json={"process_key": "information_request", "data": REQUEST})
            assert response.status_code == 201, response.get_json()
            return str(response.get_json()["tasks"][0]["id"])

        def complete(task_id: str) -> float:
            t = time.perf_counter()
            response = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers, json={"data": TRIAGE})
            elapsed = time.perf_counter() - t
            assert response.status_code == 200, response.get_json()
            return elapsed

        def checkpoint() -> tuple[float, int]:
            """Seconds of one checkpoint (integrate + sign + store, committed) and the events it integrated."""
            with sessions() as session:
                before = tree.head(session).size
            t = time.perf_counter()
            with sessions.begin() as session:
                size = checkpoints.create(session, settings, ctx.now()).size
            return time.perf_counter() - t, size - before

        def events() -> int:
            with sessions() as session:
                return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)

        for _ in range(5):  # warm-up: caches, the diagram parsed, the pool filled
            complete(start())
        checkpoint()
        out: dict[str, list[float]] = {k: [] for k in ("a", "b", "b_cp", "c", "c_cp", "b_ev", "c_ev")}
        per_event: dict[str, list[float]] = {"b": [], "c": []}
        per_completion_events: list[int] = []
        for _ in range(reps):
            for mode in ("a", "b", "c"):
                tasks = [start() for _ in range(n)]
                checkpoint()  # the starts' events integrated beforehand: what follows integrates completions only
                before = events()
                times, cps, integrated = [], [], 0
                for task_id in tasks:
                    times.append(complete(task_id))
                    if mode == "b":
                        seconds, count = checkpoint()
                        cps.append(seconds)
                        integrated += count
                if mode == "c":
                    seconds, integrated = checkpoint()
                    cps.append(seconds)
                per_completion_events.append((events() - before) // n)
                out[mode].append(statistics.median(times))
                if mode != "a":
                    out[f"{mode}_cp"].append(sum(cps) / n)  # checkpoint seconds per completion
                    per_event[mode].append(sum(cps) / integrated)
        return {"a": statistics.median(out["a"]), "b": statistics.median(out["b"]),
                "c": statistics.median(out["c"]), "b_cp": statistics.median(out["b_cp"]),
                "c_cp": statistics.median(out["c_cp"]), "b_ev": statistics.median(per_event["b"]),
                "c_ev": statistics.median(per_event["c"]), "events": statistics.median(per_completion_events)}
    finally:
        app.extensions["jarchy.engine"].dispose()


# -- 2-4. simulated trees: append, proofs, storage ----------------------------------------------------------


def sim_leaf(i: int) -> bytes:
    return hashlib.sha256(b"bench-leaf" + i.to_bytes(8, "big")).digest()


def simulated_nodes(size: int, keep_roots: set[int]) -> Iterator[tuple[int, int, bytes]]:
    """Every stored node (level, idx, hash) of a tree of `size` simulated leaves, in the order a Frontier makes them.
    Meanwhile ROOTS gets the roots at the sizes in `keep_roots` and at `size`, and EDGE the right edge's hashes
    at `size`: the answers the benchmark checks the database's against."""
    frontier = merkle.Frontier()
    append = frontier.append
    ROOTS.clear()
    for i in range(size):
        yield from append(sim_leaf(i))
        if i + 1 in keep_roots:
            ROOTS[i + 1] = frontier.root()
    ROOTS[size] = frontier.root()
    EDGE[:] = [digest for _, digest in frontier._stack]


ROOTS: dict[int, bytes] = {}
EDGE: list[bytes] = []


def bulk_nodes(engine: Engine, dialect: str, size: int, keep_roots: set[int]) -> None:
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        if dialect == "postgresql":
            with driver.cursor() as cur:
                cur.execute("ALTER TABLE audit_tree_nodes DROP CONSTRAINT pk_audit_tree_nodes")
                with cur.copy("COPY audit_tree_nodes (level, idx, hash) FROM STDIN") as copy:
                    chunk: list[str] = []
                    for level, idx, digest in simulated_nodes(size, keep_roots):
                        chunk.append(f"{level}\t{idx}\t\\\\x{digest.hex()}\n")
                        if len(chunk) >= 50000:
                            copy.write("".join(chunk))
                            chunk = []
                    if chunk:
                        copy.write("".join(chunk))
                cur.execute("ALTER TABLE audit_tree_nodes ADD CONSTRAINT pk_audit_tree_nodes PRIMARY KEY (level, idx)")
            driver.commit()
        else:
            driver.execute("BEGIN")
            driver.executemany("INSERT INTO audit_tree_nodes (level, idx, hash) VALUES (?, ?, ?)",
                               simulated_nodes(size, keep_roots))
            driver.execute("COMMIT")
    finally:
        raw.close()


def simulate(sessions: sessionmaker[Session], engine: Engine, dialect: str, size: int,
             keep_roots: set[int]) -> float:
    """A tree of `size` simulated leaves, its head, and the last leaf's event with the chain head on it.
    Seconds taken."""
    t = time.perf_counter()
    bulk_nodes(engine, dialect, size, keep_roots)
    with sessions.begin() as session:
        session.add(AuditTree(id=tree.TREE_ID, size=size, root=ROOTS[size]))
        last = AuditEvent(seq=size, occurred_at=MONDAY_9 - timedelta(minutes=1), actor="bench",
                          type=EventType.TASK_COMPLETED, subject="the last simulated event",
                          prev_hash=secrets.token_hex(32), hash="")
        last.hash = chain.chain_hash(last.prev_hash, last)
        session.add(last)
        session.merge(AuditChainHead(id=chain.HEAD_ID, last_seq=size, last_hash=last.hash))
    if dialect == "postgresql":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM ANALYZE audit_tree_nodes"))
            conn.execute(text("CHECKPOINT"))  # the load's dirty pages written now, not during what is timed
    return time.perf_counter() - t


def append_events(sessions: sessionmaker[Session], count: int, at: datetime) -> float:
    """Record `count` events as the application does, seal them as the sweep does (untimed), then time one
    integration of them."""
    with sessions.begin() as session:
        for i in range(count):
            chain.record(session, type=EventType.TASK_COMPLETED, at=at, actor="pr", instance_id=i + 1,
                         task_id=f"{i:036d}", subject="triage",
                         after={"handler": "pr_department", "contributors": []})
    with sessions.begin() as session:
        chain.seal_all(session)
    t = time.perf_counter()
    with sessions.begin() as session:
        tree.integrate(session)
    return time.perf_counter() - t


def proofs(sessions: sessionmaker[Session], engine: Engine, size: int, olds: list[int],
           rng: random.Random) -> dict[str, Any]:
    """Median ms and SQL statements of each proof call at `size`, every answer verified."""
    root = ROOTS[size]
    result: dict[str, Any] = {}

    def run(name: str, call: Callable[[Session], Any], check: Callable[[Any], bool]) -> None:
        times, statements = [], []
        for _ in range(PROOFS):
            with counted(engine) as seen, sessions() as session:
                t = time.perf_counter()
                answer = call(session)
                times.append(time.perf_counter() - t)
            if not check(answer):
                sys.exit(f"{name} at {size}: the answer does not verify")
            statements.append(len(seen))
        result[name] = (statistics.median(times), statistics.median(statements), max(statements))

    indexes = [rng.randrange(size) for _ in range(PROOFS)]
    it = iter(indexes * 2)

    def inclusion(session: Session) -> tuple[int, list[bytes]]:
        index = next(it)
        return index, tree.inclusion_proof(session, index, size)

    run("inclusion_proof", inclusion,
        lambda a: merkle.verify_inclusion(sim_leaf(a[0]), a[0], size, a[1], root))
    olds_it = iter(olds * 2)

    def consistency(session: Session) -> tuple[int, list[bytes]]:
        old = next(olds_it)
        return old, tree.consistency_proof(session, old, size)

    run("consistency_proof", consistency,
        lambda a: merkle.verify_consistency(a[0], size, ROOTS[a[0]], root, a[1]))
    roots_it = iter(olds * 2)

    def root_at(session: Session) -> tuple[int, bytes]:
        at = next(roots_it)
        return at, tree.root_at(session, at)

    run("root_at", root_at, lambda a: a[1] == ROOTS[a[0]])
    # the offline verifier's unit cost: pure Python, no database
    with sessions() as session:
        index = indexes[0]
        path = tree.inclusion_proof(session, index, size)
        old = olds[0]
        cpath = tree.consistency_proof(session, old, size)
    leaf = sim_leaf(index)
    result["verify_inclusion_us"] = timeit(lambda: merkle.verify_inclusion(leaf, index, size, path, root))
    result["verify_consistency_us"] = timeit(lambda: merkle.verify_consistency(old, size, ROOTS[old], root, cpath))
    result["path_len"], result["cpath_len"] = len(path), len(cpath)
    return result


def timeit(call: Callable[[], bool], number: int = 2000) -> float:
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(number):
            assert call()
        best = min(best, time.perf_counter() - t)
    return best / number * 1e6


def storage(engine: Engine, dialect: str, size: int) -> tuple[float, float]:
    """audit_tree_nodes rows per event and bytes per event (table and its index)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM audit_tree_nodes")).scalar_one()
        if dialect == "postgresql":
            nbytes = conn.execute(text("SELECT pg_total_relation_size('audit_tree_nodes')")).scalar_one()
        else:
            nbytes = conn.execute(text(
                "SELECT sum(pgsize) FROM dbstat WHERE name = 'audit_tree_nodes' "
                "OR name LIKE 'sqlite_autoindex_audit_tree_nodes%'")).scalar_one()
    return rows / size, nbytes / size


def tree_at(url: str, dialect: str, size: int, rng: random.Random) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        olds = [rng.randrange(1, size) for _ in range(PROOFS)]
        built = simulate(sessions, engine, dialect, size, set(olds))
        rows, nbytes = storage(engine, dialect, size)
        result = proofs(sessions, engine, size, olds, rng) | {"built_s": built, "rows": rows, "bytes": nbytes}
        appends = [append_events(sessions, APPEND, MONDAY_9 + timedelta(minutes=r)) for r in range(3)]
        result["append_s"] = statistics.median(appends)
        with sessions() as session:  # the integrated root against one recomputed from the new events themselves
            frontier = merkle.Frontier(size, EDGE)
            for seq, leaf in tree.recomputed_leaves(session, size + 3 * APPEND):
                if seq > size:
                    frontier.append(leaf)
            if tree.head(session) != tree.TreeHead(size + 3 * APPEND, frontier.root()):
                sys.exit(f"the tree of {size:,} + {3 * APPEND:,} events does not match their recomputation")
        return result
    finally:
        engine.dispose()


# -- the run -------------------------------------------------------------------------------------------------


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    import sqlite3

    return (f"machine: {platform.platform()}, cpu_count={os.cpu_count()}, load average {load}, Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def run_database(name: str, url_for: Callable[[str], str], sizes: list[int], args: argparse.Namespace,
                 folder: Path) -> dict[str, Any]:
    dialect = "postgresql" if name == "PostgreSQL" else "sqlite"
    print(f"\n== {name}", flush=True)
    out: dict[str, Any] = {"completions": completions(url_for("completions"), folder, args.n, args.reps)}
    c = out["completions"]
    print(f"1. completions (N={args.n}, median of {args.reps} rounds; {c['events']:.0f} audit events a completion)")
    print("| mode | completion ms | checkpoint ms per completion | integration+signing ms per event | "
          "completion vs (a) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| (a) no checkpoint | {ms(c['a'])} | - | - | 1.00x |")
    print(f"| (b) a checkpoint after each | {ms(c['b'])} | {ms(c['b_cp'])} | {ms(c['b_ev'])} | "
          f"{c['b'] / c['a']:.2f}x |")
    print(f"| (c) one checkpoint after all N | {ms(c['c'])} | {ms(c['c_cp'])} | {ms(c['c_ev'])} | "
          f"{c['c'] / c['a']:.2f}x |", flush=True)
    rng = random.Random(18)
    trees: dict[int, dict[str, Any]] = {}
    for size in sizes:
        trees[size] = r = tree_at(url_for(str(size)), dialect, size, rng)
        print(f"   tree of {size:,} simulated leaves written in {r['built_s']:.1f} s", flush=True)
    out["trees"] = trees
    print(f"2-4. simulated trees (proofs: median of {PROOFS}, each in a fresh session, every answer verified; "
          f"append: median of 3 integrations of {APPEND:,} new events)")
    print("| leaves | integrate 1,000 ms | per event µs | inclusion_proof ms (SQL) | consistency_proof ms (SQL) | "
          "root_at ms (SQL) | verify inclusion µs (path) | verify consistency µs (path) | node rows/event | "
          "bytes/event |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, r in trees.items():
        cells = [f"{size:,}", ms(r["append_s"]), f"{r['append_s'] / APPEND * 1e6:.0f}"]
        for name in ("inclusion_proof", "consistency_proof", "root_at"):
            t, median_sql, max_sql = r[name]
            cells.append(f"{ms(t)} ({median_sql:.0f}" + (f"-{max_sql}" if max_sql != median_sql else "") + ")")
        cells += [f"{r['verify_inclusion_us']:.1f} ({r['path_len']})", f"{r['verify_consistency_us']:.1f} "
                  f"({r['cpath_len']})", f"{r['rows']:.3f}", f"{r['bytes']:.0f}"]
        print("| " + " | ".join(cells) + " |", flush=True)
    if len(trees) > 1:
        small, large = min(trees), max(trees)
        grown = trees[large]["append_s"] / trees[small]["append_s"]
        print(f"   {large:,} vs {small:,} leaves: integrate x{grown:.2f}, "
              + ", ".join(f"{k} x{trees[large][k][0] / trees[small][k][0]:.2f}"
                          for k in ("inclusion_proof", "consistency_proof", "root_at")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="completions a mode and round (default 50)")
    parser.add_argument("--reps", type=int, default=3, help="rounds of the three modes (default 3)")
    parser.add_argument("--sqlite-sizes", default="1000,1000000", help="simulated leaves on SQLite")
    parser.add_argument("--pg-sizes", default="1000,1000000,10000000", help="simulated leaves on PostgreSQL")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="jarchy-bench-tree-") as tmp:
        folder = Path(tmp)
        if args.only != "postgresql":
            sizes = [int(s) for s in args.sqlite_sizes.split(",") if s]
            run_database("SQLite", lambda tag: f"sqlite:///{folder / f'{tag}.db'}", sizes, args, folder)
        if args.only != "sqlite":
            sizes = [int(s) for s in args.pg_sizes.split(",") if s]
            tags = ["completions", *map(str, sizes)]
            schemas = {tag: f"bench_tree_{os.getpid()}_{tag}" for tag in tags}
            try:
                pg_admin(*(f'CREATE SCHEMA "{s}"' for s in schemas.values()))
            except OperationalError as exc:
                print(f"PostgreSQL at {PG_URL} is NOT reachable, skipped: {str(exc.orig).splitlines()[0]}")
            else:
                try:
                    run_database("PostgreSQL", lambda tag: f"{PG_URL}?options=-csearch_path%3D{schemas[tag]}",
                                 sizes, args, folder)
                    with make_engine(PG_URL).connect() as conn:
                        print("PostgreSQL " + conn.execute(text("SHOW server_version")).scalar_one())
                finally:
                    pg_admin(*(f'DROP SCHEMA IF EXISTS "{s}" CASCADE' for s in schemas.values()))
    print(machine())


if __name__ == "__main__":
    main()
