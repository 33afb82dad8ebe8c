"""Requests that carry a file, and the files Jarchy sends back.

An operation marked `takes_files` may have a body as large as the largest attachment a deployment takes
(`Settings.largest_upload`, plus room for the multipart form's own lines); every other one keeps the 2 MiB limit
(api.openapi). The body is never held in memory: werkzeug's form parser writes each file part of more than
500 KiB to a temporary file as it arrives (`werkzeug.formparser.default_stream_factory`, a SpooledTemporaryFile),
and the engine reads that file in chunks (`engine.runtime.attachments`). A body announced larger than the limit
is refused before any of it is read (413 naming the limit); one that runs past it without announcing its length
is cut by werkzeug (413).

Files go back as downloads, never as documents of this origin: `Content-Disposition: attachment`, their type
as decided from their content, `X-Content-Type-Options: nosniff` and a CSP that sandboxes whatever a browser
might still render (so a file can run no script with this origin's cookies)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar
from urllib.parse import quote

from flask import Response, current_app, request
from werkzeug.wsgi import wrap_file

from db.models import Attachment
from engine.context import EngineContext
from engine.core.errors import Code, TooLarge
from engine.files.store import CHUNK

TAKES_FILES = "jarchy_takes_files"
FORM_ROOM = 64 * 1024  # the multipart form's boundaries and headers around the file
SANDBOX = "default-src 'none'; sandbox"
F = TypeVar("F", bound=Callable[..., Any])


def takes_files(func: F) -> F:
    """An operation whose body carries a file (a multipart form)."""
    setattr(func, TAKES_FILES, True)
    return func


def view_takes_files() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    return bool(getattr(view, TAKES_FILES, False))


def allow_file_body(ctx: EngineContext) -> bool:
    """For an operation that takes files: raise the body's limit for this request (413 now when the body is
    announced larger) and say so; False for every other request."""
    if request.method != "POST" or not view_takes_files():
        return False
    largest = ctx.settings.largest_upload
    if request.content_length is not None and request.content_length > largest + FORM_ROOM:
        mib = largest // (1024 * 1024)
        raise TooLarge(f"the body is larger than {mib} MiB, the most any file may be",
                       [{"field": "file", "message": f"is larger than {mib} MiB, the most any file may be",
                         "limit": largest}], code=Code.FILE_TOO_LARGE, params={"limit": largest})
    request.max_content_length = largest + FORM_ROOM
    return True


def _names(name: str) -> dict[str, str]:
    """The download's name: as it is when ASCII, else an ASCII fallback and the UTF-8 name (RFC 6266, as werkzeug's
    send_file gives them; a header is Latin-1, so a Cyrillic name cannot stand in it as such)."""
    try:
        name.encode("ascii")
        return {"filename": name}
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").strip() or "file"
        return {"filename": simple, "filename*": f"UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"}


def file_response(attachment: Attachment, stream: BinaryIO, *, thumbnail: bool = False) -> Response:
    """The bytes as a download (a thumbnail, which Jarchy made itself, as an image to show), streamed in chunks."""
    response = Response(wrap_file(request.environ, stream, CHUNK), direct_passthrough=True,
                        mimetype="image/jpeg" if thumbnail else attachment.content_type)
    if not thumbnail:
        response.content_length = attachment.size
        response.headers.set("Content-Disposition", "attachment", **_names(attachment.filename))
    else:
        response.headers.set("Content-Disposition", "inline", filename=f"{attachment.id}.jpg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(attachment.sha256 + ("-thumbnail" if thumbnail else ""))
    return response


def public_file(response: Response) -> Response:
    """A published file (a release's media, a draft's files) may be kept by shared caches: it never changes, its
    bytes being named by their SHA-256."""
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
