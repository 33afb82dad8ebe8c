"""The administrator's page for moving a procedure's cases to another version (docs/migrations.md): choose the
versions, map the steps the new version lacks, read the plan (how many cases can move, why the others cannot, a
sample of each), try it (a dry run, recorded) or move the cases, watch a move, move one case back. The same engine
functions as `POST /api/v1/process-definitions/{key}/migrations` and its companions."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from api import migration_runs
from api.database import end_reads, own
from api.database import session as db_session
from api.web import refusals
from api.web.i18n import diagram_name
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint, render
from api.web.vocabulary import MIGRATION_CASE_STATUSES, MIGRATION_STATUSES
from db.models import ProcessDefinition, User
from db.vocabulary import MigrationStatus
from engine.core.errors import JarchyError
from engine.people.access import may_administer
from engine.procedures import definitions
from engine.reads import procedure_versions
from engine.runtime import migration, migration_plan
from engine.spiff import realign

blp = page_blueprint("web_migrations", "/admin")


def _int(name: str) -> int | None:
    value = request.values.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _mapping() -> dict[str, str]:
    """`map.<old id>=<new id>` of the page's form (an empty choice maps nothing)."""
    return {name[4:]: value for name, value in request.values.items() if name.startswith("map.") and value}


def element_name(definition: ProcessDefinition, element_id: str | None) -> str:
    if not element_id:
        return "—"
    meta = definition.meta or {}
    return diagram_name(meta, element_id, meta.get("element_names", {}).get(element_id) or element_id)


def reason(definition: ProcessDefinition, code: str | None, params: dict[str, Any] | None) -> str:
    """Why a case cannot move, in the reader's language, naming its step by its name in the diagram."""
    params = dict(params or {})
    params["element"] = element_name(definition, params.get("element_id"))
    if isinstance(params.get("fields"), list):
        params["fields"] = ", ".join(str(f) for f in params["fields"])
    return refusals.worded(code, params) or _("This case cannot move.")


@blp.get("/procedures/<string:key>/migrations")
@page(may_administer)
def plan(key: str) -> tuple[str, int]:
    db = db_session()
    found = [p for p in procedure_versions.procedures(db) if p.key == key]
    if not found:
        definitions.latest_definition(db, key)  # 404
    procedure = found[0]
    numbers = [v.version for v in procedure.versions]
    to_version = _int("to") or numbers[0]
    from_version = _int("from") or (numbers[1] if len(numbers) > 1 else numbers[0])
    timers = "recompute" if request.args.get("timers") == "recompute" else "keep"
    mapping, shown, errors, status = _mapping(), None, [], 200
    if from_version != to_version:
        try:
            shown = _plan(db, key, from_version, to_version, mapping, timers)
        except JarchyError as error:
            errors, status = [refusals.field(e) for e in error.errors] or [refusals.of(error)], error.status
    return render("admin/migration_plan.html", status, procedure=procedure, numbers=numbers,
                  from_version=from_version, to_version=to_version, timers=timers, mapping=mapping, plan=shown,
                  errors=errors, migrations=migration.list_migrations(db, key), words=_words())


def _plan(db: Any, key: str, from_version: int, to_version: int, mapping: dict[str, str],
          timers: str) -> dict[str, Any]:
    found = migration_plan.plan(db, ctx(), key, from_version, to_version, mapping, timers=timers, sample=5)
    v = found.versions
    new_elements = migration_plan.elements(db, v.new)
    old_elements = migration_plan.elements(db, v.old)
    choices = {}
    for old_id in migration_plan.unmapped(db, v) + sorted(v.mapping):
        kind = realign.kind(old_elements[old_id])
        choices[old_id] = (element_name(v.old, old_id), [
            (new_id, element_name(v.new, new_id)) for new_id, spec in sorted(new_elements.items())
            if realign.kind(spec) == kind])
    rows = [{"case": verdict.business_key, "id": verdict.instance_id,
             "at": ", ".join(element_name(v.old, e) for e in verdict.at) or "—",
             "verdict": _("Can move") if verdict.movable else reason(v.old, verdict.reason, verdict.params)}
            for verdict in found.sample]
    reasons = [(reason(v.old, code, _first_params(found, code)), count) for code, count in found.by_reason.items()]
    return {"cases": len(found.verdicts), "movable": found.movable, "blocked": len(found.blocked),
            "reasons": reasons, "choices": choices, "rows": rows}


