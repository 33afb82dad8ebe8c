"""Running a migration's cases (engine/runtime/migration.py) in batches, each case in a transaction of its own.

Here, in the request layer, because only it begins and commits transactions (docs/architecture.md); the engine
moves one case in the session it is given. The API runs a migration's cases within its request; `jarchy migrate`
and `jarchy migrations resume` run them from the command line, the way for large sets. A run killed at any moment
loses at most the case in flight (its transaction rolls back); a resumed run takes up the cases still pending."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from db.vocabulary import MigrationCaseStatus
from engine.context import EngineContext
from engine.core.faults import describe
from engine.runtime import migration

log = logging.getLogger(__name__)


@dataclass
class Ran:
    """What one run did: the cases it moved, found blocked since the plan, or failed to move; `stopped`: it
    stopped before the end (`stop_after`)."""

    moved: int = 0
    blocked: int = 0
    failed: int = 0
    stopped: bool = False
    statuses: dict[int, MigrationCaseStatus] = field(default_factory=dict)


def run(sessions: sessionmaker[Session], ctx: EngineContext, migration_id: int, *, batch_size: int = 50,
        stop_after: int | None = None, after_case: Callable[[int], None] | None = None) -> Ran:
    """The migration's pending cases moved, `batch_size` read at a time, each committed alone; with `stop_after`,
    at most that many (the migration is then `interrupted` if cases remain). `after_case` is called with each
    case's id once its transaction is committed."""
    ran = Ran()
    while True:
        with sessions() as session:
            batch = migration.pending_ids(session, migration_id, max(1, batch_size))
        if not batch:
            break
        for instance_id in batch:
            if stop_after is not None and len(ran.statuses) >= stop_after:
                ran.stopped = True
                with sessions.begin() as session:
                    migration.finish(session, ctx, migration_id, interrupted=True)
                return ran
            status = _one(sessions, ctx, migration_id, instance_id)
            ran.statuses[instance_id] = status
            ran.moved += status == MigrationCaseStatus.MOVED
            ran.blocked += status == MigrationCaseStatus.BLOCKED
            ran.failed += status == MigrationCaseStatus.FAILED
            if after_case is not None:
                after_case(instance_id)
    with sessions.begin() as session:
        migration.finish(session, ctx, migration_id)
    return ran


def _one(sessions: sessionmaker[Session], ctx: EngineContext, migration_id: int,
         instance_id: int) -> MigrationCaseStatus:
    try:
        with sessions.begin() as session:
            return migration.move_case(session, ctx, migration_id, instance_id)
    except Exception as exc:  # one case's fault (or a lost race) never stops the others: it is recorded, not retried
        log.warning("migration %s: case %s was not moved: %s", migration_id, instance_id, describe(exc))
        with sessions.begin() as session:
            migration.record_failure(session, migration_id, instance_id, describe(exc))
        return MigrationCaseStatus.FAILED
