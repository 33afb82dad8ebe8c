"""CSRF protection of every page's form and the headers every page is served with."""

from __future__ import annotations

from flask import Response, abort, request
from flask_wtf.csrf import CSRFError, CSRFProtect, validate_csrf
from wtforms import ValidationError

from api.uploads import view_takes_files

csrf = CSRFProtect()

# The pages load scripts and styles only from /static; bpmn-js sets inline styles on its SVG.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def protect() -> None:
    """Before every page request that changes something: the session's token, as a form field or X-CSRFToken;
    and no NUL in what a form sends (the database can neither store nor compare it)."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and view_takes_files():
        # A file's body may weigh gigabytes: it is read only once its sender is known and may attach (the view's
        # sign-in and permission come first), so the token comes in the X-CSRFToken header or the form's address.
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.args.get("csrf_token"))
        except ValidationError as exc:
            raise CSRFError(exc.args[0]) from None
    elif request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
        if any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)):
            abort(400, "NUL characters are not allowed in a form.")


def headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response
