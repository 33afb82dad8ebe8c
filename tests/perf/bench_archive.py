"""The archive's search at 100,000 archived items against 1,000, on SQLite and PostgreSQL, in one run.
Run from the repo root: `.venv/bin/python tests/perf/bench_archive.py [--small 1000] [--large 100000] [--reps 15]`.
Not collected by pytest, not part of CI.

Each database is migrated fresh (SQLite in a temporary folder; PostgreSQL in a schema `bench_archive_<pid>` at
`JARCHY_TEST_POSTGRES`, dropped at the end; skipped with a message when unreachable). Items are releases in two
languages (ky, ru: two index entries each) of 5 kinds and 10 units, one every 15 minutes, their words drawn from 20,000
made-up words; a few words are planted at fixed rates. They are written in batches the way publishing writes them
(the same `db.search_terms` words, the FTS5 triggers or the generated tsvector), first `--small` items; then the
table grows to `--large` and the same searches run again (PostgreSQL is VACUUM ANALYZEd after each load, as
autovacuum would). Each search is `engine.reads.archive.search` (the count, the first page of 20, the snippets) as
the API calls it; median of `--reps` after 2 warm-ups. "x" is the median at large over the median at small."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, insert, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import ArchiveEntry
from db.search_terms import indexed
from db.session import make_engine
from engine.reads import archive

TZ = ZoneInfo("Asia/Bishkek")
START = datetime(2020, 1, 1, 9, 0, tzinfo=TZ)
PG = os.environ.get("JARCHY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KINDS = archive.KINDS["releases"]
SYLLABLES = ["ка", "ло", "ми", "ну", "ро", "се", "та", "ку", "бе", "жа", "өр", "күн", "ың", "ба", "до", "ре", "ши",
             "зы", "го", "ля"]
# word: one item in how many carries it (both languages); "needle" is in exactly 5 items, whatever the size.
PLANTED = {"көпүрө": 100, "бюджет": 10}
NEEDLE = "иголка"
SEARCHES: dict[str, archive.Search] = {
    "a word in 5 items (needle)": archive.Search(words=NEEDLE),
    "a word in 1% of items": archive.Search(words="көпүрө"),
    "a word in 10% of items": archive.Search(words="бюджет"),
    "two words (1% and 10%), one unit": archive.Search(words="көпүрө бюджет", unit="unit0"),
    "a word in 1%, lang ru, kind statement": archive.Search(words="мост", lang="ru", kind="statement"),
    "no words: newest first": archive.Search(),
    "no words: one kind, one week": archive.Search(kind="report", since=START.date() + timedelta(days=2),
                                                   until=START.date() + timedelta(days=8)),
}


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def rows(rng: random.Random, words: list[str], first: int, last: int, needles: set[int]) -> Iterator[dict[str, Any]]:
    for i in range(first, last):
        planted = [w for w, every in PLANTED.items() if i % every == 0]
        if i in needles:
            planted.append(NEEDLE)
        kind, unit = KINDS[i % len(KINDS)], f"unit{i % 10}"
        at = START + timedelta(minutes=15 * i)
        versions = (("ky", planted), ("ru", ["мост"] if i % 100 == 1 else []))  # i % 5 == 1: a statement
        for position, (lang, extra) in enumerate(versions):
            title = " ".join(rng.choices(words, k=6))
            body = " ".join(rng.choices(words, k=60) + extra)
            yield {"source": "releases", "source_id": i + 1, "kind": kind, "unit": unit, "lang": lang,
                   "listed": position == 0, "business_key": f"PR-{i:06d}", "published_at": at, "title": title,
                   "body": body, "title_words": indexed(title), "body_words": indexed(body)}


def load(engine: Any, rng: random.Random, words: list[str], first: int, last: int, needles: set[int]) -> float:
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    with Session(engine) as session, session.begin():
        for row in rows(rng, words, first, last, needles):
            batch.append(row)
            if len(batch) == 2000:
                session.execute(insert(ArchiveEntry), batch)
                batch = []
        if batch:
            session.execute(insert(ArchiveEntry), batch)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE archive_entries"))
    return time.perf_counter() - started


def timed(engine: Any, asked: archive.Search, reps: int) -> tuple[float, int]:
    times, total = [], 0
    for i in range(reps + 2):
        with Session(engine) as session:
            started = time.perf_counter()
            result = archive.search(session, asked, TZ)
            elapsed = time.perf_counter() - started
        total = result.total
        if i >= 2:
            times.append(elapsed)
    return statistics.median(times) * 1000, total


def measure(name: str, url: str, small: int, large: int, reps: int) -> dict[str, tuple[float, int, float, int]]:
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(13)
    words = vocabulary(rng)
    # The needle's five items lie among the first `small`, so both sizes hold exactly five.
    needles = set(random.Random(5).sample(range(small), 5))
    seconds = load(engine, rng, words, 0, small, needles)
    print(f"{name}: loaded {small} items in {seconds:.1f} s", flush=True)
    at_small = {label: timed(engine, asked, reps) for label, asked in SEARCHES.items()}
    seconds = load(engine, rng, words, small, large, needles)
    print(f"{name}: grew to {large} items in {seconds:.1f} s", flush=True)
    at_large = {label: timed(engine, asked, reps) for label, asked in SEARCHES.items()}
    engine.dispose()
    return {label: (*at_small[label], *at_large[label]) for label in SEARCHES}


def postgres_schema() -> tuple[str, Any] | None:
    schema = f"bench_archive_{os.getpid()}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        print(f"PostgreSQL at {PG} is not reachable, skipped: {exc.orig}")
        return None
    return f"{PG}?options=-csearch_path%3D{schema}", (admin, schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    results: dict[str, dict[str, tuple[float, int, float, int]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = measure("SQLite", f"sqlite:///{folder}/bench.db", args.small, args.large, args.reps)
    pg = postgres_schema()
    if pg:
        url, (admin, schema) = pg
        try:
            results["PostgreSQL"] = measure("PostgreSQL", url, args.small, args.large, args.reps)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    print(f"\nmedian ms of {args.reps} searches (found at {args.small:,} / {args.large:,} items); x = large/small")
    dbs = list(results)
    print("| search | " + " | ".join(f"{db} {args.small:,} | {db} {args.large:,} | x" for db in dbs) + " |")
    print("| --- |" + " ---: | ---: | ---: |" * len(dbs))
    for label in SEARCHES:
        cells = []
        for db in dbs:
            small_ms, small_n, large_ms, large_n = results[db][label]
            cells.append(f"{small_ms:.2f} ({small_n}) | {large_ms:.2f} ({large_n}) | {large_ms / small_ms:.1f}x")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
