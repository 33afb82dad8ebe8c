from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from api import present
from api.auth import current_bearer, current_user
from api.blueprint import Blueprint
from api.database import Apart, session
from api.schemas import Me, TokenRequest, TokenResponse
from api.views.common import ctx
from engine.people import credentials, sign_in

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Sign-in and the caller")


@blp.route("/auth/token")
class Token(MethodView):
    @blp.doc(operationId="createToken")
    @blp.arguments(TokenRequest)
    @blp.response(200, TokenResponse)
    @blp.alt_response(401, description="Wrong username or password, or the account is deactivated")
    @blp.alt_response(429, description="Too many failed sign-ins for this account or from this address",
                      headers={"Retry-After": {"description": "seconds until an attempt is taken again",
                                               "schema": {"type": "integer"}}})
    @blp.public()
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Exchange a username and password for a bearer token."""
        user = sign_in.authenticate(session(), body["username"], body["password"], address=request.remote_addr,
                                    at=ctx().now(), apart=Apart())
        settings = ctx().settings
        return {"access_token": credentials.issue_token(user, settings), "token_type": "Bearer",
                "expires_in": settings.token_lifetime_seconds}


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.doc(operationId="logout")
    @blp.response(204)
    def post(self) -> None:
        """Revoke the bearer token of this request: it is refused from now on."""
        holder = current_bearer()
        credentials.revoke(session(), holder.token_id, kind="token", user=holder.user,
                           lifetime_seconds=ctx().settings.token_lifetime_seconds, at=ctx().now())


@blp.route("/me")
class MeView(MethodView):
    @blp.doc(operationId="getMe")
    @blp.response(200, Me)
    def get(self) -> dict[str, Any]:
        """Who the token belongs to."""
        return present.user(current_user())
