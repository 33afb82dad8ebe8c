"""RFC 9162's Merkle tree (Certificate Transparency v2, section 2.1): hashing, proofs and their verification.

Pure functions over hashes, no storage: `engine.audit.tree` keeps the tree's nodes in the database and the offline
verifier (`jarchy audit verify-export`) checks proofs with nothing but this module. Leaves and interior nodes are
hashed apart (0x00 and 0x01 prefixes), so a node can never be passed off as a leaf.

A proof is asked for in two steps, so that a store can fetch every node a proof needs in one query:
`inclusion_ranges` / `consistency_ranges` say which leaf ranges' hashes the proof consists of, `subtrees` splits a
range into the complete subtrees (level, index) a store keeps, and `range_hash` folds their hashes into the range's.

Hand-written: the Python implementations of RFC 9162 are either private parts of larger clients (sigstore's) or
unmaintained; the algorithms are short and checked here against the RFC's definition and its published test roots."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]  # leaves [start, end)
Node = tuple[int, int]  # (level, index): the complete subtree of leaves [index * 2**level, (index + 1) * 2**level)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """The root of a tree over these leaf hashes (MTH), bottom-up."""
    if not leaves:
        return EMPTY_ROOT
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def subtrees(start: int, end: int) -> list[Node]:
    """The complete subtrees that make up leaves [start, end), largest first, for a range that starts on a
    boundary of its own size (every range of a proof does; a prefix [0, n) does)."""
    nodes: list[Node] = []
    at = start
    for level in range((end - start).bit_length() - 1, -1, -1):
        size = 1 << level
        if (end - at) & size:
            if at % size:
                raise ValueError(f"range [{start}, {end}) is not aligned")
            nodes.append((level, at // size))
            at += size
    return nodes


def range_hash(start: int, end: int, hashes: Mapping[Node, bytes]) -> bytes:
    """MTH of leaves [start, end) from the hashes of its complete subtrees: RFC 9162 splits at the largest power
    of two, which is the first subtree; the rest folds from the right."""
    if start == end:
        return EMPTY_ROOT
    pieces = [hashes[node] for node in subtrees(start, end)]
    folded = pieces[-1]
    for piece in reversed(pieces[:-1]):
        folded = node_hash(piece, folded)
    return folded


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose hashes make up PATH(index, D[0:size]) (RFC 9162 2.1.3.1), from the leaf up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """The ranges whose hashes make up PROOF(old_size, D[0:new_size]) (RFC 9162 2.1.4.1), in the RFC's order."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency from {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    ranges: list[Range] = []
    m, start, end, whole = old_size, 0, new_size, True
    while True:
        n = end - start
        if m == n:
            if not whole:
                ranges.append((start, end))
            break
        k = split_point(n)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            m, start, whole = m - k, start + k, False
    return ranges[::-1]


def nodes_of(ranges: Iterable[Range]) -> set[Node]:
    return {node for start, end in ranges for node in subtrees(start, end)}


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], expected_root: bytes) -> bool:
    """RFC 9162 2.1.3.2: does `path` lead from the leaf hash at `index` to `expected_root` of a tree of `size`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       path: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2: is the tree of `old_size` with `old_root` a prefix of the one of `new_size`?"""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if old_size == 0:
        return not path and old_root == EMPTY_ROOT
    if not path:
        return False
    proof = list(path)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself the proof's first node
        proof.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The right edge of a growing tree: the hashes of its complete subtrees, largest first (a "compact range"),
    at most log2(size) of them. Appending a leaf is O(log n) and yields the nodes it completes."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        levels = [level for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]
        if len(levels) != len(hashes):
            raise ValueError(f"a tree of {size} leaves has {len(levels)} right-edge subtrees, not {len(hashes)}")
        self.size = size
        self._stack: list[tuple[int, bytes]] = list(zip(levels, hashes, strict=True))

    @staticmethod
    def nodes(size: int) -> list[Node]:
        """The (level, index) of the subtrees a Frontier of `size` leaves holds, largest first."""
        return subtrees(0, size)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; returns (level, index, hash) of the leaf and of every subtree it completes."""
        index = self.size
        made = [(0, index, leaf)]
        level, current = 0, leaf
        while self._stack and self._stack[-1][0] == level:
            current = node_hash(self._stack.pop()[1], current)
            level += 1
            made.append((level, index >> level, current))
        self._stack.append((level, current))
        self.size += 1
        return made

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        folded = self._stack[-1][1]
        for _, piece in reversed(self._stack[:-1]):
            folded = node_hash(piece, folded)
        return folded
