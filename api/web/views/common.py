"""What every page blueprint shares: error pages and the engine context."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from api.web import refusals, security
from engine.context import EngineContext
from engine.core.errors import JarchyError

MACHINE_PATHS = ("/api/", "/public/", "/healthz", "/static/")


def page_blueprint(name: str, url_prefix: str | None = None) -> Blueprint:
    """A blueprint whose errors are pages (the API's are problem details)."""
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix)
    blueprint.before_request(security.protect)
    blueprint.register_error_handler(JarchyError, _domain_error)
    blueprint.register_error_handler(HTTPException, http_error_page)
    return blueprint


def ctx() -> EngineContext:
    return current_app.extensions["jarchy.ctx"]  # type: ignore[no-any-return]


def _domain_error(error: JarchyError) -> tuple[str, int]:
    return render_template("error.html", status=error.status, sentence=refusals.of(error)), error.status


def wants_page() -> bool:
    """A person's browser asking outside the API (an unknown page, say) gets a page, not problem details."""
    return (not request.path.startswith(MACHINE_PATHS)) and request.accept_mimetypes.accept_html

def http_error_page(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    return render_template("error.html", status=status, sentence=refusals.sentence(status)), status


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status
