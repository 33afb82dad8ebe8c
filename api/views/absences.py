"""A user's absences and deputies (docs/absences.md)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import AbsenceIn, AbsenceOut, AbsenceQuery
from api.views.common import ctx
from engine.people.access import check_may_read_absences
from engine.people.accounts import user_by_username
from engine.reads import absences as absence_reads
from engine.runtime import absences

blp = Blueprint("absences", __name__, url_prefix="/api/v1/users",
                description="Absences: a user away, and the deputy who takes their tasks")


@blp.route("/<string:username>/absences")
class Absences(MethodView):
    @blp.doc(operationId="listAbsences")
    @blp.arguments(AbsenceQuery, location="query")
    @blp.response(200, AbsenceOut(many=True))
    def get(self, args: dict[str, Any], username: str) -> list[dict[str, Any]]:
        """The user's absences, latest first (the user, pr_head, admin, auditor)."""
        user = user_by_username(session(), username)
        check_may_read_absences(current_user(), user)
        rows = absence_reads.of_user(session(), user.id, since=ctx().now() if args["current"] else None)
        return present.absences(session(), rows)

    @blp.doc(operationId="recordAbsence")
    @blp.arguments(AbsenceIn)
    @blp.response(201, AbsenceOut)
    def post(self, body: dict[str, Any], username: str) -> dict[str, Any]:
        """Record an absence (the user themselves, or pr_head, admin). Once it begins, the user's tasks that the
        deputy may take pass to the deputy."""
        row = absences.record(session(), ctx(), current_user(), username,
                              absences.Period(body["from_"], body["until"]), deputy=body["deputy"],
                              note=body["note"])
        return present.absences(session(), [row])[0]


@blp.route("/<string:username>/absences/<id:absence_id>")
class AbsenceView(MethodView):
    @blp.doc(operationId="endAbsence")
    @blp.response(200, AbsenceOut)
    @blp.alt_response(409, description="The absence is over already")
    def delete(self, username: str, absence_id: int) -> dict[str, Any]:
        """End the absence now, or cancel it before it begins (recorded). Tasks handed over stay where they are."""
        row = absences.end(session(), ctx(), current_user(), username, absence_id)
        return present.absences(session(), [row])[0]
