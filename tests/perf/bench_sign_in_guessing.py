"""A signed-in user's inbox while eight clients guess passwords: with the sign-in throttle, and with it lifted.

Run from the repo root: `.venv/bin/python tests/perf/bench_sign_in_guessing.py [--seconds 30] [--addresses 1]
[--postgres]`. Not collected by pytest, not part of CI; everything it sends goes to 127.0.0.1.

For each mode, `jarchy serve` (gunicorn, one worker, 4 threads, production argon2: 64 MiB, 4 lanes a hash) runs
in a child process on a fresh database (SQLite in a temporary folder, or a schema of its own in the PostgreSQL at
JARCHY_TEST_POSTGRES with --postgres) with JARCHY_PROXY_HOPS=1. One user signs in through the page and loads
/inbox (20 open tasks) every 100 ms: first alone, then while eight guessers, each at its own account and from one
X-Forwarded-For address (--addresses 8: each from its own), post wrong passwords to /api/v1/auth/token as fast as
the answers come back. "lifted" sets the throttle's limit out of reach in the server process, which is what 0.4
did (every attempt hashed); "throttled" is the shipped limit of 10 failures in 10 minutes.

It prints the inbox's median and 90th percentile alone, under guessing while attempts are still hashed (all of the
run when lifted; with the throttle, the first ten attempts from an address or at an account are hashed), and once
every guesser has been answered 429; the ratio of the last (of the whole run when lifted) to alone; and what the
guessers got (401s were hashed, 429s were not).
Compare ratios between runs; absolute times depend on the machine's load."""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from _postgres import PG_URL
from _serving import serving
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long password"
GUESSERS = 8
CASES = 20
SECRET = "bench-secret-key-0123456789abcdef"
REQUEST = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
           "contact": {"email": "aida@example.kg"}, "subject": "Bus fares", "question": "Will bus fares rise?"}


def seed(url: str) -> None:
    """Migrated schema, the information request deployed, the inbox's user with CASES open triage tasks, and the
    guessers' target accounts; production argon2 for every password."""
    from db.migrate import upgrade
    from db.models import User
    from db.session import make_engine, make_sessionmaker
    from engine.context import EngineContext
    from engine.core.settings import Settings
    from engine.people.accounts import create_user
    from engine.procedures.definitions import deploy
    from engine.runtime import operations
    from engine.spiff.clock import SystemClock

    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    ctx = EngineContext(Settings(database_url=url, secret_key=SECRET), clock=SystemClock())
    with sessions.begin() as session:
        deploy(session, (ROOT / "workflows" / "information_request.bpmn").read_bytes(), actor="bench",
               at=ctx.now())
        create_user(session, username="pr", display_name="PR", password=PASSWORD, roles=["pr_department"],
                    actor="bench", at=ctx.now())
        for n in range(GUESSERS):
            create_user(session, username=f"target{n}", display_name=f"Target {n}", password=PASSWORD,
                        roles=["legal"], actor="bench", at=ctx.now())
    for _ in range(CASES):
        with sessions.begin() as session:
            pr = session.scalars(select(User).where(User.username == "pr")).one()
            operations.start(session, ctx, pr, "information_request", REQUEST)
    engine.dispose()


def serve(port: int, lifted: bool) -> None:
    """The child process: `jarchy serve`, the throttle lifted first when asked."""
    if lifted:
        from engine.people import sign_in

        sign_in.LIMIT = 10**9
    from api.cli import main

    main(["serve", "--port", str(port), "--threads", "4"], standalone_mode=False)


@contextlib.contextmanager
def server(url: str, lifted: bool, folder: Path) -> Iterator[str]:
    env = {**os.environ, "JARCHY_DATABASE_URL": url, "JARCHY_SECRET_KEY": SECRET, "JARCHY_PROXY_HOPS": "1",
           "JARCHY_VAR_DIR": str(folder), "JARCHY_REDIS_URL": ""}
    argv = [sys.executable, __file__, "--serve", "{port}", *(["--lifted"] if lifted else [])]
    with serving(lambda port: [a.format(port=port) for a in argv], env, folder, ROOT, seconds=20) as port:
        yield f"http://127.0.0.1:{port}"


