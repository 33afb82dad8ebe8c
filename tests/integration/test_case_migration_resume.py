"""A migration killed (SIGKILL) in the middle of a batch resumes without moving any case twice, on both databases
(the SQLite file and PostgreSQL): the run goes on in another process, as an administrator would start it again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import func, select

from api.cli import main
from api.migration_runs import run
from db.models import AuditEvent, MigrationCase, ProcessInstance
from db.vocabulary import EventType, MigrationCaseStatus, MigrationStatus
from engine.audit import chain
from engine.runtime import migration
from tests.migrating import deploy_v2, start_cases

ROOT = Path(__file__).resolve().parents[2]
CASES = 60
# The run in another process: batches of 20, each case a little slow, so that the kill lands inside a batch.
RUNNER = textwrap.dedent("""
    import sys, time
    from datetime import datetime
    from zoneinfo import ZoneInfo
    from api import CATALOGS, create_app
    from api.migration_runs import run
    from engine.core.settings import Settings
    from engine.spiff.clock import FrozenClock
    url, var_dir, migration_id, now = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    settings = Settings(database_url=url, secret_key="test-secret-key-0123456789", var_dir=var_dir, catalogs=CATALOGS)
    app = create_app({"SETTINGS": settings, "CLOCK": FrozenClock(datetime.fromisoformat(now)), "TESTING": True})
    run(app.extensions["jarchy.sessions"], app.extensions["jarchy.ctx"], migration_id, batch_size=20,
        after_case=lambda _: time.sleep(0.1))
