from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import AssignIn, CompleteIn, CompleteOut, ReassignIn, ReassignOut, RouteIn, TaskOut, TaskQuery, page_of
from api.views.common import ctx
from api.web.i18n import requested_language
from db.models import HumanTask, User
from engine.people.access import check_may_read_task
from engine.reads import queries
from engine.runtime import operations

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="The task inbox")


def _task(row: HumanTask, actor: User) -> dict[str, Any]:
    """The task after `actor` worked on it: the actor's name is at hand, and is most often the assignee's."""
    return present.tasks(session(), ctx(), [row], users=present.acting(actor))[0]


@blp.route("")
class Tasks(MethodView):
    @blp.doc(operationId="listTasks")
    @blp.arguments(TaskQuery, location="query")
    @blp.response(200, page_of(TaskOut, "TaskPage", beyond=(
        f"status=completed lists one's latest {queries.COMPLETED_COUNTED_UP_TO:,} completed tasks (by case, newest "
        "first) that the filters keep, `q` and `sort` applied among them; true when one completed more (found "
        "through the cases list); always false for open tasks")))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's inbox: assigned to them, or unassigned with them among the candidates; earliest due first,
        or as `sort` says. `q` and the filters narrow it (docs/search.md)."""
        result = queries.inbox(session(), current_user(), now=ctx().now(), tz=ctx().cal.timezone, **args)
        return present.page(result, present.tasks(session(), ctx(), result.items)) | {"beyond": result.beyond}


@blp.route("/reassign")
class Reassign(MethodView):
    @blp.doc(operationId="reassignTasks")
    @blp.arguments(ReassignIn)
    @blp.response(200, ReassignOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Give several open tasks to one user at once, with a reason (pr_head, admin). All or none: a task the user
        cannot take refuses the whole (422), each such task named in `errors` by `task_ids.N` with its code and id."""
        actor = current_user()
        rows = operations.reassign(session(), ctx(), actor, body["task_ids"], body["assignee"], body["reason"])
        return {"tasks": present.tasks(session(), ctx(), rows)}


@blp.route("/<string:task_id>")
class Task(MethodView):
    @blp.doc(operationId="getTask")
    @blp.response(200, TaskOut)
    def get(self, task_id: str) -> dict[str, Any]:
        """One task with its form, the earlier rounds of its case beside it, and what the regulation says of its
        step in the language asked for (`Accept-Language`, else the caller's account's)."""
        row, user = operations.get_task(session(), task_id), current_user()
        check_may_read_task(user, row)
        return present.task_with_context(session(), ctx(), row, requested_language(user.locale))


@blp.route("/<string:task_id>/claim")
class Claim(MethodView):
    @blp.doc(operationId="claimTask")
    @blp.response(200, TaskOut)
    @blp.alt_response(409, description="Another user holds the task")
    def post(self, task_id: str) -> dict[str, Any]:
        """Take the task."""
        actor = current_user()
        return _task(operations.claim(session(), ctx(), actor, task_id), actor)


@blp.route("/<string:task_id>/unclaim")
class Unclaim(MethodView):
    @blp.doc(operationId="unclaimTask")
    @blp.response(200, TaskOut)
    def post(self, task_id: str) -> dict[str, Any]:
        """Give the task back to its lane."""
        actor = current_user()
        return _task(operations.unclaim(session(), ctx(), actor, task_id), actor)


@blp.route("/<string:task_id>/assign")
class Assign(MethodView):
    @blp.doc(operationId="assignTask")
    @blp.arguments(AssignIn)
    @blp.response(200, TaskOut)
    def post(self, body: dict[str, Any], task_id: str) -> dict[str, Any]:
        """Give the task to a user (pr_head, admin)."""
        actor = current_user()
        return _task(operations.assign(session(), ctx(), actor, task_id, body["username"]), actor)


@blp.route("/<string:task_id>/route")
class Route(MethodView):
    @blp.doc(operationId="routeTask")
    @blp.arguments(RouteIn)
    @blp.response(200, TaskOut)
    def post(self, body: dict[str, Any], task_id: str) -> dict[str, Any]:
        """Send the task to a role, and a unit where the role is unit-bound (pr_head, admin): how a task whose
        routing failed reaches its candidates."""
        actor = current_user()
        return _task(operations.reroute(session(), ctx(), actor, task_id, body["role"], body["unit"]), actor)


@blp.route("/<string:task_id>/complete")
class Complete(MethodView):
    @blp.doc(operationId="completeTask")
    @blp.arguments(CompleteIn)
    @blp.response(200, CompleteOut)
    @blp.alt_response(409, description="The task is already done")
    def post(self, body: dict[str, Any], task_id: str) -> dict[str, Any]:
        """Complete the task with its form's data; form errors list every failing field."""
        actor = current_user()
        row, instance = operations.complete_task(session(), ctx(), actor, task_id, body["data"])
        return present.completion(session(), ctx(), row, instance, users=present.acting(actor))
