"""Facts from outside the registry: inventories, observations, other states' denials, embargoes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from enduse.domain.types import (
    ControlEntryCode,
    Count,
    Country,
    Criterion,
    Identifier,
    IsoDate,
    Record,
)


class Inventory(Record):
    """What an end user or a state's forces field: the basis of calibre and need checks."""

    holder: Identifier | None = None
    state: Country | None = None
    calibres: list[str] = Field(default_factory=list)
    systems: list[str] = Field(default_factory=list)
    as_of: IsoDate | None = None
    source: str | None = None
    annual_need: dict[str, Count] | None = None

    @model_validator(mode="after")
    def _holder_or_state(self) -> Inventory:
        if not self.holder and not self.state:
            raise ValueError("an inventory needs a holder (party id) or a state")
        return self


class ObservedItem(Record):
    description: str | None = None
    calibre: str | None = None
    category: str | None = None  # control-list category ("ML3") where the source says
    quantity: Count | None = None
    quantity_text: str | None = None
    lots: list[str] = Field(default_factory=list)
    serials: list[str] = Field(default_factory=list)


class Observation(Record):
    id: Identifier
    kind: Literal["trade_record", "open_source_report", "trace", "onsite_check", "seizure"]
    date: IsoDate
    from_state: Country | None = None
    to_state: Country | None = None
    via_states: list[Country] = Field(default_factory=list)
    items: list[ObservedItem] = Field(default_factory=list)
    licence_number: str | None = None
    source: str
    status: Literal["alleged", "confirmed", "denied"] | None = None
    # Read from an open-source report (`enduse osint ingest`): how far the report says the
    # transfer went, who says so, who denies it, the sentences that say it, the report's date,
    # and whether it names its intermediaries or only says there were some.
    report_status: (
        Literal["alleged", "confirmed", "partly_confirmed", "denied", "planned", "not_delivered"]
        | None
    ) = None
    claimants: list[str] = Field(default_factory=list)
    denied_by: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    reported: IsoDate | None = None
    via_unnamed: bool = False


class Denial(Record):
    id: Identifier
    denying_state: Country
    date: IsoDate
    party_name: str
    party_country: Country | None = None
    goods: str | None = None
    criteria: list[Criterion] = Field(default_factory=list)


def _scope_kind(value: object) -> str:
    return "all" if isinstance(value, str) else "categories"


# A discriminated union, so a bad entry in a list is not also reported as "not 'all'".
EmbargoScope = Annotated[
    Annotated[Literal["all"], Tag("all")] | Annotated[list[ControlEntryCode], Tag("categories")],
    Discriminator(_scope_kind),
]


class Embargo(Record):
    target_state: Country
    regime: Literal["UN", "EU", "OSCE", "national"]
    scope: EmbargoScope
    starts: IsoDate = Field(alias="from")  # "from" is a Python keyword
    until: IsoDate | None = None
    source: str
