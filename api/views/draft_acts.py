"""Draft acts under public discussion (docs/draft_acts.md): the public list and page of each draft (JSON for
`Accept: application/json`, else the page of api/web/views/drafts.py: one address, two forms), a comment from
anyone, a draft's files; and for staff, the comments of a case, their moderation, and extending a discussion."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import EXCLUDE, ValidationError

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import (
    TEXT,
    DiscussionExtensionIn,
    DraftCommentIn,
    DraftCommentOut,
    DraftCommentReceived,
    DraftCommentsOut,
    InstanceOut,
    ModerationIn,
    Page,
    PublicDraft,
    page_of,
)
from api.uploads import file_response, public_file
from api.views.attachments import BINARY
from api.views.common import ctx
from api.web.views import drafts as pages
from api.web.views.public_site import VARY, wants_json
from engine.files import kinds
from engine.reads import attachments as attachment_reads
from engine.reads import draft_acts as reads
from engine.runtime import draft_acts

blp = Blueprint("public_drafts", __name__, url_prefix="/public/drafts",
                description="Draft normative acts published for public discussion, and the public's comments")
staff = Blueprint("draft_acts", __name__, url_prefix="/api/v1",
                  description="Moderating the public's comments on draft acts; extending a discussion")
PAGE = "The drafts as JSON for a client that prefers application/json; otherwise the page (HTML)"


@blp.route("")
class Drafts(MethodView):
    @blp.doc(operationId="listPublicDrafts", parameters=[{"in": "query", "schema": Page}])
    @blp.public()
    @blp.response(200, page_of(PublicDraft, "PublicDraftPage"), description=PAGE)
    @blp.alt_response(200, schema=TEXT, content_type="text/html", description=PAGE)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def get(self) -> Any:
        """The draft acts published for discussion, a page at a time (`page`, `per_page`), newest first: each
        one's title, its discussion period (open or closed) and its adopted text once published."""
        if not wants_json():
            return pages.list_page()
        try:
            args = Page().load(request.args, unknown=EXCLUDE)
        except ValidationError as exc:
            abort(422, errors={"query": exc.messages}, headers=VARY)
        found = reads.drafts(session(), ctx().now(), args["page"], args["per_page"])
        return present.page(found, [present.public_draft(d, whole=False) for d in found.items]), VARY


@blp.route("/<int:publication_id>")
class Draft(MethodView):
    @blp.doc(operationId="getPublicDraft")
    @blp.public()
    @blp.response(200, PublicDraft, description=PAGE)
    @blp.alt_response(200, schema=TEXT, content_type="text/html", description=PAGE)
    def get(self, publication_id: int) -> Any:
        """A draft act: its text and files, its discussion period, the approved comments and, once published, the
        adopted text with the summary of the comments. Any other id: 404."""
        if not wants_json():
            return pages.draft_page(publication_id)
        found = reads.one(session(), publication_id, ctx().now())
        return present.public_draft(found, request.url_root.rstrip("/")), VARY


@blp.route("/<int:publication_id>/comments")
class Comments(MethodView):
    @blp.doc(operationId="commentOnDraft", responses={
        "409": {"description": "the discussion period has ended: comments are no longer accepted"},
        "429": {"description": "too many comments from this address; see Retry-After"}})
    @blp.public()
    @blp.arguments(DraftCommentIn)
    @blp.response(201, DraftCommentReceived)
    def post(self, body: dict[str, Any], publication_id: int) -> dict[str, Any]:
        """Comment on a draft while its discussion runs, without an account: a name and a contact are required (the
        contact is never published). The comment shows once the PR department approves it. A few an hour from one
        address (429); after the period's last moment: 409."""
        row = draft_acts.submit_comment(session(), ctx(), publication_id, body, address=request.remote_addr)
        return present.comment_received(row)


@blp.route("/<int:publication_id>/files/<attachment_id>")
class DraftFile(MethodView):
    @blp.doc(operationId="downloadDraftFile", responses={"200": {
        "description": "The file, as a download (Content-Disposition: attachment)",
        "content": {content_type: BINARY for content_type in kinds.ALLOWED}}})
    @blp.public()
    def get(self, publication_id: int, attachment_id: str) -> Response:
        """A file the draft or its adopted text carries, as a download; any other file: 404."""
        row = reads.draft_file(session(), publication_id, attachment_id)
        return public_file(file_response(row, attachment_reads.content_of(ctx(), row)))


@staff.route("/draft-acts/<id:instance_id>/comments")
class CaseComments(MethodView):
    @staff.doc(operationId="listDraftComments")
    @staff.response(200, DraftCommentsOut)
    def get(self, instance_id: int) -> dict[str, Any]:
        """Every comment on the draft of a `draft_act_publication` case, pending and rejected ones too, oldest first:
        to the PR department, its head, and whoever may read the case."""
        rows = reads.comments_of_case(session(), current_user(), instance_id)
        return {"items": [present.draft_comment(row) for row in rows]}


@staff.route("/draft-comments/<id:comment_id>/moderate")
class Moderate(MethodView):
    @staff.doc(operationId="moderateDraftComment")
    @staff.arguments(ModerationIn)
    @staff.response(200, DraftCommentOut)
    def post(self, body: dict[str, Any], comment_id: int) -> dict[str, Any]:
        """Approve a comment (it shows on the draft's page and is to be accounted for in the summary) or reject it
        with a reason (it never shows): pr_department, pr_head; once (409 after), audited."""
        row = draft_acts.moderate(session(), ctx(), current_user(), comment_id, body["decision"], body.get("reason"))
        return present.draft_comment(row)


@staff.route("/draft-acts/<id:instance_id>/period")
class Period(MethodView):
    @staff.doc(operationId="extendDiscussion")
    @staff.arguments(DiscussionExtensionIn)
    @staff.response(200, InstanceOut)
    def post(self, body: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """Extend a draft's discussion to the end of the working day `ends_on` (pr_department, pr_head), with a
        reason; recorded. An earlier day (shortening) or a day off: 422 naming `ends_on`; no discussion running:
        409."""
        actor = current_user()
        instance = draft_acts.extend_discussion(session(), ctx(), actor, instance_id, body["ends_on"], body["reason"])
        return present.instance(session(), ctx(), instance, users=present.acting(actor))
