"""Issue 19 point 1: the peer workload, a full instance over HTTP against bare SpiffWorkflow on the same diagram.

Run from the repo root: `PYTHONPATH=. .venv/bin/python tests/perf/bench_peer.py [--n 100] [--reps 3]
[--only sqlite|postgresql] [--profile DIR] [--before CHECKOUT]`. Not collected by pytest, not part of CI.
See tests/perf/README.md, "Issue 19 point 1".

The diagram and forms are tests/perf/peer/ (start, three user tasks, an exclusive gateway, a script task, end).

- **a bare SpiffWorkflow**: the same BPMN file parsed once with SpiffWorkflow's plain `BpmnParser` (it ignores
  Jarchy's extensions) and run with SpiffWorkflow's default `PythonScriptEngine` (plain `eval`/`exec`: no sandbox),
  in memory; each instance gets the start data, then each ready user task its form data, `run()`,
  `do_engine_steps()`, until the workflow completes. Nothing serialized, nothing validated.
- **a' SpiffWorkflow + Jarchy's parser and sandbox**: the same in memory with `JarchyParser` and Jarchy's script
  engine (every script and condition in a sandbox process): what the engine alone costs in Jarchy.
- **b Jarchy over HTTP**: `jarchy serve` (gunicorn, one worker process, 4 threads: `serve`'s default) through
  tests/perf/peer/server.py, which counts statements and requests and can profile; a fresh SQLite file, then a
  fresh PostgreSQL schema at JARCHY_TEST_POSTGRES (dropped after). One sequential client, `http.client` with one
  keep-alive connection and a bearer token taken once. A full instance: `POST /api/v1/process-instances`, then
  for each user task `GET /api/v1/tasks?instance_id=...` (the inbox, as a client finds its task) and
  `POST /api/v1/tasks/{id}/complete` with the form's data, until the case's status is `completed`: 7 requests.

Each mode: WARMUP instances, then `--reps` rounds of N, the median round; ratios are b / a in this same run (a is
measured at the start and at the end of the run; the ratios are to the mean of the two). With `--before`, the two
servers of one database (CHECKOUT's code and this one's, each on its own fresh database) run side by side, their
timed rounds alternate, and the passes below take one instance of each in turn. The statements are counted over N
more instances. With `--profile DIR` it then runs N more instances under the server's wall-clock sampler
(tests/perf/peer/sampler.py: DIR/<db>-<code>.breakdown.md, ms a request by stage and layer, and the raw
.samples.json), and N more under cProfile (DIR/<db>-<code>.pstats and .txt: stages, libraries, the top functions;
cProfile's own cost inflates Python calls, so read its shares, not its ms). None of these is in the timed rounds.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import http.client
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from _postgres import PG_URL, pg_admin  # noqa: E402
from _serving import serving  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.parser import BpmnParser  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

PEER = ROOT / "tests" / "perf" / "peer"
DIAGRAM = PEER / "peer_approval.bpmn"
KEY = "peer_approval"
SECRET = "bench-secret-key-0123456789abcdef"
PASSWORD = "a long bench password"
THREADS = 4
WARMUP = 5

START = {"title": "Bus fares for 2027"}
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("prepare", {"text": "Bus fares stay as they are in 2027.", "language": "ky"}),
    ("review", {"decision": "approve", "comment": ""}),
    ("publish", {"channel": "website", "note": ""}),
]
REQUESTS_PER_INSTANCE = 1 + 2 * len(STEPS)
FLOOR = "floor"


def forms() -> dict[str, Any]:
    return {f"{KEY}/{f.stem}": json.loads(f.read_text(encoding="utf-8"))
            for f in sorted((PEER / "forms").glob("*.json"))}


# -- a: SpiffWorkflow in memory ------------------------------------------------------------------------------------


class Bare:
    """SpiffWorkflow alone (mode a), or with Jarchy's parser and sandboxed script engine (a')."""

    def __init__(self, jarchy: bool = False) -> None:
        if jarchy:
            from engine.context import EngineContext
            from engine.core.settings import Settings
            from engine.spiff.parser import JarchyParser, parse_xml

            parser: Any = JarchyParser()
            parser.add_bpmn_xml(parse_xml(DIAGRAM.read_bytes()), DIAGRAM.name)
            self.ctx: Any = EngineContext(Settings(secret_key=SECRET))
            self.script_engine = self.ctx.script_engine
        else:
            parser = BpmnParser()
            parser.add_bpmn_file(str(DIAGRAM))
            self.script_engine = None  # SpiffWorkflow's default PythonScriptEngine
        self.spec, self.subprocess_specs = parser.get_spec(KEY), parser.get_subprocess_specs(KEY)
        # The data each step submits once Jarchy filled in the form defaults, so both take the same path.
        self.start = {**START, "urgent": False}

    def run_one(self) -> None:
        wf = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine)
        wf.get_tasks(state=TaskState.READY)[0].data.update(copy.deepcopy(self.start))
        wf.do_engine_steps()
        for name, data in STEPS:
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            assert task.task_spec.bpmn_id == name, (task.task_spec.bpmn_id, name)
            task.data.update(copy.deepcopy(data))
            task.run()
            wf.do_engine_steps()
        assert wf.is_completed() and wf.data["outcome"] == "approved" and wf.data["words"] == 8, wf.data

    def close(self) -> None:
        if self.script_engine is not None:
            with contextlib.suppress(Exception):
                self.ctx.close()


# -- b: Jarchy over HTTP -------------------------------------------------------------------------------------------


def seed(url: str) -> None:
    """Migrated schema, the peer diagram deployed with its forms (linted, as the API would), one PR user."""
    from db.migrate import upgrade
    from db.session import make_engine, make_sessionmaker
    from engine.people.accounts import create_user
    from engine.procedures.definitions import deploy

    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    at = datetime.now(UTC)
    with sessions.begin() as session:
        done = deploy(session, DIAGRAM.read_bytes(), actor="system", at=at, forms=forms())
        assert done.created and not done.warnings, done.warnings
        create_user(session, username="pr", display_name="PR", password=PASSWORD, roles=["pr_department"],
                    actor="system", at=at)
    engine.dispose()


class Client:
    """One keep-alive connection, one bearer token; JSON in and out."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        self.times: dict[str, list[float]] = {}  # request kind -> seconds of each, as the client waited

    def call(self, method: str, path: str, body: Any = None, expect: int = 200, kind: str = "") -> Any:
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
            response = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # gunicorn closes a connection idle for 2 s (its keep-alive), as while the other server's round ran
            self.conn.close()
            self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
            response = self.conn.getresponse()
        data = response.read()
        if kind:
            self.times.setdefault(kind, []).append(time.perf_counter() - started)
        assert response.status == expect, (method, path, response.status, data[:500])
        return json.loads(data) if data else None

    def sign_in(self) -> None:
        token = self.call("POST", "/api/v1/auth/token", {"username": "pr", "password": PASSWORD})["access_token"]
        self.headers["Authorization"] = f"Bearer {token}"

    def run_one(self) -> None:
        case = self.call("POST", "/api/v1/process-instances", {"process_key": KEY, "data": START}, expect=201,
                         kind="start")
        for name, data in STEPS:
            inbox = self.call("GET", f"/api/v1/tasks?instance_id={case['id']}&status=open", kind="inbox")
            [task] = inbox["items"]
            assert task["bpmn_id"] == name, (task["bpmn_id"], name)
            done = self.call("POST", f"/api/v1/tasks/{task['id']}/complete", {"data": data}, kind="complete")
        assert done["instance"]["status"] == "completed", done["instance"]["status"]
        assert done["instance"]["data"]["outcome"] == "approved", done["instance"]["data"]


