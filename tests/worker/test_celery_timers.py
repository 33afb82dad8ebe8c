"""Timers fired by real `jarchy worker` processes (Celery, embedded beat) on the Redis at 127.0.0.1:6379.

Each test starts its own worker processes on a queue of its own, against the test database, and kills
them (the whole process group) at the end. The workers use the real clock: the cases are started with the
frozen clock in March 2026, so their deadline timers are long due by the time a worker sweeps. The tests
wait for processes by polling the database; they never sleep to move the engine's time.

Under CI=true an unreachable Redis is a failure, otherwise a skip."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import func, select, text

from db.models import AuditEvent, HumanTask, ProcessInstance, Timer
from tests.cases import complete, start
from tests.conftest import IN_CI

REDIS_URL = os.environ.get("JARCHY_TEST_REDIS", "redis://127.0.0.1:6379/15")
JARCHY = str(Path(sys.executable).with_name("jarchy"))
ROOT = str(Path(__file__).resolve().parents[2])
WAIT_SECONDS = 30.0


@pytest.fixture(scope="session")
def redis_client() -> Iterator[Any]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis at {REDIS_URL} is not reachable: {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    yield client
    client.close()


@dataclass
class _Proc:
    popen: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]


class Workers:
    """`jarchy worker` processes of one test, on a queue of their own."""

    def __init__(self, redis_client: Any, database_url: str, secret_key: str, tmp_path: Path) -> None:
        self.redis, self.tmp_path = redis_client, tmp_path
        self.queue = f"jarchy-test-{uuid.uuid4().hex}"
        self.procs: list[_Proc] = []
        self.ended: set[int] = set()  # pids this test stopped or killed on purpose
        env = {k: v for k, v in os.environ.items() if not k.startswith("JARCHY_")}
        self.env = env | {
            "JARCHY_DATABASE_URL": database_url,
            "JARCHY_REDIS_URL": REDIS_URL,
            "JARCHY_CELERY_QUEUE": self.queue,
            "JARCHY_SWEEP_SECONDS": "1",
            "JARCHY_SECRET_KEY": secret_key,
            "JARCHY_VAR_DIR": str(tmp_path / "var"),
            "PYTHONUNBUFFERED": "1",
            # The workers run in tmp_path: the code is this checkout's (a worktree's too), not the one the
            # virtualenv was installed from.
            "PYTHONPATH": os.pathsep.join([ROOT, *filter(None, [env.get("PYTHONPATH")])]),
        }

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        log_path = self.tmp_path / f"worker-{len(self.procs) + 1}.log"
        log = log_path.open("wb")
        # A session of its own: a kill of the group takes the pool's children and beat with the worker.
        popen = subprocess.Popen([JARCHY, "worker", *args], env=self.env, cwd=self.tmp_path, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(_Proc(popen, log_path, log))
        return popen

    def kill(self, popen: subprocess.Popen[bytes]) -> None:
        """kill -9, the worker and its children at once: nothing gets to clean up."""
        self.ended.add(popen.pid)
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(popen.pid, signal.SIGKILL)
        popen.wait(timeout=10)

    def stop(self, popen: subprocess.Popen[bytes]) -> None:
        """A warm shutdown (SIGTERM), then anything left of the group is killed."""
        self.ended.add(popen.pid)
        if popen.poll() is None:
            popen.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=20)
        self.kill(popen)

    def check_alive(self) -> None:
        for proc in self.procs:
            code = proc.popen.poll()
            if code is not None and proc.popen.pid not in self.ended:
                pytest.fail(f"worker {proc.popen.pid} exited with {code}:\n{self.logs()}")

    def logs(self) -> str:
        parts = []
        for proc in self.procs:
            proc.log.flush()
            tail = proc.log_path.read_text(errors="replace")[-6000:]
            parts.append(f"--- {proc.log_path.name} (pid {proc.popen.pid}) ---\n{tail}")
        return "\n".join(parts)

    def log_text(self) -> str:
        return "".join(p.log_path.read_text(errors="replace") for p in self.procs)

    def sweeps_done(self) -> int:
        """How many sweeps the workers finished so far, from their logs."""
        return sum(1 for p in self.procs for line in p.log_path.read_text(errors="replace").splitlines()
                   if "jarchy.sweep[" in line and " succeeded " in line)

    def close(self) -> None:
        for proc in self.procs:
            self.kill(proc.popen)
            proc.log.close()
        _forget_queue(self.redis, self.queue)


def _forget_queue(client: Any, queue: str) -> None:
    """Remove what kombu keeps for a queue, including messages a killed worker left unacknowledged."""
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    for tag, payload in client.hgetall("unacked").items():
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def workers(redis_client: Any, settings: Any, tmp_path: Path) -> Iterator[Workers]:
    group = Workers(redis_client, settings.database_url, settings.secret_key, tmp_path)
    try:
        yield group
    finally:
        group.close()


def wait_for(predicate: Callable[[], Any], what: str, workers: Workers, timeout: float = WAIT_SECONDS) -> Any:
    """Poll until `predicate()` is truthy (waiting for worker processes, not for engine time)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        workers.check_alive()
        if time.monotonic() > deadline:
            pytest.fail(f"not seen within {timeout:.0f} s: {what}\n{workers.logs()}")
        time.sleep(0.2)


