"""How fast `jarchy worker` processes fire timers, on PostgreSQL and Redis. Run from the repo root:
`.venv/bin/python tests/perf/bench_timers.py [--n 300] [--workers 2] [--sweep-seconds 5] [--samples 9]`.

1. Throughput: N information requests are started through `engine.runtime.operations` with a FrozenClock in March
   2026, so each has a deadline timer long due. Then W `jarchy worker` processes (each with beat,
   concurrency 1) start, and the database is polled until all N timers are fired: timers fired per second.
2. Latency: with the workers still running, a case of a one-timer diagram (start, a timer at `fire_at`,
   end) is started with `fire_at` a few seconds ahead on the real clock; the delay from `fire_at` to the
   moment the fired timer is seen in the database (polled every 20 ms), median of a few.

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
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.migrate import upgrade
from db.models import ProcessInstance, Timer, User
from db.session import make_engine, make_sessionmaker
from engine.context import EngineContext
from engine.core.settings import Settings
from engine.people.accounts import create_user
from engine.procedures.definitions import deploy
from engine.runtime import operations
from engine.spiff.clock import FrozenClock, SystemClock

ROOT = Path(__file__).resolve().parents[2]
JARCHY = str(Path(sys.executable).with_name("jarchy"))
PG_URL = os.environ.get("JARCHY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
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
                          "JARCHY_VAR_DIR": str(log_dir / "var"), "PYTHONUNBUFFERED": "1"}
        self.log_dir = log_dir
        self.procs: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self) -> None:
        path = self.log_dir / f"worker-{len(self.procs) + 1}.log"
        with path.open("wb") as log:
            proc = subprocess.Popen([JARCHY, "worker"], env=self.env, cwd=self.log_dir, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((proc, path))

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


def fired(sessions: sessionmaker[Session], process_key: str) -> int:
    with sessions() as session:
        return int(session.scalar(
            select(func.count()).select_from(Timer).join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
            .where(ProcessInstance.process_key == process_key, Timer.status == "fired")) or 0)


def setup(sessions: sessionmaker[Session], ctx: EngineContext) -> User:
    with sessions.begin() as session:
        deploy(session, (ROOT / "workflows" / "information_request.bpmn").read_bytes(), actor="bench", at=ctx.now())
        deploy(session, ONE_TIMER, actor="bench", at=ctx.now())
        create_user(session, username="bench", display_name="Bench", password="bench password 123",
                    roles=["pr_department"], unit=None, email=None, actor="bench", at=ctx.now())
    with sessions() as session:
        return session.scalars(select(User).where(User.username == "bench")).one()


def throughput(sessions: sessionmaker[Session], settings: Settings, user: User, workers: Workers, n: int,
               count: int) -> dict[str, float]:
    ctx = EngineContext(settings, clock=FrozenClock(MONDAY_9))
    t = time.perf_counter()
    for _ in range(n):
        with sessions.begin() as session:
            operations.start(session, ctx, user, "information_request", dict(REQUEST))
    created = time.perf_counter() - t
    started = time.perf_counter()
    for _ in range(count):
        workers.start()
    first_at, first_count, done = None, 0, 0
    deadline = started + 600
    while done < n:
        done = fired(sessions, "information_request")
        now = time.perf_counter()
        if done and first_at is None:
            first_at, first_count = now, done
        if now > deadline:
            sys.exit(f"only {done} of {n} timers fired in 10 minutes")
        workers.check_alive()
        time.sleep(0.05)
    finished = time.perf_counter()
    assert first_at is not None
    steady = (n - first_count) / (finished - first_at) if finished > first_at else float("nan")
    return {"created_s": created, "wall_s": finished - started, "to_first_s": first_at - started,
            "overall_rate": n / (finished - started), "steady_rate": steady}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="timers to fire (default 300)")
    parser.add_argument("--workers", type=int, default=2, help="`jarchy worker` processes (default 2)")
    parser.add_argument("--sweep-seconds", type=float, default=5.0,
                        help="JARCHY_SWEEP_SECONDS of the workers (default 5, the production default)")
    parser.add_argument("--samples", type=int, default=9, help="latency samples (default 9)")
    parser.add_argument("--lead", type=float, default=1.5, help="seconds from a latency case's start to fire_at")
    args = parser.parse_args()

    reachable()
    schema = f"bench_timers_{os.getpid()}"
    url = fresh_schema(schema)
    queue = f"jarchy-bench-{uuid.uuid4().hex}"
    engine = make_engine(url)
    workers: Workers | None = None
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        settings = Settings(database_url=url, secret_key=SECRET, var_dir=Path(tempfile.gettempdir()))
        user = setup(sessions, EngineContext(settings, clock=FrozenClock(MONDAY_9)))
        with tempfile.TemporaryDirectory(prefix="bench_timers_") as tmp:
            workers = Workers(url, queue, args.sweep_seconds, Path(tmp))
            print(f"{args.n} due timers, {args.workers} workers (beat each, concurrency 1), "
                  f"sweep every {args.sweep_seconds:g} s", flush=True)
            t = throughput(sessions, settings, user, workers, args.n, args.workers)
            shares = workers.fired_by_worker()
            print(f"created {args.n} cases in {t['created_s']:.1f} s ({args.n / t['created_s']:.1f}/s, "
                  "operations.start on PostgreSQL, one transaction each)")
            print(f"all {args.n} fired {t['wall_s']:.1f} s after the workers were started (first seen after "
                  f"{t['to_first_s']:.1f} s: start-up and the first beat)")
            print(f"timers fired per second: {t['overall_rate']:.1f} overall (start-up included), "
                  f"{t['steady_rate']:.1f} from the first firing seen to the last")
            print(f"fired by each worker: {shares}")
            lat = latency(sessions, settings, user, args.samples, args.lead, args.sweep_seconds)
            seen = [s for s, _ in lat]
            sweep = [f for _, f in lat]
            print(f"latency from due to fired (seen in the database), {args.samples} samples: median "
                  f"{statistics.median(seen):.2f} s, min {min(seen):.2f} s, max {max(seen):.2f} s "
                  f"[{', '.join(f'{x:.2f}' for x in seen)}]")
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


if __name__ == "__main__":
    main()
