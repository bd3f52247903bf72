"""Base45 (RFC 9285), vectorised.

The PyPI `base45` package decodes one character at a time in Python; on a
600-character payload that alone costs about as much as the Ed25519 check,
and offline verification must stay close to the signature's cost. numpy
does the arithmetic on the whole string at once. The package is kept as the
reference in the tests.
"""

from __future__ import annotations

import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALPHABET_BYTES = ALPHABET.encode("ascii")
_TO_VALUES = bytes(ALPHABET.find(chr(b)) % 256 if chr(b) in ALPHABET else 255 for b in range(256))
_WEIGHTS = np.array([1, 45, 2025], dtype=np.uint32)
_CHARS = np.frombuffer(_ALPHABET_BYTES, dtype=np.uint8)


class Base45Error(ValueError):
    pass


def b45decode(text: str | bytes) -> bytes:
    raw = text.encode("ascii", "replace") if isinstance(text, str) else bytes(text)
    n = len(raw)
    if n % 3 == 1:
        raise Base45Error(f"length {n} leaves a single trailing character")
    if raw.translate(None, _ALPHABET_BYTES):
        bad = next(i for i, b in enumerate(raw) if b not in _ALPHABET_BYTES)
        char = text[bad] if isinstance(text, str) else raw[bad : bad + 1]
        raise Base45Error(f"character {char!r} at {bad} is not in the alphabet")
    values = np.frombuffer(raw.translate(_TO_VALUES), dtype=np.uint8)
    full = n - n % 3
    words = values[:full].reshape(-1, 3) @ _WEIGHTS
    if words.size and words.max() > 0xFFFF:
        pos = int(np.argmax(words > 0xFFFF)) * 3
        raise Base45Error(f"group at {pos} encodes a value above 65535")
    out = words.astype(">u2").tobytes()
    if n % 3 == 2:
        last = int(values[full]) + int(values[full + 1]) * 45
        if last > 0xFF:
            raise Base45Error(f"final pair at {full} encodes a value above 255")
        out += bytes([last])
    return out


def b45encode(data: bytes) -> str:
    n = len(data)
    full = n - n % 2
    words = np.frombuffer(data[:full], dtype=">u2").astype(np.uint32)
    digits = np.empty((words.size, 3), dtype=np.uint32)
    digits[:, 0] = words % 45
    digits[:, 1] = (words // 45) % 45
    digits[:, 2] = words // 2025
    out = _CHARS[digits.ravel()].tobytes().decode("ascii")
    if n % 2:
        last = data[-1]
        out += ALPHABET[last % 45] + ALPHABET[last // 45]
    return out
