from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import (
    AuditOut,
    CancelIn,
    DeadlineOut,
    DeadlineQuery,
    ExtendIn,
    InstanceIn,
    InstanceOut,
    InstanceQuery,
    MessageIn,
    page_of,
)
from api.views.common import ctx
from db.models import ProcessInstance
from engine.core.errors import Code, NotFound
from engine.people.access import check_may_read_instance
from engine.reads import case_deadline, queries
from engine.reads.case_filters import CaseFilters
from engine.runtime import operations

CASE_FILTERS = tuple(f.name for f in fields(CaseFilters) if f.name not in ("tz", "now"))

blp = Blueprint("instances", __name__, url_prefix="/api/v1/process-instances", description="Cases")


def _readable(instance_id: int) -> ProcessInstance:
    instance = session().get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND,
                       params={"case_id": instance_id})
    check_may_read_instance(session(), current_user(), instance)
    return instance


@blp.route("")
class Instances(MethodView):
    @blp.doc(operationId="listProcessInstances")
    @blp.arguments(InstanceQuery, location="query")
    @blp.response(200, page_of(InstanceOut, "InstancePage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The cases the caller may read, newest first or as `sort` says; `q` and the filters narrow them
        (docs/search.md); `started_*`, `closed_*`, `overdue`, `unit`, `no_unit`, `outcome`, `tone` and
        `published_*` filter them as a dashboard figure counts them (docs/dashboard.md)."""
        further = {name: args.pop(name) for name in CASE_FILTERS if name in args}
        filters = CaseFilters(tz=ctx().cal.timezone, now=ctx().now(), **further) if further else None
        if filters is not None and filters.outcome:
            filters = replace(filters, outcome=tuple(filters.outcome))
        result = queries.instances(session(), current_user(), filters=filters, now=ctx().now(),
                                   tz=ctx().cal.timezone, **args)
        return present.page(result, present.instances(session(), ctx(), result.items))

    @blp.doc(operationId="startProcessInstance")
    @blp.arguments(InstanceIn)
    @blp.response(201, InstanceOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Start a case; `data` is validated against the procedure's start form."""
        actor = current_user()
        instance = operations.start(session(), ctx(), actor, body["process_key"], body["data"])
        return present.instance(session(), ctx(), instance, users=present.acting(actor))


@blp.route("/<id:instance_id>")
class Instance(MethodView):
    @blp.doc(operationId="getProcessInstance")
    @blp.response(200, InstanceOut)
    def get(self, instance_id: int) -> dict[str, Any]:
        """A case with its open tasks and pending timers."""
        return present.instance(session(), ctx(), _readable(instance_id))


@blp.route("/<id:instance_id>/messages")
class Messages(MethodView):
    @blp.doc(operationId="deliverMessage")
    @blp.arguments(MessageIn)
    @blp.response(200, InstanceOut)
    @blp.alt_response(409, description="The case is not waiting for that message")
    def post(self, body: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """Deliver a BPMN message to a waiting case."""
        _readable(instance_id)
        actor = current_user()
        instance = operations.deliver_message(session(), ctx(), actor, instance_id, body["name"], body["data"])
        return present.instance(session(), ctx(), instance, users=present.acting(actor))


@blp.route("/<id:instance_id>/extend")
class Extend(MethodView):
    @blp.doc(operationId="extendDeadline")
    @blp.arguments(ExtendIn)
    @blp.response(200, InstanceOut)
    @blp.alt_response(422, description="The deployment allows no (or no more) extension")
    @blp.alt_response(409, description="The case is closed, or its procedure extends its deadline by its own route "
                                       "(a draft act's discussion: POST /api/v1/draft-acts/{id}/period)")
    def post(self, body: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """Move the case's deadline by working days, with a stated reason (pr_head). A draft act's discussion is
        extended by its own route (409 naming it)."""
        _readable(instance_id)
        actor = current_user()
        instance = operations.extend(session(), ctx(), actor, instance_id, body["working_days"], body["reason"])
        return present.instance(session(), ctx(), instance, users=present.acting(actor))


@blp.route("/<id:instance_id>/cancel")
class Cancel(MethodView):
    @blp.doc(operationId="cancelProcessInstance")
    @blp.arguments(CancelIn)
    @blp.response(200, InstanceOut)
    def post(self, body: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """Cancel a case (admin, pr_head)."""
        _readable(instance_id)
        actor = current_user()
        instance = operations.cancel(session(), ctx(), actor, instance_id, body["reason"])
        return present.instance(session(), ctx(), instance, users=present.acting(actor))


@blp.route("/<id:instance_id>/history")
class History(MethodView):
    @blp.doc(operationId="getProcessInstanceHistory")
    @blp.response(200, page_of(AuditOut, "HistoryPage"))
    def get(self, instance_id: int) -> dict[str, Any]:
        """The case's audit events, oldest first."""
        _readable(instance_id)
        events = session().scalars(queries.audit_events(session(), instance_id=instance_id))
        return present.whole([present.audit_event(e) for e in events])


@blp.route("/<id:instance_id>/deadline")
class Deadline(MethodView):
    @blp.doc(operationId="getProcessInstanceDeadline")
    @blp.arguments(DeadlineQuery, location="query")
    @blp.response(200, DeadlineOut)
    @blp.alt_response(404, description="No such case, or it keeps no statutory deadline (`deadline_not_found`)")
    def get(self, args: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """How the case's statutory deadline was derived: received when, which days did not count and why, when
        it was paused and extended, the due moment, and, for a closed case, whether it closed within it."""
        instance = _readable(instance_id)
        language = args.get("lang") or current_user().locale or "en"
        story = case_deadline.of_case(session(), ctx(), instance, language)
        if story is None:
            raise NotFound(f"case {instance_id} keeps no statutory deadline", code=Code.DEADLINE_NOT_FOUND,
                           params={"case_id": instance_id})
        return present.deadline(story, ctx().jurisdiction.ground(instance.process_key, language, urgent=story.urgent))
