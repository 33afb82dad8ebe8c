"""How fast `jarchy worker` processes fire timers, on PostgreSQL and Redis, and whether each fires once. Run from
the repo root: `.venv/bin/python tests/perf/bench_timers.py` (defaults: `--n 600 --workers 1,2 --rounds 2
--sweep-seconds 1 --samples 9`).

1. Throughput, in rounds. Each round starts N information requests through `engine.runtime.operations` with a
   FrozenClock in March 2026, so each has a deadline timer long due; then W `jarchy worker` processes (each with
   beat, concurrency 1) start, and the database is polled until all N timers of the round are fired: timers fired
   per second, from the first firing seen to the last and overall (from the workers' start). The worker counts of
   `--workers` alternate round by round (1, 2, then 2, 1: ABBA), so each meets the machine's load alike.
   After each round the workers are stopped and every case of the round is checked: exactly one fired timer row,
   exactly one `timer.fired` audit event and exactly one escalation task opened. Anything else ends the run at
   once with the cases named (exit status 2).
2. The ratio: the median "first to last" rate of the largest worker count over that of the smallest, checked
   against `--expect` (default 1.6, issue 19 point 5): exit status 1 when below. A ratio taken on a loaded machine
   says little: the run prints the load average and how busy the two cores were during each round.
3. Latency: with the last round's workers still running, a case of a one-timer diagram (start, a timer at
   `fire_at`, end) is started with `fire_at` a few seconds ahead on the real clock; the delay from `fire_at` to the
   moment the fired timer is seen in the database (polled every 20 ms), median of a few (`--samples 0`: none).

A fresh schema `bench_timers_<pid>` at JARCHY_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:
5432/test), Redis at JARCHY_TEST_REDIS (default redis://127.0.0.1:6379/15) on a queue of its own; both
removed at the end. Not collected by pytest. See tests/perf/README.md."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _postgres import PG_URL
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.migrate import upgrade
from db.models import AuditEvent, HumanTask, Timer, User
from db.session import make_engine, make_sessionmaker
from engine.context import EngineContext
from engine.core.settings import Settings
from engine.people.accounts import create_user
from engine.procedures.definitions import deploy
from engine.runtime import operations
from engine.spiff.clock import FrozenClock, SystemClock

ROOT = Path(__file__).resolve().parents[2]
JARCHY = str(Path(sys.executable).with_name("jarchy"))
REDIS_URL = os.environ.get("JARCHY_TEST_REDIS", "redis://127.0.0.1:6379/15")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
SECRET = "bench-secret-key-0123456789abcdef"

REQUEST = {
    "channel": "email",
    "outlet": "Kaktus Media",
    "requester_name": "Aida Usenova",
    "contact": {"email": "aida@example.kg"},
    "subject": "Bus fares",
    "question": "Will bus fares rise next year?",
}

# One timer, due at the case's `fire_at`, and nothing else: its firing is all the latency measures.
ONE_TIMER = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="Definitions_bench_timer" targetNamespace="http://jarchy.org/bpmn/bench_timer">
  <bpmn:process id="bench_timer" name="Bench: one timer" isExecutable="true"
      camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="Wait">
      <bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">fire_at</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


class Workers:
    def __init__(self, url: str, queue: str, sweep_seconds: float, log_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JARCHY_")}
        self.env = env | {"JARCHY_DATABASE_URL": url, "JARCHY_REDIS_URL": REDIS_URL, "JARCHY_CELERY_QUEUE": queue,
                          "JARCHY_SWEEP_SECONDS": str(sweep_seconds), "JARCHY_SECRET_KEY": SECRET,
                          "JARCHY_VAR_DIR": str(log_dir / "var"), "PYTHONUNBUFFERED": "1",
                          # The workers run in log_dir: the code is this checkout's (a worktree's too), not the
                          # one the virtualenv was installed from.
                          "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])}
        self.log_dir = log_dir
        self.procs: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self) -> None:
        path = self.log_dir / f"worker-{len(self.procs) + 1}.log"
        with path.open("wb") as log:
            proc = subprocess.Popen([JARCHY, "worker"], env=self.env, cwd=self.log_dir, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((proc, path))

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by the workers' process groups (the worker, its pool child and its beat)."""
        groups = {proc.pid for proc, _ in self.procs}
        return sum(t for _, pgid, _, t in proc_times() if pgid in groups)

    def fired_by_worker(self) -> list[int]:
        pattern = re.compile(r"sweep: (\d+) timer\(s\) fired")
        return [sum(int(m) for m in pattern.findall(path.read_text(errors="replace"))) for _, path in self.procs]

    def check_alive(self) -> None:
        for proc, path in self.procs:
            if proc.poll() is not None:
                sys.exit(f"a worker exited with {proc.returncode}:\n{path.read_text(errors='replace')[-4000:]}")

    def stop(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc, _ in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=20)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def proc_times() -> list[tuple[int, int, str, float]]:
    """(pid, process group, command name, CPU seconds used) of every process this user may read in /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        out.append((int(entry.name), int(fields[2]), name, (int(fields[11]) + int(fields[12])) / tick))
    return out


def postgres_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL server process (every database's, not only this run's)."""
    return {pid: t for pid, _, name, t in proc_times() if name.startswith("postgres")}


