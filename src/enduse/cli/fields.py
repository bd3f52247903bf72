"""A record from a JSON file, options, or both: options name BUNDLE.md fields and win over the file.

So `enduse ship --licence RS-2025-0107 --item 1:15000 ...` and `enduse ship shipment.json`
build the same object, and a file can be completed or corrected from the command line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from enduse.cli.common import USAGE, fail
from enduse.docs.qr import read_qr
from enduse.files import read_capped

MAX_RECORD_BYTES = 1 << 20


def record_input(file: Path | None, options: dict[str, Any]) -> dict[str, Any]:
    """The JSON object in `file` (if any), with every option that was given set over it."""
    data: Any = {}
    if file is not None:
        try:
            data = json.loads(read_capped(file, MAX_RECORD_BYTES))
        except json.JSONDecodeError as e:
            raise fail(f"{file}: not JSON ({e.msg} at line {e.lineno})") from None
        except UnicodeDecodeError:
            raise fail(f"{file}: not UTF-8 text") from None
        if not isinstance(data, dict):
            raise fail(f"{file}: $: expected a JSON object, not {type(data).__name__}")
    for name, value in options.items():
        if value is not None and value != []:
            data[name] = value
    return data


def number(text: str, option: str) -> int | float:
    """A JSON number as typed (15000, 2.5): quantities keep the type the bundle would have."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if type(value) not in (int, float):
        raise fail(f"{option}: {text!r} is not a number", USAGE)
    return value  # type: ignore[no-any-return]


def items(values: list[str] | None, line_field: str, option: str = "--item") -> list[dict] | None:
    """`LINE:QUANTITY[:LOT,LOT...]` per item; None when the option was not given."""
    if not values:
        return None
    out = []
    for value in values:
        parts = value.split(":")
        if len(parts) not in (2, 3) or not parts[0].isdigit():
            raise fail(
                f"{option} {value!r}: expected LINE:QUANTITY or LINE:QUANTITY:LOT,LOT", USAGE
            )
        item: dict[str, Any] = {line_field: int(parts[0]), "quantity": number(parts[1], option)}
        if len(parts) == 3 and parts[2]:
            item["lots"] = parts[2].split(",")
        out.append(item)
    return out


def csv_list(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def criteria(value: str | None) -> list[int | str]:
    """`1,7` → [1, 7]: criteria are numbered 1-8 (the domain checks the range)."""
    return [int(c) if c.isdigit() else c for c in csv_list(value) or []]


def euc_ref(value: str | None, option: str = "--euc") -> dict[str, str] | None:
    """`ISSUER:NUMBER` → {"issuing_authority", "euc_number"}."""
    if value is None:
        return None
    issuer, sep, number = value.partition(":")
    if not sep or not issuer or not number:
        raise fail(
            f"{option} {value!r}: expected ISSUER:NUMBER, e.g. CZ-MOD:CZ-MOD-2025-0042", USAGE
        )
    return {"issuing_authority": issuer, "euc_number": number}


def signed_input(file: Path | None, payload: str | None, image: Path | None) -> str | None:
    """The signed payload given by --payload or --image, or None when a JSON file (or nothing)
    gives the record instead; more than one of the three is a usage error."""
    if sum(x is not None for x in (file, payload, image)) > 1:
        raise fail("give a JSON file, --payload or --image: one of them", USAGE)
    if image is not None:
        return read_qr(image)
    return payload