# -- cases and what the database says about them -----------------------------------------------------

@dataclass(frozen=True)
class TimerState:
    statuses: list[str]
    fired_events: int
    open_tasks: list[str]
    fired_at: datetime | None


def state(sessions: Any, instance_id: int) -> TimerState:
    with sessions() as session:
        rows = session.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.id)).all()
        events = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.type == "timer.fired", AuditEvent.instance_id == instance_id))
        tasks = session.scalars(select(HumanTask.bpmn_id).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "open")).all()
    fired = [r.fired_at for r in rows if r.fired_at is not None]
    return TimerState([r.status for r in rows], int(events or 0), sorted(tasks), fired[0] if fired else None)


def fired_count(sessions: Any, ids: list[int]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Timer).where(
            Timer.instance_id.in_(ids), Timer.status == "fired")) or 0)


def assert_fired_once(sessions: Any, instance_id: int) -> TimerState:
    s = state(sessions, instance_id)
    assert s.statuses == ["fired"], s
    assert s.fired_events == 1, s
    assert s.open_tasks == ["escalate_overdue", "triage"], s
    return s


# -- the tests -----------------------------------------------------------------------------------------

@pytest.mark.usefixtures("deployed")
def test_a_due_timer_fires_once_within_seconds(as_: Any, sessions: Any, workers: Workers) -> None:
    case = start(as_)["id"]
    assert state(sessions, case).statuses == ["pending"]
    workers.start()
    wait_for(lambda: fired_count(sessions, [case]), "the due timer fired", workers)
    # Later sweeps find nothing more to fire.
    seen = workers.sweeps_done()
    wait_for(lambda: workers.sweeps_done() >= seen + 2, "two more sweeps", workers)
    assert_fired_once(sessions, case)


@pytest.mark.usefixtures("deployed")
def test_two_workers_with_beat_fire_each_of_twenty_timers_once(as_: Any, sessions: Any, workers: Workers) -> None:
    cases = [start(as_)["id"] for _ in range(20)]
    # Both beats send a sweep every second and both workers take them: their sweeps overlap.
    workers.start()
    workers.start()
    wait_for(lambda: fired_count(sessions, cases) == len(cases), "all 20 timers fired", workers)
    seen = workers.sweeps_done()
    wait_for(lambda: workers.sweeps_done() >= seen + 2, "two more sweeps", workers)
    for case in cases:
        assert_fired_once(sessions, case)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.type == "timer.fired")) == len(cases)


def backend_pids(engine: Any) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT pid FROM pg_stat_activity")).scalars())


@pytest.mark.usefixtures("deployed")
def test_a_worker_killed_while_firing_leaves_the_timer_to_the_next_which_fires_it_once(
        as_: Any, app: Any, sessions: Any, database_url: str, workers: Workers) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs a lock to hold the worker inside fire_timer: SQLite locks the whole database "
                    "at BEGIN, so the worker would wait before it reads the due timers, never mid-fire")
    case = start(as_)["id"]
    engine = app.extensions["jarchy.engine"]
    with engine.connect() as holder:
        # A sweeper skips a case another holds; it is caught mid-fire instead: after it has locked the case
        # and run the workflow, its first audit event waits to be inserted: the table is held here in SHARE mode
        # (writers take no audit lock of their own: the sealer chains the events later).
        tx = holder.begin()
        holder.execute(text("LOCK TABLE audit_events IN SHARE MODE"))
        holder_pid = holder.execute(text("SELECT pg_backend_pid()")).scalar_one()

        def blocked_pids() -> list[int]:
            with engine.connect() as conn:
                return list(conn.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid)) "
                    "AND query ILIKE '%INSERT INTO audit_events%'"),
                    {"holder": holder_pid}).scalars())

        first = workers.start()
        waiting = wait_for(blocked_pids, "worker 1 holding the case and waiting to audit the firing", workers)
        workers.kill(first)
        assert state(sessions, case).statuses == ["pending"]
        tx.rollback()
    # The killed worker's backend notices its client is gone once it gets the lock, and rolls back.
    wait_for(lambda: not set(waiting) & set(backend_pids(engine)), "the killed worker's backend gone", workers)
    assert state(sessions, case).statuses == ["pending"]
    workers.start()
    wait_for(lambda: fired_count(sessions, [case]), "worker 2 fired the timer", workers)
    seen = workers.sweeps_done()
    wait_for(lambda: workers.sweeps_done() >= seen + 2, "two more sweeps", workers)
    assert_fired_once(sessions, case)


