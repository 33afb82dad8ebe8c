"""The `jarchy` command: set-up and operations. Each command is one entry point with its own transaction."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from api import create_app
from api.cli_env import Env, pass_env
from api.migration_commands import migrate, migrations
from db.migrate import upgrade
from engine.audit import chain, keys, notes, outside, tree
from engine.background.sweeper import fire_due, keep_checkpoints, sweep
from engine.core.errors import InvalidDiagram, JarchyError
from engine.core.settings import ROLES
from engine.demo import seed
from engine.people.accounts import create_unit, create_user, update_unit
from engine.procedures import definitions, deployed_forms
from engine.spiff.parser import NS, parse_xml

SYSTEM = "system"

# The access log names the path, never the query or the referrer: private links carry their token in the query (a
# calendar feed polled every few minutes, a requester's tracking link), and a log is read by more people than they.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


@click.group()
def main() -> None:
    """Jarchy: the regulated procedures of a press office, run as BPMN diagrams."""


main.add_command(migrate)
main.add_command(migrations)


@main.command()
@pass_env
def init(env: Env) -> None:
    """Create or migrate the database and deploy the diagrams of workflows/ (idempotent)."""
    _init(env)


def _init(env: Env) -> None:
    upgrade(env.engine)
    shipped = shipped_diagrams()
    for name in deployment_order(shipped):
        _deploy_shipped(env, shipped[name], name)


def shipped_diagrams() -> dict[str, bytes]:
    """The diagrams of the product's workflows/, by file name."""
    return {path.name: path.read_bytes() for path in resources.files("workflows").iterdir()
            if path.name.endswith(".bpmn")}


def _deploy_shipped(env: Env, data: bytes, name: str) -> None:
    with _reported(name), env.sessions.begin() as session:
        outcome = definitions.deploy_shipped(session, data, actor=SYSTEM, at=env.ctx.now())
    d = outcome.definition
    if outcome.state == "kept":
        path = resources.files("workflows") / name
        click.echo(f"{name}: {d.key} version {d.version} is an administrator's and stays the latest; the shipped "
                   f"diagram differs and was not deployed (to adopt it: jarchy deploy {path})")
    else:
        click.echo(f"{name}: {d.key} version {d.version} {outcome.state}")


def deployment_order(files: dict[str, bytes]) -> list[str]:
    """Called processes before their callers (a call to a process not yet deployed is refused)."""
    keys, calls = {}, {}
    for name, data in files.items():
        root = parse_xml(data)
        process = root.find("bpmn:process", NS)
        keys[name] = process.get("id") if process is not None else name
        calls[name] = {c.get("calledElement") for c in root.iter(f"{{{NS['bpmn']}}}callActivity")}
    by_key = {key: name for name, key in keys.items()}
    ordered: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in ordered or name in path:
            return
        for key in sorted(calls[name]):
            if key in by_key:
                visit(by_key[key], (*path, name))
        ordered.append(name)

    for name in sorted(files):
        visit(name, ())
    return ordered


@contextmanager
def _reported(name: str) -> Iterator[None]:
    """A rejected diagram: its problems, each with its element and line, and exit status 1."""
    try:
        yield
    except InvalidDiagram as exc:
        click.echo(f"{name}: rejected", err=True)
        for problem in exc.problems:
            where = ", ".join(x for x in (f"element {problem.element_id}" if problem.element_id else "",
                                          f"line {problem.line}" if problem.line else "") if x)
            click.echo(f"  {where}: {problem.message}" if where else f"  {problem.message}", err=True)
        sys.exit(1)
    except JarchyError as exc:  # a form deployed with it
        click.echo(f"{name}: rejected: {exc.detail}", err=True)
        for e in exc.errors:
            click.echo(f"  {e.get('field', '')}: {e.get('message', '')}", err=True)
        sys.exit(1)


def _deploy_bytes(env: Env, data: bytes, name: str, forms: dict[str, Any] | None = None) -> None:
    with _reported(name), env.sessions.begin() as session:
        result = definitions.deploy(session, data, actor=SYSTEM, at=env.ctx.now(), forms=forms)
    d = result.definition
    state = "deployed" if result.created else "unchanged"
    pinned = ", ".join(f"{k} v{v}" for k, v in sorted((d.forms or {}).items()))
    click.echo(f"{name}: {d.key} version {d.version} {state}" + (f" (forms: {pinned})" if pinned else ""))
    for warning in result.warnings:
        where = f"element {warning.element_id}: " if warning.element_id else ""
        click.echo(f"  warning: {where}{warning.rule}: {warning.message}")


