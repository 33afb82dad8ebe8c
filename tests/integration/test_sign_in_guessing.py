"""Guessing passwords through the API: throttled per account and per client address, before any hashing,
for ten minutes at most, and written in the audit."""

from __future__ import annotations

import ipaddress
import threading
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditEvent
from engine.people import accounts
from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token"
WRONG = "not the password at all"


def attempt(app: Any, username: str, password: str, address: str = "192.0.2.10",
            headers: dict[str, str] | None = None) -> Any:
    return app.test_client().post(TOKEN, json={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def guess(app: Any, username: str, times: int, address: str = "192.0.2.10") -> None:
    for _ in range(times):
        response = attempt(app, username, WRONG, address)
        assert response.status_code == 401, response.get_json()


def events(sessions: Any, type_: str) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.id)))


def test_after_ten_wrong_passwords_even_the_right_one_gets_429_with_retry_after(app: Any, cast: Any) -> None:
    guess(app, "pr", 10)
    response = attempt(app, "pr", PASSWORD)
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "600"  # all ten failed at this very moment of the frozen clock
    assert response.get_json()["status"] == 429 and "for this account" in response.get_json()["detail"]


def test_nine_wrong_passwords_still_let_the_owner_in(app: Any, cast: Any) -> None:
    guess(app, "pr", 9)
    assert attempt(app, "pr", PASSWORD).status_code == 200


def test_the_throttle_ends_by_itself_when_the_window_has_passed(app: Any, cast: Any, clock: Any) -> None:
    guess(app, "pr", 10)
    clock.advance(minutes=9, seconds=59)
    still = attempt(app, "pr", PASSWORD)
    assert still.status_code == 429 and still.headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    assert attempt(app, "pr", PASSWORD).status_code == 200


def test_the_window_slides_so_old_failures_stop_counting_one_by_one(app: Any, cast: Any, clock: Any) -> None:
    guess(app, "pr", 5)
    clock.advance(minutes=4)
    guess(app, "pr", 5)
    assert attempt(app, "pr", PASSWORD).headers["Retry-After"] == "360"  # when the first five leave the window
    clock.advance(minutes=6)
    assert attempt(app, "pr", PASSWORD).status_code == 200


def test_one_address_guessing_across_accounts_is_throttled_but_others_are_not(app: Any, cast: Any) -> None:
    for username in ("admin", "auditor", "prhead", "pr", "leader", "lawyer", "nobody", "ghost", "x", "y"):
        guess(app, username, 1, address="198.51.100.7")
    refused = attempt(app, "ps_health", PASSWORD, address="198.51.100.7")
    assert refused.status_code == 429 and "from this address" in refused.get_json()["detail"]
    assert attempt(app, "ps_health", PASSWORD, address="203.0.113.99").status_code == 200


def test_one_account_guessed_from_many_addresses_is_throttled_at_each_of_them(app: Any, cast: Any,
                                                                               sessions: Any) -> None:
    for n in range(10):
        guess(app, "admin", 1, address=f"198.51.100.{n + 1}")
    for n in range(10):
        refused = attempt(app, "admin", PASSWORD, address=f"198.51.100.{n + 1}")
        assert refused.status_code == 429 and refused.get_json()["detail"].startswith(
            "too many failed sign-ins for this account;")
    assert [(e.subject, e.after["scope"]) for e in events(sessions, "sign_in.throttled")] == [("user:admin", "account")]
    assert attempt(app, "auditor", PASSWORD, address="203.0.113.99").status_code == 200


def test_unknown_usernames_are_throttled_like_real_ones(app: Any, cast: Any) -> None:
    for n in range(10):
        guess(app, "nobody", 1, address=f"198.51.100.{n + 1}")
    assert attempt(app, "nobody", WRONG, address="198.51.100.1").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(settings: Any, clock: Any, cast: Any) -> None:
    from api import create_app

    proxied = create_app({"SETTINGS": settings.with_(proxy_hops=1), "CLOCK": clock, "TESTING": True})
    for _ in range(10):
        response = attempt(proxied, "nobody", WRONG, address="10.0.0.1", headers={"X-Forwarded-For": "192.0.2.66"})
        assert response.status_code == 401
    assert attempt(proxied, "pr", PASSWORD, address="10.0.0.1",
                   headers={"X-Forwarded-For": "192.0.2.66"}).status_code == 429
    assert attempt(proxied, "pr", PASSWORD, address="10.0.0.1",
                   headers={"X-Forwarded-For": "192.0.2.67"}).status_code == 200


