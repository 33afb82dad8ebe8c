from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.blueprint import Blueprint
from api.database import session
from api.schemas import HealthOut
from api.views.common import ctx

blp = Blueprint("health", __name__, url_prefix="/healthz", description="Liveness")


@blp.route("")
class Health(MethodView):
    @blp.doc(operationId="getHealth")
    @blp.public()
    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut, description="The database or the broker cannot be reached")
    def get(self) -> Any:
        """The state of the database and of the broker."""
        try:
            session().execute(text("SELECT 1"))
            database = "ok"
        except SQLAlchemyError as exc:
            database = f"error: {type(exc).__name__}"
        broker = _broker(ctx().settings.redis_url)
        status = 200 if database == "ok" and broker in ("ok", "not configured") else 503
        return {"database": database, "broker": broker, "app": current_app.name}, status


def _broker(url: str | None) -> str:
    if not url:
        return "not configured"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return "ok"
    except redis.RedisError as exc:
        return f"error: {type(exc).__name__}"