""")


def moved_count(sessions: Any, migration_id: int) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(MigrationCase).where(
            MigrationCase.migration_id == migration_id, MigrationCase.status == MigrationCaseStatus.MOVED)) or 0


def test_a_migration_killed_mid_batch_resumes_without_moving_a_case_twice(
        app: Any, cast: Any, sessions: Any, ctx: Any, deployed: None, database_url: str, tmp_path: Path) -> None:
    start_cases(sessions, ctx, CASES)
    deploy_v2(sessions, ctx)
    with sessions.begin() as session:
        row, plan = migration.start_migration(session, ctx, "system", "information_request", 1, 2,
                                              {"approve_answer": "approve_reply"}, batch_size=20)
        migration_id = row.id
    assert plan.movable == CASES
    process = subprocess.Popen(  # noqa: S603 (our own interpreter running our own code)
        [sys.executable, "-c", RUNNER, database_url, str(tmp_path), str(migration_id), ctx.now().isoformat()],
        cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while moved_count(sessions, migration_id) < 25:  # inside the second batch of 20
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the runner moved too few cases"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = moved_count(sessions, migration_id)
    assert 25 <= killed_at < CASES
    with sessions() as session:
        assert session.get(type(row), migration_id).status == MigrationStatus.RUNNING  # as the crash left it

    ran = run(sessions, ctx, migration_id, batch_size=20)  # resumed here, as `jarchy migrations resume` does

    assert ran.moved == CASES - killed_at and ran.failed == ran.blocked == 0
    with sessions() as session:
        statuses = Counter(session.scalars(select(MigrationCase.status).where(
            MigrationCase.migration_id == migration_id)))
        assert statuses == Counter({MigrationCaseStatus.MOVED: CASES})
        events = Counter(session.scalars(select(AuditEvent.instance_id).where(
            AuditEvent.type == EventType.INSTANCE_MIGRATED)))
        assert len(events) == CASES and set(events.values()) == {1}
        assert session.get(type(row), migration_id).status == MigrationStatus.DONE
        assert chain.verify(session).ok


def test_a_run_stopped_after_some_cases_is_interrupted_and_goes_on_when_resumed(
        app: Any, cast: Any, sessions: Any, ctx: Any, deployed: None) -> None:
    start_cases(sessions, ctx, 10)
    deploy_v2(sessions, ctx)
    with sessions.begin() as session:
        row, _ = migration.start_migration(session, ctx, "system", "information_request", 1, 2,
                                           {"approve_answer": "approve_reply"})
        migration_id = row.id
    first = run(sessions, ctx, migration_id, batch_size=3, stop_after=4)
    assert (first.moved, first.stopped) == (4, True)
    with sessions() as session:
        assert session.get(type(row), migration_id).status == MigrationStatus.INTERRUPTED
    with sessions.begin() as session:
        migration.resume(session, "system", migration_id)
    rest = run(sessions, ctx, migration_id, batch_size=3)
    assert rest.moved == 6
    again = run(sessions, ctx, migration_id)  # nothing left: nothing moves twice
    assert again.moved == 0
    with sessions() as session:
        assert session.get(type(row), migration_id).status == MigrationStatus.DONE


def test_the_command_line_plans_moves_resumes_and_shows_a_migration(
        app: Any, cast: Any, sessions: Any, ctx: Any, deployed: None, settings: Any) -> None:
    at = start_cases(sessions, ctx, 10)
    deploy_v2(sessions, ctx)
    env = {"JARCHY_DATABASE_URL": settings.database_url, "JARCHY_SECRET_KEY": settings.secret_key}
    base = ["migrate", "information_request", "--from", "1", "--to", "2"]
    planned = CliRunner().invoke(main, [*base, "--dry-run"], env=env)
    assert planned.exit_code == 0, planned.output
    assert "movable 7, blocked 3, no_target 3" in planned.output and "(dry run): planned" in planned.output
    refused = CliRunner().invoke(main, [*base, "--map", "approve_answer=nothing"], env=env)
    assert refused.exit_code == 1 and "mapping.approve_answer" in refused.output
    chosen = sorted(at)[:4]
    moved = CliRunner().invoke(main, [*base, "--map", "approve_answer=approve_reply", "--cases",
                                      ",".join(map(str, chosen)), "--batch-size", "2"], env=env)
    assert moved.exit_code == 0, moved.output
    assert "moved 4, blocked since the plan 0, failed 0" in moved.output and ": done" in moved.output
    with sessions() as session:
        migration_id = session.scalar(select(func.max(MigrationCase.migration_id)))
    shown = CliRunner().invoke(main, ["migrations", "show", str(migration_id)], env=env)
    assert shown.exit_code == 0 and "moved 4" in shown.output
    again = CliRunner().invoke(main, ["migrations", "resume", str(migration_id)], env=env)
    assert again.exit_code == 0 and "moved 0," in again.output
    assert CliRunner().invoke(main, ["migrations", "show", "99999"], env=env).exit_code == 1


def test_a_case_whose_move_raises_is_recorded_failed_and_the_others_move(
        app: Any, cast: Any, sessions: Any, ctx: Any, deployed: None, monkeypatch: Any) -> None:
    at = start_cases(sessions, ctx, 6)
    deploy_v2(sessions, ctx)
    broken = sorted(at)[2]
    real = migration.move_case

    def move_case(session: Any, ctx: Any, migration_id: int, instance_id: int, **kw: Any) -> Any:
        status = real(session, ctx, migration_id, instance_id, **kw)
        if instance_id == broken:
            raise RuntimeError("the database went away")  # after the move: its transaction rolls back
        return status

    monkeypatch.setattr(migration, "move_case", move_case)
    with sessions.begin() as session:
        row, _ = migration.start_migration(session, ctx, "system", "information_request", 1, 2,
                                           {"approve_answer": "approve_reply"})
        migration_id = row.id
    ran = run(sessions, ctx, migration_id, batch_size=4)
    assert (ran.moved, ran.failed) == (5, 1)
    with sessions() as session:
        failed = session.scalars(select(MigrationCase).where(MigrationCase.instance_id == broken)).one()
        assert (failed.status, failed.reason, failed.params["message"]) == (
            "failed", "move_failed", "RuntimeError: the database went away")
        assert session.get(ProcessInstance, broken).version == 1  # nothing of its move was kept
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.type == EventType.INSTANCE_MIGRATED, AuditEvent.instance_id == broken)) == 0
        assert session.get(type(row), migration_id).status == MigrationStatus.DONE
