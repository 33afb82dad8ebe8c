"""Shared fixtures: databases (SQLite and the PostgreSQL at 127.0.0.1), the app, a frozen clock, and a cast.

Under CI=true a missing PostgreSQL is a failure, never a skip."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from api import CATALOGS
from db.base import Base
from db.migrate import upgrade
from db.session import make_engine
from engine.core import jurisdiction
from engine.core.settings import Settings
from engine.spiff.clock import FrozenClock

BISHKEK = ZoneInfo("Asia/Bishkek")
PG_ADMIN_URL = os.environ.get("JARCHY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url(schema: str) -> str:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        message = f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc.orig}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    finally:
        admin.dispose()
    return f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"


@contextmanager
def migrated_database(kind: str, schema: str, folder: Path) -> Iterator[str]:
    """A migrated, empty database of `kind` (sqlite or postgresql); PostgreSQL's schema is dropped after."""
    url = f"sqlite:///{folder / 'jarchy.db'}" if kind == "sqlite" else _postgres_url(schema)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    if kind == "postgresql":
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A schema of its own per test process: parallel runs on one machine must not share tables.
    with migrated_database(request.param, f"jarchy_{_worker()}_{os.getpid()}", tmp_path_factory.mktemp("db")) as url:
        yield url


def empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2's default cost (about 0.3 s a hash here) is for production; the tests check behaviour, not cost."""
    from argon2 import PasswordHasher

    from engine.people import accounts

    light = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", light)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", light.hash("not a password of anyone"))


@pytest.fixture(autouse=True)
def kept_definitions_untouched(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[Any, str]]:
    """No request, step or page edits in place what the process keeps across requests: a deployed version's JSON
    (engine.procedures.case_definition, its copies shared with every later session) and a form's schema
    (engine.procedures.deployed_forms, by checksum). Such an edit would reach every later request. Each test starts
    with nothing kept; what it keeps is checked after it. Yields the kept versions' JSON as kept, by (id, nonce)."""
    from engine.procedures import case_definition, deployed_forms

    as_kept: dict[Any, str] = {}
    keep = case_definition._keep

    def keeping(definition: Any) -> None:
        keep(definition)
        proof = (definition.id, definition.nonce)
        if proof in case_definition._KEPT:
            as_kept[proof] = kept_json(case_definition._KEPT[proof])

    monkeypatch.setattr(case_definition, "_KEPT", {})
    monkeypatch.setattr(case_definition, "_keep", keeping)
    monkeypatch.setattr(deployed_forms, "_CACHE", {})
    yield as_kept
    assert not edited_kept(as_kept), f"a kept definition's JSON was changed in place: {edited_kept(as_kept)}"
    assert not edited_forms(), f"a cached form schema was changed in place: {edited_forms()}"


def kept_json(definition: Any) -> str:
    return json.dumps([definition.__dict__.get("meta"), definition.__dict__.get("forms")], sort_keys=True,
                      default=repr)


def edited_forms() -> list[str]:
    """The checksums of the form schemas the process keeps whose schema no longer has that checksum."""
    from engine.procedures import deployed_forms

    return [checksum for checksum, schema in deployed_forms._CACHE.items()
            if deployed_forms.canonical_checksum(schema) != checksum]


def edited_kept(as_kept: dict[Any, str]) -> list[Any]:
    """The versions the process kept whose JSON is no longer as kept."""
    from engine.procedures import case_definition

    return [proof for proof, text in as_kept.items()
            if proof in case_definition._KEPT and kept_json(case_definition._KEPT[proof]) != text]


@pytest.fixture
def clock() -> FrozenClock:
    # A Monday in March 2026, 09:00 in Bishkek.
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK))


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[Any]:
    """A real RFC 3161 timestamp authority on 127.0.0.1, OpenSSL signing with a test CA's certificate
    (tests/tsa.py: `url`, `ca_pem`, `cert_pem`, `refuse`, `sign_with`, `stop`)."""
    from tests.tsa import local_tsa  # asn1crypto and the openssl binary: only the tests that stamp need them

    with local_tsa(tmp_path / "tsa") as server:
        yield server