def _read_forms(folder: Path) -> dict[str, Any]:
    """The forms of a folder laid out as the product's forms/: `<process>/<name>.json` is the form
    `<process>/<name>`."""
    found = {}
    for path in sorted(folder.rglob("*.json")):
        key = path.relative_to(folder).with_suffix("").as_posix()
        try:
            found[key] = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            click.echo(f"error: {path} is not JSON: {exc}", err=True)
            sys.exit(1)
    return found


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--forms", "forms_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="deploy with it the forms of this folder (DIR/<process>/<name>.json)")
@pass_env
def deploy(env: Env, file: Path, forms_dir: Path | None) -> None:
    """Deploy one diagram with its forms (same validation as the API): the forms of --forms are deployed as new
    versions where they changed; every form the diagram names is pinned at its latest version."""
    _deploy_bytes(env, file.read_bytes(), file.name, _read_forms(forms_dir) if forms_dir else None)


@main.group()
def forms() -> None:
    """Deployed forms."""


@forms.command("deploy")
@click.argument("key")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_env
def forms_deploy(env: Env, key: str, file: Path) -> None:
    """Deploy a version of the form KEY (`process/name`) from a JSON Schema FILE. The procedures that use it take it
    when they are deployed again (`jarchy deploy`)."""
    try:
        schema = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        click.echo(f"error: {file} is not JSON: {exc}", err=True)
        sys.exit(1)
    with _command(env) as session:
        made, created = deployed_forms.save_form(session, key, schema, actor=SYSTEM, at=env.ctx.now())
        version = made.version
    click.echo(f"{key}: version {version} {'deployed' if created else 'unchanged'}")


@main.group()
def units() -> None:
    """Structural units."""


def _names(pairs: tuple[str, ...]) -> dict[str, str]:
    """`--names ru=Отдел --names uz-Latn=Boʻlim` as a map; the engine checks the codes and the names."""
    names: dict[str, str] = {}
    for pair in pairs:
        code, sep, name = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: write LANG=NAME, e.g. ru=Отдел", param_hint="--names")
        names[code.strip()] = name
    return names


NAMES_HELP = "the name in one interface language, LANG=NAME (e.g. ru=Отдел транспорта); repeat for each"


@units.command("add")
@click.argument("key")
@click.option("--name", required=True, help="the name in the default language (English)")
@click.option("--names", "names", multiple=True, metavar="LANG=NAME", help=NAMES_HELP)
@pass_env
def units_add(env: Env, key: str, name: str, names: tuple[str, ...]) -> None:
    """Add a structural unit."""
    with _command(env) as session:
        create_unit(session, key=key, name=name, names=_names(names), actor=SYSTEM, at=env.ctx.now())
    click.echo(f"unit {key} added")


@units.command("rename")
@click.argument("key")
@click.option("--name", default=None, help="the name in the default language (English)")
@click.option("--names", "names", multiple=True, metavar="LANG=NAME", help=NAMES_HELP)
@pass_env
def units_rename(env: Env, key: str, name: str | None, names: tuple[str, ...]) -> None:
    """Change a unit's name in the default language and/or in others."""
    changes: dict[str, Any] = {"names": _names(names)} | ({"name": name} if name is not None else {})
    with _command(env) as session:
        update_unit(session, key, changes, actor=SYSTEM, at=env.ctx.now())
    click.echo(f"unit {key} renamed")


@main.group()
def users() -> None:
    """Users."""


