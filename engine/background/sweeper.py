"""The sweep: everything that happens because time passed, each item in its own transaction.

`sweep` is what runs every few seconds, from `jarchy serve`'s loop without Redis and from Celery beat
with it: it fires due timers, hands the tasks of absent users to their deputies, starts the cases of timer
start events, reminds of tasks about to fall due, composes the daily summaries of notifications at their hour,
signs, timestamps and pushes the audit's checkpoint when one is due and, without Celery, sends pending e-mail.

This module is the background's one transaction owner (docs/architecture.md): the modules it calls
(engine.runtime.operations, engine.background.scheduled_starts, .reminders, .mail) work in the session they are
given and only flush; here each item gets a transaction of its own, so one broken case never stops the others.

Exactly once: `engine.runtime.firing` claims a due timer by locking its case's row (skipping cases another holds)
and re-reads the timer under that lock, so two sweepers (threads, processes, Celery workers) racing for one timer
fire it once; a sweeper that dies mid-fire rolls back and leaves the timer pending for the next sweep; timers
that fell due while nothing ran are simply due at the next sweep."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.audit import chain, checkpoints, keys, timestamps, tree
from engine.background import mail, reminders, scheduled_starts, summaries, witnesses
from engine.context import EngineContext
from engine.core.errors import JarchyError
from engine.core.faults import describe, is_case_fault
from engine.core.settings import Settings
from engine.procedures import schedules
from engine.runtime import absences, case_failures, firing
from engine.spiff.clock import Clock, SystemClock

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class SweepResult:
    fired: int
    started: int
    reminded: int
    emailed: int
    handed_over: int = 0  # tasks passed to the deputies of absences that began
    summarized: int = 0
    checkpointed: int = 0  # checkpoints signed (0 or 1)
    sealed: int = 0  # audit events chained this round


def sweep(sessions: sessionmaker[Session], ctx: EngineContext, at: datetime | None = None, *,
          send_mail: bool = True) -> SweepResult:
    """One round of time-driven work as of `at` (default: the engine clock's now). With Celery, e-mail is
    sent by its own retrying task (`send_mail=False` here)."""
    moment = at or ctx.now()
    fired = fire_due(sessions, ctx, moment)
    handed_over = hand_over_absences(sessions, ctx, moment)
    started = start_scheduled(sessions, ctx, moment)
    reminded = send_reminders(sessions, ctx, moment)
    summarized = compose_summaries(sessions, ctx, moment) if ctx.settings.smtp_url is not None else 0
    emailed = send_pending_email(sessions, ctx.settings, clock=ctx.clock) if send_mail else 0
    sealed = seal_events(sessions)
    try:
        kept = keep_checkpoints(sessions, ctx.settings, moment)
    except (keys.KeyUnavailable, tree.ChainBroken) as exc:  # logged each sweep; the rest of the sweep ran
        log.error("no audit checkpoint signed: %s", exc)
        kept = CheckpointWork(None)
    return SweepResult(fired=fired, started=started, reminded=reminded, emailed=emailed, handed_over=handed_over,
                       summarized=summarized, checkpointed=int(kept.made), sealed=sealed)


def seal_events(sessions: sessionmaker[Session]) -> int:
    """Chain the audit events written since the last round (engine.audit.chain.seal), in a transaction of its own
    and before the checkpoints: the only place, with the checkpoints and `jarchy audit verify`, that takes the chain
    head's lock. A failure is logged; the next round tries again. When another sweeper is sealing, this one seals
    nothing rather than wait for it (two workers ending their sweeps together): that one chains what is there, the
    next round the rest."""
    try:
        with sessions.begin() as session:
            return chain.seal(session, wait=False)
    except SQLAlchemyError as exc:
        log.error("the audit events could not be sealed: %s", describe(exc))
        return 0


# -- timers ------------------------------------------------------------------------------------------------

def fire_due(sessions: sessionmaker[Session], ctx: EngineContext, at: datetime, limit: int = 500) -> int:
    """Fire what is due by `at`, at most `limit` timers tried; returns how many timers fired.

    Each timer is claimed and fired in a transaction of its own (engine.runtime.firing): the claim takes the first
    due timer whose case no one else holds, so sweepers running at once share the due timers between them instead
    of each walking the same list and passing the cases the others hold."""
    fired = 0
    passed: list[int] = []  # claimed and not fired: not claimed again by this sweep
    while fired + len(passed) < limit:
        claimed: list[tuple[int, int]] = []  # (timer id, case id), told before the firing

        def note(timer_id: int, instance_id: int, claimed: list[tuple[int, int]] = claimed) -> None:
            claimed.append((timer_id, instance_id))

        # A case that cannot fire (its state unreadable, a value the database refuses) is recorded failed;
        # the case that moved on or the sweeper that lost a race leaves the timer for the next sweep.
        outcome = _each_case(
            sessions, lambda _session, claimed=claimed: claimed[0][1] if claimed else None,
            lambda session, note=note: firing.fire_next(session, ctx, at, passed, on_claim=note),
            doing="a due timer could not fire", at=at)
        if not claimed:  # nothing left to claim (or the claim itself failed: the next sweep tries again)
            break
        if outcome is not None and outcome[1]:
            fired += 1
        else:
            passed.append(claimed[0][0])
    return fired


def _each_case(sessions: sessionmaker[Session], instance_id: Callable[[Session], int | None],
               work: Callable[[Session], T], *, doing: str, at: datetime) -> T | None:
    """`work` in a transaction of its own. When it fails by the case's fault, the failure is recorded on the case
    (found by `instance_id`) in another transaction and None is returned; other failures are logged and skipped."""
    try:
        with sessions.begin() as session:
            return work(session)
    except Exception as exc:
        if not is_case_fault(exc):
            log.info("%s skipped until the next round: %s", doing, describe(exc))
            return None
        log.warning("%s failed: %s", doing, describe(exc), exc_info=not isinstance(exc, JarchyError))
        with sessions.begin() as session:
            found = instance_id(session)
            if found is not None:
                case_failures.record(session, found, exc, doing=doing, at=at, actor=None)
        return None


# -- absences --------------------------------------------------------------------------------------------

def hand_over_absences(sessions: sessionmaker[Session], ctx: EngineContext, at: datetime) -> int:
    """Hand the tasks of each absence begun by `at` to its deputy, an absence a transaction; how many tasks moved.
    Exactly once: `absences.hand_over` claims the absence with a conditional UPDATE."""
    with sessions() as session:
        begun = absences.begun(session, at)
    moved = 0
    for absence_id in begun:
        try:
            with sessions.begin() as session:
                moved += absences.hand_over(session, ctx, absence_id, at)
        except Exception as exc:  # a case locked by a long write, the database: the next sweep tries again
            log.info("absence %s not handed over yet: %s", absence_id, describe(exc))
    return moved


# -- timer start events ------------------------------------------------------------------------------------

def start_scheduled(sessions: sessionmaker[Session], ctx: EngineContext, at: datetime) -> int:
    """Start a case for each start timer due by `at`; how many started."""
    with sessions.begin() as session:
        schedules.sync(session, ctx, at)
    with sessions() as session:
        due = scheduled_starts.due_ids(session, at)
    started = 0
    for timer_id in due:
        try:
            with sessions.begin() as session:
                started += scheduled_starts.start_one(session, ctx, timer_id, at)
        except Exception as exc:
            if not is_case_fault(exc):  # a race or the database: this occurrence waits for the next sweep
                log.info("start timer %s did not start a case yet: %s", timer_id, describe(exc))
                continue
            with sessions.begin() as session:
                scheduled_starts.skip_occurrence(session, ctx, timer_id, exc, at)
    return started


# -- reminders ---------------------------------------------------------------------------------------------

def send_reminders(sessions: sessionmaker[Session], ctx: EngineContext, at: datetime) -> int:
    """Remind of every task whose reminder moment has come; how many were reminded."""
    with sessions() as session:
        due = reminders.due(session, ctx, at)
    sent = 0
    for task_id, instance_id in due:
        sent += _each_case(
            sessions, lambda _session, instance_id=instance_id: instance_id,
            lambda session, task_id=task_id: reminders.remind(session, ctx, task_id, at),
            doing="a reminder could not be sent", at=at) or 0
    return sent


# -- the daily summaries of notifications -------------------------------------------------------------------

def compose_summaries(sessions: sessionmaker[Session], ctx: EngineContext, at: datetime) -> int:
    """From the summary hour on, each user's summary of the day, each in a transaction of its own (sent then by the
    e-mail outbox); how many were composed. A summary another sweeper composed first is skipped."""
    zone = ctx.cal.timezone
    with sessions() as session:
        found = summaries.due(session, ctx.settings, zone, at)
    if found is None:
        return 0
    composed = 0
    for user_id in found.user_ids:
        try:
            with sessions.begin() as session:
                composed += summaries.compose(session, user_id, found.day, found.cut, zone, at,
                                              ctx.settings.catalogs) is not None
        except SQLAlchemyError as exc:  # above all the (user, day) uniqueness: another sweeper composed it first
            log.info("the summary of user %s for %s is left to another sweep: %s", user_id, found.day,
                     describe(exc))
    return composed


# -- e-mail ------------------------------------------------------------------------------------------------

def send_email(sessions: sessionmaker[Session], settings: Settings, notification_id: int, *,
               clock: Clock | None = None, box: str = mail.NOTIFICATIONS) -> bool:
    """Send one pending notification's (or, `box` "letters", letter's) e-mail. True: sent by this call. False: not
    pending (sent, being sent by another, or no e-mail wanted) or failed for good. TransientMailError: try again
    later."""
    config = mail.config_of(settings)
    if config is None:
        return False
    clock = clock or SystemClock()
    with sessions.begin() as session:
        job = mail.claim(session, notification_id, clock.now(), box)
    if job is None:
        return False
    outcome = mail.attempt(config, job, clock.now())
    with sessions.begin() as session:
        attempts = mail.record_outcome(session, job, outcome, clock.now())
    if outcome.result == "sent":
        return True
    if mail.will_retry(outcome, attempts):
        log.warning("e-mail of %s %s not sent (attempt %s of %s): %s", box, notification_id, attempts,
                    mail.MAX_ATTEMPTS, outcome.reason)
        raise mail.TransientMailError(outcome.reason, notification_id=notification_id, attempts=attempts,
                                      unreachable=outcome.unreachable)
    log.error("e-mail of %s %s failed for good after %s attempts: %s", box, notification_id, attempts,
              outcome.reason)
    return False


def pending_email_ids(sessions: sessionmaker[Session], limit: int = 100, *, clock: Clock | None = None,
                      box: str = mail.NOTIFICATIONS) -> list[int]:
    """The notifications (or letters) whose e-mail is due for a try, read in a transaction of its own."""
    with sessions() as session:
        return mail.pending_ids(session, limit, (clock or SystemClock()).now(), box)


def send_pending_email(sessions: sessionmaker[Session], settings: Settings, limit: int = 100, *,
                       clock: Clock | None = None) -> int:
    """The in-process path (no Redis): send what is pending; how many were sent.

    A transient failure leaves its notification for the next sweep. When the server cannot be reached
    at all, the sweep stops there rather than spend an attempt of every other notification on it."""
    if settings.smtp_url is None:
        return 0
    sent = 0
    for box in mail.OUTBOXES:
        for item_id in pending_email_ids(sessions, limit, clock=clock, box=box):
            try:
                sent += send_email(sessions, settings, item_id, clock=clock, box=box)
            except mail.TransientMailError as exc:
                if exc.unreachable:
                    return sent
    return sent


# -- the audit's checkpoints --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckpointWork:
    """What one round of checkpoint work did: the latest checkpoint (size, root hex) if any, whether it was signed
    by this round, each timestamp request (size, ok, detail) and each push (target, ok, detail)."""

    latest: tuple[int, str] | None
    made: bool = False
    stamps: tuple[tuple[int, bool, str], ...] = ()
    pushes: tuple[witnesses.Outcome, ...] = ()


def keep_checkpoints(sessions: sessionmaker[Session], settings: Settings, at: datetime, *,
                     now: bool = False) -> CheckpointWork:
    """Sign a checkpoint when one is due (`now`: whatever the schedule, as `jarchy audit checkpoint` does), then
    ask the TSA for the tokens still missing and push the latest checkpoint to the targets it has not reached.

    Each step in a transaction of its own, and the TSA, the directories, the SMTP server and the witnesses are
    talked to with none open (the tree's row lock is held only while a checkpoint is signed). A failure of one
    stamp or push is recorded and never stops the others. Two sweepers due at once sign one checkpoint: the second
    waits for the tree's lock, then finds the first's checkpoint of that size (and the size is unique besides).
    Raises keys.KeyUnavailable when a checkpoint is due and the key cannot be read, tree.ChainBroken when the
    events to add do not link (a checkpoint never signs a broken chain)."""
    made = False
    with sessions() as session:
        wanted = now or checkpoints.due(session, settings, at)
    if wanted:
        keys.signing_key(settings)  # a missing key is the caller's to report, before any work
        try:
            with sessions.begin() as session:
                before = checkpoints.latest(session)
                row = checkpoints.create(session, settings, at)
                made = before is None or row.id != before.id
        except SQLAlchemyError as exc:  # another sweeper signed this size first (the unique size)
            log.info("the audit checkpoint is left to another sweeper: %s", describe(exc))
    stamps = tuple(stamp_checkpoints(sessions, settings, at, retry_now=now))
    pushes = tuple(push_checkpoint(sessions, settings, at, retry_now=now))
    with sessions() as session:
        last = checkpoints.latest(session)
        latest = (last.size, last.root) if last is not None else None
    return CheckpointWork(latest, made, stamps, pushes)


def stamp_checkpoints(sessions: sessionmaker[Session], settings: Settings, at: datetime, *,
                      retry_now: bool = False) -> Iterator[tuple[int, bool, str]]:
    """A token for each checkpoint still without one (none without a TSA); yields (size, ok, detail)."""
    if not settings.tsa_url:
        return
    with sessions() as session:
        todo = checkpoints.unstamped(session, None if retry_now else at)
    for item in todo:
        try:
            token = checkpoints.request_stamp(settings, item)
            with sessions.begin() as session:
                stamped_at = checkpoints.record_stamp(session, item.checkpoint_id, token, at).timestamped_at
            yield item.size, True, f"timestamped at {stamped_at:%Y-%m-%dT%H:%M:%SZ}"
        except (timestamps.TimestampError, timestamps.TimestampInvalid) as exc:
            log.warning("audit checkpoint %s not timestamped: %s", item.size, exc)
            try:
                with sessions.begin() as session:
                    checkpoints.record_stamp_failure(session, item.checkpoint_id, exc.code, exc.detail, at)
            except SQLAlchemyError as failure:
                log.info("the timestamp failure of checkpoint %s not recorded: %s", item.size, describe(failure))
            yield item.size, False, f"{exc.code}: {exc.detail}"
        except SQLAlchemyError as exc:
            log.info("the token of checkpoint %s not kept: %s", item.size, describe(exc))
            yield item.size, False, describe(exc)


def push_checkpoint(sessions: sessionmaker[Session], settings: Settings, at: datetime, *,
                    retry_now: bool = False) -> Iterator[witnesses.Outcome]:
    """Push the latest checkpoint to each target it has not reached; every attempt recorded."""
    if not settings.audit_push:
        return
    with sessions() as session:
        last = checkpoints.latest(session)
        if last is None:
            return
        item = witnesses.item_of(last)
        targets = [(t, witnesses.witness_size(session, t))
                   for t in witnesses.pending(session, settings, last.id, None if retry_now else at)]
    public_key = keys.public_key(settings)

    def leaves(start: int, end: int) -> list[bytes]:
        with sessions() as session:
            return tree.stored_leaves(session, start, end)

    def consistency(old: int, new: int) -> list[bytes]:
        with sessions() as session:
            return tree.consistency_proof(session, old, new)

    reads = witnesses.Reads(leaves, consistency)
    for target, witness_at in targets:
        outcome = witnesses.push(target, item, reads, settings, public_key, witness_at=witness_at)
        if not outcome.ok:
            log.warning("audit checkpoint %s not pushed to %s: %s", item.size, target, outcome.detail)
        try:
            with sessions.begin() as session:
                witnesses.record(session, item.checkpoint_id, outcome, at)
        except SQLAlchemyError as exc:
            log.info("the push of checkpoint %s to %s not recorded: %s", item.size, target, describe(exc))
        yield outcome
