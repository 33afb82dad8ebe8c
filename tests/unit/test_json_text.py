"""JSON columns are stored as UTF-8 text, not as `\\uXXXX` escapes (db.session.json_text): a Kyrgyz label takes
its own characters, and what cannot be UTF-8 is still stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

from db.models import Unit
from db.session import json_text, make_engine, make_sessionmaker


def test_text_in_any_script_is_stored_as_itself() -> None:
    value = {"ky": "Маалымат сурамы", "uz": "Ma'lumot so'rovi", "n": 3, "nul": "a\x00b"}
    stored = json_text(value)
    assert "Маалымат сурамы" in stored and "\\u041c" not in stored
    assert json.loads(stored) == value
    assert "\\u0000" in stored  # control characters stay escaped: valid JSON text either way


def test_text_that_utf8_cannot_hold_is_escaped_as_before() -> None:
    value = {"made_by_a_script": "\ud800", "ky": "жарчы"}
    stored = json_text(value)
    assert stored == json.dumps(value)
    assert json.loads(stored) == value


def test_a_json_column_round_trips_through_the_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/j.db")
    Unit.__table__.create(engine)
    sessions = make_sessionmaker(engine)
    at = datetime(2026, 3, 2, tzinfo=UTC)
    with sessions.begin() as session:
        session.add(Unit(key="transport", name="Transport", names={"ky": "Транспорт"}, created_at=at))
        session.add(Unit(key="odd", name="Odd", names={"ky": "Башка", "odd": "\udc80"}, created_at=at))
    with engine.connect() as conn:
        raw = {row.key: row.names for row in conn.execute(text("SELECT key, names FROM units"))}
    with sessions() as session:
        assert {u.key: u.names for u in session.scalars(select(Unit))} == {
            "transport": {"ky": "Транспорт"}, "odd": {"ky": "Башка", "odd": "\udc80"}}
    assert raw["transport"] == '{"ky": "Транспорт"}'
    assert "\\udc80" in raw["odd"] and "\\u0411" in raw["odd"]  # a surrogate in the value: all of it escaped
    engine.dispose()
