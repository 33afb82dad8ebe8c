"""Every error as RFC 9457 problem details: one shape for domain errors, HTTP errors and bad input."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from engine.core.errors import Code, JarchyError, TooManyAttempts, Unauthenticated

PROBLEM = "application/problem+json"
TYPES = "https://jarchy.example/problems/"


def problem(status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, *, code: str | None = None,
            params: dict[str, Any] | None = None) -> Response:
    """`code` and `params` say which refusal it is, for a program or a page to word in its reader's language;
    `detail` says it in English, for logs and people reading the raw response."""
    body: dict[str, Any] = {"type": f"{TYPES}{status}", "title": title, "status": status, "detail": detail,
                            "code": str(code or _status_code(status)), "params": params or {}}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(JarchyError, _domain)


def _domain(error: JarchyError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="jarchy"'} if isinstance(error, Unauthenticated) else None
    if isinstance(error, TooManyAttempts):
        headers = {"Retry-After": str(error.retry_after)}
    return problem(error.status, error.title, error.detail, error.errors, headers,
                   code=error.code or _status_code(error.status), params=error.params)


def _status_code(status: int) -> Code:
    """The code of a refusal that names none of its own (one made before the engine was asked)."""
    return {413: Code.TOO_LARGE, 422: Code.INVALID_INPUT}.get(status) or (
        Code.INTERNAL_ERROR if status >= 500 else Code.HTTP_ERROR)


def http_problem(error: HTTPException) -> Response:
    """flask-smorest's handler, replaced: webargs' validation messages become `errors` with fields."""
    data = getattr(error, "data", None) or {}
    code = error.code or 500
    errors = _flatten(data.get("messages") or data.get("errors") or {})
    detail = data.get("message") or error.description or error.name
    if code == 422 and errors:
        detail = "The request has invalid fields: " + ", ".join(e["field"] for e in errors)
    elif code == 400 and errors:
        detail = errors[0]["message"]
    if code == 413:
        detail = "The request body is too large."
    if code >= 500:
        detail = "An internal error occurred; it has been logged."
    headers = dict(data.get("headers") or {})
    return problem(code, error.name, str(detail), errors, headers,
                   code=Code.INVALID_INPUT if errors else _status_code(code), params={"status": code})


def _flatten(messages: Any, prefix: str = "", top: bool = True) -> list[dict[str, Any]]:
    """{"json": {"contact": {"email": ["Not a valid email."]}}} -> [{"field": "contact.email", ...}]. Only the
    outermost keys are locations: a body's own field may be called `query` (a saved filter's)."""
    out: list[dict[str, Any]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":  # marshmallow's name for the body as a whole
                out += _flatten(value, prefix, False)
            elif top and key in ("json", "query", "form", "files", "headers", "view_args"):
                out += _flatten(value, "", False)
            else:
                out += _flatten(value, f"{prefix}.{key}" if prefix else str(key), False)
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        out += [_entry(prefix, message) for message in messages]
    elif isinstance(messages, list):
        for item in messages:
            out += _flatten(item, prefix, False)
    elif messages:
        out.append(_entry(prefix, messages))
    return out


def _entry(field: str, message: Any) -> dict[str, Any]:
    """One field's problem with the code and params its message carries (api.schema_codes); a message of no kind
    we know (webargs' own, a validator of a library) is `invalid_input`."""
    code, params = getattr(message, "code", Code.INVALID_INPUT), dict(getattr(message, "params", {}))
    if code == Code.UNKNOWN_FIELD:
        params["field"] = field.rpartition(".")[2]
    return {"field": field or "(body)", "message": str(message), "code": code, "params": params}
