"""RFC 9162 Merkle tree math for the transparency log: hashes, proofs, verification.

Why one pure module: the log, its tiles on disk and every verifier (the CLI, an
offline tlog-proof check) must agree bit for bit on the tree, so the math lives
here once, with no I/O. Generation never needs the whole tree in memory: the
caller hands in a ``NodeSource`` returning the stored hash of a complete
subtree ("level L, index N", as C2SP tlog-tiles stores them), and the
incomplete subtrees on the right edge of the tree are rebuilt from those.
Verification follows transparency-dev/merkle (proof.VerifyInclusion,
proof.VerifyConsistency) and is checked against its probe files in
tests/vectors/merkle; on top of it every hash must be 32 bytes.

Coordinates: node (level, index) covers leaves [index * 2**level, (index + 1) * 2**level).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

__all__ = [
    "HASH_SIZE",
    "NodeSource",
    "ProofError",
    "consistency_proof",
    "empty_root",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "nodes_needed_for_consistency",
    "nodes_needed_for_inclusion",
    "nodes_needed_for_root",
    "root_from_inclusion_proof",
    "root_from_leaves",
    "root_from_nodes",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
_MAX_SIZE = 1 << 64  # tree sizes and indexes are uint64 in every format that carries them

NodeSource = Callable[[int, int], bytes]
"""node(level, index): hash of the complete subtree of 2**level leaves from leaf index * 2**level."""

Node = tuple[int, int]
# A proof is planned as one group of nodes per proof hash: a group of one node is
# that node's hash; a longer group covers an incomplete subtree on the right edge,
# listed left to right, and its hash folds them from the right.
_Plan = list[list[Node]]


class ProofError(ValueError):
    """A proof, hash, size or index is invalid; the message says what is wrong."""


# ---------------------------------------------------------------- hashing


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the hash of one log entry."""
    h = hashlib.sha256(b"\x00")
    h.update(data)
    return h.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node (each child 32 bytes)."""
    return _node_hash(_hash("left", left), _hash("right", right))


def _node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def empty_root() -> bytes:
    """Root of the tree of size 0: SHA-256 of the empty string."""
    return hashlib.sha256(b"").digest()


def root_from_leaves(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of RFC 9162 §2.1.1, recursively from the leaf hashes (a reference for small trees)."""
    leaves = [_hash("leaf hash", h) for h in leaf_hashes]

    def mth(lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return leaves[lo]
        k = 1 << ((hi - lo - 1).bit_length() - 1)  # largest power of two < n
        return _node_hash(mth(lo, lo + k), mth(lo + k, hi))

    return mth(0, len(leaves)) if leaves else empty_root()


# ---------------------------------------------------------------- generation


def nodes_needed_for_root(size: int) -> list[Node]:
    """The complete subtrees whose hashes make the root of a tree of `size`, left to right."""
    _count("size", size)
    return _cover(0, size)


def nodes_needed_for_inclusion(index: int, size: int) -> list[Node]:
    """The complete subtrees `inclusion_proof` asks for, in the order it asks."""
    return _flatten(_inclusion_plan(index, size))


def nodes_needed_for_consistency(old: int, new: int) -> list[Node]:
    """The complete subtrees `consistency_proof` asks for, in the order it asks."""
    return _flatten(_consistency_plan(old, new))


def root_from_nodes(size: int, node: NodeSource) -> bytes:
    """Root of the tree of `size` from the stored complete subtrees."""
    nodes = nodes_needed_for_root(size)
    return _fold(nodes, node) if nodes else empty_root()


def inclusion_proof(index: int, size: int, node: NodeSource) -> list[bytes]:
    """RFC 9162 PATH(index, D[size]): the audit path of leaf `index` in the tree of `size`."""
    return [_fold(group, node) for group in _inclusion_plan(index, size)]


def consistency_proof(old_size: int, new_size: int, node: NodeSource) -> list[bytes]:
    """RFC 9162 PROOF(old_size, D[new_size]); empty for equal sizes.

    A proof from size 0 is an error, as verification rejects every one.
    """
    return [_fold(group, node) for group in _consistency_plan(old_size, new_size)]


def _inclusion_plan(index: int, size: int) -> _Plan:
    _count("index", index)
    _count("size", size)
    if index >= size:
        raise ProofError(f"index {index} >= size {size}")
    return _path(0, index, size)


def _consistency_plan(old: int, new: int) -> _Plan:
    _count("old size", old)
    _count("new size", new)
    if old > new:
        raise ProofError(f"old size {old} > new size {new}")
    if old == new:
        return []
    if old == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    # The old tree ends with its smallest complete subtree (level, index). The
    # proof is that node (unless it is the whole old tree, whose root the
    # verifier already has) followed by its audit path in the new tree.
    level = _trailing_zeros(old)
    index = (old - 1) >> level
    path = _path(level, index, new)
    return path if index == 0 else [[(level, index)], *path]


def _path(level: int, index: int, size: int) -> _Plan:
    """Audit path of the complete node (level, index) in the tree of `size`, bottom up.

    Climb the perfect tree of the next power of two: a sibling to the left is
    complete; one to the right is complete, or cut by the end of the tree (then
    the RFC tree uses the root of its part before `size`), or empty (no hash).
    """
    plan: _Plan = []
    while (1 << level) < size:
        sibling = index ^ 1
        start = sibling << level
        if start < size:
            plan.append(_cover(start, min(start + (1 << level), size)))
        level, index = level + 1, index >> 1
    return plan


def _cover(start: int, end: int) -> list[Node]:
    """Complete subtrees covering [start, end), left to right, largest first.

    `start` must be a multiple of a power of two >= end - start (true of 0 and of
    the start of any node), so the subtrees are the set bits of the length.
    """
    nodes = []
    for level in reversed(range((end - start).bit_length())):
        if (end - start) >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def _fold(nodes: list[Node], node: NodeSource) -> bytes:
    """Hash of consecutive subtrees as the RFC tree combines them: from the right."""
    hashes = [_hash(f"node {level}/{index}", node(level, index)) for level, index in nodes]
    result = hashes[-1]
    for h in reversed(hashes[:-1]):
        result = _node_hash(h, result)
    return result


def _flatten(plan: _Plan) -> list[Node]:
    return [n for group in plan for n in group]


# ---------------------------------------------------------------- verification


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raise ProofError unless `proof` puts `leaf_hash` at `index` under `root`."""
    root = _hash("root", root)
    if root_from_inclusion_proof(leaf_hash, index, size, proof) != root:
        raise ProofError(
            f"root mismatch: the proof for index {index} does not lead to the root of size {size}"
        )


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """The root of the tree of `size` that the proof leads to from `leaf_hash` at `index`."""
    leaf = _hash("leaf hash", leaf_hash)
    _count("index", index)
    _count("size", size)
    hashes = _proof(proof)
    if index >= size:
        raise ProofError(f"index {index} >= size {size}")
    inner, border = _decompose(index, size)
    _expect_length(hashes, inner + border)
    return _chain_border(_chain_inner(leaf, hashes[:inner], index), hashes[inner:])


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2: raise ProofError unless the tree (size1, root1) is a prefix of (size2, root2).

    Equal sizes need an empty proof and equal roots; size1 == 0 < size2 is an error
    (nothing can be proved from the empty tree), as in transparency-dev/merkle.
    """
    _count("size1", size1)
    _count("size2", size2)
    hashes = _proof(proof)
    if size1 > size2:
        raise ProofError(f"size1 {size1} > size2 {size2}")
    if size1 == size2:
        # Nothing to recompute: the roots must simply be the same, as transparency-dev/merkle
        # (and its probes) have it, whatever their length.
        _expect_length(hashes, 0)
        if not isinstance(root1, bytes | bytearray) or not isinstance(root2, bytes | bytearray):
            raise ProofError("roots must be bytes")
        if root1 != root2:
            raise ProofError(f"root mismatch: equal sizes {size1} but different roots")
        if size1 == 0 and root1 != empty_root():
            raise ProofError("the empty tree's root is SHA-256 of nothing")
        return
    root1, root2 = _hash("root1", root1), _hash("root2", root2)
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")

    # The proof is an inclusion proof of the old tree's last complete subtree
    # (level `shift`), prefixed with that subtree's hash unless it is the whole
    # old tree (size1 a power of two), whose root the verifier already holds.
    inner, border = _decompose(size1 - 1, size2)
    shift = _trailing_zeros(size1)
    inner -= shift
    whole = size1 == 1 << shift
    _expect_length(hashes, (0 if whole else 1) + inner + border)
    seed, rest = (root1, hashes) if whole else (hashes[0], hashes[1:])
    mask = (size1 - 1) >> shift

    old_root = _chain_border(_chain_inner_left(seed, rest[:inner], mask), rest[inner:])
    if old_root != root1:
        raise ProofError(f"root mismatch: the proof does not lead to the root of size {size1}")
    new_root = _chain_border(_chain_inner(seed, rest[:inner], mask), rest[inner:])
    if new_root != root2:
        raise ProofError(f"root mismatch: the proof does not lead to the root of size {size2}")


def _decompose(index: int, size: int) -> tuple[int, int]:
    """Split the audit path of leaf `index` in the tree of `size` into (inner, border) counts.

    The `inner` hashes lie below the node where the paths to `index` and to the
    last leaf diverge (their order follows the bits of `index`); the `border`
    hashes above it are all left siblings.
    """
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner, border


def _chain_inner(seed: bytes, hashes: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(hashes):
        seed = _node_hash(h, seed) if index >> i & 1 else _node_hash(seed, h)
    return seed


def _chain_inner_left(seed: bytes, hashes: Sequence[bytes], index: int) -> bytes:
    """Like _chain_inner with the left siblings only: the same subtree in the older tree."""
    for i, h in enumerate(hashes):
        if index >> i & 1:
            seed = _node_hash(h, seed)
    return seed


def _chain_border(seed: bytes, hashes: Sequence[bytes]) -> bytes:
    for h in hashes:
        seed = _node_hash(h, seed)
    return seed


# ---------------------------------------------------------------- input checks


def _hash(name: str, value: object) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise ProofError(f"{name} must be bytes, not {type(value).__name__}")
    value = bytes(value)
    if len(value) != HASH_SIZE:
        raise ProofError(f"{name} is {len(value)} bytes, expected {HASH_SIZE}")
    return value


def _proof(proof: Sequence[bytes]) -> list[bytes]:
    if isinstance(proof, bytes | bytearray | memoryview | str):
        raise ProofError("proof must be a sequence of hashes, not a single string")
    try:
        items = list(proof)
    except TypeError:
        raise ProofError(
            f"proof must be a sequence of hashes, not {type(proof).__name__}"
        ) from None
    return [_hash(f"proof hash {i}", h) for i, h in enumerate(items)]


def _count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProofError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value < _MAX_SIZE:
        raise ProofError(f"{name} {value} is out of range [0, 2**64)")


def _expect_length(hashes: Sequence[bytes], expected: int) -> None:
    if len(hashes) != expected:
        raise ProofError(f"proof has {len(hashes)} hashes, expected {expected}")


def _trailing_zeros(n: int) -> int:
    return (n & -n).bit_length() - 1
