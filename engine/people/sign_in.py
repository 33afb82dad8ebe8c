"""Signing in with a password, throttled per account and per client address; used by the API's token and the page.

Each wrong password (or unknown username) is a row of `sign_in_failures`, shared by every process. Before any
password is hashed, the failures of the last WINDOW are counted for the username as typed and for the client's
address (an IPv6 client by its /64, which it may rotate through freely; an IPv4-mapped IPv6 as its IPv4):

- the address scope: an address with LIMIT failures (on any accounts) is refused, even with the right password;
- the account scope: an account with LIMIT failures (from any addresses) is refused to the addresses that
  themselves failed on it within the window, the guessers. An address that has not failed on this account in the
  window may still try: its owner signs in with the right password however many strangers are guessing, while a
  wrong password from it counts, and from then on it is refused like the others.

A refusal (`TooManyAttempts`: HTTP 429 and Retry-After) costs a few index lookups in a read-only transaction (on
SQLite no write lock) instead of an argon2 hash (64 MiB, several threads), and adds no failure, so a throttle ends
by itself WINDOW after the failures that started it: strangers can delay an account, never lock it for good.

An attempt that passes the count reserves its place before hashing: a failure row committed in a short transaction
of its own, counted and written under one lock per account and address (SQLite's write lock; PostgreSQL's advisory
locks), so attempts in flight at the same moment see each other and at most LIMIT are ever hashed per account and
address within the window. The hash runs outside any transaction. A right password deletes this address's
failures on the account, the reservation among them; a wrong one keeps the row as its failure.

A sliding window counted by the engine's clock; hand-written because the rate limiters on PyPI either keep their
counts in memory or in Redis, and neither is shared by the embedded single-process set-up and a fleet of gunicorn
workers the way the database is.

The audit records every failed sign-in (`sign_in.failed`) and the moment a throttle starts
(`sign_in.throttled`); the attempts a throttle refuses are not written one by one, so a flood of them costs no
writes. No event holds a password.
"""

from __future__ import annotations

import ipaddress
import math
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from db.models import SignInFailure, User
from db.session import is_postgresql
from db.vocabulary import EventType
from engine.audit import chain
from engine.core.errors import Code, TooManyAttempts, Unauthenticated
from engine.people import accounts

LIMIT = 10
WINDOW = timedelta(minutes=10)
# The columns' width: no account name is longer, and an address longer than this is no IP address.
KEY_LENGTH: int = SignInFailure.__table__.c.username.type.length
# PostgreSQL advisory-lock namespaces (the first key of pg_advisory_xact_lock(int, int)): one for accounts, one for
# addresses, so that an account and an address whose names hash alike never share a lock.
_ACCOUNT_LOCKS, _ADDRESS_LOCKS = 0x5349_0001, 0x5349_0002


@dataclass(frozen=True)
class _Standing:
    """What counts against an attempt at `at`: the newest failures (at most LIMIT, oldest first) at the account and
    from the address, and this address's latest failure on this account (None: it is no guesser here)."""

    account: list[datetime]
    address: list[datetime]
    guessed_here: datetime | None


class Apart(Protocol):
    """Transactions apart from the request's, which the request layer opens and commits (docs/architecture.md)."""

    def reading(self) -> AbstractContextManager[Session]:
        """A transaction that only reads (on SQLite: without the write lock)."""
        ...

    def writing(self) -> AbstractContextManager[Session]:
        """A transaction committed when the block ends without an error."""
        ...


def authenticate(session: Session, username: str, password: str, *, address: str | None, at: datetime,
                 apart: Apart) -> User:
    """The active user whose password this is. Raises `TooManyAttempts` before checking anything while the account
    (for an address that guessed at it) or the address is throttled, else `Unauthenticated` (and counts the failure).

    Unlike the rest of the engine this function works in transactions of its own besides the request's, which the
    request layer gives it (`apart`): the count (read only), the reservation before the hash, and a failure's audit
    events. A reservation must be seen by concurrent attempts before this one's slow hash ends, and a failure must
    stay written although the request answers 401 and rolls its own session back. `session` (the caller's
    transaction) is used only after the hash and only for a right password: on SQLite its first use takes the write
    lock, which these transactions also need.
    """
    account, source = username[:KEY_LENGTH], address_key(address)
    # A flood of refused attempts only reads: no write lock on SQLite, no row written.
    with apart.reading() as peek:
        _refuse_if_throttled(_standing(peek, account, source, at), at)
        found = peek.execute(select(User.id, User.password_hash, User.active)
                             .where(User.username == username)).one_or_none()
    # Counted again under the lock, and the place held, so that attempts in flight together are counted together.
    with apart.writing() as reserving:
        _lock(reserving, account, source)
        standing = _standing(reserving, account, source, at)
        _refuse_if_throttled(standing, at)
        reserving.add(SignInFailure(username=account, address=source, failed_at=at))
    # Hashed outside any transaction: on SQLite every writing transaction holds the database's write lock
    # (db.session), which a slow hash would keep from every other request.
    matches = accounts.password_matches(found.password_hash if found else None, password)
    if matches and found is not None and found.active:
        user = session.get(User, found.id)
        # Deactivated since the count (rare): refused; the reservation stays as its failure, unaudited, because
        # `session` now holds the write lock on SQLite and a session of our own could not write.
        if user is None or not user.active:
            raise Unauthenticated("wrong username or password", code=Code.WRONG_CREDENTIALS)
        accounts.upgrade_hash(user, password)
        # The owner's own slips from this address are forgiven, this attempt's reservation among them; failures
        # from elsewhere keep counting.
        session.execute(delete(SignInFailure).where(SignInFailure.username == account,
                                                    SignInFailure.address == source))
        return user
    reason = "no such user" if found is None else ("deactivated" if not found.active else "wrong password")
    with apart.writing() as recording:
        _record_failure(recording, account, source, reason, at, standing)
    raise Unauthenticated("wrong username or password", code=Code.WRONG_CREDENTIALS)


