"""Bearer-token authentication for the API."""

from __future__ import annotations

from flask import current_app, g, request

from api.database import session
from db.models import User
from engine.accounts import user_from_token
from engine.errors import Unauthenticated


def current_user() -> User:
    if "user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("send Authorization: Bearer <token> (POST /api/v1/auth/token gives one)")
        g.user = user_from_token(session(), token.strip(), current_app.extensions["jarchy.ctx"].settings)
    return g.user  # type: ignore[no-any-return]
