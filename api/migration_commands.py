"""`jarchy migrate` and `jarchy migrations resume|show`: moving a procedure's cases to another version from the
command line (docs/migrations.md), the way for large sets: the same plan and moves as the API, each case in a
transaction of its own, resumable after a crash."""

from __future__ import annotations

import sys
from typing import Any

import click

from api.cli_env import Env, pass_env
from api.migration_runs import Ran, run
from engine.core.errors import JarchyError
from engine.runtime import migration

SYSTEM = "system"


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise click.BadParameter(f"{pair!r}: use OLD_ID=NEW_ID", param_hint="--map")
        mapping[old] = new
    return mapping


def _cases(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: case ids separated by commas", param_hint="--cases") from exc


def _refused(exc: JarchyError) -> None:
    click.echo(f"error: {exc.detail}", err=True)
    for e in exc.errors:
        click.echo(f"  {e.get('field', '')}: {e.get('message', '')}", err=True)
    sys.exit(1)


def _summary(session: Any, row: Any) -> None:
    cases = migration.case_rows(session, row.id)
    progress = migration.progress(session, row)
    click.echo(f"migration {row.id}: {row.process_key} version {row.from_version} -> {row.to_version}"
               f"{' (dry run)' if row.dry_run else ''}: {row.status}")
    click.echo(f"  movable {row.counts.get('movable', 0)}, blocked {row.counts.get('blocked', 0)}"
               + "".join(f", {reason} {n}" for reason, n in sorted(row.counts.get("by_reason", {}).items())))
    click.echo("  " + ", ".join(f"{status} {n}" for status, n in progress.items() if n))
    for case, business_key in cases:
        if case.reason:
            where = (case.params or {}).get("element_id") or ""
            click.echo(f"  {business_key} (case {case.instance_id}): {case.status}, {case.reason} {where}".rstrip())


def _ran(ran: Ran) -> None:
    click.echo(f"moved {ran.moved}, blocked since the plan {ran.blocked}, failed {ran.failed}"
               + (" (stopped)" if ran.stopped else ""))


@click.command("migrate")
@click.argument("key")
@click.option("--from", "from_version", type=int, required=True, help="the version the cases are on")
@click.option("--to", "to_version", type=int, required=True, help="the version they move to")
@click.option("--map", "pairs", multiple=True, metavar="OLD=NEW", help="an element of the old version and its "
              "target in the new (the same id maps by default); repeat for several")
@click.option("--cases", default=None, help="only these cases (ids separated by commas)")
@click.option("--timers", type=click.Choice(["keep", "recompute"]), default="keep",
              help="a waiting timer whose expression changed: block the case (keep) or count it again")
@click.option("--dry-run", is_flag=True, help="plan only: nothing moves")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=50)
@pass_env
def migrate(env: Env, key: str, from_version: int, to_version: int, pairs: tuple[str, ...], cases: str | None,
            timers: str, dry_run: bool, batch_size: int) -> None:
    """Move KEY's running cases from one version to another (or plan it, with --dry-run)."""
    try:
        with env.sessions.begin() as session:
            row, _ = migration.start_migration(session, env.ctx, SYSTEM, key, from_version, to_version,
                                               _mapping(pairs), cases=_cases(cases), timers=timers, dry_run=dry_run,
                                               batch_size=batch_size)
            migration_id = row.id
    except JarchyError as exc:
        _refused(exc)
    if not dry_run:
        _ran(run(env.sessions, env.ctx, migration_id, batch_size=batch_size,
                 after_case=_progress(batch_size)))
    with env.sessions() as session:
        _summary(session, migration.get_migration(session, key, migration_id))


def _progress(every: int) -> Any:
    done = [0]

    def tick(_instance_id: int) -> None:
        done[0] += 1
        if done[0] % every == 0:
            click.echo(f"  {done[0]} cases done")

    return tick


@click.group("migrations")
def migrations() -> None:
    """Moves of cases between versions."""


@migrations.command("resume")
@click.argument("migration_id", type=int)
@pass_env
def resume(env: Env, migration_id: int) -> None:
    """Go on with a migration that was interrupted or whose run crashed: its pending cases move, none twice."""
    try:
        with env.sessions.begin() as session:
            row = migration.resume(session, SYSTEM, migration_id)
            key, batch_size = row.process_key, int(row.options.get("batch_size") or 50)
    except JarchyError as exc:
        _refused(exc)
    _ran(run(env.sessions, env.ctx, migration_id, batch_size=batch_size, after_case=_progress(batch_size)))
    with env.sessions() as session:
        _summary(session, migration.get_migration(session, key, migration_id))


@migrations.command("show")
@click.argument("migration_id", type=int)
@pass_env
def show(env: Env, migration_id: int) -> None:
    """A migration's plan and progress, and each case that cannot move with its reason."""
    with env.sessions() as session:
        row = session.get(migration.Migration, migration_id)
        if row is None:
            click.echo(f"error: no migration {migration_id}", err=True)
            sys.exit(1)
        _summary(session, row)

