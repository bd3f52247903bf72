"""The export licence: the exporting state's decision on one EUC."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from enduse.domain.euc import check_lines_unique
from enduse.domain.types import Country, Criterion, Identifier, IsoDate, Line, Quantity, Record

LicenceStatus = Literal[
    "applied", "under_review", "issued", "refused", "suspended", "revoked", "exhausted", "expired"
]


class EucRef(Record):
    issuing_authority: Identifier
    euc_number: Identifier

    @property
    def key(self) -> str:
        return f"{self.issuing_authority}:{self.euc_number}"


class LicenceItem(Record):
    line: Line | None = None
    euc_line: Line | None = None
    quantity: Quantity | None = None


class Licence(Record):
    licence_number: Identifier
    exporting_state: Country
    authority: Identifier
    applicant: Identifier
    euc: EucRef
    items: list[LicenceItem]
    status: LicenceStatus
    date_of_decision: IsoDate | None = None
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    criteria_cited: list[Criterion] = Field(default_factory=list)
    signed: str | None = None

    @field_validator("items")
    @classmethod
    def _lines_unique(cls, items: list[LicenceItem]) -> list[LicenceItem]:
        """Shipments name a licence line: two items with one number would pool their quantities."""
        check_lines_unique([i.line for i in items])
        return items

    def party_ids(self) -> list[str]:
        return [self.applicant]