@contextlib.contextmanager
def server(url: str, folder: Path, code: Path) -> Iterator[int]:
    """The server of the code at `code` (a checkout of the repo: this one, or `--before`'s)."""
    env = {**os.environ, "JARCHY_DATABASE_URL": url, "JARCHY_SECRET_KEY": SECRET, "JARCHY_VAR_DIR": str(folder),
           "JARCHY_REDIS_URL": "", "PYTHONPATH": str(code)}
    script = str(code / "tests" / "perf" / "peer" / "server.py")
    with serving(lambda port: [sys.executable, script, str(port), str(THREADS)], env, folder, code) as port:
        yield port


@contextlib.contextmanager
def floor_server(url: str, folder: Path) -> Iterator[int]:
    """Mode f: tests/perf/peer/floor.py on its own fresh database."""
    script = str(PEER / "floor.py")
    with serving(lambda port: [sys.executable, script, str(port), str(THREADS), url],
                 {**os.environ, "PYTHONPATH": str(ROOT)}, folder, ROOT) as port:
        yield port


def rounds(run_one: Callable[[], None], n: int, reps: int) -> float:
    """The median seconds of `reps` rounds of n instances, after WARMUP."""
    for _ in range(WARMUP):
        run_one()
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        for _ in range(n):
            run_one()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def over_http(urls: dict[str, str], folder: Path, n: int, reps: int, profile: Path | None, db: str,
              codes: dict[str, Path], floor_url: str) -> dict[str, dict[str, Any]]:
    """Mode b for each code (label -> checkout), each on its own database that `seed` has prepared (label -> url),
    and mode f (label FLOOR) on a fresh database at `floor_url`. The servers run side by side and the timed rounds
    alternate between them (a round of one, a round of the next, ...), so that a change in the machine's load falls
    on each alike; then, for Jarchy's servers, the statements are counted, the servers sampled and then profiled,
    over N more instances each, again one server's instance after the other's."""
    out: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        clients = {label: Client(stack.enter_context(server(urls[label], folder, code)))
                   for label, code in codes.items()}
        floor = Client(stack.enter_context(floor_server(floor_url, folder)))
        for client in (*clients.values(), floor):
            client.sign_in()
            for _ in range(WARMUP):
                client.run_one()
        times: dict[str, list[float]] = {label: [] for label in (*codes, FLOOR)}
        for _ in range(reps):
            for label, client in (*clients.items(), (FLOOR, floor)):
                started = time.perf_counter()
                for _ in range(n):
                    client.run_one()
                times[label].append(time.perf_counter() - started)

        def interleaved() -> None:
            """N instances on each server, one after the other's (a load that changes falls on both alike)."""
            for _ in range(n):
                for client in clients.values():
                    client.run_one()

        def each(path: str) -> dict[str, Any]:
            return {label: client.call("POST", path.format(name=f"{db}-{label}" if label else db))
                    for label, client in clients.items()}

        each("/__bench/reset")
        for client in (*clients.values(), floor):
            client.times.clear()
        interleaved()
        for _ in range(n):
            floor.run_one()
        out[FLOOR] = {"seconds": statistics.median(times[FLOOR]), "rounds": times[FLOOR],
                      "kinds": {kind: 1000 * statistics.median(t) for kind, t in floor.times.items()}}
        counts = {label: client.call("GET", "/__bench/stats") for label, client in clients.items()}
        for label, client in clients.items():
            out[label] = {"seconds": statistics.median(times[label]), "rounds": times[label],
                          "requests": counts[label]["requests"] / n, "statements": counts[label]["statements"] / n,
                          "kinds": {kind: 1000 * statistics.median(t) for kind, t in client.times.items()}}
        if profile is not None:
            from tests.perf.peer.breakdown import report, sampled

            each("/__bench/sample/start")
            interleaved()
            each(f"/__bench/sample/stop?out={profile}/{{name}}.samples.json")
            each("/__bench/profile/start")
            interleaved()
            each(f"/__bench/profile/stop?out={profile}/{{name}}.pstats")
            for label in clients:
                name = f"{db}-{label}" if label else db
                (profile / f"{name}.breakdown.md").write_text(sampled(profile / f"{name}.samples.json"))
                (profile / f"{name}.txt").write_text(report(profile / f"{name}.pstats", instances=n,
                                                            completions=n * len(STEPS)))
        for client in (*clients.values(), floor):
            client.conn.close()
    return out