# The time zone of an office under each statute profile: its capital's.
CAPITALS = {"KG": "Asia/Bishkek", "UA": "Europe/Kyiv", "UZ": "Asia/Tashkent"}


def settings_under(key: str, database_url: str, var_dir: Path) -> Settings:
    """An office under the statute profile `key` (KG, UA, UZ): its country, its capital's clock and the profile's
    publication languages."""
    return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=var_dir,
                    country=key, timezone=CAPITALS[key], jurisdiction=key, catalogs=CATALOGS,
                    publication_languages=tuple(jurisdiction.load(key).data["publication_languages"]))


@pytest.fixture
def settings(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """The Kyrgyz office of the tests; a test, class or module marked `jurisdiction("UA")` has that profile's."""
    marker = request.node.get_closest_marker("jurisdiction")
    if marker is not None:
        return settings_under(marker.args[0], database_url, tmp_path)
    return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                    catalogs=CATALOGS)


@pytest.fixture
def app(settings: Settings, clock: FrozenClock) -> Iterator[Any]:
    from api import create_app

    application = create_app({"SETTINGS": settings, "CLOCK": clock, "TESTING": True})
    engine = application.extensions["jarchy.engine"]
    empty(engine)
    yield application
    engine.dispose()


@pytest.fixture
def jarchy(app: Any, settings: Settings, tmp_path: Path) -> Any:
    """`jarchy ARGS...` on the test database (the app fixture has emptied it first): its click result."""
    from click.testing import CliRunner

    from api.cli import main

    env = {"JARCHY_DATABASE_URL": settings.database_url, "JARCHY_SECRET_KEY": settings.secret_key,
           "JARCHY_VAR_DIR": str(tmp_path / "var")}

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def sessions(app: Any) -> Any:
    return app.extensions["jarchy.sessions"]


@pytest.fixture
def ctx(app: Any) -> Any:
    return app.extensions["jarchy.ctx"]


def shipped_diagram(name: str) -> bytes:
    return (resources.files("workflows") / name).read_bytes()


def deploy_shipped(sessions: Any, ctx: Any, name: str = "information_request.bpmn") -> None:
    from engine.procedures.definitions import deploy

    with sessions.begin() as session:
        deploy(session, shipped_diagram(name), actor="system", at=ctx.now())


def seal_audit(sessions: Any, within: float = 20.0) -> int:
    """Chain every audit event committed so far, as the sweep does each round (engine.audit.chain.seal): for a test
    that needs a sealed history (seq and hashes set). The number sealed.

    On PostgreSQL the sealer waits for every transaction of the server older than an event's to end, and the
    server is shared with the other test processes: their short transactions may hold it back a few
    milliseconds, so this polls (real time, not the engine's clock) until none is left, `within` seconds at most."""
    from engine.audit import chain

    total, deadline = 0, time.monotonic() + within
    while True:
        with sessions.begin() as session:
            total += chain.seal_all(session)
            left = chain.unsealed(session)
        if not left or time.monotonic() > deadline:
            return total
        time.sleep(0.005)


@pytest.fixture
def deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx)


CAST: dict[str, tuple[list[str], str | None]] = {
    "admin": (["admin"], None),
    "auditor": (["auditor"], None),
    "prhead": (["pr_head"], None),
    "pr": (["pr_department"], None),
    "ps_transport": (["press_secretary"], "transport"),
    "ps_health": (["press_secretary"], "health"),
    "head_transport": (["unit_head"], "transport"),
    "head_health": (["unit_head"], "health"),
    "leader": (["leadership"], None),
    "lawyer": (["legal"], None),
}
PASSWORD = "correct horse battery"


