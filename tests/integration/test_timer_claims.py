"""Sweepers claim due timers (engine.runtime.firing): a case another holds costs a sweep nothing, each timer fires
once, and a timer that cannot fire is tried once a sweep (issue 19 point 5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError

from db.models import AuditEvent, HumanTask, Timer
from db.vocabulary import TimerStatus
from engine.background.sweeper import fire_due
from engine.runtime import firing
from tests.cases import start
from tests.conftest import statements

pytestmark = pytest.mark.usefixtures("deployed")


def due_cases(as_: Any, n: int) -> list[int]:
    return [start(as_)["id"] for _ in range(n)]


def after_deadline(clock: Any, as_: Any, case_id: int) -> None:
    due = as_("prhead").get(f"/api/v1/process-instances/{case_id}").get_json()["due_at"]
    clock.set(datetime.fromisoformat(due) + timedelta(minutes=1))


def statuses(sessions: Any, ids: list[int]) -> list[str]:
    with sessions() as session:
        return [session.scalars(select(Timer.status).where(Timer.instance_id == i)).one() for i in ids]


def test_a_case_another_transaction_holds_costs_the_sweep_no_statement(
        as_: Any, app: Any, sessions: Any, ctx: Any, clock: Any, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no row locks: a transaction that holds a case holds the whole database")
    warm = due_cases(as_, 1)  # what a process reads once (the diagram, its forms) is read before counting
    after_deadline(clock, as_, warm[-1])
    assert fire_due(sessions, ctx, clock.now()) == 1
    alone = due_cases(as_, 2)
    after_deadline(clock, as_, alone[-1])
    with statements(app) as seen:
        assert fire_due(sessions, ctx, clock.now()) == 2
    cost_alone = len(seen)

    held, *others = due_cases(as_, 3)
    after_deadline(clock, as_, others[-1])
    engine = app.extensions["jarchy.engine"]
    with engine.connect() as holder:
        tx = holder.begin()
        holder.execute(text("SELECT id FROM process_instances WHERE id = :id FOR UPDATE"), {"id": held})
        with statements(app) as seen:
            assert fire_due(sessions, ctx, clock.now()) == 2
        tx.rollback()
    # Walking a list, the sweep began a transaction, read the held case's timer and tried its lock: 2 statements
    # more (and beside another sweeper, one such attempt for each timer the other fired).
    assert len(seen) <= cost_alone, seen
    assert statuses(sessions, [held, *others]) == ["pending", "fired", "fired"]
    assert fire_due(sessions, ctx, clock.now()) == 1  # released: the next sweep fires it
    assert statuses(sessions, [held]) == ["fired"]


def test_two_open_claims_take_two_different_timers(as_: Any, sessions: Any, clock: Any, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writing transaction at a time claim anything")
    cases = due_cases(as_, 2)
    after_deadline(clock, as_, cases[-1])
    with sessions.begin() as first, sessions.begin() as second:
        one = firing.claim_due(first, clock.now())
        other = firing.claim_due(second, clock.now())
        assert one is not None and other is not None
        assert {one.instance.id, other.instance.id} == set(cases)
        with sessions() as third:
            assert firing.claim_due(third, clock.now()) is None  # a third finds nothing it could take


def test_a_timer_that_cannot_fire_is_tried_once_a_sweep_and_fires_at_a_later_one(
        as_: Any, sessions: Any, ctx: Any, clock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    stuck, *others = due_cases(as_, 3)
    after_deadline(clock, as_, others[-1])
    real = firing.fire_locked
    tried: list[int] = []

    def flaky(session: Any, ctx: Any, timer_id: int, instance: Any, at: datetime) -> bool:
        if instance.id == stuck:
            tried.append(timer_id)
            raise OperationalError("INSERT ...", {}, Exception("the database went away"))  # not the case's fault
        return real(session, ctx, timer_id, instance, at)

    monkeypatch.setattr(firing, "fire_locked", flaky)
    assert fire_due(sessions, ctx, clock.now()) == 2
    assert len(tried) == 1  # passed, not claimed again by the same sweep
    assert statuses(sessions, [stuck, *others]) == ["pending", "fired", "fired"]
    monkeypatch.setattr(firing, "fire_locked", real)
    assert fire_due(sessions, ctx, clock.now()) == 1
    with sessions() as session:
        events = session.scalars(select(AuditEvent.instance_id).where(AuditEvent.type == "timer.fired")).all()
    assert sorted(events) == sorted([stuck, *others])


def test_a_sweep_tries_at_most_its_limit_and_the_next_takes_the_rest(as_: Any, sessions: Any, ctx: Any,
                                                                    clock: Any) -> None:
    cases = due_cases(as_, 3)
    after_deadline(clock, as_, cases[-1])
    assert fire_due(sessions, ctx, clock.now(), limit=2) == 2
    assert sorted(statuses(sessions, cases)) == ["fired", "fired", "pending"]
    assert fire_due(sessions, ctx, clock.now(), limit=2) == 1
    assert fire_due(sessions, ctx, clock.now(), limit=2) == 0


def test_a_firing_reads_what_its_step_needs_with_its_claim(as_: Any, app: Any, sessions: Any, ctx: Any,
                                                            clock: Any) -> None:
    """The claim reads the case's version's nonce and the calendar's fingerprint along (engine.runtime.steps.along),
    and the firing reads the timer again with the case's open tasks and waiting timers in one statement: neither
    the version nor the fingerprint nor the timer alone is a statement of its own (13 -> 9 on PostgreSQL)."""
    warm = due_cases(as_, 1)  # what a process reads once (the diagram, its forms) is read before counting
    after_deadline(clock, as_, warm[-1])
    assert fire_due(sessions, ctx, clock.now()) == 1
    [case] = due_cases(as_, 1)
    after_deadline(clock, as_, case)
    with statements(app) as seen:
        assert fire_due(sessions, ctx, clock.now()) == 1
    reads = [s.lstrip() for s in seen if s.lstrip().startswith("SELECT")]
    assert not [s for s in reads if s.startswith(("SELECT process_definitions.", "SELECT (SELECT count(*)"))], reads
    [claim, *_] = [s for s in reads if s.startswith("SELECT timers.")]
    assert "process_definitions" in claim and "calendar_overrides" in claim
    assert len([s for s in reads if s.startswith("SELECT timers.")]) == 2, reads  # and the sweep's last, empty
    [tasks] = [s for s in reads if s.startswith("SELECT human_tasks.")]
    assert "JOIN timers" in tasks
    assert statuses(sessions, [case]) == ["fired"]
    with sessions() as session:
        escalations = session.scalars(select(AuditEvent.type).where(AuditEvent.instance_id == case,
                                                                    AuditEvent.type == "timer.fired")).all()
    assert escalations == ["timer.fired"]


@pytest.mark.parametrize("meanwhile", ["fired", "held"])
def test_a_timer_another_changed_between_the_claim_and_the_firing_is_not_fired(
        meanwhile: str, as_: Any, sessions: Any, ctx: Any, clock: Any, database_url: str) -> None:
    """The firing reads the timer again under the case's lock (with the case's open tasks and waiting timers): a
    timer another sweeper fired, or a pause held, after this sweep's claim read it is left as it is."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets no other transaction write while a claim holds the database")
    [case] = due_cases(as_, 1)
    after_deadline(clock, as_, case)
    with sessions.begin() as session:
        claim = firing.claim_due(session, clock.now())
        assert claim is not None and claim.instance.id == case
        with sessions.begin() as other:  # the timer's own row: the claim locked the case's, not the timer's
            other.execute(update(Timer).where(Timer.id == claim.timer.id).values(
                status=TimerStatus(meanwhile), fired_at=clock.now() if meanwhile == "fired" else None))
        assert firing.fire_locked(session, ctx, claim.timer.id, claim.instance, clock.now()) is False
    assert statuses(sessions, [case]) == [meanwhile]
    with sessions() as session:
        fired = session.scalars(select(AuditEvent.id).where(AuditEvent.instance_id == case,
                                                            AuditEvent.type == "timer.fired")).all()
        escalations = session.scalars(select(HumanTask.id).where(HumanTask.instance_id == case,
                                                                 HumanTask.bpmn_id == "escalate_overdue")).all()
    assert (fired, escalations) == ([], [])
