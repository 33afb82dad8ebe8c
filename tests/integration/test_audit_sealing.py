"""The audit chain without a global lock: writers only insert events, one background step seals them.

A writer never waits for another writer's open transaction; the sealer never numbers an event before an earlier
transaction that may still add one has ended; concurrent sealers and many concurrent writers still give one gapless
chain that verifies (docs/audit.md, "Sealing: the chain without a global lock")."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from db.models import AuditChainHead, AuditEvent
from db.vocabulary import EventType
from engine.audit import chain, checkpoints
from engine.background import sweeper
from tests.conftest import seal_audit

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def write(session: Any, subject: str) -> AuditEvent:
    return chain.record(session, type=EventType("user.created"), at=AT, actor="admin", subject=subject,
                        after={"subject": subject})


def events(sessions: Any) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def assert_one_gapless_chain(sessions: Any, count: int) -> None:
    """Every event sealed, seq 1..count, each linked to the one before, and the chain verifies."""
    chained = sorted(events(sessions), key=lambda e: e.seq or 0)
    assert [e.seq for e in chained] == list(range(1, count + 1))
    previous = chain.GENESIS
    for event in chained:
        assert event.prev_hash == previous and event.hash == chain.chain_hash(previous, event)
        previous = event.hash
    with sessions() as session:
        result = chain.verify(session)
        head = session.get(AuditChainHead, chain.HEAD_ID)
    assert (result.ok, result.checked, result.unsealed) == (True, count, 0)
    assert head is not None and (head.last_seq, head.last_hash) == (count, previous)


def only_postgresql(sessions: Any) -> None:
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no concurrent transaction to wait for")


def test_a_written_event_waits_unsealed_until_the_sealer_chains_it(sessions: Any) -> None:
    with sessions.begin() as session:
        write(session, "a")
        write(session, "b")
    assert [(e.seq, e.prev_hash, e.hash) for e in events(sessions)] == [(None, None, None)] * 2
    with sessions() as session:
        assert session.get(AuditChainHead, chain.HEAD_ID) is None  # no writer touched the head
        assert chain.verify(session).unsealed == 2
    assert seal_audit(sessions) == 2
    assert [e.subject for e in sorted(events(sessions), key=lambda e: e.seq or 0)] == ["a", "b"]
    assert_one_gapless_chain(sessions, 2)


def test_a_writer_does_not_wait_for_another_writers_open_transaction(sessions: Any) -> None:
    only_postgresql(sessions)
    with sessions.begin() as session:  # a sealed history and its head row, as in a running office
        write(session, "earlier")
    seal_audit(sessions)
    first = sessions()
    try:
        first.begin()
        write(first, "first, still open")
        first.flush()
        with sessions.begin() as second:
            # Waiting for a lock fails at once instead of blocking: the old chain head would have been held here.
            second.execute(text("SET LOCAL lock_timeout = '500ms'"))
            write(second, "second, committed")
        first.commit()
    finally:
        first.close()
    assert seal_audit(sessions) == 2
    assert_one_gapless_chain(sessions, 3)


def test_the_sealer_never_seals_past_an_earlier_open_transaction(sessions: Any) -> None:
    only_postgresql(sessions)
    first = sessions()
    try:
        first.begin()
        early = write(first, "T1")
        first.flush()
        with sessions.begin() as second:
            write(second, "T2")
        with sessions.begin() as session:
            chain.seal_all(session)
        later = {e.subject: e.seq for e in events(sessions)}
        assert later == {"T2": None}  # committed, but T1 may still add events before it: it waits
        first.commit()
        early_id = early.id
    finally:
        first.close()
    assert seal_audit(sessions) == 2
    by_subject = {e.subject: e for e in events(sessions)}
    assert by_subject["T1"].id == early_id and (by_subject["T1"].seq, by_subject["T2"].seq) == (1, 2)
    assert_one_gapless_chain(sessions, 2)


def test_two_sealers_at_once_make_one_gapless_chain(sessions: Any) -> None:
    for batch in range(6):
        with sessions.begin() as session:
            for i in range(10):
                write(session, f"{batch}-{i}")
    start = threading.Barrier(2)
    sealed: list[int] = []
    failures: list[BaseException] = []

    def sealer() -> None:
        try:
            start.wait()
            while True:
                with sessions.begin() as session:
                    done = chain.seal(session, limit=7)
                sealed.append(done)
                if done == 0:
                    return
        except BaseException as exc:  # noqa: BLE001 (reported by the test's thread)
            failures.append(exc)

    threads = [threading.Thread(target=sealer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    seal_audit(sessions)  # on PostgreSQL another test process's transaction may have held a few back
    assert_one_gapless_chain(sessions, 60)
    assert sum(sealed) <= 60  # no event numbered twice


def test_the_chain_verifies_after_many_concurrent_writers_and_a_sealer(sessions: Any) -> None:
    writers, transactions, per_transaction = 8, 8, 3
    start = threading.Barrier(writers + 1)
    stop = threading.Event()
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for t in range(transactions):
                with sessions.begin() as session:
                    for i in range(per_transaction):
                        write(session, f"w{n}-t{t}-{i}")
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    def sealer() -> None:
        try:
            start.wait()
            while not stop.is_set():
                with sessions.begin() as session:
                    chain.seal(session, limit=10)
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    sealing = threading.Thread(target=sealer)
    for thread in [*threads, sealing]:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    sealing.join()
    assert failures == []
    seal_audit(sessions)
    count = writers * transactions * per_transaction
    assert_one_gapless_chain(sessions, count)
    # Within a transaction the events keep the order they were written in.
    by_transaction: dict[str, list[int]] = {}
    for event in sorted(events(sessions), key=lambda e: e.seq or 0):
        assert event.subject is not None
        by_transaction.setdefault(event.subject.rsplit("-", 1)[0], []).append(int(event.subject.rsplit("-", 1)[1]))
    assert all(order == list(range(per_transaction)) for order in by_transaction.values())


def test_the_sweep_seals_and_reading_the_verification_writes_nothing(as_: Any, sessions: Any, ctx: Any) -> None:
    seal_audit(sessions)  # the cast's accounts
    with sessions.begin() as session:
        write(session, "fresh")
    body = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert body["ok"] is True and body["unsealed"] == 1
    assert as_("auditor").get("/api/v1/audit/verify").get_json()["unsealed"] == 1  # the read sealed nothing
    result = sweeper.sweep(sessions, ctx)
    with sessions() as session:
        fresh = session.scalars(select(AuditEvent).where(AuditEvent.subject == "fresh")).one()
    if sessions.kw["bind"].dialect.name == "sqlite":  # on PostgreSQL another test process may hold it back a while
        assert result.sealed == 1 and fresh.seq is not None
    seal_audit(sessions)
    body = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert body["ok"] is True and body["unsealed"] == 0 and body["checked"] >= 2


def test_an_unsealed_event_is_in_no_checkpoint_nor_any_export_with_proofs(as_: Any, sessions: Any,
                                                                          settings: Any) -> None:
    seal_audit(sessions)
    with sessions.begin() as session:
        signed = checkpoints.create(session, settings, AT)
    with sessions.begin() as session:
        waiting = write(session, "after the checkpoint")
    auditor = as_("auditor")
    body = auditor.get("/api/v1/audit?proofs=true").get_json()
    assert "after the checkpoint" not in {e["subject"] for e in body["items"]}
    assert len(body["items"]) == signed.size and all(e["proof"] for e in body["items"])
    plain = auditor.get("/api/v1/audit").get_json()["items"]
    shown = next(e for e in plain if e["subject"] == "after the checkpoint")
    assert shown["seq"] is None and shown["hash"] is None  # listed, not yet chained
    refused = auditor.get(f"/api/v1/audit/events/{waiting.id}/proof")
    assert refused.status_code == 409 and refused.get_json()["code"] == "not_checkpointed"


def test_jarchy_audit_verify_seals_what_was_written_then_checks_it(sessions: Any, jarchy: Any) -> None:
    with sessions.begin() as session:
        for subject in ("a", "b", "c"):
            write(session, subject)
    result = jarchy("audit", "verify")
    assert result.exit_code == 0 and "chain intact" in result.output
    if sessions.kw["bind"].dialect.name == "sqlite":  # on PostgreSQL another test process may hold it back a while
        assert "3 events, chain intact" in result.output
        assert_one_gapless_chain(sessions, 3)


def test_the_chain_of_events_written_before_0026_continues_unchanged(tmp_path: Any) -> None:
    """Events chained at flush by 0.4's writers keep their seq and hashes; the sealer links the next to them."""
    from db.migrate import upgrade
    from db.session import make_engine, make_sessionmaker

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0025")
    previous, rows = chain.GENESIS, []
    for seq in (1, 2):
        fields = {"seq": seq, "occurred_at": AT.isoformat(), "actor": "admin", "type": "user.created",
                  "instance_id": None, "task_id": None, "subject": f"old{seq}", "before": None, "after": None}
        digest = chain.link(previous, chain.canonical_fields(fields))
        rows.append({"seq": seq, "at": "2026-12-01 09:00:00.000000", "subject": f"old{seq}", "prev": previous,
                     "hash": digest})
        previous = digest
    with engine.begin() as conn:
        for row in rows:
            conn.execute(text("INSERT INTO audit_events (seq, occurred_at, actor, type, subject, prev_hash, hash) "
                              "VALUES (:seq, :at, 'admin', 'user.created', :subject, :prev, :hash)"), row)
        conn.execute(text("INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, 2, :h)"), {"h": previous})
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        assert chain.verify(session) == chain.Verification(ok=True, checked=2)
    with sessions.begin() as session:
        write(session, "new")
    assert seal_audit(sessions) == 1
    chained = {e.subject: e for e in events(sessions)}
    assert [(chained[s].seq, chained[s].hash) for s in ("old1", "old2")] == [(1, rows[0]["hash"]), (2, previous)]
    assert chained["new"].seq == 3 and chained["new"].prev_hash == previous
    assert_one_gapless_chain(sessions, 3)
    engine.dispose()


def test_a_sweep_does_not_wait_for_another_sweepers_seal_and_the_next_round_seals(sessions: Any) -> None:
    only_postgresql(sessions)
    with sessions.begin() as session:  # a head row, as in a running office
        write(session, "earlier")
    seal_audit(sessions)
    with sessions.begin() as session:
        write(session, "later")
    holder = sessions()
    sealed: list[int] = []
    try:
        holder.begin()
        holder.execute(text("SELECT id FROM audit_chain_head FOR UPDATE"))  # another sweeper, sealing
        # Two workers ending their sweeps together: the second waited for the first's seal, idle, before.
        sweep = threading.Thread(target=lambda: sealed.append(sweeper.seal_events(sessions)))
        sweep.start()
        sweep.join(timeout=10)
        assert not sweep.is_alive(), "the sweep waited for the other sealer"
    finally:
        holder.rollback()
        holder.close()
        sweep.join()
    assert sealed == [0]
    assert seal_audit(sessions) == 1
    assert_one_gapless_chain(sessions, 2)
