"""What the `jarchy` command's subcommands share (api/cli.py, api/migration_commands.py): settings, the database
and the engine context, made on first use."""

from __future__ import annotations

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api import app_settings
from db.session import make_engine, make_sessionmaker
from engine.context import EngineContext


class Env:
    """What commands share: settings, the database and the engine context, made on first use."""
    def __init__(self) -> None:
        self.settings = app_settings()
        self._engine: Engine | None = None
        self._ctx: EngineContext | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)

    @property
    def ctx(self) -> EngineContext:
        if self._ctx is None:
            self._ctx = EngineContext(self.settings)
        return self._ctx


pass_env = click.make_pass_decorator(Env, ensure=True)
