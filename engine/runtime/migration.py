"""Moving a procedure's cases to another version (docs/migrations.md): a migration recorded with each case's verdict
(`start_migration`), then each case moved in a transaction of its own (`move_case`: the caller begins and commits
it, api/migration_runs.py runs the batches), and a moved case moved back while it has not advanced (`move_back`).

A case is moved at most once by a migration: its `migration_cases` row goes from `pending` to `moved` in the same
transaction as the case's new state, so a run killed mid-batch and resumed takes up exactly the cases still pending.
Each move is audited (`instance.migrated`: the versions, the mapping used, both diagrams' checksums). Its open
tasks keep their ids, assignees, claims and deadlines; a task at a renamed element shows the new version's name."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from db.models import HumanTask, Migration, MigrationCase, ProcessDefinition, ProcessInstance, User
from db.vocabulary import EventType, InstanceStatus, MigrationCaseStatus, MigrationStatus, TaskStatus
from engine.audit import chain
from engine.context import EngineContext
from engine.core.errors import Code, Conflict, NotFound
from engine.people.access import Actor, actor_name, check_may_administer
from engine.procedures.definitions import workflow_specs
from engine.runtime import migration_plan, projection, steps
from engine.runtime.migration_plan import Plan, Versions
from engine.spiff import serializer


def start_migration(session: Session, ctx: EngineContext, actor: Actor, key: str, from_version: int,
                    to_version: int, mapping: dict[str, str] | None = None, *, cases: list[int] | None = None,
                    timers: str = "keep", dry_run: bool = False, batch_size: int = 50,
                    sample: int = 10) -> tuple[Migration, Plan]:
    """The migration recorded with its plan: each case `pending` (to move) or `blocked` with its reason. A dry run
    is recorded too (`planned`, its cases' verdicts kept to read again) and moves nothing."""
    check_may_administer(actor)
    plan = migration_plan.plan(session, ctx, key, from_version, to_version, mapping, cases=cases, timers=timers,
                               sample=sample)
    at = ctx.now()
    migration = Migration(
        process_key=key, from_version=from_version, to_version=to_version, mapping=plan.versions.mapping,
        options={"timers": timers, "cases": sorted(set(cases)) if cases is not None else None,
                 "batch_size": batch_size},
        dry_run=dry_run, status=MigrationStatus.PLANNED if dry_run else MigrationStatus.RUNNING,
        created_by_id=actor.id if isinstance(actor, User) else None, created_at=at, counts=plan.counts())
    session.add(migration)
    session.flush()
    session.add_all(MigrationCase(
        migration_id=migration.id, instance_id=v.instance_id,
        status=MigrationCaseStatus.PENDING if v.movable else MigrationCaseStatus.BLOCKED,
        reason=v.reason, params=_params(v), at_elements=v.at) for v in plan.verdicts)
    chain.record(session, type=EventType.MIGRATION_RECORDED, at=at, actor=actor_name(actor),
                 subject=f"migration:{migration.id}",
                 after={"process_key": key, "from_version": from_version, "to_version": to_version,
                        "mapping": migration.mapping, "options": migration.options, "dry_run": dry_run,
                        "counts": migration.counts})
    session.flush()
    return migration, plan


def _params(verdict: migration_plan.Verdict) -> dict[str, Any] | None:
    if verdict.movable:
        return None
    return verdict.params | ({"message": verdict.message} if verdict.message else {})


def get_migration(session: Session, key: str, migration_id: int) -> Migration:
    migration = session.get(Migration, migration_id)
    if migration is None or migration.process_key != key:
        raise NotFound(f"{key!r} has no migration {migration_id}", code=Code.MIGRATION_NOT_FOUND,
                       params={"migration_id": migration_id})
    return migration


def progress(session: Session, migration: Migration) -> dict[str, int]:
    """How many of the migration's cases are in each status."""
    rows = session.execute(select(MigrationCase.status, func.count()).where(
        MigrationCase.migration_id == migration.id).group_by(MigrationCase.status))
    counts = {str(status): 0 for status in MigrationCaseStatus}
    counts.update({str(status): n for status, n in rows})
    return counts


def pending_ids(session: Session, migration_id: int, limit: int) -> list[int]:
    """The next cases still to move, in order (a resumed run starts where the last one stopped)."""
    return list(session.scalars(select(MigrationCase.instance_id).where(
        MigrationCase.migration_id == migration_id, MigrationCase.status == MigrationCaseStatus.PENDING)
        .order_by(MigrationCase.instance_id).limit(limit)))


def _versions(session: Session, migration: Migration) -> Versions:
    return migration_plan.versions(session, migration.process_key, migration.from_version, migration.to_version,
                                   migration.mapping, migration.options.get("timers", "keep"))


def move_case(session: Session, ctx: EngineContext, migration_id: int, instance_id: int, *,
              actor: str | None = None) -> MigrationCaseStatus:
    """One case moved, in the caller's transaction (which the caller commits at once): its row locked, checked
    again (it may have moved on since the plan), moved, run until it waits, saved with its projections, audited,
    and its `migration_cases` row marked `moved`; or marked `blocked` with the reason it can no longer move. A case
    already done is left alone (the status it has is returned)."""
    migration = session.get(Migration, migration_id)
    assert migration is not None
    row = session.scalars(select(MigrationCase).where(
        MigrationCase.migration_id == migration_id, MigrationCase.instance_id == instance_id)
        .with_for_update().execution_options(populate_existing=True)).one()
    if row.status != MigrationCaseStatus.PENDING or migration.dry_run:
        return row.status
    v = _versions(session, migration)
    instance = steps.lock(session, instance_id)
    examined = migration_plan.examine(session, ctx, instance, v)
    if examined.wf is None:
        row.status, row.reason, row.params = MigrationCaseStatus.BLOCKED, examined.verdict.reason, _params(
            examined.verdict)
        row.at_elements = examined.verdict.at
        session.flush()
        return row.status
    who = actor or _creator(session, migration)
    at = ctx.now()
    row.before_definition_id, row.before_called_versions = instance.definition_id, dict(instance.called_versions or {})
    row.before_state = instance.state
    instance.definition_id, instance.version, instance.called_versions = v.new.id, v.new.version, examined.pinned
    relabelled = _save(session, ctx, instance, v.new, examined.wf, actor=who, at=at,
                       run=instance.status == InstanceStatus.RUNNING)
    chain.record(session, type=EventType.INSTANCE_MIGRATED, at=at, actor=who, instance_id=instance.id,
                 subject=instance.business_key,
                 before={"version": v.old.version, "checksum": v.old.checksum},
                 after={"migration_id": migration.id, "from_version": v.old.version, "to_version": v.new.version,
                        "mapping": v.mapping, "from_checksum": v.old.checksum, "to_checksum": v.new.checksum,
                        "timers": v.timers, "tasks": relabelled})
    session.flush()
    row.status, row.moved_at, row.revision_after = MigrationCaseStatus.MOVED, at, instance.revision
    row.at_elements = examined.verdict.at
    session.flush()
    return row.status


def record_failure(session: Session, migration_id: int, instance_id: int, message: str) -> None:
    """A case whose move raised (its transaction rolled back): marked `failed` with the reason, in a transaction of
    its own, so that the run goes on and the case is not taken again."""
    row = session.scalars(select(MigrationCase).where(
        MigrationCase.migration_id == migration_id, MigrationCase.instance_id == instance_id)
        .with_for_update()).one()
    if row.status == MigrationCaseStatus.PENDING:
        row.status, row.reason, row.params = MigrationCaseStatus.FAILED, Code.MOVE_FAILED, {"message": message}
        session.flush()


def finish(session: Session, ctx: EngineContext, migration_id: int, *, interrupted: bool = False) -> Migration:
    """The migration marked `done` once no case is pending (else `interrupted`: a resumed run goes on)."""
    migration = session.scalars(select(Migration).where(Migration.id == migration_id).with_for_update()).one()
    if migration.dry_run:
        return migration
    if interrupted and pending_ids(session, migration_id, 1):
        migration.status = MigrationStatus.INTERRUPTED
    elif not pending_ids(session, migration_id, 1):
        migration.status, migration.finished_at = MigrationStatus.DONE, ctx.now()
    session.flush()
    return migration


def resume(session: Session, actor: Actor, migration_id: int) -> Migration:
    """An interrupted (or crashed: still `running`) migration set to run again; a done one is left as it is."""
    check_may_administer(actor)
    migration = session.get(Migration, migration_id)
    if migration is None:
        raise NotFound(f"no migration {migration_id}", code=Code.MIGRATION_NOT_FOUND,
                       params={"migration_id": migration_id})
    if migration.status == MigrationStatus.INTERRUPTED:
        migration.status = MigrationStatus.RUNNING
        session.flush()
    return migration


def _creator(session: Session, migration: Migration) -> str | None:
    user = session.get(User, migration.created_by_id) if migration.created_by_id else None
    return user.username if user is not None else None


def _save(session: Session, ctx: EngineContext, instance: ProcessInstance, definition: ProcessDefinition,
          wf: BpmnWorkflow, *, actor: str | None, at: datetime, run: bool) -> list[dict[str, str]]:
    """The moved workflow saved with its projections (run until it waits first, when `run`: an added step may be
    ready at once). The open tasks' rows keep their deadlines (the projection would count them again) and take
    the names of the elements they now stand at: the changes, for the audit."""
    kept = {row.id: row.due_at for row in _open_rows(session, instance.id)}
    step = steps.Step(session, ctx, instance, definition, wf, actor=actor, at=at)
    if run:
        steps.advance(step)
    else:
        steps.save(step)
    changes = []
    for row in _open_rows(session, instance.id):
        if row.id in kept:
            row.due_at = kept[row.id]
        task = step.wf.get_task_from_id(UUID(row.id))
        if task is None or task.task_spec.bpmn_id == row.bpmn_id:
            continue
        meta = projection.task_meta(session, instance, definition, task)
        changes.append({"task_id": row.id, "from": row.bpmn_id, "to": task.task_spec.bpmn_id})
        row.bpmn_id, row.name, row.names = task.task_spec.bpmn_id, meta.get("name") or task.task_spec.bpmn_id, (
            meta.get("names") or None)
        row.form_key = meta.get("form") or row.form_key
    session.flush()
    return changes


def _open_rows(session: Session, instance_id: int) -> list[HumanTask]:
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                        HumanTask.status == TaskStatus.OPEN)))


