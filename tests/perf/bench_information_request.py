"""How fast the information request's happy path runs: SpiffWorkflow alone, and through the runtime on SQLite
and PostgreSQL. Run from the repo root: `.venv/bin/python tests/perf/bench_information_request.py [--n N]`.

The path: start with valid data; triage by pr_department (handler pr_department, no contributors);
prepare_answer; send_answer -> completed. Four operations per instance. See tests/perf/README.md."""

from __future__ import annotations

import argparse
import copy
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _postgres import PG_URL, pg_admin
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import AuditEvent, HumanTask, ProcessInstance, User
from db.session import make_engine, make_sessionmaker
from engine.context import EngineContext
from engine.core.settings import Settings
from engine.people.accounts import create_user
from engine.procedures.definitions import deploy
from engine.procedures.forms import fill_defaults, load_form
from engine.runtime import operations
from engine.spiff import clock
from engine.spiff.parser import JarchyParser, parse_xml

KEY = "information_request"
DIAGRAM = Path(__file__).resolve().parents[2] / "workflows" / f"{KEY}.bpmn"
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
OPS_PER_INSTANCE, WARMUP, REPS = 4, 5, 3

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


class InMemory:
    """(a) SpiffWorkflow alone: the spec parsed once, three user tasks completed directly, nothing serialized.
    The data is the runtime's (form defaults filled in once, up front), so both run the same branches."""

    def __init__(self, ctx: EngineContext) -> None:
        parser = JarchyParser()
        parser.add_bpmn_xml(parse_xml(DIAGRAM.read_bytes()), DIAGRAM.name)
        self.spec, self.subprocess_specs = parser.get_spec(KEY), parser.get_subprocess_specs(KEY)
        self.ctx = ctx
        self.start_data = fill_defaults(load_form(f"{KEY}/start"), REQUEST, ctx.now())
        self.steps = [(name, fill_defaults(load_form(f"{KEY}/{name}"), data, ctx.now())) for name, data in STEPS]

    def run_one(self) -> None:
        wf = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.ctx.script_engine)
        with clock.using(self.ctx.clock):
            wf.get_tasks(state=TaskState.READY)[0].data.update(copy.deepcopy(self.start_data))
            wf.do_engine_steps()
            for name, data in self.steps:
                task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
                assert task.task_spec.bpmn_id == name, (task.task_spec.bpmn_id, name)
                task.data.update(copy.deepcopy(data))
                task.run()
                wf.do_engine_steps()
        assert wf.is_completed() and wf.data["outcome"] == "answered"


class Persisted:
    """(b) engine.runtime.operations on a database: each operation in its own transaction, as one API request is."""

    def __init__(self, url: str, ctx: EngineContext) -> None:
        self.engine = make_engine(url)
        upgrade(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        self.ctx = ctx
        with self.sessions.begin() as s:
            deploy(s, DIAGRAM.read_bytes(), actor="bench", at=ctx.now())
            self.user_id = create_user(s, username="pr", display_name="PR", password="bench password 123",
                                       roles=["pr_department"], actor="bench", at=ctx.now()).id

    def _open_task(self, s: Session, instance_id: int) -> tuple[str, str] | None:
        """What the API's response lists: the instance's open task (its id is the next request's)."""
        row = s.execute(select(HumanTask.id, HumanTask.bpmn_id)
                        .where(HumanTask.instance_id == instance_id, HumanTask.status == "open")).first()
        return (row.id, row.bpmn_id) if row else None

    def run_one(self) -> None:
        with self.sessions.begin() as s:
            instance = operations.start(s, self.ctx, s.get(User, self.user_id), KEY, copy.deepcopy(REQUEST))
            instance_id = instance.id
            task = self._open_task(s, instance_id)
        for name, data in STEPS:
            assert task is not None and task[1] == name, (task, name)
            with self.sessions.begin() as s:
                actor = s.get(User, self.user_id)
                _, instance = operations.complete_task(s, self.ctx, actor, task[0], copy.deepcopy(data))
                task = self._open_task(s, instance_id)
        assert task is None and instance.status == "completed", instance.status

    def stored(self) -> tuple[float, float]:
        """Average bytes of process_instances.state, and audit events per instance."""
        with self.sessions() as s:
            states = [st.encode() for st in s.scalars(select(ProcessInstance.state))]
            events = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.instance_id.is_not(None)))
        return sum(map(len, states)) / len(states), (events or 0) / len(states)

    def close(self) -> None:
        self.engine.dispose()


def measure(run_one: Callable[[], None], n: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process for REPS runs of n instances, after WARMUP."""
    for _ in range(WARMUP):
        run_one()
    walls, cpus = [], []
    for _ in range(REPS):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            run_one()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def bench_database(url: str, ctx: EngineContext, n: int) -> tuple[tuple[float, float], tuple[float, float]]:
    run = Persisted(url, ctx)
    try:
        return measure(run.run_one, n), run.stored()
    finally:
        run.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="instances per repetition (default 200)")
    n = parser.parse_args().n
    ctx = EngineContext(Settings(secret_key="bench"), clock=clock.FrozenClock(MONDAY_9))
    results: dict[str, tuple[float, float]] = {}
    stored: dict[str, tuple[float, float]] = {}

    print(f"{KEY} happy path, N={n}, median of {REPS} after {WARMUP} warm-up instances ...", flush=True)
    results["a in memory"] = measure(InMemory(ctx).run_one, n)
    with tempfile.TemporaryDirectory(prefix="jarchy-bench-") as tmp:
        results["b1 runtime + SQLite"], stored["SQLite"] = bench_database(f"sqlite:///{Path(tmp) / 'b.db'}", ctx, n)
    schema = f"bench_{os.getpid()}"
    drop = f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'
    try:
        pg_server = pg_admin(drop, f'CREATE SCHEMA "{schema}"')
    except OperationalError as exc:
        pg_server = "unreachable"
        print(f"PostgreSQL at {PG_URL} is NOT reachable, b2 skipped: {str(exc.orig).splitlines()[0]}")
    else:
        try:
            url = f"{PG_URL}?options=-csearch_path%3D{schema}"
            results["b2 runtime + PostgreSQL"], stored["PostgreSQL"] = bench_database(url, ctx, n)
        finally:
            pg_admin(drop)

    base = n / results["a in memory"][0]
    print("\n| mode | instances/s | ms/instance | ms/operation | slowdown vs a | CPU ms/instance (this process) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for mode, (seconds, cpu) in results.items():
        rate, ms = n / seconds, 1000 * seconds / n
        print(f"| {mode} | {rate:.1f} | {ms:.2f} | {ms / OPS_PER_INSTANCE:.2f} | {base / rate:.1f}x "
              f"| {1000 * cpu / n:.2f} |")
    print(f"\nmachine: cpu_count={os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg_server}, "
          f"SpiffWorkflow {version('SpiffWorkflow')}, SQLAlchemy {version('SQLAlchemy')}")
    for db, (size, events) in stored.items():
        print(f"stored ({db}): state {size:,.0f} bytes per instance on average, {events:.1f} audit events per instance")


if __name__ == "__main__":
    main()