class CountingHasher:
    """The tests' light argon2 hasher, counting what it is asked to verify."""

    def __init__(self, hasher: Any) -> None:
        self._hasher, self.verified = hasher, 0

    def verify(self, hash_: str, password: str) -> bool:
        self.verified += 1
        return bool(self._hasher.verify(hash_, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hasher, name)


def test_a_throttled_attempt_computes_no_hash(app: Any, cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", counting)
    guess(app, "pr", 10)
    assert counting.verified == 10
    for password in (PASSWORD, WRONG):
        assert attempt(app, "pr", password).status_code == 429
    assert counting.verified == 10


def test_failures_and_the_start_of_a_throttle_are_audited_without_the_password(app: Any, cast: Any,
                                                                                 sessions: Any) -> None:
    guess(app, "pr", 9)
    guess(app, "ghost", 1)  # the tenth from this address
    for _ in range(5):
        assert attempt(app, "pr", PASSWORD).status_code == 429

    failed = events(sessions, "sign_in.failed")
    assert len(failed) == 10
    assert failed[0].after == {"username": "pr", "address": "192.0.2.10", "reason": "wrong password"}
    assert failed[-1].after == {"username": "ghost", "address": "192.0.2.10", "reason": "no such user"}
    assert failed[0].subject == "user:pr" and failed[0].actor is None
    throttled = events(sessions, "sign_in.throttled")
    assert [(e.subject, e.after["scope"]) for e in throttled] == [("address:192.0.2.10", "address")]
    assert throttled[0].after["until"].startswith("2026-03-02T03:10:00")  # 09:10 in Bishkek
    for event in failed + throttled:
        assert WRONG not in str(event.after) and PASSWORD not in str(event.after)


def test_a_deactivated_account_counts_as_a_failure_with_its_reason(as_: Any, app: Any, sessions: Any) -> None:
    as_("admin").patch("/api/v1/users/lawyer", json={"active": False})
    assert attempt(app, "lawyer", PASSWORD).status_code == 401
    assert events(sessions, "sign_in.failed")[-1].after["reason"] == "deactivated"


def test_while_a_password_is_being_hashed_other_requests_can_write(app: Any, cast: Any, database_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite every transaction holds the database's write lock: a sign-in must not keep one open through its
    slow hash, or every other user waits for every guess."""
    from sqlalchemy import create_engine, text

    # Another process's connection, giving up after half a second instead of the app's 30 s.
    other = create_engine(database_url, connect_args={"timeout": 0.5} if database_url.startswith("sqlite") else {})
    written: list[int] = []

    class WritingMeanwhile(CountingHasher):
        def verify(self, hash_: str, password: str) -> bool:
            with other.begin() as conn:
                conn.execute(text("INSERT INTO units (key, name, created_at) VALUES (:k, 'Meanwhile', :at)"),
                             {"k": f"unit-{len(written)}", "at": "2026-03-02 03:00:00"})
            written.append(1)
            return super().verify(hash_, password)

    monkeypatch.setattr(accounts, "_hasher", WritingMeanwhile(accounts._hasher))
    try:
        assert attempt(app, "pr", WRONG).status_code == 401
        assert attempt(app, "pr", PASSWORD).status_code == 200
    finally:
        other.dispose()
    assert written == [1, 1]


def test_attempts_in_flight_at_once_never_hash_more_than_the_limit(app: Any, cast: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Sixteen wrong passwords at one account from one address, all at once: each attempt holds its place before its
    hash, so no more than LIMIT are ever hashed, however the attempts interleave."""
    from engine.people import sign_in

    attempts = 16
    state = threading.Condition()
    arrived, refused, answers = [0], [0], []

    class HeldHasher(CountingHasher):
        # Holds every hash until each attempt is either hashing or refused: without a reservation before the hash,
        # all sixteen would be in here together.
        def verify(self, hash_: str, password: str) -> bool:
            with state:
                arrived[0] += 1
                state.notify_all()
                state.wait_for(lambda: arrived[0] + refused[0] >= attempts, timeout=10)
            return super().verify(hash_, password)

    counting = HeldHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", counting)

    def one() -> None:
        response = attempt(app, "pr", WRONG)
        with state:
            answers.append(response.status_code)
            if response.status_code == 429:
                refused[0] += 1
                state.notify_all()

    threads = [threading.Thread(target=one) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert counting.verified == arrived[0] == sign_in.LIMIT
    assert sorted(answers) == [401] * sign_in.LIMIT + [429] * (attempts - sign_in.LIMIT)
    assert attempt(app, "pr", PASSWORD).status_code == 429


@pytest.mark.parametrize(("address", "same", "other"), [
    ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:3::1"),
    ("::ffff:192.0.2.10", "192.0.2.10", "192.0.2.11"),
])
def test_an_ipv6_network_counts_as_one_address_and_a_mapped_ipv4_as_its_ipv4(app: Any, cast: Any, address: str,
                                                                              same: str, other: str) -> None:
    first = ipaddress.ip_address(address)
    for n in range(10):
        # A client with a /64 picks a new address for each guess; a mapped IPv4 is the same host.
        source = str(first + n) if first.version == 6 and first.ipv4_mapped is None else address
        guess(app, f"nobody{n}", 1, address=source)
    refused = attempt(app, "ps_health", PASSWORD, address=same)
    assert refused.status_code == 429 and "from this address" in refused.get_json()["detail"]
    assert attempt(app, "ps_health", PASSWORD, address=other).status_code == 200


def test_the_address_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.people.sign_in import address_key

    assert address_key("192.0.2.10") == "192.0.2.10"
    assert address_key("2001:db8:1:2:3:4:5:6") == address_key("2001:DB8:1:2::9") == "2001:db8:1:2::/64"
    assert address_key("::ffff:192.0.2.10") == "192.0.2.10"
    assert address_key(None) == "unknown"
    assert address_key("not an address") == "not an address"


def test_guessers_are_throttled_on_an_account_while_its_owner_elsewhere_still_signs_in(app: Any, cast: Any,
                                                                                       sessions: Any) -> None:
    guess(app, "pr", 10, address="198.51.100.7")
    assert attempt(app, "pr", PASSWORD, address="198.51.100.7").status_code == 429
    assert attempt(app, "pr", PASSWORD, address="203.0.113.5").status_code == 200
    assert attempt(app, "pr", PASSWORD, address="198.51.100.7").status_code == 429
    assert [(e.subject, e.after["scope"]) for e in events(sessions, "sign_in.throttled")] == [
        ("user:pr", "account"), ("address:198.51.100.7", "address")]


def test_a_stranger_guessing_once_a_minute_never_keeps_the_owner_out(app: Any, cast: Any, clock: Any) -> None:
    for _ in range(45):
        assert attempt(app, "pr", WRONG, address="198.51.100.7").status_code in (401, 429)
        assert attempt(app, "pr", PASSWORD, address="203.0.113.5").status_code == 200
        clock.advance(minutes=1)


def test_a_wrong_password_from_a_new_address_counts_and_then_that_address_is_throttled_too(app: Any,
                                                                                          cast: Any) -> None:
    for n in range(10):
        guess(app, "admin", 1, address=f"198.51.100.{n + 1}")
    assert attempt(app, "admin", WRONG, address="203.0.113.99").status_code == 401
    refused = attempt(app, "admin", PASSWORD, address="203.0.113.99")
    assert refused.status_code == 429 and refused.get_json()["detail"].endswith("try again in 600 seconds")
    assert "for this account" in refused.get_json()["detail"]


def test_a_throttled_attempt_waits_for_no_writer(app: Any, cast: Any, database_url: str) -> None:
    """On SQLite a transaction that may write takes the database's write lock when it begins: the count that refuses
    a throttled attempt only reads, so a flood of refusals neither waits for writers nor holds them back."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's readers never wait for writers")
    from sqlalchemy import create_engine

    guess(app, "pr", 10)
    writer = create_engine(database_url)
    answered: list[int] = []
    try:
        with writer.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # another request's write under way
            thread = threading.Thread(target=lambda: answered.append(attempt(app, "pr", PASSWORD).status_code))
            thread.start()
            thread.join(timeout=5)
            while_writing = list(answered)
            conn.exec_driver_sql("ROLLBACK")
        thread.join(timeout=60)
    finally:
        writer.dispose()
    assert while_writing == [429]
