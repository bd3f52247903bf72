"""Decode untrusted CBOR within fixed limits.

A decoder that builds objects first and counts later has already spent the
memory and the recursion an attacker asked for. `safe_loads` lets cbor2's C
decoder enforce the depth limit as it descends, rejects every tag (shared
references can build cycles; bignums and dates are not part of our
documents), and walks the encoded bytes first with `check_cbor` whenever the
input is long enough to hold more items than allowed. The walk uses an
explicit stack and allocates nothing per item.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import cbor2

MAX_DEPTH = 16
MAX_ITEMS = 10_000


class CborShapeError(ValueError):
    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason  # 'too_deep' | 'too_many_items' | 'malformed'
        super().__init__(message)


@dataclass(frozen=True)
class Shape:
    items: int
    depth: int


def check_cbor(data: bytes, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS) -> Shape:
    """Validate that `data` is exactly one well-formed CBOR item within the limits.

    Depth is how many containers a decoder must descend into, as cbor2 counts
    it: those enclosing an item, and indefinite-length ones (entered to find
    their break). An empty definite container encloses nothing and adds none.
    """
    end = len(data)
    pos = 0
    items = 0
    deepest = 0
    # One entry per open container: definite ones hold the count of items still to come;
    # an indefinite array holds -1, an indefinite map -2 minus the items seen so far.
    stack: list[int] = []
    while True:
        if pos >= end:
            raise CborShapeError("malformed", f"truncated at byte {pos}")
        head = data[pos]
        major, info = head >> 5, head & 0x1F
        pos += 1
        if head == 0xFF:  # break: closes the innermost indefinite container
            if not stack or stack[-1] >= 0:
                raise CborShapeError("malformed", f"unexpected break at byte {pos - 1}")
            if stack[-1] <= -2 and (-2 - stack[-1]) % 2:
                raise CborShapeError(
                    "malformed", f"map with a key but no value before byte {pos - 1}"
                )
            stack.pop()
            if _finish(stack):
                break
            continue
        if len(stack) > max_depth:
            raise CborShapeError("too_deep", f"nested deeper than {max_depth}")
        deepest = max(deepest, len(stack))
        items += 1
        if items > max_items:
            raise CborShapeError("too_many_items", f"more than {max_items} CBOR items")
        if info < 24:
            arg = info
        elif info <= 27:
            size = 1 << (info - 24)
            if pos + size > end:
                raise CborShapeError("malformed", f"truncated argument at byte {pos}")
            arg = int.from_bytes(data[pos : pos + size], "big")
            pos += size
            if major == 7 and info == 24 and arg < 32:
                raise CborShapeError(
                    "malformed", f"two-byte simple value below 32 at byte {pos - 2}"
                )
        elif info == 31 and major in (2, 3, 4, 5):
            arg = -1
        else:
            raise CborShapeError("malformed", f"reserved additional info {info} at byte {pos - 1}")

        if major in (2, 3):
            pos = _skip_string(data, pos, major, arg)
        elif major in (4, 5):
            if arg == -1:
                if len(stack) >= max_depth:
                    raise CborShapeError("too_deep", f"nested deeper than {max_depth}")
                stack.append(-1 if major == 4 else -2)
                deepest = max(deepest, len(stack))
                continue
            children = arg * 2 if major == 5 else arg
            if children > max_items:
                raise CborShapeError("too_many_items", f"container declares {arg} entries")
            if children:
                stack.append(children)
                continue
        elif major == 6:  # a tag wraps exactly one item and counts as a level
            stack.append(1)
            continue
        if _finish(stack):
            break
    if pos != end:
        raise CborShapeError("malformed", f"{end - pos} trailing bytes after the item")
    return Shape(items, deepest)


def _skip_string(data: bytes, pos: int, major: int, length: int) -> int:
    end = len(data)
    if length != -1:
        if pos + length > end:
            raise CborShapeError("malformed", f"string of {length} bytes past the end")
        return pos + length
    while True:  # indefinite: definite chunks of the same major type until a break
        if pos >= end:
            raise CborShapeError("malformed", "truncated indefinite string")
        if data[pos] == 0xFF:
            return pos + 1
        chunk = data[pos]
        if chunk >> 5 != major or chunk & 0x1F > 27:
            raise CborShapeError("malformed", f"bad string chunk at byte {pos}")
        size, pos = _argument(data, pos)
        if pos + size > end:
            raise CborShapeError("malformed", f"string chunk past the end at {pos}")
        pos += size


def _finish(stack: list[int]) -> bool:
    """One item completed: count it against its parents; True when the top-level item is done."""
    while stack:
        if stack[-1] < 0:
            if stack[-1] <= -2:
                stack[-1] -= 1  # one more item in an indefinite map
            return False
        stack[-1] -= 1
        if stack[-1] > 0:
            return False
        stack.pop()
    return True


def _argument(data: bytes, pos: int) -> tuple[int, int]:
    info = data[pos] & 0x1F
    pos += 1
    if info < 24:
        return info, pos
    size = 1 << (info - 24)
    if pos + size > len(data):
        raise CborShapeError("malformed", f"truncated argument at byte {pos}")
    return int.from_bytes(data[pos : pos + size], "big"), pos + size


def _reject_tag(decoder: Any, *args: Any) -> Any:
    raise CborShapeError("malformed", "CBOR tags are not allowed here")


_NO_SEMANTIC_TAGS = {tag: _reject_tag for tag in (*range(0, 300), 1004, 55799)}


def safe_loads(data: bytes, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS) -> Any:
    """Decode one CBOR item, or raise CborShapeError; never builds more than the limits allow."""
    if len(data) > max_items:  # below this length the item count cannot exceed the limit
        check_cbor(data, max_depth, max_items)
    fp = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(
            fp,
            max_depth=max_depth,
            tag_hook=_reject_tag,
            semantic_decoders=_NO_SEMANTIC_TAGS,
            allow_duplicate_keys=False,
        ).decode()
    except CborShapeError:
        raise
    except cbor2.CBORDecodeError as e:
        cause = e.__cause__
        if isinstance(cause, CborShapeError):
            raise cause from None
        reason = "too_deep" if "nesting depth" in str(e) else "malformed"
        raise CborShapeError(reason, str(e)) from None
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as e:
        raise CborShapeError("malformed", f"{type(e).__name__}: {e}") from None
    if fp.tell() != len(data):
        raise CborShapeError("malformed", f"{len(data) - fp.tell()} trailing bytes after the item")
    return value
