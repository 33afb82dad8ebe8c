"""RFC 9162's tree: roots, inclusion and consistency proofs, against the RFC's recursive definitions written out
literally here and the test roots published with RFC 6962's reference implementation."""

from __future__ import annotations

import hashlib

import pytest

from engine.audit import merkle

# The eight leaves of RFC 6962's reference tests and the roots of their prefixes (certificate-transparency's
# merkle_tree_test, reused by transparency-dev/merkle).
LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def mth(data: list[bytes]) -> bytes:
    """RFC 9162 2.1.1, word for word."""
    n = len(data)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1 << ((n - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(data[:k]) + mth(data[k:])).digest()


def path(m: int, data: list[bytes]) -> list[bytes]:
    """RFC 9162 2.1.3.1."""
    n = len(data)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return path(m, data[:k]) + [mth(data[k:])]
    return path(m - k, data[k:]) + [mth(data[:k])]


def subproof(m: int, data: list[bytes], whole: bool) -> list[bytes]:
    """RFC 9162 2.1.4.1."""
    n = len(data)
    if m == n:
        return [] if whole else [mth(data)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return subproof(m, data[:k], whole) + [mth(data[k:])]
    return subproof(m - k, data[k:], False) + [mth(data[:k])]


def stored(data: list[bytes]) -> dict[merkle.Node, bytes]:
    """Every complete subtree's hash, as a store would keep them after appending the leaves one by one."""
    frontier, nodes = merkle.Frontier(), {}
    for item in data:
        for level, index, digest in frontier.append(merkle.leaf_hash(item)):
            nodes[(level, index)] = digest
    return nodes


def proof_from_store(ranges: list[merkle.Range], nodes: dict[merkle.Node, bytes]) -> list[bytes]:
    return [merkle.range_hash(start, end, nodes) for start, end in ranges]


DATA = [f"event {i}".encode() for i in range(37)]


def test_the_published_roots_of_every_prefix() -> None:
    for size in range(1, 9):
        leaves = [merkle.leaf_hash(x) for x in LEAVES[:size]]
        assert merkle.root(leaves).hex() == ROOTS[size - 1]
        assert mth(LEAVES[:size]).hex() == ROOTS[size - 1]
    assert merkle.root([]) == hashlib.sha256(b"").digest()


def test_the_root_of_any_prefix_comes_from_the_stored_subtrees() -> None:
    nodes = stored(DATA)
    for size in range(1, len(DATA) + 1):
        assert merkle.range_hash(0, size, nodes) == mth(DATA[:size])


def test_a_frontier_resumed_from_its_stored_subtrees_goes_on_as_if_never_stopped() -> None:
    nodes = stored(DATA[:21])
    resumed = merkle.Frontier(21, [nodes[n] for n in merkle.Frontier.nodes(21)])
    for item in DATA[21:]:
        resumed.append(merkle.leaf_hash(item))
    assert resumed.root() == mth(DATA)


def test_inclusion_proofs_match_the_rfc_and_verify_for_every_leaf_of_every_size() -> None:
    nodes = stored(DATA)
    for size in range(1, len(DATA) + 1):
        root = mth(DATA[:size])
        for index in range(size):
            proof = proof_from_store(merkle.inclusion_ranges(index, size), nodes)
            assert proof == path(index, DATA[:size])
            assert merkle.verify_inclusion(merkle.leaf_hash(DATA[index]), index, size, proof, root)


def test_an_inclusion_proof_fails_for_another_leaf_a_changed_node_another_index_or_root() -> None:
    nodes = stored(DATA)
    size, index = 29, 11
    proof = proof_from_store(merkle.inclusion_ranges(index, size), nodes)
    leaf, root = merkle.leaf_hash(DATA[index]), mth(DATA[:size])
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), index, size, proof, root)
    assert not merkle.verify_inclusion(leaf, index + 1, size, proof, root)
    assert not merkle.verify_inclusion(leaf, index, size, proof, mth(DATA[:size + 1]))
    assert not merkle.verify_inclusion(leaf, index, size, proof[:-1], root)
    assert not merkle.verify_inclusion(leaf, index, size, [*proof, proof[0]], root)
    for i in range(len(proof)):
        bent = list(proof)
        bent[i] = bytes([bent[i][0] ^ 1]) + bent[i][1:]
        assert not merkle.verify_inclusion(leaf, index, size, bent, root)
    assert not merkle.verify_inclusion(leaf, size, size, proof, root)


def test_consistency_proofs_match_the_rfc_and_verify_between_every_two_sizes() -> None:
    nodes = stored(DATA)
    for new in range(1, len(DATA) + 1):
        for old in range(1, new + 1):
            proof = proof_from_store(merkle.consistency_ranges(old, new), nodes)
            assert proof == (subproof(old, DATA[:new], True) if old < new else [])
            assert merkle.verify_consistency(old, new, mth(DATA[:old]), mth(DATA[:new]), proof)


def test_a_consistency_proof_fails_when_the_old_tree_was_rewritten() -> None:
    nodes = stored(DATA)
    rewritten = list(DATA)
    rewritten[5] = b"edited"
    for old, new in ((8, 37), (13, 37), (6, 7), (6, 37), (16, 32)):
        proof = proof_from_store(merkle.consistency_ranges(old, new), nodes)
        assert merkle.verify_consistency(old, new, mth(DATA[:old]), mth(DATA[:new]), proof)
        assert not merkle.verify_consistency(old, new, mth(rewritten[:old]), mth(DATA[:new]), proof)
        assert not merkle.verify_consistency(old, new, mth(DATA[:old]), mth(rewritten[:new]), proof)
        if proof:
            assert not merkle.verify_consistency(old, new, mth(DATA[:old]), mth(DATA[:new]), proof[:-1])
    # a shrunk tree is never consistent with a larger one
    assert not merkle.verify_consistency(10, 9, mth(DATA[:10]), mth(DATA[:9]), [])


def test_the_empty_tree_is_a_prefix_of_every_tree() -> None:
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, mth(DATA[:5]), [])
    assert not merkle.verify_consistency(0, 5, mth(DATA[:1]), mth(DATA[:5]), [])


def test_a_misaligned_range_is_refused_not_miscomputed() -> None:
    with pytest.raises(ValueError):
        merkle.subtrees(3, 7)
    with pytest.raises(ValueError):
        merkle.inclusion_ranges(5, 5)
