"""What a long-lived case costs: one information request sent back for rework N times (prepare_answer, then
approve_answer "rework", N loops), driven through the engine's own operations (engine.runtime.operations) on
SQLite, each operation its own transaction as one API request is. Run from the repo root:
`.venv/bin/python tests/perf/bench_long_cases.py [--loops 1,50,200] [--no-prune] [--postgres]`.

After 1, 50, 150 and 200 loops (`--loops`) it prints the stored state's bytes, the number of tasks in its tree (the
subprocesses' included) and the CPU time of this process (`time.process_time`) for one completion: the median of
the next 3 loops' 6 completions. `--no-prune` runs the same with the pruning of the task tree switched off
(engine/spiff/pruning.py), and without either switch both are run, one after the other, in the same process:
the ratios to compare are each column's "after N / after 1". See tests/perf/README.md."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _postgres import PG_URL, pg_admin
from sqlalchemy import select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import undefer

from db.migrate import upgrade
from db.models import HumanTask, ProcessInstance
from db.session import make_engine, make_sessionmaker
from engine.context import EngineContext
from engine.core.settings import Settings
from engine.people.accounts import create_unit, create_user, user_by_username
from engine.procedures.definitions import deploy
from engine.runtime import operations
from engine.spiff import clock, pruning, serializer

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
PASSWORD = "a long bench password"
REQUEST = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
           "contact": {"email": "aida@example.kg"}, "subject": "Bus fares", "question": "Will bus fares rise?"}
ANSWER = {"answer": "Fares stay.", "confirm_no_confidential": True, "refuse": False}
REWORK = {"decision": "rework", "comment": "Cite the decree."}
MEASURED_LOOPS = 3


@contextmanager
def pruning_off() -> Iterator[None]:
    """The engine as it was before the pruning: the whole tree kept and serialized at every step."""
    kept = pruning.prune
    pruning.prune = lambda wf: None  # type: ignore[assignment]
    try:
        yield
    finally:
        pruning.prune = kept


class LongCase:
    def __init__(self, url: str, ctx: EngineContext) -> None:
        self.engine = make_engine(url)
        upgrade(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        self.ctx = ctx
        with self.sessions.begin() as s:
            deploy(s, (WORKFLOWS / "information_request.bpmn").read_bytes(), actor="bench", at=ctx.now())
            create_unit(s, key="transport", name="Transport", actor="bench", at=ctx.now())
            create_user(s, username="pr", display_name="PR", password=PASSWORD, roles=["pr_department"],
                        actor="bench", at=ctx.now())
            create_user(s, username="ps", display_name="PS", password=PASSWORD, roles=["press_secretary"],
                        unit="transport", actor="bench", at=ctx.now())
            self.instance_id = operations.start(s, ctx, user_by_username(s, "pr"), "information_request",
                                                dict(REQUEST)).id
        self.complete("pr", "triage", {"handler": "press_secretary", "unit": "transport", "contributors": []})

    def complete(self, username: str, bpmn_id: str, data: dict[str, Any]) -> float:
        """The CPU seconds of one completion, in its own transaction."""
        with self.sessions.begin() as s:
            row = s.scalars(select(HumanTask).where(HumanTask.instance_id == self.instance_id,
                                                    HumanTask.bpmn_id == bpmn_id,
                                                    HumanTask.status == "open")).one()
            actor = user_by_username(s, username)
            began = time.process_time()
            operations.complete_task(s, self.ctx, actor, row.id, dict(data))
            s.flush()
            return time.process_time() - began

    def loop(self) -> list[float]:
        return [self.complete("ps", "prepare_answer", ANSWER), self.complete("pr", "approve_answer", REWORK)]

    def stored(self) -> tuple[int, int]:
        """The stored state's bytes and the number of tasks in its tree."""
        with self.sessions() as s:
            instance = s.scalars(select(ProcessInstance).where(ProcessInstance.id == self.instance_id)
                                 .options(undefer(ProcessInstance.state))).one()
            state = instance.state
        wf = serializer.load(state, _specs(self.sessions, self.instance_id), self.ctx.script_engine)
        return len(state.encode()), len(wf.tasks) + sum(len(sub.tasks) for sub in wf.subprocesses.values())

    def close(self) -> None:
        self.engine.dispose()


