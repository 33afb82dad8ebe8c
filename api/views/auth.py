from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import Me, TokenRequest, TokenResponse
from api.views.common import ctx
from engine.accounts import authenticate, issue_token

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Sign-in and the caller")


@blp.route("/auth/token")
class Token(MethodView):
    @blp.doc(operationId="createToken")
    @blp.arguments(TokenRequest)
    @blp.response(200, TokenResponse)
    @blp.public()
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Exchange a username and password for a bearer token."""
        user = authenticate(session(), body["username"], body["password"])
        settings = ctx().settings
        return {"access_token": issue_token(user, settings), "token_type": "Bearer",
                "expires_in": settings.token_lifetime_seconds}


@blp.route("/me")
class MeView(MethodView):
    @blp.doc(operationId="getMe")
    @blp.response(200, Me)
    def get(self) -> dict[str, Any]:
        """Who the token belongs to."""
        return present.user(current_user())
