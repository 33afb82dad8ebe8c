"""CSRF protection of every page's form and the headers every page is served with."""

from __future__ import annotations

from flask import Response, abort, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# The pages load scripts and styles only from /static; bpmn-js sets inline styles on its SVG.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def protect() -> None:
    """Before every page request that changes something: the session's token, as a form field or X-CSRFToken;
    and no NUL in what a form sends (the database can neither store nor compare it)."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
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
