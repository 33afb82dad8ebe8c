"""The inbox with a search and a sort at 100,000 finished cases against 1,000 (issue 16, point 8), on SQLite and
PostgreSQL, in one run. Run from the repo root:
`.venv/bin/python tests/perf/bench_inbox.py [--small 1000] [--large 100000] [--open 300] [--reps 15] [--no-plans]
[--only sqlite|postgresql] [--no-cases] [--no-open] [--no-completed]`; issue 19 point 4 runs it with `--large 1000000
--no-cases`. Not collected by pytest, not part of CI.

Two databases of each kind, a small and a large one, each migrated fresh (SQLite in a temporary folder; PostgreSQL
in schemas `bench_inbox_<pid>_small` and `_large` at `JARCHY_TEST_POSTGRES`, dropped at the end; skipped with a
message when unreachable). Both get the same open work, made the way users make it: `--open` information requests
started and triaged through the runtime to the press secretaries of three units, so each secretary's inbox holds a
third of them. An office's open work does not grow with its archive. Then the finished cases: `--small` in the
one, `--large` in the other (the first ones alike), each with its case words and its three completed tasks
(triage, answer, sending) done by the staff, so the task table holds three times as many finished tasks as there
are finished cases. They go straight to the driver (COPY on PostgreSQL, executemany on SQLite, whose FTS5
triggers index the words), in the form the models store; PostgreSQL is VACUUM ANALYZEd after, as autovacuum would.

Each request goes through Flask's test client as the transport press secretary: `GET /api/v1/tasks` and the page
`/inbox` with `q` and a sort (the open tabs; `--no-open` leaves them out), the same for the tab of one's completed
tasks (`--no-completed`), and the cases list `GET /api/v1/process-instances` (`--no-cases`), asked of the small and
the large database in turn, so both meet the same load on a shared machine. Median ms of `--reps` after 2
warm-ups; "x" is the large median over the small one. With plans, the inbox's SQL (its count and its page as
engine.reads.queries.inbox sends them, the completed tab's, and the page's tab counts) is shown with
`EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL and `EXPLAIN QUERY PLAN` on SQLite, at the large size."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api import create_app
from db.migrate import upgrade
from db.models import BusinessKeySequence, CaseWords, HumanTask, ProcessDefinition, ProcessInstance, User
from db.models.case_words import CASE_FTS_TABLE
from db.search_terms import case_text
from db.session import make_engine
from db.vocabulary import InstanceStatus, TaskStatus
from engine.core.settings import UNIT_BOUND_ROLES, Settings
from engine.people.accounts import create_unit, create_user
from engine.procedures.definitions import deploy
from engine.reads import queries
from engine.runtime import operations
from engine.spiff.clock import FrozenClock
from engine.spiff.serializer import SERIALIZER_VERSION

TZ = ZoneInfo("Asia/Bishkek")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
ARCHIVE_START = datetime(2019, 1, 7, 9, 0, tzinfo=TZ)
# The finished cases end before the open ones' year began, so that their registration numbers (counted per year)
# never meet the open cases' (IR-2026-...): 30 minutes apart, closer when more would not fit.
ARCHIVE_END = datetime(2025, 12, 1, 9, 0, tzinfo=TZ)
PG = os.environ.get("JARCHY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PASSWORD = "a long password"
UNITS = ("transport", "health", "education")
# Ten outlets: a case names one, so an outlet's name is a word in a tenth of the cases, open or finished.
OUTLETS = ("Kaktus Media", "Azattyk", "24.kg", "Kloop", "Vesti", "AKIpress", "Sputnik", "KTRK", "Aprel", "Kabar")
SUBJECTS = ("Bus fares", "Road repairs", "Hospital queues", "School meals", "Winter heating", "Clinic hours",
            "Teacher salaries", "Metro plans", "Vaccines", "Textbooks")
SYLLABLES = ["ka", "lo", "mi", "nu", "ro", "se", "ta", "ku", "be", "ja", "or", "kun", "yng", "ba", "do", "re"]
# (label, query string): each asked of the API and of the page.
INBOX = (
    ("q=kaktus, sort=due", "q=kaktus&sort=due"),
    ("q=kaktus, sort=-created", "q=kaktus&sort=-created"),
    ("q=kaktus, sort=case", "q=kaktus&sort=case"),
    ("q=bus fare (two words), sort=due", "q=bus+fare&sort=due"),
    ("no q, sort=due", "sort=due"),
)
# The tab of the tasks one completed (`status=completed` in the API, `state=completed` on the page): it grows with
# the archive as nothing else in the inbox does (the transport secretary completed a ninth of all finished cases'
# answers and sendings).
COMPLETED = (
    ("completed, no q, default order", "status=completed", "state=completed"),
    ("completed, q=kaktus, default order", "status=completed&q=kaktus", "state=completed&q=kaktus"),
    ("completed, q=kaktus, sort=-created", "status=completed&q=kaktus&sort=-created",
     "state=completed&q=kaktus&sort=-created"),
)
CASES = (
    ("q=kaktus, sort=-started", "q=kaktus&sort=-started"),
    ("q=kaktus, sort=case", "q=kaktus&sort=case"),
    ("no q, newest first", ""),
)


def vocabulary(rng: random.Random, size: int = 5_000) -> list[str]:
    found: set[str] = set()
    while len(found) < size:
        found.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(found)


def request(i: int, unit: str) -> dict[str, Any]:
    return {"channel": "email", "outlet": OUTLETS[i % len(OUTLETS)], "requester_name": f"Requester {i}",
            "contact": {"email": f"r{i}@example.kg"}, "subject": SUBJECTS[(i // 10) % len(SUBJECTS)],
            "question": f"What about {SUBJECTS[(i // 10) % len(SUBJECTS)].lower()} in the {unit} unit?"}


def seed_open(app: Any, cases: int) -> None:
    """The staff, and the open work made through the runtime: each case waits on its unit's press secretary."""
    sessions, ctx = app.extensions["jarchy.sessions"], app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        deploy(session, (WORKFLOWS / "information_request.bpmn").read_bytes(), actor="bench", at=ctx.now())
        for unit in UNITS:
            create_unit(session, key=unit, name=unit.title(), actor="bench", at=ctx.now())
            for n in range(3):
                create_user(session, username=f"ps_{unit}{n or ''}", display_name=f"PS {unit} {n}",
                            password=PASSWORD, roles=["press_secretary"], unit=unit, actor="bench", at=ctx.now())
        create_user(session, username="pr", display_name="PR", password=PASSWORD, roles=["pr_department"],
                    actor="bench", at=ctx.now())
    for i in range(cases):
        ctx.clock.advance(minutes=7)
        unit = UNITS[i % len(UNITS)]
        with sessions.begin() as session:
            pr = session.scalars(select(User).where(User.username == "pr")).one()
            case = operations.start(session, ctx, pr, "information_request", request(i, unit))
            triage = session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id)).one()
            operations.complete_task(session, ctx, pr, triage.id, {"handler": "press_secretary", "unit": unit,
                                                                 "contributors": []})
    ctx.clock.set(NOW + timedelta(days=1))


