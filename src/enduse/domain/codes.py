"""ISO code lists (countries, currencies) as package data, loaded once."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files


def _load(name: str) -> frozenset[str]:
    text = (files("enduse.domain") / "data" / name).read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    return _load("countries.txt")


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    return _load("currencies.txt")


def check_country(code: str) -> str:
    if code not in countries():
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def check_currency(code: str) -> str:
    if code not in currencies():
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code
