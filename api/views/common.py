"""What every view needs: the engine context and the caller."""

from __future__ import annotations

from flask import current_app

from engine.context import EngineContext


def ctx() -> EngineContext:
    return current_app.extensions["jarchy.ctx"]  # type: ignore[no-any-return]