def finished_rows(rng: random.Random, words: list[str], first: int, last: int, spacing: timedelta,
                  definition: ProcessDefinition, staff: dict[str, list[int]], keys: dict[int, int],
                  ) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]]:
    """Finished case `i` for i in [first, last): its row, its words and its three completed tasks, as the engine
    makes them: the words by db.search_terms.case_text (engine.runtime.case_words.upsert's), a task's name, names,
    lane and form from the deployed diagram's meta (engine.runtime.projection's), the registration number
    `IR-<office-local year>-<number>` counting in `keys` (engine.runtime.operations' sequence)."""
    tasks_meta = definition.meta["tasks"]
    for i in range(first, last):
        unit = UNITS[i % len(UNITS)]
        started = ARCHIVE_START + spacing * i
        answered, sent = started + timedelta(days=3, hours=2), started + timedelta(days=4)
        data = request(i, unit) | {"handler": "press_secretary", "unit": unit, "contributors": [],
                                   "answer": " ".join(rng.choices(words, k=40))}
        year = started.astimezone(TZ).year
        keys[year] = keys.get(year, 0) + 1
        key = f"IR-{year}-{keys[year]:06d}"
        instance = {"id": 1_000_000 + i, "definition_id": definition.id, "process_key": "information_request",
                    "version": definition.version, "business_key": key, "status": InstanceStatus.COMPLETED,
                    "unit_key": unit, "data": data, "started_at": started, "started_by_id": staff["pr"][0],
                    "due_at": started + timedelta(days=20), "completed_at": sent, "failure": None,
                    "called_versions": {}, "state": "{}", "serializer_version": SERIALIZER_VERSION, "revision": 5}
        secretary = staff[unit][(i // len(UNITS)) % len(staff[unit])]
        # Who did each step: the PR department triages; the unit's secretary, who holds the case, answers and sends.
        done = (("triage", started, started + timedelta(days=1), started + timedelta(hours=3)),
                ("prepare_answer", started + timedelta(hours=3), started + timedelta(days=14), answered),
                ("send_answer", answered, answered + timedelta(days=2), sent))
        tasks = []
        for bpmn_id, created, due, completed in done:
            meta = tasks_meta[bpmn_id]
            # Routed as engine.runtime.projection._new_task routes it: the role expression (a data field's name
            # here) or the lane; a unit-bound role takes the case's unit.
            role = data[meta["role"]] if meta.get("role") else meta.get("lane")
            task_unit = data["unit"] if role in UNIT_BOUND_ROLES else None
            by = secretary if task_unit else staff["pr"][0]
            tasks.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "instance_id": 1_000_000 + i,
                          "process_key": "information_request", "bpmn_id": bpmn_id,
                          "name": meta.get("name") or bpmn_id, "names": meta.get("names") or None,
                          "lane": meta.get("lane"), "role": role, "unit_key": task_unit,
                          "assignee_id": by if task_unit else None, "status": TaskStatus.COMPLETED,
                          "form_key": meta.get("form"), "created_at": created, "due_at": due,
                          "completed_at": completed, "completed_by_id": by, "reminded_at": None, "data": None})
        yield instance, {"instance_id": 1_000_000 + i, "words": case_text(key, data)}, tasks


