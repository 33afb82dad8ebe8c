"""The migrations are one line of history and produce exactly the models' schema."""

from __future__ import annotations

import hashlib
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from db.base import Base
from db.migrate import alembic_config, upgrade
from db.models.archive import modelled
from db.session import make_engine


def test_there_is_a_single_head(database_url: str) -> None:
    engine = make_engine(database_url)
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert len(script.get_heads()) == 1


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        # The full-text index's own objects (FTS5 tables, the tsvector column and its index) are the migration's.
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": modelled})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrading_a_04_database_takes_as_shipped_only_the_versions_that_are_shipped_files(tmp_path: Any) -> None:
    """0.4 recorded no origin: a version is shipped (`jarchy init` may deploy above it) only if no user deployed it
    and it is byte for byte a shipped diagram; an operator's `jarchy deploy` of an edit stays the administrator's."""
    from tests.conftest import shipped_diagram

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0003")
    shipped = shipped_diagram("information_request.bpmn")
    edited = shipped.replace(b'name="Media information request"', b'name="Media information request (edit)"')
    with engine.begin() as conn:
        for version, data in ((1, shipped), (2, edited)):
            conn.execute(text(
                "INSERT INTO process_definitions (key, name, version, checksum, bpmn_xml, meta, deployed_at) "
                "VALUES ('information_request', 'x', :v, :c, :x, '{}', '2026-11-30 10:00:00')"),
                {"v": version, "c": hashlib.sha256(data).hexdigest(), "x": data.decode()})
    upgrade(engine)
    with engine.connect() as conn:
        origins = dict(conn.execute(text("SELECT version, origin FROM process_definitions ORDER BY version")).all())
    engine.dispose()
    assert origins == {1: "shipped", 2: "deployed"}


def test_upgrading_gives_each_deployed_version_a_nonce_of_its_own(tmp_path: Any) -> None:
    """Migration 0028: what a process keeps of a version is checked by the version's nonce (engine.procedures.
    case_definition), so a version deployed before it gets one, and no two the same."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0027")
    with engine.begin() as conn:
        for version in (1, 2):
            conn.execute(text(
                "INSERT INTO process_definitions (key, name, version, checksum, bpmn_xml, meta, deployed_at) "
                "VALUES ('information_request', 'x', :v, 'c', '<x/>', '{}', '2026-11-30 10:00:00')"), {"v": version})
    upgrade(engine)
    with engine.connect() as conn:
        nonces = [n for (n,) in conn.execute(text("SELECT nonce FROM process_definitions"))]
    engine.dispose()
    assert len(set(nonces)) == 2 and all(len(n) == 32 and int(n, 16) >= 0 for n in nonces)
