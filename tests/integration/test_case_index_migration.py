"""Migration 0021 indexes the cases registered before it: their words are found by the lists' search at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import ProcessInstance
from db.session import make_engine
from engine.reads.finding import matching_cases
from tests.conftest import PG_ADMIN_URL, _postgres_url


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migration_indexes_the_cases_registered_before_it(kind: str, tmp_path: Any) -> None:
    schema = f"jarchy_case_index_{kind}"
    url = f"sqlite:///{tmp_path / 'old.db'}" if kind == "sqlite" else _postgres_url(schema)
    engine = make_engine(url)
    upgrade(engine, "0020")
    at = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO process_definitions (key, name, version, checksum, bpmn_xml, meta, deployed_at, origin) "
            "VALUES ('information_request', 'x', 1, 'c', '<x/>', '{}', :at, 'shipped')"), {"at": at})
        for key, data in (("IR-2026-000001", '{"subject": "Көпүрө", "outlet": "Азаттык"}'),
                          ("IR-2026-000002", '{"subject": "Ремонт", "contact": {"name": "Ігор Мʼякота"}}')):
            conn.execute(text(
                "INSERT INTO process_instances (definition_id, process_key, version, business_key, status, data, "
                "started_at, state, serializer_version, revision, called_versions) VALUES ((SELECT id FROM "
                "process_definitions), 'information_request', 1, :key, 'running', :data, :at, '{}', '1', 1, '{}')"),
                {"key": key, "data": data, "at": at})
    upgrade(engine)
    with Session(engine) as session:
        def keys(words: str) -> list[str]:
            found = matching_cases(session, words)
            assert found is not None
            return list(session.scalars(select(ProcessInstance.business_key)
                                        .where(ProcessInstance.id.in_(found)).order_by(ProcessInstance.id)))

        assert keys("азаттык") == ["IR-2026-000001"]
        assert keys("м'якота") == ["IR-2026-000002"]  # a nested text, another apostrophe
        assert keys("IR-2026") == ["IR-2026-000001", "IR-2026-000002"]
    engine.dispose()
    if kind == "postgresql":
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