@pytest.mark.usefixtures("deployed")
def test_timers_that_fell_due_while_no_worker_ran_fire_at_the_next_start_late_but_once(
        as_: Any, sessions: Any, workers: Workers) -> None:
    before = start(as_)["id"]
    first = workers.start()
    wait_for(lambda: fired_count(sessions, [before]), "the first worker fired the first timer", workers)
    workers.stop(first)
    # Everything is down; these fall due (the frozen clock's March deadlines are long past).
    during = [start(as_)["id"] for _ in range(3)]
    assert all(state(sessions, c).statuses == ["pending"] for c in during)
    restarted_at = datetime.now(UTC)
    workers.start()
    wait_for(lambda: fired_count(sessions, during) == len(during), "the timers due during the stop fired", workers)
    seen = workers.sweeps_done()
    wait_for(lambda: workers.sweeps_done() >= seen + 2, "two more sweeps", workers)
    for case in during:
        s = assert_fired_once(sessions, case)
        with sessions() as session:
            due = session.scalars(select(Timer.due_at).where(Timer.instance_id == case)).one()
        assert s.fired_at is not None and s.fired_at >= restarted_at > due  # late, by months
    assert_fired_once(sessions, before)  # the restart fired nothing twice


@pytest.mark.usefixtures("deployed")
def test_a_timer_whose_activity_was_completed_or_cancelled_never_fires(as_: Any, sessions: Any,
                                                                        workers: Workers) -> None:
    completed = start(as_)["id"]
    complete(as_, "pr", completed, "triage", handler="pr_department", contributors=[])
    complete(as_, "pr", completed, "prepare_answer", answer="Fares stay as they are.", confirm_no_confidential=True,
             refuse=False)
    complete(as_, "pr", completed, "send_answer", sent_via="email")
    cancelled = start(as_)["id"]
    response = as_("prhead").post(f"/api/v1/process-instances/{cancelled}/cancel", json={"reason": "withdrawn"})
    assert response.status_code == 200, response.get_json()
    control = start(as_)["id"]  # due like the others: shows that the worker did sweep
    with sessions() as session:
        statuses = dict(session.execute(select(ProcessInstance.id, ProcessInstance.status)).all())
    assert statuses == {completed: "completed", cancelled: "cancelled", control: "running"}
    workers.start()
    wait_for(lambda: fired_count(sessions, [control]), "the control timer fired", workers)
    seen = workers.sweeps_done()
    wait_for(lambda: workers.sweeps_done() >= seen + 2, "two more sweeps", workers)
    assert_fired_once(sessions, control)
    for case in (completed, cancelled):
        s = state(sessions, case)
        assert s.statuses == ["cancelled"], s
        assert s.fired_events == 0, s
        assert s.open_tasks == [], s


def test_the_worker_command_without_redis_exits_1_with_a_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JARCHY_")}
    env |= {"JARCHY_SECRET_KEY": "x" * 32, "JARCHY_VAR_DIR": str(tmp_path / "var"),
            "JARCHY_DATABASE_URL": f"sqlite:///{tmp_path / 'j.db'}"}
    done = subprocess.run([JARCHY, "worker"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "JARCHY_REDIS_URL is not set" in done.stderr
    assert not done.stdout


# -- e-mail through the worker ---------------------------------------------------------------------------

class RefusingOnce:
    """An SMTP handler (aiosmtpd) that answers the first message with a 4xx, then accepts."""

    def __init__(self) -> None:
        self.answers = ["451 4.3.0 Try again later"]
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.answers:
            return self.answers.pop(0)
        self.received.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, RefusingOnce]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = RefusingOnce()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", handler
    finally:
        controller.stop()


def test_the_sweep_enqueues_pending_e_mail_and_celery_retries_a_refusal(
        sessions: Any, ctx: Any, cast: Any, workers: Workers, smtp_server: tuple[str, RefusingOnce]) -> None:
    from db.models import Notification, User
    from engine.people.accounts import update_user
    from engine.runtime.notifications import notify

    url, handler = smtp_server
    with sessions.begin() as session:
        update_user(session, "pr", {"email": "pr@press.gov.example"}, actor="system", at=ctx.now())
    with sessions.begin() as session:
        users = list(session.scalars(select(User).where(User.username == "pr")))
        (row,) = notify(session, kind="task", users=users, message="New task: Triage", at=ctx.now(),
                        instance_id=None, task_id=None, email_enabled=True)
        nid = row.id

    def email() -> tuple[str, int]:
        with sessions() as session:
            n = session.get(Notification, nid)
            return n.email_status, n.email_attempts

    workers.env["JARCHY_SMTP_URL"] = url
    workers.start()
    wait_for(lambda: email()[0] == "sent", "the e-mail sent after a retry", workers)
    seen = workers.sweeps_done()
    wait_for(lambda: workers.sweeps_done() >= seen + 2, "two more sweeps", workers)
    assert email() == ("sent", 2)  # refused once (451), retried by Celery, accepted
    assert len(handler.received) == 1
    with sessions() as session:
        sent = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.type == "notification.emailed"))
    assert sent == 1
    assert "Retry in" in workers.log_text()  # the retry was Celery's (autoretry), not a second sweep's enqueue
