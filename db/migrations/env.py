"""Alembic environment: the engine comes from the caller (db.migrate) or JARCHY_DATABASE_URL."""

from alembic import context

import db.models  # noqa: F401  (registers the tables)
from db.base import Base
from db.models.archive import modelled
from db.session import make_engine

config = context.config
engine = config.attributes.get("engine") or make_engine()

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=modelled,  # the full-text index (FTS5 tables, the tsvector) is the migrations' own
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
