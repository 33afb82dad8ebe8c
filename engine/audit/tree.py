"""The Merkle tree over the audit events, kept in the database: one leaf per event in seq order.

A leaf is RFC 9162's hash of the event's canonical form (`chain.canonical`, the same bytes its chain hash covers),
so an export's events rebuild their leaves with nothing but `engine.audit.merkle`. The tree grows when new events
are integrated (`integrate`, run by every checkpoint): never on the write path, which only appends events and their
chain links, so a writer waits for no tree. Integration reads the new events in order, refuses a chain that does
not link, and writes each complete subtree once (about two rows an event); a root or a proof then reads O(log n)
stored nodes in one query, whatever the size of the log.

The stored nodes are the server's own bookkeeping: an outsider trusts only the signed checkpoints
(`engine.audit.checkpoints`), and a check against one (`engine.audit.outside`) hashes the events themselves again
(`recomputed_leaves`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, AuditTree, AuditTreeNode
from engine.audit import chain, merkle

TREE_ID = 1
BATCH = 2000


@dataclass(frozen=True)
class TreeHead:
    size: int
    root: bytes


class ChainBroken(Exception):
    """The events to integrate do not link: the tree never commits to a broken chain."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"the audit chain is broken at event {seq} ({reason}): see `jarchy audit verify`")
        self.seq, self.reason = seq, reason


def leaf_of(event: AuditEvent) -> bytes:
    return merkle.leaf_hash(chain.canonical(event).encode())


def head(session: Session) -> TreeHead:
    """What the tree holds now (without integrating)."""
    tree = session.get(AuditTree, TREE_ID)
    return TreeHead(0, merkle.EMPTY_ROOT) if tree is None else TreeHead(tree.size, tree.root)


def integrate(session: Session) -> TreeHead:
    """Add every event recorded since the last integration, in seq order, under a lock of the tree's row (so two
    checkpoints never integrate the same events twice); flushes, the caller commits."""
    tree = session.scalars(
        select(AuditTree).where(AuditTree.id == TREE_ID).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if tree is None:
        tree = AuditTree(id=TREE_ID, size=0, root=merkle.EMPTY_ROOT)
        session.add(tree)
        session.flush()
    frontier = merkle.Frontier(tree.size, list(_nodes(session, merkle.Frontier.nodes(tree.size)).values())
                               if tree.size else [])
    prev_hash = chain.GENESIS if tree.size == 0 else session.scalar(
        select(AuditEvent.hash).where(AuditEvent.seq == tree.size))
    if prev_hash is None:
        raise ChainBroken(tree.size, "the last integrated event is missing")
    rows: list[dict[str, object]] = []
    for event in _events_after(session, tree.size):
        if event.seq != frontier.size + 1:
            raise ChainBroken(frontier.size + 1, "missing")
        if event.prev_hash != prev_hash or chain.chain_hash(prev_hash, event) != event.hash:
            raise ChainBroken(event.seq, "does not match its chain hash")
        prev_hash = event.hash
        rows.extend({"level": level, "idx": idx, "hash": digest}
                    for level, idx, digest in frontier.append(leaf_of(event)))
        if len(rows) >= BATCH:
            session.execute(insert(AuditTreeNode), rows)
            rows = []
    if rows:
        session.execute(insert(AuditTreeNode), rows)
    tree.size, tree.root = frontier.size, frontier.root()
    session.flush()
    return TreeHead(tree.size, tree.root)


def root_at(session: Session, size: int) -> bytes:
    """The root of the tree's first `size` leaves (size at most what is integrated)."""
    _within(session, size)
    return merkle.range_hash(0, size, _nodes(session, merkle.subtrees(0, size)))


def inclusion_proof(session: Session, index: int, size: int) -> list[bytes]:
    """RFC 9162's audit path of leaf `index` (the event of seq index + 1) in the tree of `size` leaves."""
    _within(session, size)
    ranges = merkle.inclusion_ranges(index, size)
    return _range_hashes(session, ranges)


def inclusion_proofs(session: Session, indices: Iterable[int], size: int, batch: int = 200) -> dict[int, list[bytes]]:
    """The audit paths of many leaves in the tree of `size` (an export's): the stored nodes they need are read
    once, `batch` leaves' worth a query, instead of one query a leaf."""
    _within(session, size)
    wanted = sorted(set(indices))
    paths: dict[int, list[bytes]] = {}
    for at in range(0, len(wanted), batch):
        ranges = {index: merkle.inclusion_ranges(index, size) for index in wanted[at:at + batch]}
        nodes = _nodes(session, sorted(merkle.nodes_of(r for rs in ranges.values() for r in rs)))
        paths |= {index: [merkle.range_hash(start, end, nodes) for start, end in rs] for index, rs in ranges.items()}
    return paths


def consistency_proof(session: Session, old_size: int, new_size: int) -> list[bytes]:
    """RFC 9162's proof that the tree of `old_size` is a prefix of the one of `new_size`."""
    _within(session, new_size)
    return _range_hashes(session, merkle.consistency_ranges(old_size, new_size))


def stored_leaves(session: Session, start: int, end: int) -> list[bytes]:
    """The stored leaf hashes of events seq start+1 .. end (a witness's mirror copies them)."""
    _within(session, end)
    return [n.hash for n in session.scalars(
        select(AuditTreeNode).where(AuditTreeNode.level == 0, AuditTreeNode.idx >= start, AuditTreeNode.idx < end)
        .order_by(AuditTreeNode.idx))]


def recomputed_leaves(session: Session, size: int) -> Iterator[tuple[int, bytes]]:
    """(seq, leaf) of the events as they are in the table now, in seq order, up to seq `size`: what a check
    against a checkpoint trusts instead of the stored nodes."""
    for event in _events_after(session, 0, upto=size):
        yield event.seq, leaf_of(event)


def _events_after(session: Session, seq: int, upto: int | None = None) -> Iterable[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.seq > seq)
    if upto is not None:
        query = query.where(AuditEvent.seq <= upto)
    return session.scalars(query.order_by(AuditEvent.seq).execution_options(yield_per=BATCH))


def _within(session: Session, size: int) -> None:
    held = head(session).size
    if not 0 <= size <= held:
        raise ValueError(f"the tree holds {held} events, not {size}")


def _range_hashes(session: Session, ranges: list[merkle.Range]) -> list[bytes]:
    nodes = _nodes(session, sorted(merkle.nodes_of(ranges)))
    return [merkle.range_hash(start, end, nodes) for start, end in ranges]


def _nodes(session: Session, wanted: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The stored hashes of these subtrees, in the order asked, in one query."""
    wanted = list(wanted)
    if not wanted:
        return {}
    # One `level = ? AND idx IN (...)` a level, OR'ed: both databases look each up in the primary key, where a
    # row-value `(level, idx) IN (...)` makes SQLite (3.40) scan the whole table, O(n) a proof.
    by_level: dict[int, list[int]] = {}
    for level, idx in wanted:
        by_level.setdefault(level, []).append(idx)
    found = {(n.level, n.idx): n.hash for n in session.scalars(
        select(AuditTreeNode).where(or_(*(and_(AuditTreeNode.level == level, AuditTreeNode.idx.in_(indexes))
                                          for level, indexes in by_level.items()))))}
    missing = [node for node in wanted if node not in found]
    if missing:
        raise LookupError(f"the tree's stored nodes {missing[:3]} are missing")
    return {node: found[node] for node in wanted}