def seed_cast(sessions: Any, ctx: Any) -> None:
    """The units and the named cast of users, each with PASSWORD."""
    from engine.people.accounts import create_unit, create_user

    with sessions.begin() as session:
        for key in ("transport", "health", "education"):
            create_unit(session, key=key, name=key.title(), actor="system", at=ctx.now())
        for username, (roles, unit) in CAST.items():
            create_user(session, username=username, display_name=username.title(), password=PASSWORD, roles=roles,
                        unit=unit, actor="system", at=ctx.now())


@contextmanager
def seeded_app(database_url: str, var_dir: Path, **config: Any) -> Iterator[Any]:
    """An app of its own on an emptied database with the cast and the information request, for a module's tests
    that share cases (module-scoped fixtures); `config` adds to the test configuration."""
    from api import create_app

    settings = Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=var_dir,
                        catalogs=CATALOGS)
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK))
    app = create_app({"SETTINGS": settings, "CLOCK": clock, "TESTING": True, **config})
    engine, sessions, ctx = (app.extensions[k] for k in ("jarchy.engine", "jarchy.sessions", "jarchy.ctx"))
    empty(engine)
    seed_cast(sessions, ctx)
    deploy_shipped(sessions, ctx)
    yield app
    engine.dispose()


@pytest.fixture
def cast(app: Any, sessions: Any, ctx: Any) -> dict[str, Any]:
    seed_cast(sessions, ctx)
    return CAST


@pytest.fixture
def pr2(cast: dict[str, Any], sessions: Any, ctx: Any) -> str:
    """A second officer of the PR department, outside the cast: a candidate of every task the department's may take
    (a deputy, or whom to give tasks to)."""
    from engine.people.accounts import create_user

    with sessions.begin() as session:
        create_user(session, username="pr2", display_name="Pr Two", password=PASSWORD, roles=["pr_department"],
                    actor="system", at=ctx.now())
    return "pr2"


class Client:
    """The test client, signed in as one member of the cast."""

    def __init__(self, client: Any, token: str | None) -> None:
        self._client, self.token = client, token

    @property
    def app(self) -> Any:
        return self._client.application

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def get(self, path: str, **kw: Any) -> Any:
        return self._client.get(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self._client.post(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self._client.patch(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self._client.put(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self._client.delete(path, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def as_(app: Any, cast: dict[str, Any]) -> Any:
    tokens: dict[str, str] = {}

    def sign_in(username: str | None) -> Client:
        client = app.test_client()
        if username is None:
            return Client(client, None)
        if username not in tokens:
            response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.get_json()
            tokens[username] = response.get_json()["access_token"]
        return Client(client, tokens[username])

    return sign_in


REQUEST = {
    "channel": "email",
    "outlet": "Kaktus Media",
    "requester_name": "Aida Usenova",
    "contact": {"email": "aida@example.kg"},
    "subject": "Bus fares",
    "question": "Will bus fares rise next year?",
}


@contextmanager
def statements(app: Any) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs, as sent."""
    from sqlalchemy import event

    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = app.extensions["jarchy.engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@contextmanager
def sent_to(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements sent on `engine` while the block runs, each with its parameters (to explain it after)."""
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def plan_at_scale(session: Any, statement: str, parameters: Any) -> str:
    """`plan_of` as the planner takes it at 1,000,000 cases. On PostgreSQL a test's few rows make reading the table
    (or another index, then sorting a handful of rows) the cheaper plan: statistics as autovacuum keeps them, and
    sequential scans, bitmaps and sorts off, show the plan it takes by itself at scale."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE human_tasks"))
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            session.execute(text(f"SET LOCAL {setting} = off"))
    return plan_of(session, statement, parameters)


def plan_of(session: Any, statement: str, parameters: Any) -> str:
    """The database's plan of a statement as sent: PostgreSQL's EXPLAIN, SQLite's EXPLAIN QUERY PLAN details."""
    if session.get_bind().dialect.name == "postgresql":
        return "\n".join(str(row[0]) for row in session.connection().exec_driver_sql("EXPLAIN " + statement,
                                                                                     parameters))
    return "\n".join(str(row[-1]) for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                                                  parameters))
