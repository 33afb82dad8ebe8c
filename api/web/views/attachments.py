"""Staff: a case's files on its pages. The task page's file picker uploads here with XMLHttpRequest (JSON back, the
shape of the API's); the case page's form posts here without JavaScript (back to the case page). Downloads and
thumbnails are served with the API's headers (api.uploads), to the case's readers only (404 to anyone else)."""

from __future__ import annotations

from flask import Response, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from api import present
from api.database import received_file
from api.database import session as db_session
from api.uploads import file_response, takes_files
from api.web import refusals
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint
from db.models import User
from engine.core.errors import Code, Invalid, TooLarge, problem
from engine.people.access import may_use_staff_pages
from engine.reads import attachments as reads
from engine.runtime import attachments

blp = page_blueprint("web_attachments")


def _user() -> User:
    user = web_user()
    assert user is not None  # `page` let only the signed-in through
    return user


@blp.post("/cases/<id:instance_id>/attachments")
@page(may_use_staff_pages)
@takes_files
def upload(instance_id: int) -> Response | tuple[Response, int]:
    wants_json = request.accept_mimetypes.best == "application/json"
    back = url_for("web_staff.case", instance_id=instance_id) + "#attachments"
    attachments.attachable(db_session(), _user(), instance_id)
    sent = received_file()
    try:
        if sent is None:
            raise Invalid("no file", [problem("file", Code.REQUIRED, "is required")], code=Code.REQUIRED)
        row = attachments.attach(db_session(), ctx(), _user(), instance_id, sent.filename or "", sent.stream)
    except (Invalid, TooLarge) as error:
        sentence = refusals.attachment(error)
        if wants_json:
            return jsonify(status=error.status, detail=sentence, code=error.code, params=error.params,
                           errors=[{"field": "file", "message": sentence, "code": error.code,
                                    "params": error.params}]), error.status
        flash(sentence, "error")
        return redirect(back)
    if wants_json:
        return jsonify(present.attachments(db_session(), [row], users=present.acting(_user()))[0]), 201
    flash(_("“%(name)s” is attached to the case.", name=row.filename), "success")
    return redirect(back)


@blp.get("/attachments/<attachment_id>")
@page(may_use_staff_pages)
def download(attachment_id: str) -> Response:
    row = reads.readable(db_session(), _user(), attachment_id)
    return file_response(row, reads.content_of(ctx(), row))


@blp.get("/attachments/<attachment_id>/thumbnail")
@page(may_use_staff_pages)
def thumbnail(attachment_id: str) -> Response:
    row = reads.readable(db_session(), _user(), attachment_id)
    return file_response(row, reads.thumbnail_of(ctx(), row), thumbnail=True)