def _first_params(found: Any, code: str) -> dict[str, Any]:
    return next((v.params for v in found.blocked if v.reason == code), {})


@blp.post("/procedures/<string:key>/migrations")
@page(may_administer)
def start(key: str) -> Any:
    """A dry run (recorded, nothing moves) or the move itself, each case in a transaction of its own."""
    actor = web_user()
    assert actor is not None
    actor_id, dry_run = actor.id, request.form.get("dry_run") == "1"
    from_version, to_version = _int("from") or 0, _int("to") or 0
    timers = "recompute" if request.form.get("timers") == "recompute" else "keep"
    end_reads("before moving cases")
    sessions = own()
    try:
        with sessions.begin() as db:
            user = db.get(User, actor_id)
            row, _plan_made = migration.start_migration(db, ctx(), user, key, from_version, to_version, _mapping(),
                                                        timers=timers, dry_run=dry_run)
            migration_id = row.id
    except JarchyError as error:
        flash(refusals.of(error) if not error.errors else refusals.field(error.errors[0]), "error")
        return redirect(url_for(".plan", key=key, **{"from": from_version, "to": to_version}))
    if not dry_run:
        migration_runs.run(sessions, ctx(), migration_id)
    return redirect(url_for(".show", key=key, migration_id=migration_id))


@blp.get("/procedures/<string:key>/migrations/<id:migration_id>")
@page(may_administer)
def show(key: str, migration_id: int) -> tuple[str, int]:
    db = db_session()
    row = migration.get_migration(db, key, migration_id)
    old = definitions.definition_version(db, key, row.from_version)
    cases = [{"id": case.instance_id, "case": business_key, "status": case.status,
              "at": ", ".join(element_name(old, e) for e in case.at_elements or []) or "—",
              "why": reason(old, case.reason, case.params) if case.reason else ""}
             for case, business_key in migration.case_rows(db, row.id)]
    return render("admin/migration.html", migration=row, cases=cases, progress=migration.progress(db, row),
                  key=key, words=_words())


def _words() -> dict[str, str]:
    """The statuses of a migration and of its cases, by their stored word, in the reader's language."""
    return {str(k): str(v) for k, v in (MIGRATION_STATUSES | MIGRATION_CASE_STATUSES).items()}


@blp.post("/procedures/<string:key>/migrations/<id:migration_id>/resume")
@page(may_administer)
def resume(key: str, migration_id: int) -> Any:
    """Go on with a move that was interrupted or whose run stopped (the server restarted mid-batch): its pending
    cases move, none twice, as `jarchy migrations resume` does."""
    actor = web_user()
    assert actor is not None
    actor_id = actor.id
    end_reads("before moving cases")
    sessions = own()
    with sessions.begin() as db:
        migration.get_migration(db, key, migration_id)  # 404 for another procedure's migration
        row = migration.resume(db, db.get(User, actor_id), migration_id)
        runs, batch_size = row.status == MigrationStatus.RUNNING, int(row.options.get("batch_size") or 50)
    if runs:
        migration_runs.run(sessions, ctx(), migration_id, batch_size=batch_size)
    return redirect(url_for(".show", key=key, migration_id=migration_id))


@blp.post("/procedures/<string:key>/migrations/<id:migration_id>/cases/<id:instance_id>/back")
@page(may_administer)
def move_back(key: str, migration_id: int, instance_id: int) -> Any:
    actor = web_user()
    assert actor is not None
    try:
        instance = migration.move_back(db_session(), ctx(), actor, migration_id, instance_id, key=key)
    except JarchyError as error:
        if error.status == 404:
            raise
        flash(refusals.of(error), "error")
    else:
        flash(_("The case %(case)s is back on version %(version)s.", case=instance.business_key,
                version=instance.version), "success")
    return redirect(url_for(".show", key=key, migration_id=migration_id))
