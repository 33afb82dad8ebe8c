"""Files attached to a case: upload (multipart), list, download, thumbnail. Readers of the case only: to anyone
else a case's files and a file's id do not exist (404)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import received_file, session
from api.schemas import AttachmentOut, AttachmentsOut
from api.uploads import file_response, takes_files
from api.views.common import ctx
from engine.core.errors import Code, Invalid
from engine.files import kinds
from engine.reads import attachments as reads
from engine.runtime import attachments

BINARY = {"schema": {"type": "string", "format": "binary"}}
blp = Blueprint("attachments", __name__, url_prefix="/api/v1", description="Files attached to cases")


@blp.route("/process-instances/<id:instance_id>/attachments")
class CaseAttachments(MethodView):
    @blp.doc(operationId="listAttachments")
    @blp.response(200, AttachmentsOut)
    def get(self, instance_id: int) -> dict[str, Any]:
        """The files attached to the case, oldest first."""
        return {"items": present.attachments(session(), reads.of_case(session(), current_user(), instance_id))}

    @takes_files
    @blp.doc(operationId="attachFile", requestBody={"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": ["file"], "properties": {"file": BINARY["schema"]}}}}})
    @blp.response(201, AttachmentOut)
    @blp.alt_response(413, description="Larger than its kind's limit (the problem names it); nothing is kept")
    @blp.alt_response(422, description="Not a type Jarchy takes (photo, video, audio, PDF, office document)")
    def post(self, instance_id: int) -> dict[str, Any]:
        """Attach a file to the case (staff who read it). The type is decided from the content, not the name."""
        actor = current_user()
        attachments.attachable(session(), actor, instance_id)  # who may, before the body is read
        upload = received_file()
        if upload is None:
            raise Invalid("send the file as the multipart/form-data field `file`",
                          [{"field": "file", "message": "is required (a multipart/form-data field)"}],
                          code=Code.REQUIRED)
        row = attachments.attach(session(), ctx(), actor, instance_id, upload.filename or "", upload.stream)
        return present.attachments(session(), [row], users=present.acting(actor))[0]


@blp.route("/attachments/<attachment_id>")
class AttachmentContent(MethodView):
    @blp.doc(operationId="downloadAttachment", responses={"200": {
        "description": "The file, as a download (Content-Disposition: attachment), of one of the types taken",
        "content": {content_type: BINARY for content_type in kinds.ALLOWED}}})
    def get(self, attachment_id: str) -> Response:
        """The file's bytes, as a download."""
        row = reads.readable(session(), current_user(), attachment_id)
        return file_response(row, reads.content_of(ctx(), row))


@blp.route("/attachments/<attachment_id>/thumbnail")
class AttachmentThumbnail(MethodView):
    @blp.doc(operationId="getAttachmentThumbnail", responses={"200": {
        "description": "A JPEG of at most 480 pixels a side", "content": {"image/jpeg": {
            "schema": BINARY["schema"]}}}})
    def get(self, attachment_id: str) -> Response:
        """The thumbnail of a photo (404 for a file that has none)."""
        row = reads.readable(session(), current_user(), attachment_id)
        return file_response(row, reads.thumbnail_of(ctx(), row), thumbnail=True)
