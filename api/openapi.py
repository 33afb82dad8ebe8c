"""flask-smorest's Api: the OpenAPI 3 document at /api/v1/openapi.json and the blueprints."""

from __future__ import annotations

from flask import Flask, request
from flask_smorest import Api

from api.errors import http_problem, problem

MAX_BODY = 2 * 1024 * 1024
MAX_BPMN_BODY = 5 * 1024 * 1024


class JarchyApi(Api):
    def handle_http_exception(self, error):  # type: ignore[no-untyped-def, override]
        return http_problem(error)


def init_app(app: Flask) -> None:
    from api.views import ALL_BLUEPRINTS

    app.config.update(
        API_TITLE="Jarchy",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "Regulated procedures of a government press office, run as BPMN diagrams."},
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    )
    api = JarchyApi(app)
    for blueprint in ALL_BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.before_request(_limit_body)
    app.extensions["jarchy.api"] = api


def _limit_body() -> object:
    """2 MiB for JSON; BPMN uploads may use up to MAX_CONTENT_LENGTH (5 MiB)."""
    length = request.content_length
    if length is not None and length > MAX_BODY and not request.path.startswith("/api/v1/process-definitions"):
        return problem(413, "Request Entity Too Large", "The request body is too large.")
    return None
