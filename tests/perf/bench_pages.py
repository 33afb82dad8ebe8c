"""What a page costs over the API's JSON for the same thing: the inbox, a task with its form, a case with its
history. Run from the repo root: `.venv/bin/python tests/perf/bench_pages.py [--cases N] [--reps R]`.

One process, SQLite in a temporary folder, Flask's test client (no network), `N` information requests
started and triaged to the transport press secretary: each waits on his 'prepare the answer'. Each pair
(page, API call) is timed R times, interleaved, and reported as medians and the page/API ratio."""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api import create_app
from db.migrate import upgrade
from db.models import HumanTask, User
from engine.core.settings import Settings
from engine.people.accounts import create_unit, create_user
from engine.procedures.definitions import deploy
from engine.runtime import operations
from engine.spiff.clock import FrozenClock

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PASSWORD = "a long password"
REQUEST = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
           "contact": {"email": "aida@example.kg"}, "subject": "Bus fares", "question": "Will bus fares rise?"}


def seed(app: Any, cases: int) -> tuple[str, int]:
    sessions, ctx = app.extensions["jarchy.sessions"], app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        deploy(session, (WORKFLOWS / "information_request.bpmn").read_bytes(), actor="bench",
               at=ctx.now())
        create_unit(session, key="transport", name="Transport", actor="bench", at=ctx.now())
        create_user(session, username="pr", display_name="PR", password=PASSWORD, roles=["pr_department"],
                    actor="bench", at=ctx.now())
        create_user(session, username="ps", display_name="PS", password=PASSWORD, roles=["press_secretary"],
                    unit="transport", actor="bench", at=ctx.now())
    for _ in range(cases):
        with sessions.begin() as session:
            pr = session.scalars(select(User).where(User.username == "pr")).one()
            case = operations.start(session, ctx, pr, "information_request", REQUEST)
            triage = session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id)).one()
            operations.complete_task(session, ctx, pr, triage.id, {"handler": "press_secretary", "unit": "transport",
                                                                 "contributors": []})
    with sessions() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.bpmn_id == "prepare_answer")).first()
        assert task is not None
        return task.id, task.instance_id


def timed(call: Callable[[], Any], reps: int) -> list[float]:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        from db.session import make_engine

        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek")))
        app = create_app({"SETTINGS": Settings(database_url=url, secret_key="bench" * 8, var_dir=Path(folder)),
                          "CLOCK": clock})
        task_id, case_id = seed(app, args.cases)
        web, api = app.test_client(), app.test_client()
        page = web.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        web.post("/sign-in", data={"username": "ps", "password": PASSWORD, "csrf_token": token})
        bearer = api.post("/api/v1/auth/token", json={"username": "ps", "password": PASSWORD}).get_json()
        headers = {"Authorization": f"Bearer {bearer['access_token']}"}
        pairs = {
            "inbox (20 of N tasks)": (lambda: web.get("/inbox"), lambda: api.get("/api/v1/tasks", headers=headers)),
            "task with its form": (lambda: web.get(f"/tasks/{task_id}"),
                                   lambda: api.get(f"/api/v1/tasks/{task_id}", headers=headers)),
            "case with history": (lambda: web.get(f"/cases/{case_id}"), lambda: api.get(
                f"/api/v1/process-instances/{case_id}/history", headers=headers)),
        }
        print(f"{args.cases} cases (as many open tasks for the press secretary), {args.reps} reps, "
              "medians in ms")
        print("| what | page | API | page/API |\n| --- | ---: | ---: | ---: |")
        for name, (page_call, api_call) in pairs.items():
            timed(page_call, 3)
            timed(api_call, 3)
            page_times, api_times = [], []
            for _ in range(args.reps):
                page_times += timed(page_call, 1)
                api_times += timed(api_call, 1)
            p, a = statistics.median(page_times) * 1000, statistics.median(api_times) * 1000
            print(f"| {name} | {p:.1f} | {a:.1f} | {p / a:.1f}x |")


if __name__ == "__main__":
    main()
