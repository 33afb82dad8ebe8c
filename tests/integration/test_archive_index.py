"""The archive's search uses the database's full-text index (EXPLAIN says so), the index follows its rows, and
migration 0010 indexes what was published before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import ArchiveEntry
from db.session import make_engine
from engine.reads import archive
from engine.runtime.archive import Version, index
from tests.conftest import BISHKEK, PG_ADMIN_URL, _postgres_url

AT = datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)


def indexed(sessions: Any, n: int) -> None:
    """`n` items of two language versions; every tenth speaks of a bridge."""
    with sessions.begin() as session:
        for i in range(n):
            subject = "көпүрө мост" if i % 10 == 0 else "жол дорога"
            index(session, source="releases", source_id=i + 1, kind="press_release", unit="transport",
                  business_key=f"PR-2026-{i:05d}", published_at=AT + timedelta(minutes=i),
                  versions=[Version("ky", f"Кабар {i}", f"{subject.split()[0]} {i}"),
                            Version("ru", f"Новость {i}", f"{subject.split()[1]} {i}")])


def plan(session: Any, statement: Any) -> str:
    sql = str(statement.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    if session.get_bind().dialect.name == "postgresql":
        # Statistics as autovacuum would keep them (here every row is a release of one unit). Few rows make reading
        # the whole table (a sequential scan, or walking the btree that gives the order) the cheaper plan, so both
        # are off and the planner shows the index it uses to find the words; at 100,000 items it takes that index
        # by itself (tests/perf/bench_archive.py).
        session.execute(text("ANALYZE archive_entries"))
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.execute(text("SET LOCAL enable_indexscan = off"))
        return "\n".join(session.execute(text("EXPLAIN " + sql)).scalars())
    return "\n".join(row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))


def test_the_search_uses_the_full_text_index(sessions: Any, ctx: Any) -> None:
    indexed(sessions, 200)
    asked = archive.Search(words="Мост", unit="transport")  # (the unit has no index of its own)
    with sessions() as session:
        shown = plan(session, archive.statements(session, asked, BISHKEK)[0])
        result = archive.search(session, asked, BISHKEK)
    if session.get_bind().dialect.name == "postgresql":
        assert "Bitmap Index Scan on ix_archive_entries_search" in shown, shown
    else:
        assert "SCAN archive_fts VIRTUAL TABLE INDEX" in shown, shown
    assert result.total == 20 and {h.entry.lang for h in result.items} == {"ru"}


def test_the_index_follows_its_rows(sessions: Any, app: Any) -> None:
    indexed(sessions, 10)
    with sessions.begin() as session:
        first = session.scalars(select(ArchiveEntry).where(ArchiveEntry.lang == "ru").order_by(ArchiveEntry.id)).first()
        assert first is not None and "мост" in first.body_words
        first.body, first.body_words = "трамвай", "трамвай"
    with sessions() as session:
        assert archive.search(session, archive.Search(words="мост"), BISHKEK).total == 0
        assert archive.search(session, archive.Search(words="Трамвай"), BISHKEK).total == 1
    with sessions.begin() as session:
        session.execute(ArchiveEntry.__table__.delete())
    with sessions() as session:
        assert archive.search(session, archive.Search(words="көпүрө"), BISHKEK).total == 0
        assert archive.search(session, archive.Search(words="трамвай"), BISHKEK).total == 0


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migration_indexes_what_was_published_before_it(kind: str, tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}" if kind == "sqlite" else _postgres_url(f"jarchy_archive_{kind}")
    engine = make_engine(url)
    upgrade(engine, "0007")
    published = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO process_definitions (key, name, version, checksum, bpmn_xml, meta, deployed_at, origin) "
            "VALUES ('release_approval', 'x', 1, 'c', '<x/>', '{}', :at, 'shipped')"), {"at": published})
        conn.execute(text(
            "INSERT INTO process_instances (definition_id, process_key, version, business_key, status, unit_key, "
            "data, started_at, state, serializer_version, revision, called_versions) VALUES ((SELECT id FROM "
            "process_definitions), 'release_approval', 1, 'PR-2026-00001', 'completed', 'health', '{}', :at, '{}', "
            "'1', 1, '{}')"), {"at": published})
        for feed, kind_, content in (
                ("releases", "statement", '{"translations": {"ky": {"title": "Оорукана", "body": "Жаңы жабдуулар"},'
                                          ' "ru": {"title": "Больница", "body": "Новое оборудование"}}}'),
                ("responses", "comment", '{"outlet": "24.kg", "text": "Больница работает", "explanations": []}')):
            conn.execute(text(
                "INSERT INTO publications (feed, kind, instance_id, business_key, published_at, content) VALUES "
                "(:feed, :kind, (SELECT id FROM process_instances), 'PR-2026-00001', :at, :content)"),
                {"feed": feed, "kind": kind_, "at": published, "content": content})
    upgrade(engine)
    with Session(engine) as session:
        result = archive.search(session, archive.Search(words="больница"), BISHKEK)
        assert sorted((h.entry.source, h.entry.lang, h.entry.unit) for h in result.items) == [
            ("releases", "ru", "health"), ("responses", None, "health")]
        assert [h.entry.lang for h in archive.search(session, archive.Search(words="жабдуулар"), BISHKEK).items] \
            == ["ky"]
        assert archive.search(session, archive.Search(), BISHKEK).total == 2
        assert result.items[0].entry.published_at == published
    engine.dispose()
    if kind == "postgresql":
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "jarchy_archive_{kind}" CASCADE'))
        admin.dispose()