@users.command("add")
@click.argument("username")
@click.option("--password", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--unit", default=None)
@click.option("--display-name", default=None)
@click.option("--email", default=None)
@pass_env
def users_add(env: Env, username: str, password: str, roles: tuple[str, ...], unit: str | None,
              display_name: str | None, email: str | None) -> None:
    """Add a user."""
    with _command(env) as session:
        create_user(session, username=username, display_name=display_name or username, password=password,
                    roles=list(roles), unit=unit, email=email, actor=SYSTEM, at=env.ctx.now())
    click.echo(f"user {username} added")


@main.group()
def timers() -> None:
    """Timers."""


@timers.command("fire-due")
@click.option("--at", "at", default=None, help="ISO moment to fire as of (default: now)")
@pass_env
def timers_fire_due(env: Env, at: str | None) -> None:
    """Fire every timer due by now (or by --at); prints how many."""
    moment = datetime.fromisoformat(at) if at else env.ctx.now()
    if moment.tzinfo is None:
        raise click.BadParameter("give an offset, e.g. 2026-03-26T18:00:00+06:00", param_hint="--at")
    click.echo(fire_due(env.sessions, env.ctx, moment))


@main.group("audit")
def audit_group() -> None:
    """The audit history."""


@audit_group.command("verify")
@click.option("--checkpoint", "checkpoint_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a signed checkpoint kept outside the database (a witness's DIR/checkpoint)")
@click.option("--public-key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="the office's public key (PEM or note verifier key); needed with --checkpoint")
@click.option("--mirror", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="a witness's directory mirror: its leaves name the first changed event")
@pass_env
def audit_verify(env: Env, checkpoint_file: Path | None, key_file: Path | None, mirror: Path | None) -> None:
    """Check the hash chain; with --checkpoint, also the events against that signed checkpoint. Exit 1 and name
    the first bad event if broken."""
    if checkpoint_file is not None and key_file is None:
        raise click.BadParameter("give the public key the checkpoint was signed with", param_hint="--public-key")
    if checkpoint_file is None and (key_file is not None or mirror is not None):
        raise click.BadParameter("give the signed checkpoint to check the events against", param_hint="--checkpoint")
    note = None if checkpoint_file is None else _text_of(checkpoint_file, "--checkpoint")
    key = None if key_file is None else _public_key_of(key_file)
    with env.sessions.begin() as session:  # what is committed is checked: seal it first, in its own transaction
        chain.seal_all(session)
    with env.sessions() as session:
        result = chain.verify(session)
        if not result.ok:
            broken = result.first_broken or {}
            click.echo(f"BROKEN at event seq {broken.get('seq')} (id {broken.get('id')}): {broken.get('reason')}; "
                       f"{result.checked} events checked before it", err=True)
            sys.exit(1)
        click.echo(f"ok: {result.checked} events, chain intact"
                   + (f" ({result.unsealed} not yet sealed: still being written)" if result.unsealed else ""))
        if note is None or key is None:
            return
        try:
            leaves = outside.mirror_leaves(mirror) if mirror is not None else None
            outcome = outside.check(session, note, key, leaves)
        except notes.BadNote as exc:
            click.echo(f"BROKEN: the checkpoint {checkpoint_file}: {exc.detail}", err=True)
            sys.exit(1)
    for remark in outcome.remarks:
        click.echo(f"note: {remark}", err=True)
    signed = outcome.signed_at.isoformat() if outcome.signed_at else "an unknown time"
    if outcome.ok:
        click.echo(f"ok: the events give the root of the checkpoint of size {outcome.size} signed at {signed}")
        return
    broken = outcome.first_broken or {}
    named = f"event seq {broken['seq']} (id {broken.get('id')})" if broken.get("seq") else "the events"
    used = f"; compared with the {outcome.reference}" if outcome.reference else ""
    click.echo(f"BROKEN against the checkpoint of size {outcome.size} signed at {signed}: {named}: "
               f"{broken.get('reason')}{used}", err=True)
    sys.exit(1)


@audit_group.command("checkpoint")
@pass_env
def audit_checkpoint(env: Env) -> None:
    """Sign a checkpoint of the audit's Merkle tree now, timestamp it and push it; prints each outcome."""
    try:
        work = keep_checkpoints(env.sessions, env.settings, env.ctx.now(), now=True)
    except (keys.KeyUnavailable, tree.ChainBroken) as exc:
        click.echo(f"no checkpoint: {exc}", err=True)
        sys.exit(1)
    assert work.latest is not None
    size, root = work.latest
    click.echo(f"checkpoint {size} {root}" + ("" if work.made else " (nothing recorded since: the latest)"))
    if not env.settings.tsa_url:
        click.echo("timestamp: no TSA configured (JARCHY_TSA_URL)")
    for stamped, ok, detail in work.stamps:
        click.echo(f"timestamp of {stamped}: {'ok' if ok else 'FAILED'} {detail}")
    for push in work.pushes:
        click.echo(f"push to {push.target}: {'ok' if push.ok else 'FAILED'} {push.detail}")


@audit_group.command("public-key")
@click.option("--verifier-key", is_flag=True, help="The signed-note verifier key (a witness's configuration).")
@pass_env
def audit_public_key(env: Env, verifier_key: bool) -> None:
    """Print the public key the checkpoints are signed with (PEM)."""
    settings = env.settings
    try:
        public = keys.public_key(settings)
    except keys.KeyUnavailable as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(notes.verifier_key(settings.checkpoint_origin, public) if verifier_key
               else notes.public_key_pem(public).rstrip("\n"))


@audit_group.command("verify-export")
@click.argument("exports", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--checkpoint", "checkpoint_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a signed checkpoint the auditor trusts (a witness's, or kept from before)")
@click.option("--public-key", "key_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="the office's public key (PEM or note verifier key)")
@click.option("--tsa-cert", "tsa_cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="the timestamp authority's certificate (PEM) to trust its tokens")
def audit_verify_export(exports: tuple[Path, ...], checkpoint_file: Path, key_file: Path,
                        tsa_cert: Path | None) -> None:
    """Check exports with proofs offline, without the database: the checkpoints' signatures, timestamps and
    consistency, every event's proof and link. Exit 1 naming the first failure."""
    from engine.audit import offline  # no database, no settings: this command runs on an auditor's machine

    key = _public_key_of(key_file)
    note = _text_of(checkpoint_file, "--checkpoint")
    certificates = None
    if tsa_cert is not None:
        from engine.audit import timestamps

        try:
            certificates = timestamps.load_certificates(tsa_cert)
        except (OSError, ValueError) as exc:
            raise click.BadParameter(str(exc), param_hint="--tsa-cert") from None
    try:
        loaded = [offline.load(path) for path in exports]
        report = offline.verify(loaded, note, key, certificates)
    except offline.Failure as failure:
        click.echo(f"FAILED: {failure.where}: {failure.reason}", err=True)
        sys.exit(1)
    signed = report.signed_at.isoformat() if report.signed_at else "an unknown time"
    click.echo(f"ok: {report.events} events checked in {report.exports} file(s), {report.complete} of them the "
               f"whole history; {report.unproved} of the events came after the exports' checkpoints (their links "
               f"checked, not yet proved by a signed root); trusted checkpoint of size "
               f"{report.size} signed at {signed}; {report.timestamps}")


def _text_of(path: Path, option: str) -> str:
    """A file given to an audit command as text (a note, a PEM); a binary or unreadable one is named by its
    option, never a traceback."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"{path} is not a readable text file: {exc}", param_hint=option) from None


def _public_key_of(path: Path) -> Ed25519PublicKey:
    try:
        return notes.load_public_key(_text_of(path, "--public-key"))
    except notes.BadNote as exc:
        raise click.BadParameter(exc.detail, param_hint="--public-key") from None


@main.command()
@pass_env
def demo(env: Env) -> None:
    """`init`, plus demo units, users (passwords printed) and sample cases."""
    _init(env)
    with env.sessions.begin() as session:
        for line in seed(session, env.ctx):
            click.echo(line)


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--threads", default=4, type=int)
@pass_env
def serve(env: Env, host: str, port: int, threads: int) -> None:
    """The web app and API (and, without Redis, the timer loop: it sweeps due timers every 5 s)."""
    from gunicorn.app.base import BaseApplication

    def start_sweeping(_worker: Any) -> None:
        # In the worker, after the fork: a thread started before it would leave its locks held in the child.
        if not env.settings.redis_url:
            _start_timer_loop(env, interval=5.0)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", 1)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            self.cfg.set("access_log_format", ACCESS_LOG_FORMAT)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("post_worker_init", start_sweeping)

        def load(self) -> Any:
            return create_app()

    click.echo(f"Jarchy on http://{host}:{port}/ (API at /api/v1, OpenAPI at /api/v1/openapi.json)")
    Server().run()


def _start_timer_loop(env: Env, interval: float) -> threading.Thread:
    def loop() -> None:
        while True:
            try:
                sweep(env.sessions, env.ctx)
            except Exception as exc:  # keep sweeping; the next round retries  # noqa: BLE001
                click.echo(f"timer sweep failed: {exc}", err=True)
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="jarchy-timers", daemon=True)
    thread.start()
    return thread


@main.command()
@click.option("--beat/--no-beat", default=True, show_default=True,
              help="Run beat inside the worker: it sends the timer sweep every JARCHY_SWEEP_SECONDS (default 5).")
@click.option("--concurrency", "-c", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes.")
@pass_env
def worker(env: Env, beat: bool, concurrency: int) -> None:
    """A Celery worker (with beat) that fires due timers and sends e-mail; needs JARCHY_REDIS_URL.

    The queue is JARCHY_CELERY_QUEUE (default `jarchy`). Any number of workers, with or without beat, may
    run against one database and one Redis: each timer fires once."""
    if not env.settings.redis_url:
        click.echo("error: JARCHY_REDIS_URL is not set. `jarchy worker` needs Redis as its broker, e.g. "
                   "JARCHY_REDIS_URL=redis://127.0.0.1:6379/0. Without Redis, `jarchy serve` fires the timers "
                   "itself.", err=True)
        sys.exit(1)
    from engine.background.worker import make_celery, options_from_env, worker_argv

    try:
        options = options_from_env()
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    celery_app = make_celery(env.settings, options)
    # `start` keeps Celery's exit status (worker_main drops it).
    celery_app.start(worker_argv(options, beat=beat, concurrency=concurrency))


def _command(env: Env) -> Any:
    """A transaction for a command; domain errors become a message and exit status 1."""
    return _CommandTransaction(env)


class _CommandTransaction:
    def __init__(self, env: Env) -> None:
        self._cm = env.sessions.begin()

    def __enter__(self) -> Session:
        return self._cm.__enter__()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        self._cm.__exit__(exc_type, exc, tb)
        if isinstance(exc, JarchyError):
            click.echo(f"error: {exc.detail}", err=True)
            for e in exc.errors:
                click.echo(f"  {e.get('field', '')}: {e.get('message', '')}", err=True)
            sys.exit(1)
        return False