def move_back(session: Session, ctx: EngineContext, actor: Actor, migration_id: int, instance_id: int,
              key: str | None = None) -> ProcessInstance:
    """A moved case back on the version it was moved from, as it was, while it has not advanced since (its
    revision is the one its move left): else 409 `case_advanced`."""
    check_may_administer(actor)
    migration = get_migration(session, key, migration_id) if key else session.get(Migration, migration_id)
    if migration is None:
        raise NotFound(f"no migration {migration_id}", code=Code.MIGRATION_NOT_FOUND,
                       params={"migration_id": migration_id})
    row = session.scalars(select(MigrationCase).where(
        MigrationCase.migration_id == migration_id, MigrationCase.instance_id == instance_id)
        .options(undefer(MigrationCase.before_state)).with_for_update()).one_or_none()
    if row is None:
        raise NotFound(f"case {instance_id} is not in migration {migration_id}", code=Code.CASE_NOT_FOUND,
                       params={"case_id": instance_id})
    instance = steps.lock(session, instance_id)
    if row.status != MigrationCaseStatus.MOVED:
        raise Conflict(f"the migration did not move case {instance.business_key} (it is {row.status})",
                       code=Code.CASE_NOT_MOVED, params={"case": instance.business_key, "status": str(row.status)})
    if instance.revision != row.revision_after:
        raise Conflict(f"case {instance.business_key} has advanced since its move: it is not moved back",
                       code=Code.CASE_ADVANCED, params={"case": instance.business_key})
    old = session.get(ProcessDefinition, row.before_definition_id)
    assert old is not None and row.before_state is not None
    pinned = dict(row.before_called_versions or {})
    wf = serializer.load(row.before_state, workflow_specs(session, old, pinned), ctx.script_engine)
    at, who = ctx.now(), actor_name(actor)
    new_version = instance.version
    instance.definition_id, instance.version, instance.called_versions = old.id, old.version, pinned
    relabelled = _save(session, ctx, instance, old, wf, actor=who, at=at, run=False)
    chain.record(session, type=EventType.INSTANCE_MIGRATED_BACK, at=at, actor=who, instance_id=instance.id,
                 subject=instance.business_key, before={"version": new_version},
                 after={"migration_id": migration_id, "version": old.version, "checksum": old.checksum,
                        "tasks": relabelled})
    row.status = MigrationCaseStatus.MOVED_BACK
    session.flush()
    return instance


def list_migrations(session: Session, key: str, limit: int = 20) -> list[Migration]:
    """The procedure's latest migrations, newest first."""
    return list(session.scalars(select(Migration).where(Migration.process_key == key)
                                .order_by(Migration.id.desc()).limit(limit)))


def case_rows(session: Session, migration_id: int) -> list[tuple[MigrationCase, str]]:
    """The migration's cases, each with its business key, in the order of their ids."""
    return [(row, business_key) for row, business_key in session.execute(
        select(MigrationCase, ProcessInstance.business_key)
        .join(ProcessInstance, ProcessInstance.id == MigrationCase.instance_id)
        .where(MigrationCase.migration_id == migration_id).order_by(MigrationCase.instance_id))]
