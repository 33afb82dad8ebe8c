"""flask-smorest's Api: the OpenAPI 3 document at /api/v1/openapi.json and the blueprints."""

from __future__ import annotations

import http
from typing import Any

from flask import Flask, current_app, request
from flask_smorest import Api
from werkzeug.routing import BaseConverter

from api import uploads
from api.errors import PROBLEM, http_problem, problem
from api.schemas import Problem
from api.views import ALL_BLUEPRINTS
from api.web.views.common import http_error_page, wants_page

MAX_BODY = 2 * 1024 * 1024
MAX_BPMN_BODY = 5 * 1024 * 1024


class JarchyApi(Api):
    DEFAULT_RESPONSE_CONTENT_TYPE = "application/json"

    def handle_http_exception(self, error):  # type: ignore[no-untyped-def, override]
        return http_error_page(error) if wants_page() else http_problem(error)

    def _register_responses(self) -> None:
        """Errors are documented as what they are: problem details (RFC 9457)."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM: {"schema": Problem}}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            "DEFAULT_ERROR", {"description": "Error", "content": {PROBLEM: {"schema": Problem}}}, lazy=True)


class IdConverter(BaseConverter):
    """`<id:...>`: a row id. Every number matches the route, so that the caller is authenticated and authorised
    before anything is looked up; one no BIGINT column can hold is looked up as 0, which no row has (a 404,
    never a database error)."""

    regex = r"\d+"
    part_isolating = True
    largest = 2**63 - 1

    def to_python(self, value: str) -> int:
        if len(value) > len(str(self.largest)):
            return 0
        number = int(value)
        return number if number <= self.largest else 0

    def to_url(self, value: Any) -> str:
        return str(int(value))


class VersionConverter(IdConverter):
    """`<version:...>`: a definition version (an INTEGER column)."""
    largest = 2**31 - 1


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["version"] = VersionConverter

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
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "format": "int64", "minimum": 1})
    api.register_converter(VersionConverter, lambda _c: {"type": "integer", "format": "int32", "minimum": 1})
    for blueprint in ALL_BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.before_request(_limit_body)
    app.extensions["jarchy.api"] = api


def app_ctx() -> Any:
    return current_app.extensions["jarchy.ctx"]


def _limit_body() -> object:
    """2 MiB for JSON; BPMN uploads may use up to MAX_CONTENT_LENGTH (5 MiB), attachments their own limit
    (api.uploads). No NUL in a path or query:
    the database could not store or compare it."""
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        return problem(400, "Bad Request", "NUL characters are not allowed in a URL.")
    if uploads.allow_file_body(app_ctx()):
        return None
    length = request.content_length
    if length is not None and length > MAX_BODY and not request.path.startswith("/api/v1/process-definitions"):
        return problem(413, "Request Entity Too Large", "The request body is too large.")
    return None
