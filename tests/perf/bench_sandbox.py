"""What running scripts in sandbox processes costs against running them in the server's own process, and how
long stopping a runaway takes. Run from the repo root: `.venv/bin/python tests/perf/bench_sandbox.py [--n N]`
(about 30 s). See tests/perf/README.md.

- one condition, one script calling the calendar: the median time of one evaluation, in-process
  (RestrictedEnvironment, as before the bounds) and through the pool (BoundedEnvironment), and their ratio; and a
  plain condition, which BoundedEnvironment answers without the pool (sent to it as before, for comparison);
- the information request's happy path in memory (bench_information_request's "a"), both ways: instances/s;
- a runaway (`sum(range(10**12))`) at the default 2 s bound: when the error is raised, and how long the next
  evaluation takes (it starts a fresh sandbox process)."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_information_request import InMemory  # noqa: E402

from engine.context import EngineContext  # noqa: E402
from engine.core.settings import Settings  # noqa: E402
from engine.spiff.clock import FrozenClock  # noqa: E402
from engine.spiff.sandbox import RestrictedEnvironment, ScriptLimitExceeded, in_process_engine  # noqa: E402
from engine.spiff.sandbox_bounds import BoundedEnvironment, Limits, make_script_engine  # noqa: E402

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
# About what an information request's data holds when its gateways are evaluated.
DATA: dict[str, Any] = {
    "channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
    "contact": {"email": "aida@example.kg"}, "subject": "Bus fares",
    "question": "Will bus fares rise next year? " * 8, "received_at": "2026-03-02T09:00:00+06:00",
    "handler": "press_secretary", "unit": "transport", "contributors": ["health", "education"],
    "deadline": {"from": "2026-03-02T09:00:00+06:00", "days": 14, "pauses": [], "extensions": []},
}
CONDITION = 'handler == "press_secretary" and len(contributors) > 0'
# A plain condition (engine.spiff.sandbox_bounds): BoundedEnvironment answers it without the pool since issue 19.
PLAIN = 'handler == "press_secretary" and unit != "health"'
SCRIPT = ("deadline = start_deadline(received_at, REQUEST_DEADLINE_DAYS)\n"
          "due_at = deadline_due(deadline)\n"
          "languages = list(PUBLICATION_LANGUAGES)\n")


def per_call(run: Callable[[], Any], n: int) -> float:
    """Median seconds of one call over 5 rounds of n calls, after 50 warm-up calls."""
    for _ in range(50):
        run()
    rounds = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(n):
            run()
        rounds.append((time.perf_counter() - began) / n)
    return statistics.median(rounds)


def rate(run_one: Callable[[], None], n: int) -> float:
    for _ in range(5):
        run_one()
    rounds = []
    for _ in range(3):
        began = time.perf_counter()
        for _ in range(n):
            run_one()
        rounds.append(n / (time.perf_counter() - began))
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000, help="evaluations per round")
    args = parser.parse_args()
    ctx = EngineContext(Settings(), FrozenClock(MONDAY_9))
    functions = ctx.script_functions()
    local = RestrictedEnvironment(functions.build(), office_now=functions.office_now)
    pooled = BoundedEnvironment(ctx.script_functions, Limits())

    rows = []
    for name, run_local, run_pooled in [
        ("a condition", lambda: local.evaluate(CONDITION, DATA), lambda: pooled.evaluate(CONDITION, DATA)),
        ("a script calling the calendar", lambda: local.execute(SCRIPT, dict(DATA)),
         lambda: pooled.execute(SCRIPT, dict(DATA))),
        ("a plain condition, sent to the pool (before issue 19)", lambda: local.evaluate(PLAIN, DATA),
         lambda: pooled._run("eval", PLAIN, DATA, None)),
        ("a plain condition, answered without the pool", lambda: local.evaluate(PLAIN, DATA),
         lambda: pooled.evaluate(PLAIN, DATA)),
    ]:
        a, b = per_call(run_local, args.n), per_call(run_pooled, args.n)
        rows.append((name, f"{a * 1e6:.0f} µs", f"{b * 1e6:.0f} µs", f"{b / a:.1f}x"))

    in_process = SimpleNamespace(now=ctx.now, clock=ctx.clock, script_engine=in_process_engine(functions.build()))
    a = rate(InMemory(in_process).run_one, 100)  # type: ignore[arg-type]
    b = rate(InMemory(ctx).run_one, 100)
    rows.append(("information request, whole happy path in memory", f"{a:.0f}/s", f"{b:.0f}/s", f"{a / b:.1f}x"))
    evaluations = []

    def counted() -> Any:
        evaluations.append(1)
        return ctx.script_functions()

    counting = SimpleNamespace(now=ctx.now, clock=ctx.clock, script_engine=make_script_engine(counted, Limits()))
    InMemory(counting).run_one()  # type: ignore[arg-type]

    print(f"{len(evaluations)} evaluations (scripts, conditions, expressions) per information request\n")
    print("| what | in-process | sandbox pool | pool/in-process |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")

    began = time.perf_counter()
    try:
        pooled.evaluate("sum(range(10**12))", {})
    except ScriptLimitExceeded as exc:
        stopped = time.perf_counter() - began
        began = time.perf_counter()
        pooled.evaluate("1", {})
        fresh = time.perf_counter() - began
        print(f"\nrunaway: '{exc.message}' raised after {stopped:.2f} s; the next evaluation took {fresh:.2f} s "
              "(a fresh sandbox process)")
    print(f"machine: cpu_count={os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}")


if __name__ == "__main__":
    main()
