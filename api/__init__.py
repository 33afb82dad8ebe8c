"""The Flask app: the web pages, the REST API under /api/v1, problem-details errors, the OpenAPI document, the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from api import database, errors, openapi, web
from api.openapi import MAX_BPMN_BODY
from engine.context import EngineContext
from engine.core.settings import Settings, settings_from_env
from engine.spiff.clock import Clock

# The pages' compiled catalogs, from which the engine also words notifications and e-mail (engine.core.words).
CATALOGS = Path(__file__).resolve().parent / "translations"


def app_settings(settings: Settings | None = None) -> Settings:
    """The settings the app and its commands run with (the environment's unless given), the catalogs included."""
    settings = settings or settings_from_env()
    return settings if settings.catalogs is not None else settings.with_(catalogs=CATALOGS)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """`test_config` may carry `SETTINGS` (engine.core.settings.Settings), `CLOCK` and `DATABASE_URL`."""
    app = Flask(__name__)
    config = dict(test_config or {})
    settings = app_settings(config.pop("SETTINGS", None))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_BPMN_BODY,
        JSON_SORT_KEYS=False,
        DATABASE_URL=settings.database_url,
    )
    app.config.update(config)
    clock: Clock | None = app.config.get("CLOCK")
    ctx = EngineContext(settings, clock) if clock else EngineContext(settings)
    app.extensions["jarchy.ctx"] = ctx

    database.init_app(app)
    errors.init_app(app)
    openapi.init_app(app)
    web.init_app(app)
    return app

