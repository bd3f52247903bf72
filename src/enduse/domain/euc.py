"""The end-user certificate: the importing state's promise about who uses the goods, and where."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from enduse.domain.types import (
    ControlEntryCode,
    Country,
    Currency,
    DecimalString,
    Identifier,
    IsoDate,
    Line,
    Quantity,
    Record,
)

EucDocumentType = Literal["EUC", "CERTIFIED_EUS", "IMPORT_CERTIFICATE"]
Unit = Literal["pieces", "rounds", "kg", "sets"]
IntermediaryRole = Literal["broker", "agent", "freight_forwarder", "consignee", "financier"]
ReexportKind = Literal["prohibited", "prior_written_consent", "allowed_to"]


def check_lines_unique(lines: list[object]) -> None:
    """Line numbers identify items (of an EUC, of a licence): each may appear once."""
    first: dict[object, int] = {}
    for i, line in enumerate(lines):
        if line is None:
            continue
        if line in first:
            raise PydanticCustomError(
                "duplicate",
                "line {line} appears twice, at [{first}] and [{second}]",
                {"line": line, "first": first[line], "second": i},
            )
        first[line] = i


class EucItem(Record):
    line: Line
    description: str
    control_entry: ControlEntryCode | None = None
    calibre: str | None = None
    quantity: Quantity
    unit: Unit
    value: DecimalString | None = None
    currency: Currency | None = None
    serials: list[str] = Field(default_factory=list)
    lots: list[str] = Field(default_factory=list)


class EndUserSignatory(Record):
    name: str | None = None
    position: str | None = None


class GovernmentCertification(Record):
    authority: str | None = None
    official: str | None = None
    date: IsoDate | None = None


class Intermediary(Record):
    party: Identifier
    role: IntermediaryRole


class ReexportClause(Record):
    kind: ReexportKind
    countries: list[Country] = Field(default_factory=list)


class EUC(Record):
    euc_number: Identifier
    document_type: EucDocumentType
    issuing_state: Country
    issuing_authority: Identifier
    date_of_issue: IsoDate
    valid_until: IsoDate | None = None
    exporter: Identifier
    end_user: Identifier
    end_user_signatory: EndUserSignatory | None = None
    government_certification: GovernmentCertification | None = None
    consignees: list[Identifier] = Field(default_factory=list)
    intermediaries: list[Intermediary] = Field(default_factory=list)
    country_of_final_destination: Country
    transit_states: list[Country] = Field(default_factory=list)
    contract_reference: str | None = None
    items: list[EucItem]
    end_use: str
    place_of_use: str | None = None
    reexport_clause: ReexportClause | None = None
    onsite_verification_consent: bool | None = None
    dvc_undertaking_days: int | None = None
    signed: str | None = None

    @field_validator("items")
    @classmethod
    def _lines_unique(cls, items: list[EucItem]) -> list[EucItem]:
        check_lines_unique([item.line for item in items])
        return items

    @property
    def key(self) -> str:
        """The EUC's identity: its number is unique per issuing authority, not globally."""
        return f"{self.issuing_authority}:{self.euc_number}"

    def party_ids(self) -> list[str]:
        ids = [self.exporter, self.end_user, *self.consignees]
        ids += [i.party for i in self.intermediaries]
        return list(dict.fromkeys(ids))
