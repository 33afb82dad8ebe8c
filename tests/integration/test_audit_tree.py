"""The Merkle tree over the audit events: every event a leaf in seq order, integrated once, and its roots and proofs
read from the stored subtrees agree with a tree recomputed from the events themselves."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, update

from db.models import AuditEvent, AuditTreeNode
from db.vocabulary import EventType
from engine.audit import chain, merkle, tree
from tests.conftest import seal_audit

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def record(sessions: Any, count: int, start: int = 0) -> None:
    """`count` events written, then sealed as the sweep would."""
    with sessions.begin() as session:
        for i in range(start, start + count):
            chain.record(session, type=EventType("user.created"), at=AT, actor="admin", subject=f"user{i}",
                         after={"n": i})
    seal_audit(sessions)


def all_leaves(sessions: Any) -> list[bytes]:
    with sessions() as session:
        return [tree.leaf_of(e) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_each_event_is_a_leaf_and_roots_of_every_prefix_match_a_recomputed_tree(sessions: Any) -> None:
    record(sessions, 13)
    with sessions.begin() as session:
        assert tree.integrate(session).size == 13
    record(sessions, 22, start=13)
    with sessions.begin() as session:
        grown = tree.integrate(session)
    leaves = all_leaves(sessions)
    assert grown == tree.TreeHead(35, merkle.root(leaves))
    with sessions() as session:
        for size in range(0, 36):
            assert tree.root_at(session, size) == merkle.root(leaves[:size])
        # about two stored nodes an event, not one per prefix
        assert session.scalar(select(func.count()).select_from(AuditTreeNode)) < 2 * 35


def test_integrating_again_adds_nothing(sessions: Any) -> None:
    record(sessions, 5)
    with sessions.begin() as session:
        first = tree.integrate(session)
    with sessions.begin() as session:
        again = tree.integrate(session)
        assert session.scalar(select(func.count()).select_from(AuditTreeNode)) == 5 + 2 + 1
    assert again == first


def test_proofs_from_the_store_verify_against_the_roots(sessions: Any) -> None:
    record(sessions, 21)
    with sessions.begin() as session:
        tree.integrate(session)
    leaves = all_leaves(sessions)
    with sessions() as session:
        for size in (1, 8, 13, 21):
            root = tree.root_at(session, size)
            for index in range(size):
                proof = tree.inclusion_proof(session, index, size)
                assert merkle.verify_inclusion(leaves[index], index, size, proof, root)
            for old in range(1, size + 1):
                assert merkle.verify_consistency(old, size, tree.root_at(session, old), root,
                                                 tree.consistency_proof(session, old, size))
        with pytest.raises(ValueError):
            tree.inclusion_proof(session, 3, 22)  # not integrated yet: no proof is made up


def test_a_chain_that_does_not_link_is_never_integrated(sessions: Any) -> None:
    record(sessions, 4)
    with sessions.begin() as session:
        tree.integrate(session)
    record(sessions, 4, start=4)
    with sessions.begin() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 6).values(subject="rewritten"))
    with sessions() as session, pytest.raises(tree.ChainBroken) as broken:
        tree.integrate(session)
    assert broken.value.seq == 6
    with sessions() as session:
        assert tree.head(session).size == 4


def test_a_checkpoint_signs_what_the_tree_holds_and_opens_with_the_office_key(sessions: Any, settings: Any) -> None:
    from engine.audit import checkpoints, keys, notes

    record(sessions, 6)
    with sessions.begin() as session:
        made = checkpoints.create(session, settings, AT)
        again = checkpoints.create(session, settings, AT)  # nothing new: the same checkpoint, not a second one
    assert again.id == made.id
    opened = notes.open_note(made.note, keys.public_key(settings))
    assert (opened.size, opened.root, opened.signed_at) == (6, merkle.root(all_leaves(sessions)), AT)
    assert (settings.var_dir / keys.DEFAULT_FILE).stat().st_mode & 0o777 == 0o600


def test_a_broken_chain_stops_the_checkpoint_with_its_event_named_and_not_the_sweep(
        sessions: Any, settings: Any, jarchy: Any) -> None:
    from engine.background import sweeper

    record(sessions, 3)
    with sessions.begin() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(subject="rewritten"))
    with pytest.raises(tree.ChainBroken):
        sweeper.keep_checkpoints(sessions, settings, AT, now=True)
    result = jarchy("audit", "checkpoint")
    assert result.exit_code == 1 and "broken at event 2" in result.output
    with sessions() as session:
        assert tree.head(session).size == 0


def test_many_proofs_at_once_are_the_proofs_one_at_a_time(sessions: Any) -> None:
    record(sessions, 37)
    with sessions.begin() as session:
        tree.integrate(session)
    with sessions() as session:
        many = tree.inclusion_proofs(session, range(0, 30), 30, batch=7)
        assert many == {index: tree.inclusion_proof(session, index, 30) for index in range(30)}
