"""Signing in with a password, throttled per account and per client address; used by the API's token and the page.

Each wrong password (or unknown username) is a row of `sign_in_failures`, shared by every process. Before any
password is hashed, the failures of the last WINDOW are counted for the username as typed and for the client's
address: at LIMIT of either, the attempt is refused with `TooManyAttempts` (HTTP 429 and Retry-After), even with
the right password, and costs two index lookups instead of an argon2 hash (64 MiB, several threads). A refused
attempt adds no failure, so a throttle ends by itself WINDOW after the failure that started it: strangers can
delay an account, never lock it for good. A sliding window counted by the engine's clock; hand-written because
the rate limiters on PyPI either keep their counts in memory or in Redis, and neither is shared by the embedded
single-process set-up and a fleet of gunicorn workers the way the database is.

The audit records every failed sign-in (`sign_in.failed`) and the moment a throttle starts
(`sign_in.throttled`); the attempts a throttle refuses are not written one by one, so a flood of them costs no
writes. No event holds a password.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import SignInFailure, User
from engine import accounts, audit
from engine.errors import TooManyAttempts, Unauthenticated

LIMIT = 10
WINDOW = timedelta(minutes=10)
# The columns' width: no account name is longer, and an address longer than this is no IP address.
KEY_LENGTH = 64
# A session whose sign-in was refused still commits what this module wrote (the failure and its audit):
# the request's boundary reads this flag (api.database).
KEEP_ON_REFUSAL = "jarchy.keep_on_refusal"


def authenticate(session: Session, username: str, password: str, *, address: str | None, at: datetime) -> User:
    """The active user whose password this is. Raises `TooManyAttempts` before checking anything while the account or
    the address is throttled, else `Unauthenticated` (and counts the failure)."""
    account, source = username[:KEY_LENGTH], (address or "unknown")[:KEY_LENGTH]
    # Read in a short transaction of its own and hash outside any: on SQLite every transaction holds the database's
    # write lock (db.session), which a slow hash would keep from every other request. `session` is first used after.
    with Session(bind=session.get_bind()) as peek:
        counts = {"account": _recent(peek, SignInFailure.username == account, at),
                  "address": _recent(peek, SignInFailure.address == source, at)}
        throttled = [scope for scope, failures in counts.items() if len(failures) >= LIMIT]
        if throttled:
            retry_after = max(_retry_after(counts[scope], at) for scope in throttled)
            raise TooManyAttempts(f"too many failed sign-ins {_which(throttled)}; try again in {retry_after} seconds",
                                  retry_after)
        found = peek.execute(select(User.id, User.password_hash).where(User.username == username)).one_or_none()
    matches = accounts.password_matches(found.password_hash if found else None, password)
    user = session.get(User, found.id) if found else None
    if matches and user is not None and user.active:
        accounts.upgrade_hash(user, password)
        # The owner's own slips from this address are forgiven; failures from elsewhere keep counting.
        session.execute(delete(SignInFailure).where(SignInFailure.username == account,
                                                    SignInFailure.address == source))
        return user
    reason = "no such user" if user is None else ("deactivated" if not user.active else "wrong password")
    _record_failure(session, account, source, reason, at, counts)
    raise Unauthenticated("wrong username or password")


def must_keep(session: Session) -> bool:
    """Whether this session holds what a refused sign-in must still write."""
    return bool(session.info.get(KEEP_ON_REFUSAL))


def _recent(session: Session, which: Any, at: datetime) -> list[datetime]:
    """The failures still counting at `at`, oldest first (at most LIMIT + a few are ever needed)."""
    rows = session.scalars(select(SignInFailure.failed_at).where(which, SignInFailure.failed_at > at - WINDOW)
                           .order_by(SignInFailure.failed_at.desc()).limit(LIMIT))
    return sorted(rows)


def _retry_after(failures: list[datetime], at: datetime) -> int:
    """Seconds until the oldest of the LIMIT newest failures leaves the window, and the count drops below LIMIT."""
    return max(1, math.ceil((failures[-LIMIT] + WINDOW - at).total_seconds()))


def _which(scopes: list[str]) -> str:
    return " and ".join({"account": "for this account", "address": "from this address"}[s] for s in scopes)


def _record_failure(session: Session, account: str, source: str, reason: str, at: datetime,
                    counts: dict[str, list[datetime]]) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= at - WINDOW))
    session.add(SignInFailure(username=account, address=source, failed_at=at))
    audit.record(session, type="sign_in.failed", at=at, actor=None, subject=f"user:{account}",
                 after={"username": account, "address": source, "reason": reason})
    for scope, failures in counts.items():
        if len(failures) + 1 == LIMIT:
            until = sorted([*failures, at])[-LIMIT] + WINDOW
            audit.record(session, type="sign_in.throttled", at=at, actor=None,
                         subject=f"user:{account}" if scope == "account" else f"address:{source}",
                         after={"scope": scope, "username": account, "address": source, "failures": LIMIT,
                                "window_minutes": int(WINDOW.total_seconds() // 60), "until": until.isoformat()})
    session.info[KEEP_ON_REFUSAL] = True
    session.flush()