BATCH = 5_000  # cases a write; a commit every COMMIT_EVERY cases keeps SQLite's write-ahead log small
COMMIT_EVERY = 100_000


def load(engine: Any, rng: random.Random, words: list[str], first: int, last: int, spacing: timedelta,
         through_triggers: bool = False) -> float:
    """Write finished cases [first, last) in bulk, committing every COMMIT_EVERY. SQLite's FTS5 index is built
    once at the end ('rebuild' of its external content, then its integrity-check): its three triggers on
    case_words are dropped for the load and made again from their own SQL in sqlite_master, so the database is
    the one the triggers would have kept, in a fraction of the time (`through_triggers` keeps them, to compare).
    PostgreSQL computes the stored tsvector and the GIN index as each row comes; VACUUM ANALYZE after, as
    autovacuum would."""
    started = time.perf_counter()
    postgres = engine.dialect.name == "postgresql"
    with Session(engine, expire_on_commit=False) as session, session.begin():
        definition = session.scalars(select(ProcessDefinition).where(
            ProcessDefinition.key == "information_request")).one()
        staff: dict[str, list[int]] = {"pr": [session.scalar(select(User.id).where(User.username == "pr"))]}
        for unit in UNITS:
            staff[unit] = list(session.scalars(select(User.id).where(User.username.startswith(f"ps_{unit}"))
                                               .order_by(User.id)))
        triggers = [] if postgres or through_triggers else [sql for (sql,) in session.connection().exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (CaseWords.__tablename__,))]
    keys: dict[int, int] = {}
    rows = finished_rows(rng, words, first, last, spacing, definition, staff, keys)
    done = first
    while done < last:
        with Session(engine) as session, session.begin():
            conn = session.connection()
            if not postgres:
                conn.exec_driver_sql("PRAGMA cache_size = -400000")  # this connection's pages, not the file's
                for name in _trigger_names(triggers):
                    conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}"')
            upto = min(last, done + COMMIT_EVERY)
            while done < upto:
                batch: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
                for instance, case_words, tasks in itertools.islice(rows, min(BATCH, upto - done)):
                    batch[0].append(instance)
                    batch[1].append(case_words)
                    batch[2].extend(tasks)
                _write(session, batch)
                done += len(batch[0])
    written = time.perf_counter() - started
    with Session(engine) as session, session.begin():
        # The registration-number sequences the cases counted up, as operations._next_business_key leaves them.
        for year, number in keys.items():
            session.merge(BusinessKeySequence(prefix="IR", year=year, last=number))
        if triggers:
            conn = session.connection()
            conn.exec_driver_sql(f"INSERT INTO {CASE_FTS_TABLE}({CASE_FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
            for sql in triggers:
                conn.exec_driver_sql(sql)
    if postgres:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.connect() as conn:
            # Raises when the index does not hold exactly case_words' words.
            check = f"INSERT INTO {CASE_FTS_TABLE}({CASE_FTS_TABLE}, rank) VALUES ('integrity-check', 1)"  # noqa: S608
            conn.exec_driver_sql(check)
        raw = engine.raw_connection()  # outside a transaction, where a checkpoint can run
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    after = "VACUUM ANALYZE" if postgres else "FTS5 rebuild, triggers, integrity-check" if triggers else \
        "FTS5 integrity-check"
    print(f"  {last - first:,} cases written in {written:.1f} s, then {after} in "
          f"{time.perf_counter() - started - written:.1f} s", flush=True)
    return time.perf_counter() - started


def _trigger_names(triggers: list[str]) -> list[str]:
    return [re.match(r"\s*CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\"?(\w+)", sql, re.I).group(1)  # type: ignore[union-attr]
            for sql in triggers]


def _write(session: Session, batch: tuple[list[Any], list[Any], list[Any]]) -> None:
    """Straight to the driver, in the session's transaction: COPY on PostgreSQL, executemany on SQLite. Each
    value goes through its column type's own bind processor (what a flush of the models sends: UTC datetimes,
    naive text on SQLite; JSON, None as JSON null as the ORM writes it; vocabulary words as strings)."""
    if not batch[0]:
        return
    driver = session.connection().connection.driver_connection
    dialect = session.get_bind().dialect
    for table, rows in ((ProcessInstance, batch[0]), (CaseWords, batch[1]), (HumanTask, batch[2])):
        names = list(rows[0])
        columns = table.__table__.c
        forms = [(name, columns[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names]
        values = [[form(row[name]) if form else row[name] for name, form in forms] for row in rows]
        if dialect.name == "postgresql":
            with driver.cursor().copy(f"COPY {table.__tablename__} ({', '.join(names)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            # The table and column names are the models' own, never input.
            driver.executemany(f"INSERT INTO {table.__tablename__} ({', '.join(names)}) "  # noqa: S608
                               f"VALUES ({', '.join('?' * len(names))})", values)


def timed(calls: tuple[Callable[[], Any], Callable[[], Any]], reps: int) -> tuple[float, int, float, int]:
    """The same request of the small and the large database, one after the other, `reps` times after 2 warm-ups:
    both sizes meet the same load on a shared machine. The medians in ms and the totals found."""
    times: tuple[list[float], list[float]] = ([], [])
    totals = [0, 0]
    for i in range(reps + 2):
        for size, call in enumerate(calls):
            started = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
            if response.is_json:
                totals[size] = response.get_json()["total"]
            if i >= 2:
                times[size].append(elapsed)
    return (statistics.median(times[0]) * 1000, totals[0], statistics.median(times[1]) * 1000, totals[1])


def signed_in(app: Any) -> tuple[Any, Any, dict[str, str]]:
    web, api = app.test_client(), app.test_client()
    page = web.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    web.post("/sign-in", data={"username": "ps_transport", "password": PASSWORD, "csrf_token": token})
    bearer = api.post("/api/v1/auth/token", json={"username": "ps_transport", "password": PASSWORD}).get_json()
    return web, api, {"Authorization": f"Bearer {bearer['access_token']}"}


def side_by_side(small: Any, large: Any, reps: int, parts: frozenset[str]) -> dict[str, tuple[float, int, float, int]]:
    (web_s, api_s, bearer_s), (web_l, api_l, bearer_l) = signed_in(small), signed_in(large)
    found: dict[str, tuple[float, int, float, int]] = {}
    for label, query in INBOX if "open" in parts else ():
        found[f"API /api/v1/tasks {label}"] = timed((
            lambda q=query: api_s.get(f"/api/v1/tasks?{q}", headers=bearer_s),
            lambda q=query: api_l.get(f"/api/v1/tasks?{q}", headers=bearer_l)), reps)
        found[f"page /inbox {label}"] = timed((lambda q=query: web_s.get(f"/inbox?{q}"),
                                               lambda q=query: web_l.get(f"/inbox?{q}")), reps)
    for label, query, page_query in COMPLETED if "completed" in parts else ():
        found[f"API /api/v1/tasks {label}"] = timed((
            lambda q=query: api_s.get(f"/api/v1/tasks?{q}", headers=bearer_s),
            lambda q=query: api_l.get(f"/api/v1/tasks?{q}", headers=bearer_l)), reps)
        found[f"page /inbox {label}"] = timed((lambda q=page_query: web_s.get(f"/inbox?{q}"),
                                               lambda q=page_query: web_l.get(f"/inbox?{q}")), reps)
    for label, query in CASES if "cases" in parts else ():
        found[f"API /api/v1/process-instances {label}"] = timed((
            lambda q=query: api_s.get(f"/api/v1/process-instances?{q}", headers=bearer_s),
            lambda q=query: api_l.get(f"/api/v1/process-instances?{q}", headers=bearer_l)), reps)
    return found


def plans(engine: Any) -> list[str]:
    """Each inbox query's statements as engine.reads.queries.inbox sends them, and the page's tab counts
    (engine.reads.queries.inbox_counts), explained by the database."""
    postgres = engine.dialect.name == "postgresql"
    shown: list[str] = []
    now = NOW + timedelta(days=1)
    asks: list[tuple[str, Callable[[Session, User], Any]]] = [("the page's counts", lambda session, user: (
        queries.inbox_counts(session, user, now=now)))]
    for label, query in INBOX:
        asked = dict(part.split("=") for part in query.split("&"))
        if "q" in asked:
            asked["q"] = asked["q"].replace("+", " ")
        asks.append((label, lambda session, user, asked=asked: queries.inbox(session, user, now=now, tz=TZ,
                                                                               **asked)))
        if "q" in asked:
            words = {"q": asked["q"]}
            asks.append((f"the page's counts, q={asked['q']}", lambda session, user, words=words: (
                queries.inbox_counts(session, user, now=now, tz=TZ, **words))))
    for label, query, _page in COMPLETED:
        asked = dict(part.split("=") for part in query.split("&"))
        asks.append((label, lambda session, user, asked=asked: queries.inbox(session, user, now=now, tz=TZ,
                                                                               **asked)))
    for label, call in asks:
        sent: list[tuple[str, Any]] = []

        def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            if "human_tasks" in statement:
                sent.append((statement, parameters))  # noqa: B023

        with Session(engine) as session:
            user = session.scalars(select(User).where(User.username == "ps_transport")).one()
            event.listen(engine, "before_cursor_execute", keep)
            try:
                call(session, user)
            finally:
                event.remove(engine, "before_cursor_execute", keep)
            for statement, parameters in sent:
                explain = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
                rows = session.connection().exec_driver_sql(explain + statement, parameters).all()
                plan = "\n".join(str(row[0]) if postgres else f"{row[0]}|{row[1]}| {row[3]}" for row in rows)
                shown.append(f"--- {label}\n{statement}\n{json.dumps(parameters, default=str)}\n{plan}\n")
    return shown


def prepared(name: str, url: str, var: str, open_cases: int, finished: int, spacing: timedelta) -> tuple[Any, Any]:
    """A database migrated, with its open work and `finished` finished cases (the first ones the same whatever
    `finished`), and its app."""
    engine = make_engine(url)
    upgrade(engine)
    app = create_app({"SETTINGS": Settings(database_url=url, secret_key="bench" * 8, var_dir=Path(var)),
                      "CLOCK": FrozenClock(NOW)})
    started = time.perf_counter()
    seed_open(app, open_cases)
    print(f"{name}: {open_cases} open cases through the runtime in {time.perf_counter() - started:.1f} s",
          flush=True)
    rng = random.Random(13)
    words = vocabulary(rng)
    print(f"{name}: {finished:,} finished cases in {load(engine, rng, words, 0, finished, spacing):.1f} s", flush=True)
    return engine, app


def measure(name: str, urls: tuple[str, str], small: int, large: int, open_cases: int, reps: int,
            with_plans: bool, parts: frozenset[str]) -> dict[str, tuple[float, int, float, int]]:
    spacing = min(timedelta(minutes=30), (ARCHIVE_END - ARCHIVE_START - timedelta(days=4)) / large)
    with tempfile.TemporaryDirectory() as var:
        small_engine, small_app = prepared(f"{name} small", urls[0], var, open_cases, small, spacing)
        large_engine, large_app = prepared(f"{name} large", urls[1], var, open_cases, large, spacing)
        found = side_by_side(small_app, large_app, reps, parts)
        if with_plans:
            print(f"\n=== {name} plans at {large:,} finished cases\n" + "\n".join(plans(large_engine)), flush=True)
    for engine in (small_engine, large_engine):
        engine.dispose()
    return found


def postgres_schemas() -> tuple[tuple[str, str], Any, list[str]] | None:
    """Two fresh schemas, `bench_inbox_<pid>_small` and `_large`: their URLs, the admin engine and their names."""
    schemas = [f"bench_inbox_{os.getpid()}_{size}" for size in ("small", "large")]
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for schema in schemas:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        print(f"PostgreSQL at {PG} is not reachable, skipped: {exc.orig}")
        return None
    small, large = (f"{PG}?options=-csearch_path%3D{schema}" for schema in schemas)
    return (small, large), admin, schemas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=300)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--no-plans", action="store_true")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--no-cases", action="store_true",
                        help="skip the cases list (GET /api/v1/process-instances), seconds a request at 1,000,000")
    parser.add_argument("--no-open", action="store_true", help="skip the open inbox's requests")
    parser.add_argument("--no-completed", action="store_true", help="skip the completed tab's requests")
    args = parser.parse_args()
    results: dict[str, dict[str, tuple[float, int, float, int]]] = {}
    parts = frozenset(name for name, skipped in (("open", args.no_open), ("completed", args.no_completed),
                                                 ("cases", args.no_cases)) if not skipped)
    common = (args.small, args.large, args.open, args.reps, not args.no_plans, parts)
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            results["SQLite"] = measure("SQLite", (f"sqlite:///{folder}/small.db", f"sqlite:///{folder}/large.db"),
                                        *common)
        table({"SQLite": results["SQLite"]}, args)
    pg = postgres_schemas() if args.only != "sqlite" else None
    if pg:
        urls, admin, schemas = pg
        try:
            results["PostgreSQL"] = measure("PostgreSQL", urls, *common)
        finally:
            with admin.connect() as conn:
                for schema in schemas:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    table(results, args)


def table(results: dict[str, dict[str, tuple[float, int, float, int]]], args: argparse.Namespace) -> None:
    print(f"\nmedian ms of {args.reps} requests (total found at {args.small:,} / {args.large:,} finished cases, "
          f"{args.open} open); x = large/small", flush=True)
    dbs = list(results)
    print("| request | " + " | ".join(f"{db} {args.small:,} | {db} {args.large:,} | x" for db in dbs) + " |")
    print("| --- |" + " ---: | ---: | ---: |" * len(dbs))
    for label in results[dbs[0]] if dbs else []:
        cells = []
        for db in dbs:
            small_ms, small_n, large_ms, large_n = results[db][label]
            found = (f" ({small_n})", f" ({large_n})") if label.startswith("API") else ("", "")
            cells.append(f"{small_ms:.1f}{found[0]} | {large_ms:.1f}{found[1]} | {large_ms / small_ms:.2f}x")
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
