"""The Celery app: beat sweeps due timers, workers fire them and send mail. `jarchy worker` runs it.

Why timers fire exactly once here, although Celery itself promises only at-least-once:

- A timer is a row (`timers`, with its due moment), never a Celery message with a long ETA. On Redis an
  unacknowledged message comes back after the visibility timeout, so an ETA longer than that timeout
  is delivered again and again ("the broker is not a database"). Beat only sends a small `jarchy.sweep`
  every few seconds; the sweep asks the database what is due.
- Firing one timer is one transaction that claims it by taking its instance's row lock and re-reads the timer
  row under it (`engine.runtime.firing`). Two sweeps at once (two beats, a redelivered message, `jarchy serve`'s
  loop or `jarchy timers fire-due` on the same database) claim different timers, each passing the cases the other
  holds; one that claims a timer the other has just fired finds the row no longer pending and does nothing.
  (On SQLite, BEGIN IMMEDIATE makes every transaction wait for the database's write lock: the same guarantee,
  more coarsely.)
- A worker that dies mid-fire never commits: its transaction rolls back (the database drops it with the
  connection; if a whole host vanishes, only once the server sees the connection dead, and meanwhile the
  case stays locked), the row stays pending, and the next sweep of any worker fires it. With `acks_late` and
  `task_reject_on_worker_lost` the sweep message itself is redelivered too, but nothing depends on that:
  a new sweep comes from beat within seconds anyway, and stale sweeps expire instead of piling up.
- Timers that fell due while nothing ran are simply due at the first sweep after the start (a worker
  sends one sweep as soon as it is ready): late, once.

So a sweep is idempotent and may run any number of times, anywhere, concurrently. That is what makes
`acks_late` (re-run on a crash rather than lose) safe.

E-mail follows the same rule: the sweep enqueues `jarchy.send_email(notification_id)` for the pending
notifications (once per id for a few minutes, marked in Redis, so a slow server does not make each sweep
add copies), and `engine.background.sweeper.send_email` claims the row (pending -> sending) before it talks to the
server, so a duplicate message sends nothing.

Tasks are thin and take ids, never objects: each builds its database engine and `EngineContext` once
per worker process, lazily (after the prefork pool forked), and calls one plain function of engine/.
Nothing here imports Flask."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from celery import Celery, signals
from sqlalchemy.orm import Session, sessionmaker

from db.session import make_engine, make_sessionmaker
from engine.background import mail, sweeper
from engine.context import EngineContext
from engine.core.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "jarchy"
DEFAULT_SWEEP_SECONDS = 5.0
# Redis hands an unacknowledged message to another worker after this long. Longer than any task runs
# (a sweep fires at most 500 timers a round; one e-mail is one SMTP conversation), short enough that
# an e-mail whose worker was killed is retried within a minute. Sweeps do not need it: they expire.
VISIBILITY_TIMEOUT = 60
# Retries of an e-mail: about 5, 10, 20, 40, 45 s apart (each drawn at random below that: jitter). A
# countdown must stay below the visibility timeout, or Redis would hand the waiting retry to a second
# worker (harmless, engine.background.mail claims a row before sending, but it would spend an attempt).
MAIL_RETRY_BACKOFF = 5
MAIL_RETRY_BACKOFF_MAX = 45
MAIL_MAX_RETRIES = 5
# How long a notification id counts as enqueued: the sweep does not enqueue it again meanwhile, so a
# slow or failing SMTP server does not make every sweep add another copy of every pending e-mail.
MAIL_ENQUEUED_SECONDS = 300


@dataclass(frozen=True)
class WorkerOptions:
    queue: str = DEFAULT_QUEUE
    sweep_seconds: float = DEFAULT_SWEEP_SECONDS

    @property
    def sweep_expires(self) -> float:
        """A sweep not started by then is dropped: a newer one is already on its way from beat."""
        return max(3 * self.sweep_seconds, 30.0)


def options_from_env(environ: Mapping[str, str] | None = None) -> WorkerOptions:
    env = os.environ if environ is None else environ
    raw = env.get("JARCHY_SWEEP_SECONDS") or str(DEFAULT_SWEEP_SECONDS)
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"JARCHY_SWEEP_SECONDS must be a positive number of seconds, not {raw!r}")
    return WorkerOptions(queue=env.get("JARCHY_CELERY_QUEUE") or DEFAULT_QUEUE, sweep_seconds=seconds)


@dataclass
class _Runtime:
    """The database and engine context of one worker process, made on first use."""

    settings: Settings
    _pid: int | None = field(default=None, init=False)
    _sessions: sessionmaker[Session] | None = field(default=None, init=False)
    _ctx: EngineContext | None = field(default=None, init=False)
    _redis: Any = field(default=None, init=False)

    def _check_pid(self) -> None:
        # A pool fork copies the parent's objects: connections must never be shared across processes.
        if self._pid != os.getpid():
            if self._sessions is not None:
                engine = self._sessions.kw["bind"]
                engine.dispose(close=False)
            self._pid, self._sessions, self._ctx, self._redis = os.getpid(), None, None, None

    @property
    def sessions(self) -> sessionmaker[Session]:
        self._check_pid()
        if self._sessions is None:
            self._sessions = make_sessionmaker(make_engine(self.settings.database_url))
        return self._sessions

    @property
    def ctx(self) -> EngineContext:
        self._check_pid()
        if self._ctx is None:
            self._ctx = EngineContext(self.settings)
        return self._ctx

    @property
    def redis(self) -> Any:
        self._check_pid()
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(self.settings.redis_url)
        return self._redis


def make_celery(settings: Settings, options: WorkerOptions | None = None) -> Celery:
    """The Celery app for these settings; `options` default to JARCHY_CELERY_QUEUE and JARCHY_SWEEP_SECONDS."""
    if not settings.redis_url:
        raise ValueError("the Celery app needs a broker: set JARCHY_REDIS_URL")
    opts = options or options_from_env()
    app = Celery("jarchy", broker=settings.redis_url, set_as_current=False)
    app.conf.update(
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        task_default_queue=opts.queue,
        task_default_exchange=opts.queue,
        task_default_routing_key=opts.queue,
        task_serializer="json",
        accept_content=["json"],
        enable_utc=True,
        timezone="UTC",
        # In memory: nothing worth keeping between starts (the due timers are in the database), and no
        # shelve file that two workers with beat in one directory would fight over.
        beat_scheduler="celery.beat:Scheduler",
        beat_schedule={
            "jarchy-sweep": {
                "task": "jarchy.sweep",
                "schedule": opts.sweep_seconds,
                "options": {"expires": opts.sweep_expires},
            },
        },
    )
    runtime = _Runtime(settings)

    @app.task(name="jarchy.sweep", expires=opts.sweep_expires)
    def sweep() -> int:
        """The time-driven work of `engine.background.sweeper.sweep` (due timers first); e-mail is not sent here but
        enqueued, one retrying `send_email` task a pending notification, when there is an SMTP server."""
        result = sweeper.sweep(runtime.sessions, runtime.ctx, send_mail=False)
        if result.fired:
            log.info("sweep: %d timer(s) fired", result.fired)
        if result.started or result.reminded:
            log.info("sweep: %d case(s) started, %d reminder(s)", result.started, result.reminded)
        if result.handed_over:
            log.info("sweep: %d task(s) handed to the deputies of absent users", result.handed_over)
        if settings.smtp_url:
            _enqueue_mail(runtime, opts, send_email)
        return result.fired

    @app.task(name="jarchy.send_email", autoretry_for=(mail.TransientMailError,), retry_backoff=MAIL_RETRY_BACKOFF,
              retry_backoff_max=MAIL_RETRY_BACKOFF_MAX, retry_jitter=True, max_retries=MAIL_MAX_RETRIES)
    def send_email(notification_id: int, box: str = mail.NOTIFICATIONS) -> bool:
        """Send one notification's (or letter's) e-mail (claimed first: never twice); a transient failure retries
        later."""
        return bool(sweeper.send_email(runtime.sessions, settings, notification_id, clock=runtime.ctx.clock,
                                       box=box))

    def sweep_at_start(sender: Any = None, **_: Any) -> None:
        # Beat's first round comes one interval after the start; what fell due meanwhile need not wait.
        if getattr(sender, "app", None) is app:
            sweep.apply_async(expires=opts.sweep_expires)

    signals.worker_ready.connect(sweep_at_start, weak=False, dispatch_uid=f"jarchy-sweep-at-start-{id(app)}")
    return app


def _enqueue_mail(runtime: _Runtime, opts: WorkerOptions, send_email: Any) -> int:
    """Enqueue `send_email` once per pending notification; returns how many were enqueued. The ids are read in a
    transaction of their own that is closed before anything is sent to the broker."""
    enqueued = 0
    for box in mail.OUTBOXES:
        for item_id in sweeper.pending_email_ids(runtime.sessions, box=box):
            # A notification keeps the key it had before letters shared the outbox.
            key = (f"jarchy:{opts.queue}:mail-enqueued:{item_id}" if box == mail.NOTIFICATIONS
                   else f"jarchy:{opts.queue}:mail-enqueued:{box}:{item_id}")
            if runtime.redis.set(key, 1, nx=True, ex=MAIL_ENQUEUED_SECONDS):
                try:
                    send_email.delay(item_id, box)
                except Exception:
                    runtime.redis.delete(key)  # not enqueued after all: the next sweep tries again
                    raise
                enqueued += 1
    return enqueued


def worker_argv(opts: WorkerOptions, *, beat: bool, concurrency: int, loglevel: str = "INFO") -> list[str]:
    """The `celery worker` command line of `jarchy worker`."""
    argv = [
        "worker",
        "--loglevel", loglevel,
        "--concurrency", str(concurrency),
        "--queues", opts.queue,
        # Unique per process: two workers on one host must not share a node name.
        "--hostname", f"jarchy-{os.getpid()}@{socket.gethostname()}",
        # Tasks carry ids only and nothing is revoked: no need to sync with other workers at start.
        "--without-mingle",
        "--without-gossip",
    ]
    if beat:
        argv.append("--beat")
    return argv
