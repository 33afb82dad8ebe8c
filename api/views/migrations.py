"""Moving a procedure's running cases to another of its versions (docs/migrations.md): plan (a dry run), run, watch,
move one case back. Administrators only."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import migration_runs, present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import end_reads, own, session
from api.schemas import MigrationIn, MigrationList, MigrationOut, MovedBackOut
from api.views.common import ctx
from db.models import User
from engine.people.access import check_may_administer
from engine.procedures.definitions import latest_definition
from engine.runtime import migration, migration_plan

blp = Blueprint("migrations", __name__, url_prefix="/api/v1/process-definitions",
                description="Running cases moved to another version of their procedure")


def shown(db: Any, row: Any, *, sample: int = 10, with_unmapped: bool = False) -> dict[str, Any]:
    unmapped = None
    if with_unmapped:
        unmapped = migration_plan.unmapped(db, migration_plan.versions(
            db, row.process_key, row.from_version, row.to_version, row.mapping, row.options.get("timers", "keep")))
    return present.migration(row, migration.case_rows(db, row.id), sample=sample, unmapped=unmapped)


@blp.route("/<string:key>/migrations")
class Migrations(MethodView):
    @blp.doc(operationId="listMigrations")
    @blp.response(200, MigrationList)
    def get(self, key: str) -> dict[str, Any]:
        """The procedure's latest migrations, newest first (admin)."""
        check_may_administer(current_user())
        latest_definition(session(), key)
        return {"items": [shown(session(), m) for m in migration.list_migrations(session(), key)]}

    @blp.arguments(MigrationIn)
    @blp.response(200, MigrationOut)
    @blp.alt_response(422, description="A version, a mapping entry (`mapping.<old id>`) or a chosen case "
                                       "(`cases.<n>`) is wrong")
    @blp.doc(operationId="migrateCases")
    def post(self, args: dict[str, Any], key: str) -> dict[str, Any]:
        """Plan moving the procedure's cases from one version to another (`dry_run`: nothing moves) or move them
        (admin). Each case moves in a transaction of its own, within this request: for thousands of cases,
        `jarchy migrate` does the same from the command line (and `jarchy migrations resume` goes on after a
        crash)."""
        actor = current_user()
        check_may_administer(actor)
        actor_id = actor.id
        end_reads("before moving cases")
        sessions = own()
        with sessions.begin() as db:
            user = db.get(User, actor_id)
            assert user is not None
            row, _ = migration.start_migration(
                db, ctx(), user, key, args["from_version"], args["to_version"], args["mapping"],
                cases=args["cases"], timers=args["timers"], dry_run=args["dry_run"], batch_size=args["batch_size"],
                sample=args["sample"])
            migration_id = row.id
        if not args["dry_run"]:
            migration_runs.run(sessions, ctx(), migration_id, batch_size=args["batch_size"])
        with sessions() as db:
            row = migration.get_migration(db, key, migration_id)
            return shown(db, row, sample=args["sample"], with_unmapped=True)


@blp.route("/<string:key>/migrations/<id:migration_id>")
class OneMigration(MethodView):
    @blp.doc(operationId="getMigration")
    @blp.response(200, MigrationOut)
    def get(self, key: str, migration_id: int) -> dict[str, Any]:
        """A migration's plan and progress (admin)."""
        check_may_administer(current_user())
        return shown(session(), migration.get_migration(session(), key, migration_id), with_unmapped=True)


@blp.route("/<string:key>/migrations/<id:migration_id>/cases/<id:instance_id>/back")
class MoveBack(MethodView):
    @blp.doc(operationId="moveCaseBack")
    @blp.response(200, MovedBackOut)
    @blp.alt_response(409, description="The case has advanced since its move (`case_advanced`), or was not moved")
    def post(self, key: str, migration_id: int, instance_id: int) -> dict[str, Any]:
        """A moved case back on the version it came from, while it has not advanced since (admin)."""
        instance = migration.move_back(session(), ctx(), current_user(), migration_id, instance_id, key=key)
        return present.moved_back(instance)
