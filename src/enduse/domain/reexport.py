"""Re-export and retransfer requests, and the original exporting state's decision."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from enduse.domain.euc import Unit
from enduse.domain.licence import EucRef
from enduse.domain.types import Count, Country, Criterion, Identifier, IsoDate, Line, Record

RequestType = Literal["re_export", "in_country_retransfer", "temporary", "change_of_end_use"]
Outcome = Literal["approved", "approved_with_conditions", "refused", "pending"]


class ReexportItem(Record):
    line: Line | None = None
    licence_line: Line | None = None
    description: str | None = None
    calibre: str | None = None
    quantity: Count | None = None
    unit: Unit | None = None
    lots: list[str] = Field(default_factory=list)
    serials: list[str] = Field(default_factory=list)


class Decision(Record):
    outcome: Outcome
    date: IsoDate | None = None
    by: str | None = None
    conditions: str | list[str] | None = None
    criteria_cited: list[Criterion] = Field(default_factory=list)


class ReexportRequest(Record):
    request_id: Identifier
    request_type: RequestType
    date: IsoDate | None = None
    requesting_party: Identifier
    original_licence: Identifier
    original_euc: EucRef | None = None
    original_dvc: str | None = None
    items: list[ReexportItem]
    proposed_end_user: Identifier | None = None
    proposed_destination: Country
    transit_states: list[Country] = Field(default_factory=list)
    proposed_end_use: str | None = None
    new_euc: EucRef | None = None
    reason: str | None = None
    decision: Decision | None = None
    signed: str | None = None

    def party_ids(self) -> list[str]:
        return [p for p in (self.requesting_party, self.proposed_end_user) if p]
