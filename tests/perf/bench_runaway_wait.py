"""How long another user waits while a runaway script is being stopped (issue 9, point 5). Run from the repo root:
`.venv/bin/python tests/perf/bench_runaway_wait.py [--rounds N]` (about 10 s a round and database).

One app on a fresh SQLite file and on a fresh PostgreSQL schema (127.0.0.1, as the tests use; skipped when it is
not there), with the default bounds (2 s a script). A user starts a case whose gateway condition computes inside
one C call (`sum(range(10**12))`, which no in-process step budget can interrupt); while it runs in its sandbox
process, another user reads the inbox (`GET /api/v1/tasks`) and starts a case of another procedure. Reported: the
median of each wait, and each as a ratio of the same request when nothing else runs."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, text  # noqa: E402

from engine.core.settings import Settings  # noqa: E402
from engine.spiff.clock import FrozenClock  # noqa: E402
from engine.spiff.sandbox_process import shared_pool  # noqa: E402
from tests.conftest import PASSWORD, PG_ADMIN_URL, Client, seed_cast  # noqa: E402
from tests.integration.test_script_bounds import CONDITION, scripted  # noqa: E402

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))


def app_on(url: str, var: Path) -> Any:
    from api import create_app
    from db.migrate import upgrade
    from db.session import make_engine

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = create_app({"SETTINGS": Settings(database_url=url, secret_key="bench-secret-key-0123456789", var_dir=var),
                      "CLOCK": FrozenClock(MONDAY_9), "TESTING": True})
    seed_cast(app.extensions["jarchy.sessions"], app.extensions["jarchy.ctx"])
    return app


def signed_in(app: Any, username: str) -> Client:
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).get_json()
    return Client(client, token["access_token"])


def timed(call: Callable[[], Any]) -> float:
    began = time.perf_counter()
    response = call()
    assert response.status_code < 300, response.get_json()
    return time.perf_counter() - began


def measure(app: Any, rounds: int) -> dict[str, tuple[float, float]]:
    admin, other = signed_in(app, "admin"), signed_in(app, "pr")
    for xml in (CONDITION, scripted("quick", "x = 1")):
        admin.post("/api/v1/process-definitions", data=xml.encode(), headers={"Content-Type": "application/xml"})
    inbox = lambda: other.get("/api/v1/tasks")  # noqa: E731
    start = lambda: other.post("/api/v1/process-instances", json={"process_key": "quick", "data": {}})  # noqa: E731
    alone = {"GET /api/v1/tasks": statistics.median(timed(inbox) for _ in range(20)),
             "start another case": statistics.median(timed(start) for _ in range(20))}
    waits: dict[str, list[float]] = {name: [] for name in alone}
    for _ in range(rounds):
        for name, request in (("GET /api/v1/tasks", inbox), ("start another case", start)):
            runaway = signed_in(app, "pr")  # each request meets a runaway of its own, just begun
            thread = threading.Thread(target=runaway.post, args=("/api/v1/process-instances",),
                                      kwargs={"json": {"process_key": "condition", "data": {}}})
            thread.start()
            while shared_pool().busy == 0 and thread.is_alive():
                time.sleep(0.01)  # until the runaway runs in its sandbox process
            waits[name].append(timed(request))
            thread.join()
    return {name: (statistics.median(waits[name]), statistics.median(waits[name]) / alone[name]) for name in alone}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        targets = {"SQLite": f"sqlite:///{folder}/bench.db"}
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text('DROP SCHEMA IF EXISTS "bench_runaway" CASCADE; CREATE SCHEMA "bench_runaway"'))
            targets["PostgreSQL"] = f"{PG_ADMIN_URL}?options=-csearch_path%3Dbench_runaway"
        except Exception as exc:  # noqa: BLE001 - a benchmark without PostgreSQL still measures SQLite
            print(f"PostgreSQL skipped: {exc}")
        print("while a runaway script is stopped at its 2 s bound, another user waits (median of "
              f"{args.rounds} rounds; x: against the same request alone)")
        for name, url in targets.items():
            for request, (wait, ratio) in measure(app_on(url, Path(folder)), args.rounds).items():
                print(f"  {name:<10} {request:<20} {wait:6.2f} s  {ratio:7.1f}x")
        if "PostgreSQL" in targets:
            with admin.connect() as conn:
                conn.execute(text('DROP SCHEMA IF EXISTS "bench_runaway" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