def mode_name(label: str, database: str) -> str:
    if label == FLOOR:
        return f"f the floor over HTTP (tests/perf/peer/floor.py), {database}"
    return f"b Jarchy over HTTP, {database}{f' ({label})' if label else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="instances a round (default 100)")
    parser.add_argument("--reps", type=int, default=3, help="rounds, the median kept (default 3)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--profile", type=Path, help="also profile the server; write the tables into this folder")
    parser.add_argument("--before", type=Path, help="a checkout of the code before a change (its venv and assets as "
                        "this one's): each database is then served by it and by this code, in turn, in this run")
    args = parser.parse_args()
    if args.profile:
        args.profile = args.profile.resolve()  # the servers write into it from their own working folders
        args.profile.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    print(f"peer workload, N={args.n}, median of {args.reps} rounds after {WARMUP} warm-up instances", flush=True)
    bare = Bare()
    a_first = args.n / rounds(bare.run_one, args.n, args.reps)
    sandboxed = Bare(jarchy=True)
    a_jarchy = args.n / rounds(sandboxed.run_one, args.n, args.reps)
    sandboxed.close()
    results: dict[str, dict[str, Any]] = {}
    pg_server = "not run"
    codes = {"before": args.before.resolve(), "after": ROOT} if args.before else {"": ROOT}
    with tempfile.TemporaryDirectory(prefix="jarchy-peer-") as tmp:
        if args.only in (None, "sqlite"):
            urls = {label: f"sqlite:///{Path(tmp) / f'peer-{label or 0}.db'}" for label in codes}
            for url in urls.values():  # a fresh database for each code
                seed(url)
            floor_url = f"sqlite:///{Path(tmp) / 'floor.db'}"
            for label, r in over_http(urls, Path(tmp), args.n, args.reps, args.profile, "sqlite", codes,
                                      floor_url).items():
                results[mode_name(label, "SQLite")] = r
        if args.only in (None, "postgresql"):
            schemas = {label: f"bench_peer_{os.getpid()}_{label or 0}" for label in (*codes, FLOOR)}
            drops = [f'DROP SCHEMA IF EXISTS "{schema}" CASCADE' for schema in schemas.values()]
            try:
                pg_server = pg_admin(*drops, *(f'CREATE SCHEMA "{schema}"' for schema in schemas.values()))
            except OperationalError as exc:
                pg_server = "unreachable"
                print(f"PostgreSQL at {PG_URL} is NOT reachable, skipped: {str(exc.orig).splitlines()[0]}")
            else:
                try:
                    urls = {label: f"{PG_URL}?options=-csearch_path%3D{schema}" for label, schema in schemas.items()}
                    floor_url = urls.pop(FLOOR)
                    for url in urls.values():
                        seed(url)
                    for label, r in over_http(urls, Path(tmp), args.n, args.reps, args.profile, "postgresql",
                                              codes, floor_url).items():
                        results[mode_name(label, "PostgreSQL")] = r
                finally:
                    pg_admin(*drops)
    a_last = args.n / rounds(bare.run_one, args.n, args.reps)
    a = (a_first + a_last) / 2
    print(f"\na: {a_first:.1f}/s at the start of the run, {a_last:.1f}/s at its end; the ratios are to their mean")
    print("\n| mode | instances/s | ms/instance | ratio to a | HTTP requests/instance | SQL statements/instance |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| a bare SpiffWorkflow (plain parser, default script engine) | {a:.1f} | {1000 / a:.2f} | 1.00x | - | - |")
    print(f"| a' SpiffWorkflow, Jarchy's parser and sandbox | {a_jarchy:.1f} | {1000 / a_jarchy:.2f} "
          f"| {a_jarchy / a:.3f}x | - | - |")
    for mode, r in results.items():
        rate = args.n / r["seconds"]
        counts = (f"{r['requests']:.1f} | {r['statements']:.1f}" if "statements" in r
                  else f"{REQUESTS_PER_INSTANCE:.1f} | -")
        print(f"| {mode} | {rate:.1f} | {1000 / rate:.2f} | {rate / a:.3f}x | {counts} |")
    print("\nThe ceiling, an upper bound for any server on this stack: the engine's time and the floor's added "
          "(1 / (1/a + 1/f); a real server also stores the workflow's state), and Jarchy against the floor:\n")
    print("| database | ceiling instances/s | ceiling ratio to a | Jarchy's time an instance, times the floor's |")
    print("| --- | ---: | ---: | ---: |")
    for mode, r in results.items():
        if mode.startswith("f "):
            database = mode.rsplit(", ", 1)[1]
            ceiling = 1 / (1 / a + r["seconds"] / args.n)
            jarchy = [b for name, b in results.items() if name.startswith("b ") and database in name]
            over = ", ".join(f"{b['seconds'] / r['seconds']:.1f}x" for b in jarchy)
            print(f"| {database} | {ceiling:.1f} | {ceiling / a:.3f}x | {over} |")
    print("\nEach round's instances/s (rounds of the same database alternate between the codes):\n")
    for mode, r in results.items():
        print(f"- {mode}: " + ", ".join(f"{args.n / seconds:.1f}" for seconds in r["rounds"]))
    print("\nMedian ms of each request as the client waited (the counted round of N instances):\n")
    print("| mode | start | inbox | complete |\n| --- | ---: | ---: | ---: |")
    for mode, r in results.items():
        print(f"| {mode} | " + " | ".join(f"{r['kinds'][k]:.1f}" for k in ("start", "inbox", "complete")) + " |")
    print(f"\nmachine: cpu_count={os.cpu_count()}, load average {load_before[0]:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"PostgreSQL {pg_server}, SpiffWorkflow {version('SpiffWorkflow')}, SQLAlchemy {version('SQLAlchemy')}, "
          f"server: jarchy serve (gunicorn, 1 worker, {THREADS} threads)")


if __name__ == "__main__":
    main()
