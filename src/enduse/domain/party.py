"""Parties and authorities: who is on a transfer, and who may issue what."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from enduse.domain.types import Country, Identifier, IsoDate, Record

PartyKind = Literal[
    "government",
    "manufacturer",
    "company",
    "broker",
    "freight_forwarder",
    "carrier",
    "bank",
    "individual",
    "ngo",
]
AuthorityFunction = Literal["euc_issuing", "export_licensing", "dvc_issuing", "reexport_consent"]


class Party(Record):
    id: Identifier
    name: str
    country: Country
    kind: PartyKind
    aliases: list[str] = Field(default_factory=list)
    registration_id: str | None = None
    address: str | None = None


class Signatory(Record):
    name: str
    position: str | None = None
    starts: IsoDate | None = Field(None, alias="from")  # "from" is a Python keyword
    until: IsoDate | None = None


class Authority(Record):
    id: Identifier
    state: Country
    name: str | None = None
    functions: list[AuthorityFunction]
    signatories: list[Signatory] = Field(default_factory=list)
