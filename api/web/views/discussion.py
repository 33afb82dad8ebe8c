"""Staff: a case's discussion on its pages. Posting on the case page or a task's page, and its author's edit within
a minute, call the engine functions the API calls (engine.runtime.case_comments) under the same rules; a refused
form is shown again at 422 with the errors at its fields, so nothing of it is kept."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from api.database import session as db_session
from api.web import discussion, refusals
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint
from api.web.views.staff import case_page, readable_case, readable_task, task_page
from db.models import ProcessInstance, User
from engine.core.errors import Conflict, Invalid
from engine.people.access import may_use_staff_pages
from engine.runtime import case_comments

blp = page_blueprint("web_discussion")


def _user() -> User:
    user = web_user()
    assert user is not None  # `page` let only the signed-in through
    return user


def _entered(comment_id: int | None = None) -> discussion.Form:
    return discussion.Form(comment_id=comment_id, text=request.form.get("text", ""),
                           attachments=request.form.getlist("attachments"))


@blp.post("/cases/<id:instance_id>/comments")
@page(may_use_staff_pages)
def post_on_case(instance_id: int) -> Response | tuple[str, int]:
    instance = readable_case(instance_id)
    return _post(instance.id, None, lambda form: case_page(instance, talk=form, status=422),
                 url_for("web_staff.case", instance_id=instance.id))


@blp.post("/tasks/<task_id>/comments")
@page(may_use_staff_pages)
def post_on_task(task_id: str) -> Response | tuple[str, int]:
    task = readable_task(task_id)
    return _post(task.instance_id, task.id, lambda form: task_page(task, talk=form, status=422),
                 url_for("web_staff.task", task_id=task.id))


def _post(instance_id: int, task_id: str | None, again: Callable[[discussion.Form], tuple[str, int]],
          back: str) -> Response | tuple[str, int]:
    """Post what the form holds; a refused comment is the page `again`, with the errors at its fields."""
    form = _entered()
    try:
        row = case_comments.post(db_session(), ctx(), _user(), instance_id, form.text, task_id=task_id,
                                 attachment_ids=form.attachments)
    except Invalid as error:
        return again(discussion.refused(form, error))
    flash(_("Your comment is posted."), "success")
    return redirect(back + f"#comment-{row.id}")


@blp.post("/comments/<id:comment_id>")
@page(may_use_staff_pages)
def edit(comment_id: int) -> Response | tuple[str, int]:
    """Its author's correction, from the case page or the task's page (`back`: "task" for the task's page)."""
    row = case_comments.readable(db_session(), _user(), comment_id)
    on_task = request.form.get("back") == "task" and row.task_id is not None
    form = _entered(comment_id)
    try:
        case_comments.edit(db_session(), ctx(), _user(), comment_id, form.text)
    except (Invalid, Conflict) as error:
        refused = discussion.refused(form, error) if isinstance(error, Invalid) else discussion.Form(
            comment_id=comment_id, text=form.text, errors={"text": [refusals.of(error)]})
        if on_task and row.task_id:
            return task_page(readable_task(row.task_id), talk=refused, status=error.status)
        instance = db_session().get(ProcessInstance, row.instance_id)
        assert instance is not None
        return case_page(instance, talk=refused, status=error.status)
    flash(_("Your comment is corrected."), "success")
    back = url_for("web_staff.task", task_id=row.task_id) if on_task else \
        url_for("web_staff.case", instance_id=row.instance_id)
    return redirect(back + f"#comment-{comment_id}")
