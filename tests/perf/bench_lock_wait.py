"""How long concurrent writers wait on each other's locks (issue 19, point 6), on PostgreSQL. Run from the repo root:
`PYTHONPATH=. .venv/bin/python tests/perf/bench_lock_wait.py [--clients 8] [--seconds 20] [--every-ms 5]` (about
40 s). Not collected by pytest, not part of CI. See tests/perf/README.md.

C client processes (8) each drive information requests through the engine's own operations, as the API does, each
operation in its own transaction: start, then complete triage, prepare_answer and send_answer, again and again,
each client as its own PR-department user on its own cases. Nothing they touch is shared but what the application
itself shares between cases. For `--seconds` the main process samples `pg_locks` joined with `pg_stat_activity`
every `--every-ms` milliseconds: every client backend waiting on a lock (`wait_event_type = 'Lock'`), with the
lock's type and relation and the statement that waits. Reported: completions (operations) a second; the share of
the clients' time spent waiting on locks (the sum over samples of waiting clients times the sample's interval,
divided by clients x window: the clients are busy the whole window); and the locks waited on, by statement.

Where the code seals audit events (`engine.audit.chain.seal`), a sealer process seals every second meanwhile, as
the sweep does every few seconds; its own waits are reported apart. At the end the chain is sealed and verified.

The same script runs on the code before the change: `PYTHONPATH=<a checkout of main> .venv/bin/python
tests/perf/bench_lock_wait.py` (it uses nothing the older code lacks). Works in a fresh schema
`bench_locks_<pid>` at JARCHY_TEST_POSTGRES, dropped at the end; the sampler counts only this run's connections
(their `application_name`), so the other users of a shared server are left out, though their load is not."""

from __future__ import annotations

import argparse
import copy
import multiprocessing
import os
import platform
import re
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _postgres import PG_URL
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

KEY = "information_request"
DIAGRAM = Path(__file__).resolve().parents[2] / "workflows" / f"{KEY}.bpmn"
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
APP = "bench_lock_wait"
REQUEST = {
    "channel": "email",
    "outlet": "Kaktus Media",
    "requester_name": "Aida Usenova",
    "contact": {"email": "aida@example.kg"},
    "subject": "Bus fares",
    "question": "Will bus fares rise next year?",
}
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("triage", {"handler": "pr_department", "contributors": []}),
    ("prepare_answer", {"answer": "Fares stay as they are.", "confirm_no_confidential": True, "refuse": False}),
    ("send_answer", {"sent_via": "email"}),
]
WAITING = text("""
    SELECT a.application_name, l.locktype, l.mode, l.relation::regclass::text AS relation, a.query
    FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
    WHERE a.wait_event_type = 'Lock' AND a.application_name LIKE :app
""")


def url_of(schema: str, app: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema}&application_name={app}"


def context() -> Any:
    from engine.context import EngineContext
    from engine.core.settings import Settings
    from engine.spiff.clock import FrozenClock

    return EngineContext(Settings(secret_key="bench"), clock=FrozenClock(MONDAY_9))


def set_up(schema: str, clients: int) -> list[int]:
    from db.migrate import upgrade
    from db.session import make_engine, make_sessionmaker
    from engine.people.accounts import create_user
    from engine.procedures.definitions import deploy

    engine = make_engine(url_of(schema, f"{APP}_setup"))
    upgrade(engine)
    sessions, ctx = make_sessionmaker(engine), context()
    with sessions.begin() as s:
        deploy(s, DIAGRAM.read_bytes(), actor="bench", at=ctx.now())
        ids = [create_user(s, username=f"pr{i}", display_name=f"PR {i}", password="bench password 123",
                           roles=["pr_department"], actor="bench", at=ctx.now()).id for i in range(clients)]
    engine.dispose()
    return ids


def client(schema: str, user_id: int, start: Any, stop: Any, results: Any) -> None:
    """One client: instances start to end, each operation its own transaction; reports when each operation of the
    measured window began and ended."""
    from db.models import HumanTask, User
    from db.session import make_engine, make_sessionmaker
    from engine.runtime import operations

    engine = make_engine(url_of(schema, APP))
    sessions, ctx = make_sessionmaker(engine), context()

    def open_task(s: Session, instance_id: int) -> str | None:
        return s.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance_id, HumanTask.status == "open"))

    done: list[tuple[str, float, float]] = []  # (start | complete, began, ended): perf_counter, one clock for all

    def tagged(s: Session, kind: str) -> None:
        """The sampler tells a start's waits from a completion's by the connection's name."""
        s.execute(text(f"SET LOCAL application_name = '{APP}_{kind}'"))

    def one_instance() -> None:
        t = time.perf_counter()
        with sessions.begin() as s:
            tagged(s, "start")
            instance = operations.start(s, ctx, s.get(User, user_id), KEY, copy.deepcopy(REQUEST))
            instance_id, task = instance.id, open_task(s, instance.id)
        done.append(("start", t, time.perf_counter()))
        for _, data in STEPS:
            if stop.is_set():
                return
            assert task is not None
            t = time.perf_counter()
            with sessions.begin() as s:
                tagged(s, "complete")
                operations.complete_task(s, ctx, s.get(User, user_id), task, copy.deepcopy(data))
                task = open_task(s, instance_id)
            done.append(("complete", t, time.perf_counter()))

    one_instance()  # warm-up: caches, the pool's connection
    start.wait()
    done.clear()
    while not stop.is_set():
        one_instance()
    results.put(("client", done))
    engine.dispose()


