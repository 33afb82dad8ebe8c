"""Staff's discussion of a case (`/process-instances/{id}/comments`, `/comments/{id}`): comments on the case or one
of its tasks, readable by exactly the case's readers, written by its staff readers, editable by their author for a
minute, deleted by no one (there is no DELETE). Not the public's comments on a draft act (api.views.draft_acts)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import CaseCommentEdit, CaseCommentIn, CaseCommentOut, CaseCommentQuery, CaseCommentsOut
from api.views.common import ctx
from engine.reads import case_comments as reads
from engine.runtime import case_comments

blp = Blueprint("case_comments", __name__, url_prefix="/api/v1",
                description="Staff's discussion of a case and its tasks, with mentions and the case's files")


@blp.route("/process-instances/<id:instance_id>/comments")
class CaseComments(MethodView):
    @blp.doc(operationId="listCaseComments")
    @blp.arguments(CaseCommentQuery, location="query")
    @blp.response(200, CaseCommentsOut)
    @blp.alt_response(403, description="The caller may not read the case")
    @blp.alt_response(404, description="No such case")
    def get(self, args: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """The case's comments, oldest first; `task_id` for those on one of its tasks."""
        rows = reads.of_case(session(), current_user(), instance_id, task_id=args.get("task_id"))
        return {"items": present.case_comments(session(), rows)}

    @blp.doc(operationId="postCaseComment")
    @blp.arguments(CaseCommentIn)
    @blp.response(201, CaseCommentOut)
    @blp.alt_response(403, description="The caller may not read the case, or reads it without commenting (an "
                                       "auditor, an administrator)")
    @blp.alt_response(404, description="No such case")
    @blp.alt_response(422, description="Empty or too long text, a mention of someone who may not read the case, a "
                                       "file or a task not of this case (each named); nothing is kept")
    def post(self, body: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """Comment on the case, or on one of its tasks; everyone it mentions (`@username`) is notified."""
        actor = current_user()
        row = case_comments.post(session(), ctx(), actor, instance_id, body["text"], task_id=body.get("task_id"),
                                 attachment_ids=body.get("attachments"))
        return present.case_comments(session(), [row], users=present.acting(actor))[0]


@blp.route("/comments/<id:comment_id>")
class CaseComment(MethodView):
    @blp.doc(operationId="editCaseComment")
    @blp.arguments(CaseCommentEdit)
    @blp.response(200, CaseCommentOut)
    @blp.alt_response(403, description="Not the comment's author")
    @blp.alt_response(404, description="No such comment, or one of a case the caller may not read")
    @blp.alt_response(409, description="More than a minute has passed since it was posted: it stands as it is")
    @blp.alt_response(422, description="Empty or too long text, or a mention of someone who may not read the case")
    def patch(self, body: dict[str, Any], comment_id: int) -> dict[str, Any]:
        """Its author corrects a comment within a minute of posting it; the audit trail keeps the text before."""
        actor = current_user()
        row = case_comments.edit(session(), ctx(), actor, comment_id, body["text"])
        return present.case_comments(session(), [row], users=present.acting(actor))[0]
