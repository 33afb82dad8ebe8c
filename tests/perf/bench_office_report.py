"""The office report's counts (engine.runtime.office_report: releases, responses, press conferences, e-mails) for one
month, with a small and a large history, on SQLite and PostgreSQL. Run from the repo root:
`.venv/bin/python tests/perf/bench_office_report.py [--small 1000] [--large 50000] [--reps 9]`. Not collected by
pytest, not part of CI.

Each database is migrated fresh (SQLite in a temporary folder; PostgreSQL in a schema `bench_office_<pid>`, dropped
at the end; skipped with a message when unreachable). The history is `publication_response` cases (a third called a
briefing that was held), releases in two languages (ky, ru: two archive rows each) and rebuttals, one of each every
hour back from the reported month; the month itself holds the same 720 of each whatever the history. The request
figures are `engine.runtime.reporting`'s and not timed here. Median of `--reps` after 2 warm-ups; "x" is large over
small: a count over an index-backed range should not grow with the history."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import ArchiveEntry, ProcessDefinition, ProcessInstance, Publication
from db.session import make_engine
from db.vocabulary import InstanceStatus
from engine.procedures.definitions import deploy
from engine.runtime import office_report

TZ = ZoneInfo("Asia/Bishkek")
MONTH = office_report.Period("month", "2026-03", date(2026, 3, 1), date(2026, 3, 31))
END = datetime(2026, 4, 1, tzinfo=TZ)
PG = os.environ.get("JARCHY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DIAGRAMS = Path(__file__).resolve().parents[2] / "workflows"
VERDICTS = ("accurate", "distorted", "negative_true")


def load(session: Session, hours: int, offset: int) -> None:
    """`hours` more hours of history, back from the end of March, after the `offset` hours already there."""
    definition = session.scalars(select(ProcessDefinition.id).where(
        ProcessDefinition.key == "publication_response")).one()
    cases, publications, entries = [], [], []
    for n in range(offset, offset + hours):
        at = END - timedelta(hours=n + 1)
        held = n % 3 == 0
        cases.append({"id": n + 1, "definition_id": definition, "process_key": "publication_response", "version": 1,
                      "business_key": f"PM-{n}", "status": InstanceStatus.COMPLETED, "started_at": at,
                      "completed_at": at + timedelta(days=10) if held else at + timedelta(hours=30),
                      "data": {"verdict": VERDICTS[n % 3], "resolved": not held,
                               "escalate": "briefing" if held else "none",
                               **({"held_at": at.isoformat(), "format": "briefing", "outcome": "held"} if held
                                  else {})},
                      "state": "{}", "serializer_version": "1", "revision": 1, "called_versions": {}})
        for feed, kind in (("releases", "press_release"), ("responses", "rebuttal")):
            publications.append({"id": 2 * n + (feed == "responses") + 1, "feed": feed, "kind": kind,
                                 "instance_id": n + 1, "business_key": f"PM-{n}", "published_at": at,
                                 "content": {}})
        for lang in ("ky", "ru"):
            entries.append({"source": "releases", "source_id": 2 * n + 1, "kind": "press_release", "unit": None,
                            "lang": lang, "listed": lang == "ky", "business_key": f"PM-{n}", "published_at": at,
                            "title": "t", "body": "b", "title_words": "t", "body_words": "b"})
    for table, rows in ((ProcessInstance, cases), (Publication, publications), (ArchiveEntry, entries)):
        for start in range(0, len(rows), 5000):
            session.execute(insert(table), rows[start:start + 5000])


PARTS = ("releases", "responses", "press_conferences", "distribution")


def timed(session: Session, reps: int) -> dict[str, float]:
    start, end = datetime(2026, 3, 1, tzinfo=TZ), END
    calls = {"releases": lambda: office_report.releases(session, start, end, ("ky", "ru")),
             "responses": lambda: office_report.responses(session, start, end),
             "press_conferences": lambda: office_report.press_conferences(session, MONTH, TZ),
             "distribution": lambda: office_report.distribution(session, start, end)}
    medians = {}
    for part, call in calls.items():
        runs = []
        for i in range(reps + 2):
            began = time.perf_counter()
            found = call()
            if i >= 2:
                runs.append(time.perf_counter() - began)
        medians[part] = statistics.median(runs) * 1000
        if part == "responses":
            assert found["registered"] == 31 * 24, found
    return medians


def run(name: str, url: str, small: int, large: int, reps: int, schema: str | None = None) -> None:
    engine = make_engine(url)
    if schema:
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        with Session(engine) as session, session.begin():
            deploy(session, (DIAGRAMS / "press_conference.bpmn").read_bytes(), actor="bench", at=END)
            deploy(session, (DIAGRAMS / "publication_response.bpmn").read_bytes(), actor="bench", at=END)
            load(session, small, 0)
        results = []
        for size, more in ((small, 0), (large, large - small)):
            with Session(engine) as session, session.begin():
                load(session, more, size - more)
            if schema:
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE"))
            with Session(engine) as session:
                results.append(timed(session, reps))
        for part in PARTS:
            print(f"{name} {part}: {small} hours of history {results[0][part]:7.2f} ms; {large} "
                  f"{results[1][part]:7.2f} ms; x{results[1][part] / results[0][part]:.2f}")
    finally:
        if schema:
            engine.dispose()
            with make_engine(url).begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=50000)
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{folder}/bench.db", args.small, args.large, args.reps)
    try:
        make_engine(PG).connect().close()
    except OperationalError as error:
        print(f"PostgreSQL skipped: {error.__class__.__name__}")
        return
    run("PostgreSQL", PG, args.small, args.large, args.reps, schema=f"bench_office_{os.getpid()}")


if __name__ == "__main__":
    main()