def sealer(schema: str, start: Any, stop: Any, results: Any) -> None:
    """As the sweep does, every second: seal what can be (only where the code has a sealer)."""
    from db.session import make_engine, make_sessionmaker
    from engine.audit import chain

    engine = make_engine(url_of(schema, f"{APP}_sealer"))
    sessions = make_sessionmaker(engine)
    start.wait()
    sealed = 0
    while not stop.wait(1.0):
        with sessions.begin() as s:
            sealed += chain.seal(s)
    results.put(("sealer", sealed))
    engine.dispose()


def statement(query: str) -> str:
    """The waiting statement, shortened: its verb, the table it names first, and FOR UPDATE when it locks."""
    flat = re.sub(r"\s+", " ", query).strip()
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+([A-Za-z_\"]+)", flat)
    return " ".join(filter(None, [flat.split(" ", 1)[0], table.group(1) if table else "?",
                                  "FOR UPDATE" if "FOR UPDATE" in flat else ""]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--every-ms", type=float, default=5.0)
    args = parser.parse_args()
    from engine.audit import chain

    sealing = hasattr(chain, "seal")
    schema = f"bench_locks_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        server = conn.execute(text("SHOW server_version")).scalar()
    try:
        users = set_up(schema, args.clients)
        mp = multiprocessing.get_context("fork")
        start, stop, results = mp.Barrier(args.clients + 1 + int(sealing)), mp.Event(), mp.Queue()
        procs = [mp.Process(target=client, args=(schema, u, start, stop, results)) for u in users]
        if sealing:
            procs.append(mp.Process(target=sealer, args=(schema, start, stop, results)))
        for p in procs:
            p.start()
        waits: Counter[tuple[str, str, str]] = Counter()  # (who, lock, statement) -> seconds waited
        sampler = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        load_before = os.getloadavg()[0]
        samples = 0
        with sampler.connect() as conn:
            start.wait()
            began = last = time.perf_counter()
            while (now := time.perf_counter()) - began < args.seconds:
                rows = conn.execute(WAITING, {"app": f"{APP}%"}).all()
                dt, last = now - last, now
                samples += 1
                for row in rows:
                    lock = f"{row.locktype} {row.mode}" + (f" on {row.relation}" if row.relation else "")
                    who = row.application_name.removeprefix(f"{APP}_") if row.application_name != APP else "?"
                    waits[(who, lock, statement(row.query))] += dt
                time.sleep(args.every_ms / 1000)
            window = time.perf_counter() - began
        stop.set()
        reports = [results.get(timeout=300) for _ in procs]
        for p in procs:
            p.join()
        sampler.dispose()
        load_after = os.getloadavg()[0]
        counts: Counter[str] = Counter()  # operations ended within the window
        spent: Counter[str] = Counter()  # seconds of the window the clients spent in them
        sealed = 0
        for who, got in reports:
            if who == "sealer":
                sealed = got
                continue
            for kind, t0, t1 in got:
                spent[kind] += max(0.0, min(t1, began + window) - max(t0, began))
                counts[kind] += t1 <= began + window
        waited: Counter[str] = Counter()
        for (who, _, _), seconds in waits.items():
            waited[who] += seconds
        from db.session import make_engine, make_sessionmaker

        engine = make_engine(url_of(schema, f"{APP}_check"))
        with make_sessionmaker(engine).begin() as s:
            if sealing:
                chain.seal_all(s)
            verified = chain.verify(s)
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    print(f"code: {'sealed by one background step' if sealing else 'chain head locked by every writer'}; "
          f"{args.clients} clients, {window:.1f} s sampled, {samples} samples (every {window / samples * 1000:.1f} ms)")
    instances = counts["start"]
    print(f"completed: {counts['complete']} task completions and {instances} starts "
          f"({(counts['complete'] + instances) / window:.1f} operations/s)")
    for kind in ("complete", "start"):
        if spent[kind]:
            print(f"{kind}: waited on locks {waited[kind]:.2f} s of {spent[kind]:.1f} s spent in them "
                  f"= {100 * waited[kind] / spent[kind]:.1f} %")
    both = 100 * (waited["complete"] + waited["start"]) / (spent["complete"] + spent["start"])
    print(f"all operations: {both:.1f} % of their time waiting on locks")
    if sealing:
        print(f"sealer: sealed {sealed} events; waited {waited['sealer']:.2f} s")
    print("| operation | lock | waiting statement | seconds | share of that operation's time |")
    print("| --- | --- | --- | ---: | ---: |")
    for (who, lock, stmt), seconds in waits.most_common():
        share = f"{100 * seconds / spent[who]:.1f} %" if spent.get(who) else "-"
        print(f"| {who} | {lock} | `{stmt}` | {seconds:.2f} | {share} |")
    print(f"chain afterwards: ok={verified.ok}, {verified.checked} events checked")
    print(f"machine: cpu_count={os.cpu_count()}, load average {load_before:.1f} before, {load_after:.1f} after, "
          f"Python {platform.python_version()}, PostgreSQL {server}")


if __name__ == "__main__":
    main()
