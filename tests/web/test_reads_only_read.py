"""A GET request only reads: its session takes no write lock on SQLite, and a change made in it is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from api.database import session
from db.models import Unit

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def test_a_get_request_that_would_write_is_refused_and_writes_nothing(app: Any, sessions: Any) -> None:
    @app.get("/test/writes-on-get")
    def writes_on_get() -> str:
        session().add(Unit(key="sneaked", name="Sneaked in by a GET", created_at=NOW))
        session().flush()
        return "written"

    @app.post("/test/writes-on-post")
    def writes_on_post() -> str:
        session().add(Unit(key="posted", name="Posted", created_at=NOW))
        return "written"

    client = app.test_client()
    with pytest.raises(RuntimeError, match="a GET request may not write"):
        client.get("/test/writes-on-get")
    assert client.post("/test/writes-on-post").status_code == 200
    with sessions() as db:
        assert sorted(u.key for u in db.query(Unit)) == ["posted"]