def machine_ticks() -> tuple[int, int]:
    """(busy, all) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values[:8]) - idle, sum(values[:8])


def reachable() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        sys.exit(f"Redis at {REDIS_URL} is not reachable: {exc}")


def fresh_schema(schema: str) -> str:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        sys.exit(f"PostgreSQL at {PG_URL} is not reachable: {exc.orig}")
    finally:
        admin.dispose()
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def drop_schema(schema: str) -> None:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def forget_queue(queue: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    for tag, payload in client.hgetall("unacked").items():
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def fired(sessions: sessionmaker[Session], cases: tuple[int, int]) -> int:
    """Fired timers of the cases with ids from cases[0] to cases[1]."""
    with sessions() as session:
        return int(session.scalar(
            select(func.count()).select_from(Timer)
            .where(Timer.instance_id.between(*cases), Timer.status == "fired")) or 0)


def check_once(sessions: sessionmaker[Session], cases: tuple[int, int], n: int) -> str:
    """Exit (status 2) unless each of the n cases has exactly one timer row, fired, one `timer.fired` event and one
    escalation task; else a line saying so."""
    def per_case(query: Any) -> dict[int, int]:
        with sessions() as session:
            return {k: int(v) for k, v in session.execute(query).all()}

    ids = range(cases[0], cases[1] + 1)
    rows = per_case(select(Timer.instance_id, func.count()).where(Timer.instance_id.between(*cases))
                    .group_by(Timer.instance_id))
    fired_rows = per_case(select(Timer.instance_id, func.count())
                          .where(Timer.instance_id.between(*cases), Timer.status == "fired")
                          .group_by(Timer.instance_id))
    events = per_case(select(AuditEvent.instance_id, func.count())
                      .where(AuditEvent.instance_id.between(*cases), AuditEvent.type == "timer.fired")
                      .group_by(AuditEvent.instance_id))
    tasks = per_case(select(HumanTask.instance_id, func.count())
                     .where(HumanTask.instance_id.between(*cases), HumanTask.bpmn_id == "escalate_overdue")
                     .group_by(HumanTask.instance_id))
    wrong = {what: {i: counted.get(i, 0) for i in ids if counted.get(i, 0) != 1}
             for what, counted in (("timer rows", rows), ("fired timer rows", fired_rows),
                                   ("timer.fired events", events), ("escalation tasks", tasks))}
    if len(ids) != n or any(wrong.values()):
        sys.exit("EXACTLY-ONCE BROKEN: " + "; ".join(
            f"{what} not 1 in {len(bad)} case(s), e.g. {dict(list(bad.items())[:5])}" for what, bad in wrong.items()
            if bad) + f" (cases {cases[0]}..{cases[1]}, {len(ids)} ids for {n} cases)")
    return (f"each of the {n} cases: exactly 1 timer row, fired, 1 timer.fired event, 1 escalation task "
            f"({sum(fired_rows.values())} fired rows, {sum(events.values())} events, {sum(tasks.values())} tasks)")


def setup(sessions: sessionmaker[Session], ctx: EngineContext) -> User:
    with sessions.begin() as session:
        deploy(session, (ROOT / "workflows" / "information_request.bpmn").read_bytes(), actor="bench", at=ctx.now())
        deploy(session, ONE_TIMER, actor="bench", at=ctx.now())
        create_user(session, username="bench", display_name="Bench", password="bench password 123",
                    roles=["pr_department"], unit=None, email=None, actor="bench", at=ctx.now())
    with sessions() as session:
        return session.scalars(select(User).where(User.username == "bench")).one()


def create_cases(sessions: sessionmaker[Session], settings: Settings, user: User,
                 n: int) -> tuple[tuple[int, int], float]:
    """N information requests with their deadline timers long due; (first id, last id) and seconds taken."""
    ctx = EngineContext(settings, clock=FrozenClock(MONDAY_9))
    t = time.perf_counter()
    ids = []
    for _ in range(n):
        with sessions.begin() as session:
            ids.append(operations.start(session, ctx, user, "information_request", dict(REQUEST)).id)
    if ids != list(range(ids[0], ids[0] + n)):
        sys.exit("the cases of a round must have consecutive ids (is something else starting cases in this schema?)")
    return (ids[0], ids[-1]), time.perf_counter() - t


def throughput(sessions: sessionmaker[Session], workers: Workers, cases: tuple[int, int], n: int,
               count: int) -> dict[str, float]:
    started = time.perf_counter()
    for _ in range(count):
        workers.start()
    first_at, first_count, done = None, 0, 0
    deadline = started + 600
    busy0 = machine_ticks()
    while done < n:
        done = fired(sessions, cases)
        now = time.perf_counter()
        if done and first_at is None:
            first_at, first_count = now, done
            busy0, pg0, cpu0 = machine_ticks(), postgres_cpu(), workers.cpu_seconds()
        if now > deadline:
            sys.exit(f"only {done} of {n} timers fired in 10 minutes")
        workers.check_alive()
        time.sleep(0.05)
    finished = time.perf_counter()
    busy1, pg1, cpu1 = machine_ticks(), postgres_cpu(), workers.cpu_seconds()
    assert first_at is not None
    span = finished - first_at
    steady = (n - first_count) / span if span > 0 else float("nan")
    return {"wall_s": finished - started, "to_first_s": first_at - started, "span_s": span,
            "overall_rate": n / (finished - started), "steady_rate": steady,
            # From the first firing seen to the last: how busy the two cores were (1.0 = both), and the CPU seconds
            # the workers and all PostgreSQL processes used meanwhile.
            "busy": (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
            "workers_cpu_s": cpu1 - cpu0,
            "postgres_cpu_s": sum(t - pg0.get(pid, 0.0) for pid, t in pg1.items())}


def latency(sessions: sessionmaker[Session], settings: Settings, user: User, samples: int,
            lead: float, sweep_seconds: float) -> list[tuple[float, float]]:
    """(seen - fire_at, fired_at - fire_at) in seconds, per sample: observed in the database, and the
    moment the sweep that fired it began (the timer row's fired_at)."""
    ctx = EngineContext(settings, clock=SystemClock())
    out = []
    for _ in range(samples):
        # A random offset, so that the samples do not all fall at the same phase of beat's rounds.
        fire_at = datetime.now(UTC) + timedelta(seconds=lead + random.uniform(0, sweep_seconds))
        with sessions.begin() as session:
            instance = operations.start(session, ctx, user, "bench_timer", {"fire_at": fire_at.isoformat()})
            instance_id = instance.id
        deadline = time.monotonic() + lead + sweep_seconds + 120
        while True:
            with sessions() as session:
                timer = session.scalars(select(Timer).where(Timer.instance_id == instance_id)).one()
            if timer.status == "fired":
                seen = datetime.now(UTC)
                break
            if time.monotonic() > deadline:
                sys.exit("the latency timer did not fire within two minutes")
            time.sleep(0.02)
        assert timer.fired_at is not None
        out.append(((seen - fire_at).total_seconds(), (timer.fired_at - fire_at).total_seconds()))
    return out


def machine(url: str) -> str:
    import redis

    engine = make_engine(url)
    with engine.connect() as conn:
        pg = conn.execute(text("SHOW server_version")).scalar_one()
    engine.dispose()
    redis_version = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"machine: {platform.platform()}, cpu_count={os.cpu_count()}, load average {load}, Python "
            f"{platform.python_version()}, PostgreSQL {pg}, Redis {redis_version}, Celery {version('celery')}, "
            f"SpiffWorkflow {version('spiffworkflow')}, SQLAlchemy {version('sqlalchemy')}")