def address_key(address: str | None) -> str:
    """The client as the address scope counts it: an IPv4 address as it is, an IPv6 one by its /64 (one
    subscriber's network, through which a client may rotate its address at will), an IPv4-mapped IPv6 as its
    IPv4; anything else (no address, or a proxy's odd header) as given."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:KEY_LENGTH]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        # From the integer, so that a scope id (fe80::1%eth0) does not make its own key.
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _lock(session: Session, account: str, source: str) -> None:
    """Serialise reservations at this account and from this address. SQLite's BEGIN IMMEDIATE already holds the
    database's write lock; PostgreSQL's READ COMMITTED would let two attempts both count nine and both write, so
    each takes the account's then the address's advisory lock, always in that order (no deadlock), to its commit."""
    if not is_postgresql(session):
        return
    for space, key in ((_ACCOUNT_LOCKS, account), (_ADDRESS_LOCKS, source)):
        session.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"), {"space": space, "key": key})


def _standing(session: Session, account: str, source: str, at: datetime) -> _Standing:
    since = at - WINDOW
    guessed_here = session.scalar(select(func.max(SignInFailure.failed_at)).where(
        SignInFailure.username == account, SignInFailure.address == source, SignInFailure.failed_at > since))
    return _Standing(account=_recent(session, SignInFailure.username == account, at),
                     address=_recent(session, SignInFailure.address == source, at), guessed_here=guessed_here)


def _recent(session: Session, which: Any, at: datetime) -> list[datetime]:
    """The failures still counting at `at`, oldest first (at most LIMIT are ever needed)."""
    rows = session.scalars(select(SignInFailure.failed_at).where(which, SignInFailure.failed_at > at - WINDOW)
                           .order_by(SignInFailure.failed_at.desc()).limit(LIMIT))
    return sorted(rows)


def _refuse_if_throttled(standing: _Standing, at: datetime) -> None:
    """Raise `TooManyAttempts` with the seconds until every scope refusing this attempt has let go of it."""
    ends: dict[str, datetime] = {}
    if len(standing.account) >= LIMIT and standing.guessed_here is not None:
        # Refused until the account falls below LIMIT or this address's own last guess at it leaves the window.
        ends["account"] = min(standing.account[-LIMIT], standing.guessed_here) + WINDOW
    if len(standing.address) >= LIMIT:
        ends["address"] = standing.address[-LIMIT] + WINDOW
    if ends:
        retry_after = max(1, math.ceil((max(ends.values()) - at).total_seconds()))
        raise TooManyAttempts(f"too many failed sign-ins {_which(list(ends))}; try again in {retry_after} seconds",
                              retry_after, code=Code.THROTTLED)


def _which(scopes: list[str]) -> str:
    return " and ".join({"account": "for this account", "address": "from this address"}[s] for s in scopes)


def _record_failure(session: Session, account: str, source: str, reason: str, at: datetime,
                    standing: _Standing) -> None:
    """The audit of a failure whose row the reservation already wrote (`standing`: what it counted before it), in a
    transaction of its own (`session`, apart from the request's); failures out of the window are pruned on the way."""
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= at - WINDOW))
    chain.record(session, type=EventType.SIGN_IN_FAILED, at=at, actor=None, subject=f"user:{account}",
                 after={"username": account, "address": source, "reason": reason})
    for scope, failures in (("account", standing.account), ("address", standing.address)):
        # The reservations are counted one at a time under the lock: exactly one attempt is the LIMIT-th.
        if len(failures) + 1 == LIMIT:
            until = sorted([*failures, at])[-LIMIT] + WINDOW
            chain.record(session, type=EventType.SIGN_IN_THROTTLED, at=at, actor=None,
                         subject=f"user:{account}" if scope == "account" else f"address:{source}",
                         after={"scope": scope, "username": account, "address": source, "failures": LIMIT,
                                "window_minutes": int(WINDOW.total_seconds() // 60),
                                "until": until.isoformat()})