def _specs(sessions: Any, instance_id: int) -> Any:
    from db.models import ProcessDefinition
    from engine.procedures.definitions import workflow_specs
    with sessions() as s:
        instance = s.get(ProcessInstance, instance_id)
        definition = s.get(ProcessDefinition, instance.definition_id)
        return workflow_specs(s, definition, instance.called_versions)


def run(url: str, checkpoints: list[int], ctx: EngineContext) -> list[tuple[int, int, int, float]]:
    """(loops, state bytes, tasks, median CPU seconds of one completion) at each checkpoint."""
    case = LongCase(url, ctx)
    rows = []
    try:
        done = 0
        for target in checkpoints:
            try:
                while done < target:
                    case.loop()
                    done += 1
                size, tasks = case.stored()
                cpus = [cpu for _ in range(MEASURED_LOOPS) for cpu in case.loop()]
            except NoResultFound:
                # SpiffWorkflow's task iterators stop 1,000 tasks deep: past that the ready task is not found, and
                # the case waits with no open task, silently (about 198 loops of this diagram, unpruned).
                size, tasks = case.stored()
                print(f"  STUCK after {done} loops: running, no open task ({size} bytes, {tasks} tasks)", flush=True)
                break
            done += MEASURED_LOOPS
            rows.append((target, size, tasks, statistics.median(cpus)))
            print(f"  after {target} loops: {size} bytes, {tasks} tasks, {1000 * rows[-1][3]:.2f} ms CPU",
                  flush=True)
    finally:
        case.close()
    return rows


def database(postgres: bool, tmp: str, name: str) -> tuple[str, list[str]]:
    """The URL to run on, and the statements that remove it afterwards (PostgreSQL: a schema of its own)."""
    if not postgres:
        return f"sqlite:///{Path(tmp) / f'{name}.db'}", []
    schema = f"bench_long_{name}_{os.getpid()}"
    drop = f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'
    pg_admin(drop, f'CREATE SCHEMA "{schema}"')
    return f"{PG_URL}?options=-csearch_path%3D{schema}", [drop]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loops", default="1,50,150,200", help="checkpoints, loops done (default 1,50,150,200)")
    parser.add_argument("--no-prune", action="store_true", help="only without the pruning (the engine before it)")
    parser.add_argument("--prune-only", action="store_true", help="only with the pruning")
    parser.add_argument("--postgres", action="store_true", help="on PostgreSQL (JARCHY_TEST_POSTGRES) not SQLite")
    args = parser.parse_args()
    checkpoints = sorted(int(n) for n in args.loops.split(","))
    ctx = EngineContext(Settings(secret_key="bench"), clock=clock.FrozenClock(MONDAY_9))
    modes = ["pruned"] if args.prune_only else ["unpruned"] if args.no_prune else ["unpruned", "pruned"]
    results: dict[str, list[tuple[int, int, int, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="jarchy-bench-long-") as tmp:
        for mode in modes:
            print(f"{mode}:", flush=True)
            url, cleanup = database(args.postgres, tmp, mode)
            try:
                if mode == "unpruned":
                    with pruning_off():
                        results[mode] = run(url, checkpoints, ctx)
                else:
                    results[mode] = run(url, checkpoints, ctx)
            finally:
                if cleanup:
                    pg_admin(*cleanup)
    print(f"\n{'PostgreSQL' if args.postgres else 'SQLite'}; one completion's CPU: median of "
          f"{2 * MEASURED_LOOPS} completions (prepare_answer, approve_answer) after the loops")
    print("| mode | loops | state bytes | x after 1 | tasks in tree | CPU ms/completion | x after 1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode, rows in results.items():
        first = rows[0]
        for loops, size, tasks, cpu in rows:
            print(f"| {mode} | {loops} | {size:,} | {size / first[1]:.2f} | {tasks} | {1000 * cpu:.2f} "
                  f"| {cpu / first[3]:.2f} |")
    print(f"\nmachine: cpu_count={os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
