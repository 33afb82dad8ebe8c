"""Engines and sessions. Entry points (a request, a Celery task, a CLI command) own the transaction;
everything below them only flushes."""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

# An execution option: a transaction on an engine carrying it only reads, so on SQLite it begins without the
# write lock (see `_make_sqlite_serialisable`). Set only through `read_only`.
READ_ONLY = "jarchy_read_only"


def read_only(engine: Engine) -> Engine:
    """The same engine (pool, events) for transactions that only read: on SQLite a plain BEGIN, which in WAL mode
    neither waits for a writer nor holds one back. Writing through it on SQLite may fail with "database is locked"
    at once (a read transaction cannot always be upgraded), so use it for reads only."""
    return engine.execution_options(**{READ_ONLY: True})


def default_database_url() -> str:
    url = os.environ.get("JARCHY_DATABASE_URL")
    if url:
        return url
    var = Path(os.environ.get("JARCHY_VAR_DIR", "var")).resolve()
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / 'jarchy.db'}"


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here, the only PostgreSQL driver we install."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def json_text(value: Any) -> str:
    """JSON columns' text: UTF-8 as is, not `\\uXXXX` escapes, which made a diagram's labels in Kyrgyz and Russian
    2.2 times longer to store and 3 times slower to read back (a definition's `meta`: 165 kB escaped, 74 kB as is,
    read on every request). Text that UTF-8 cannot hold (an unpaired surrogate a script made) is escaped as before."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = normalise_url(url or default_database_url())
    kwargs.setdefault("json_serializer", json_text)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _make_sqlite_serialisable(engine)
        return engine
    # A worker whose host vanished holds its row locks until the server sees the connection dead: TCP
    # keepalives make that a minute, not hours.
    keepalives = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
    return create_engine(url, pool_pre_ping=True, connect_args=keepalives, **kwargs)


def _make_sqlite_serialisable(engine: Engine) -> None:
    """SQLite ignores SELECT ... FOR UPDATE. Taking the write lock when a transaction begins
    (BEGIN IMMEDIATE) gives the same guarantee as PostgreSQL's row lock: a second writer waits, then
    reads what the first committed, instead of failing on a stale snapshot. A transaction marked `READ_ONLY`
    (`read_only`) begins with a plain BEGIN: it reads a snapshot and takes no lock a writer would wait for."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def held_for_transaction(session: Session, key: str) -> Any:
    """What `hold_for_transaction` kept under `key` in the session's current transaction; None once it ended. Kept
    by identity: a transaction that ended is never the session's current one, whatever the session does."""
    held = session.info.get(key)
    return held[1] if held is not None and held[0] is session.get_transaction() else None


def hold_for_transaction(session: Session, key: str, value: T) -> T:
    """`value`, kept in `session.info` under `key` until the session's current transaction ends. Called after the
    statement that read it, so that the transaction it began is the one it is kept for."""
    session.info[key] = (session.get_transaction(), value)
    return value


def transaction_dict(session: Session, key: str) -> dict[Any, Any]:
    """A dict kept under `key` for the session's current transaction, empty when the transaction is new."""
    held = held_for_transaction(session, key)
    return held if held is not None else hold_for_transaction(session, key, {})


def insert_for(session: Session) -> Callable[..., Any]:
    """The INSERT construct of the session's database, with its `ON CONFLICT` clauses (both dialects have them)."""
    return postgresql.insert if is_postgresql(session) else sqlite.insert
