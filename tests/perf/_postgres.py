"""What the benchmarks that use PostgreSQL share: the server's address (`JARCHY_TEST_POSTGRES`, as for the tests)
and administrative statements (a schema made or dropped) run on an autocommit connection. Imported as a sibling
module: the benchmarks run as scripts from the repo root (`.venv/bin/python tests/perf/bench_x.py`)."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

PG_URL = os.environ.get("JARCHY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_admin(*statements: str) -> str:
    """Run the statements on the admin connection (autocommit); the server's version."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
            return str(conn.execute(text("SHOW server_version")).scalar())
    finally:
        admin.dispose()