def signed_in(base: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/sign-in", timeout=30).read().decode()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode({"username": "pr", "password": PASSWORD, "csrf_token": csrf}).encode()
    opener.open(f"{base}/sign-in", data=form, timeout=30).close()
    assert opener.open(f"{base}/inbox", timeout=30).status == 200
    return opener


def inbox_times(opener: urllib.request.OpenerDirector, base: str, seconds: float) -> list[tuple[float, float]]:
    """(when it was asked, how long it took), every 100 ms for `seconds`."""
    times, until = [], time.monotonic() + seconds
    while time.monotonic() < until:
        asked, started = time.monotonic(), time.perf_counter()
        with opener.open(f"{base}/inbox", timeout=120) as response:
            response.read()
            assert response.status == 200 and response.url.endswith("/inbox"), response.url
        times.append((asked, time.perf_counter() - started))
        time.sleep(0.1)
    return times


class Guesser(threading.Thread):
    """Wrong passwords at one account from one address, one after the other, until stopped."""

    def __init__(self, base: str, n: int, address: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.n, self.address, self.stop = base, n, address, stop
        self.answers: Counter[int] = Counter()
        self.first_refusal: float | None = None  # when the throttle first answered 429

    def run(self) -> None:
        body = json.dumps({"username": f"target{self.n}", "password": "not the password"}).encode()
        headers = {"Content-Type": "application/json", "X-Forwarded-For": self.address}
        while not self.stop.is_set():
            request = urllib.request.Request(f"{self.base}/api/v1/auth/token", data=body, headers=headers,
                                             method="POST")
            try:
                urllib.request.urlopen(request, timeout=120).close()  # noqa: S310
                self.answers[200] += 1
            except urllib.error.HTTPError as error:
                self.answers[error.code] += 1
                if error.code == 429 and self.first_refusal is None:
                    self.first_refusal = time.monotonic()


def ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{1000 * values[0]:.0f}"
    return f"{1000 * statistics.quantiles(values, n=10, method='inclusive')[int(q * 10) - 1]:.0f}"


def run_mode(url: str, lifted: bool, seconds: float, addresses: int, folder: Path) -> dict[str, object]:
    seed(url)
    with server(url, lifted, folder) as base:
        user = signed_in(base)
        inbox_times(user, base, 1.0)  # warm-up
        alone = [took for _, took in inbox_times(user, base, min(seconds / 2, 10))]
        stop = threading.Event()
        guessers = [Guesser(base, n, f"198.51.100.{n % addresses + 1}", stop) for n in range(GUESSERS)]
        for guesser in guessers:
            guesser.start()
        try:
            during = inbox_times(user, base, seconds)
        finally:
            stop.set()
            for guesser in guessers:
                guesser.join(timeout=120)
    refusals = [g.first_refusal for g in guessers]
    all_refused = max(refusals) if refusals and None not in refusals else None  # type: ignore[type-var]
    return {"alone": alone,
            "hashing": [took for asked, took in during if all_refused is None or asked < all_refused],
            "throttled": [took for asked, took in during if all_refused is not None and asked >= all_refused],
            "answers": sum((g.answers for g in guessers), Counter()),
            "hashing_s": None if all_refused is None else all_refused - during[0][0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the guessers run in each mode")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--addresses", type=int, default=1, choices=range(1, GUESSERS + 1), metavar="1..8",
                        help="how many client addresses the guessers share out (default 1: all from one)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--lifted", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.lifted)
        return

    results = {}
    for mode, lifted in (("lifted (every attempt hashed, as in 0.4)", True), ("throttled", False)):
        with tempfile.TemporaryDirectory(prefix="jarchy-bench-") as folder:
            if args.postgres:
                schema = f"bench_sign_in_{os.getpid()}"
                admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
                try:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                except OperationalError as exc:
                    raise SystemExit(f"PostgreSQL at {PG_URL} is not reachable: {exc.orig}") from exc
                try:
                    results[mode] = run_mode(f"{PG_URL}?options=-csearch_path%3D{schema}", lifted, args.seconds,
                                             args.addresses, Path(folder))
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    admin.dispose()
            else:
                results[mode] = run_mode(f"sqlite:///{folder}/bench.db", lifted, args.seconds, args.addresses,
                                         Path(folder))

    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\n{database}, {GUESSERS} guessers (an account each, from {args.addresses} address(es)) for "
          f"{args.seconds:.0f} s, the inbox "
          f"every 100 ms, {datetime.now(ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC; times in ms, median / p90")
    print("| mode | inbox alone | under guessing, while attempts are hashed | once every guesser gets 429 "
          "| ratio to alone, median | guessers' answers |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for mode, r in results.items():
        alone, hashing, throttled = r["alone"], r["hashing"], r["throttled"]
        assert isinstance(alone, list) and isinstance(hashing, list) and isinstance(throttled, list)
        steady = throttled or hashing
        answers = ", ".join(f"{n} x {code}" for code, n in sorted(r["answers"].items()))  # type: ignore[attr-defined]
        until = f" (the first {r['hashing_s']:.1f} s)" if r["hashing_s"] is not None else ""
        print(f"| {mode} | {ms(alone, 0.5)} / {ms(alone, 0.9)} | {ms(hashing, 0.5)} / {ms(hashing, 0.9)}{until} "
              f"| {ms(throttled, 0.5)} / {ms(throttled, 0.9)} "
              f"| {statistics.median(steady) / statistics.median(alone):.1f}x | {answers} |")
    print(f"\nmachine: cpu_count={os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