def worker_counts(raw: str) -> list[int]:
    counts = [int(x) for x in raw.split(",") if x.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("worker counts are positive whole numbers, comma-separated: 1,2")
    return counts


def round_order(counts: list[int], rounds: int) -> list[int]:
    """ABBA: the counts in order, then reversed, and so on, so that each meets a drifting load alike."""
    return [c for r in range(rounds) for c in (counts if r % 2 == 0 else counts[::-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=600, help="due timers a round (default 600)")
    parser.add_argument("--workers", type=worker_counts, default=[1, 2],
                        help="`jarchy worker` processes, one count or several compared (default 1,2)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each worker count (default 2)")
    parser.add_argument("--sweep-seconds", type=float, default=1.0,
                        help="JARCHY_SWEEP_SECONDS of the workers (default 1; production's default is 5)")
    parser.add_argument("--expect", type=float, default=1.6,
                        help="the least ratio of the most workers' rate to the fewest's (default 1.6)")
    parser.add_argument("--samples", type=int, default=9, help="latency samples after the last round (default 9)")
    parser.add_argument("--lead", type=float, default=1.5, help="seconds from a latency case's start to fire_at")
    args = parser.parse_args()

    reachable()
    schema = f"bench_timers_{os.getpid()}"
    url = fresh_schema(schema)
    queue = f"jarchy-bench-{uuid.uuid4().hex}"
    engine = make_engine(url)
    workers: Workers | None = None
    order = round_order(args.workers, args.rounds)
    print(f"{args.n} due timers a round; rounds of {', '.join(map(str, order))} worker(s) (beat each, concurrency 1), "
          f"sweep every {args.sweep_seconds:g} s; load average at the start "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results: dict[int, list[dict[str, float]]] = {c: [] for c in args.workers}
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        settings = Settings(database_url=url, secret_key=SECRET, var_dir=Path(tempfile.gettempdir()))
        user = setup(sessions, EngineContext(settings, clock=FrozenClock(MONDAY_9)))
        with tempfile.TemporaryDirectory(prefix="bench_timers_") as tmp:
            for number, count in enumerate(order, 1):
                cases, created = create_cases(sessions, settings, user, args.n)
                log_dir = Path(tmp, f"round-{number}")
                log_dir.mkdir()
                workers = Workers(url, queue, args.sweep_seconds, log_dir)
                t = throughput(sessions, workers, cases, args.n, count)
                last = number == len(order)
                if not last or args.samples <= 0:
                    workers.stop()
                shares = workers.fired_by_worker()
                once = check_once(sessions, cases, args.n)
                results[count].append(t)
                print(f"round {number}: {count} worker(s): {t['steady_rate']:.1f} timers/s first firing to last "
                      f"({t['span_s']:.1f} s), {t['overall_rate']:.1f} overall ({t['wall_s']:.1f} s from the start, "
                      f"first seen after {t['to_first_s']:.1f} s); fired by each worker {shares}; cores busy "
                      f"{t['busy']:.0%}, CPU s: workers {t['workers_cpu_s']:.1f}, "
                      f"PostgreSQL {t['postgres_cpu_s']:.1f}; "
                      f"load {os.getloadavg()[0]:.2f}; {args.n} cases created in {created:.1f} s", flush=True)
                print(f"  {once}", flush=True)
                if not last or args.samples <= 0:
                    workers = None
                    # Sweeps beat sent that no worker took would only be discarded (expired) by the next round's.
                    forget_queue(queue)
            least, most = min(args.workers), max(args.workers)
            verdict = 0
            if least != most:
                def median(count: int, key: str) -> float:
                    return statistics.median(r[key] for r in results[count])

                ratio = median(most, "steady_rate") / median(least, "steady_rate")
                overall = median(most, "overall_rate") / median(least, "overall_rate")
                for count in args.workers:
                    print(f"{count} worker(s), median of {len(results[count])}: "
                          f"{median(count, 'steady_rate'):.1f} timers/s first to last, "
                          f"{median(count, 'overall_rate'):.1f} overall")
                met = ratio >= args.expect
                print(f"{most} workers / {least}: {ratio:.2f}x first to last ({overall:.2f}x overall); "
                      f"expected at least {args.expect:g}x: {'met' if met else 'NOT MET'}")
                verdict = 0 if met else 1
            if args.samples > 0 and workers is not None:
                lat = latency(sessions, settings, user, args.samples, args.lead, args.sweep_seconds)
                seen = [s for s, _ in lat]
                sweep = [f for _, f in lat]
                print(f"latency from due to fired (seen in the database), {order[-1]} worker(s), {args.samples} "
                      f"samples: median {statistics.median(seen):.2f} s, min {min(seen):.2f} s, "
                      f"max {max(seen):.2f} s [{', '.join(f'{x:.2f}' for x in seen)}]")
                print(f"  of which waiting for the sweep (its start - due): median {statistics.median(sweep):.2f} s; "
                      f"expected about half the sweep interval ({args.sweep_seconds / 2:g} s)")
                workers.stop()
                workers = None
        print(machine(url))
    finally:
        if workers is not None:
            workers.stop()
        engine.dispose()
        drop_schema(schema)
        forget_queue(queue)
    sys.exit(verdict)


if __name__ == "__main__":
    main()
