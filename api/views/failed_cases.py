"""Mending failed cases (docs/failed_cases.md): the list of failed cases (admin, auditor) and the two operations on
one (admin): run its failed steps again, its data corrected where given, or skip a failed step. The pages
(api/web/views/failed_cases.py) call the same engine functions."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import FailedCaseOut, FailedCaseQuery, InstanceOut, RetryIn, SkipIn, page_of
from api.views.common import ctx
from engine.people.access import check_may_mend_cases, check_may_read_failed_cases
from engine.reads import failed_cases
from engine.runtime import mending

blp = Blueprint("failed_cases", __name__, url_prefix="/api/v1", description="Failed cases and their mending")


@blp.route("/failed-cases")
class FailedCases(MethodView):
    @blp.doc(operationId="listFailedCases")
    @blp.arguments(FailedCaseQuery, location="query")
    @blp.response(200, page_of(FailedCaseOut, "FailedCasePage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The failed cases (admin, auditor), newest first: where and why each failed, and the fields the failed
        step reads."""
        user = current_user()
        check_may_read_failed_cases(user)
        result = failed_cases.failed_cases(session(), ctx(), **args)
        return present.page(result, [present.failed_case(item, user.locale or "en") for item in result.items])


@blp.route("/process-instances/<id:instance_id>/retry")
class Retry(MethodView):
    @blp.doc(operationId="retryFailedCase")
    @blp.arguments(RetryIn)
    @blp.response(200, InstanceOut)
    @blp.alt_response(409, description="The case is not failed (`case_not_failed`), or failed after its step had "
                                       "ended (`nothing_to_retry`)")
    def post(self, body: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """Run the failed case's failed steps again (admin), its data corrected first with `data` where given."""
        actor = current_user()
        check_may_mend_cases(actor)  # before anything is looked up: every other role gets 403, the case or not
        instance = mending.retry(session(), ctx(), actor, instance_id, reason=body["reason"],
                                 corrections=body.get("data"))
        return present.instance(session(), ctx(), instance, users=present.acting(actor))


@blp.route("/process-instances/<id:instance_id>/skip")
class Skip(MethodView):
    @blp.doc(operationId="skipFailedStep")
    @blp.arguments(SkipIn)
    @blp.response(200, InstanceOut)
    @blp.alt_response(409, description="The case is not failed (`case_not_failed`)")
    def post(self, body: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """Mark a failed step done without running it (admin), with the reason; not a gateway (422)."""
        actor = current_user()
        check_may_mend_cases(actor)
        instance = mending.skip(session(), ctx(), actor, instance_id, element_id=body["element_id"],
                                reason=body["reason"])
        return present.instance(session(), ctx(), instance, users=present.acting(actor))
