"""Bearer-token authentication for the API."""

from __future__ import annotations

from flask import current_app, g, request

from api.database import session
from db.models import User
from engine.core.errors import Code, Unauthenticated
from engine.people.credentials import Bearer, bearer


def current_bearer() -> Bearer:
    """The caller's user and the id of the token they sent (checked once a request)."""
    if "bearer" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("send Authorization: Bearer <token> (POST /api/v1/auth/token gives one)",
                                  code=Code.TOKEN_MISSING)
        g.bearer = bearer(session(), token.strip(), current_app.extensions["jarchy.ctx"].settings)
    return g.bearer  # type: ignore[no-any-return]


def current_user() -> User:
    return current_bearer().user
