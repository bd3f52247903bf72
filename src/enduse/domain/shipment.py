"""Shipments and delivery verification certificates: what left, and what arrived."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from enduse.domain.types import Count, Country, Identifier, IsoDate, Line, Record


class ShipmentItem(Record):
    licence_line: Line | None = None
    quantity: Count | None = None
    lots: list[str] = Field(default_factory=list)
    serials: list[str] = Field(default_factory=list)


class Shipment(Record):
    shipment_id: Identifier
    licence_number: Identifier
    date: IsoDate
    route: list[Country] = Field(min_length=1)
    carrier: Identifier | None = None
    consignee: Identifier | None = None
    items: list[ShipmentItem]
    transport_documents: list[str] = Field(default_factory=list)

    def party_ids(self) -> list[str]:
        return [p for p in (self.carrier, self.consignee) if p]


class DeliveryVerification(Record):
    dvc_number: Identifier
    issuing_authority: Identifier
    licence_number: Identifier
    euc_number: Identifier | None = None
    shipment_id: Identifier | None = None
    arrival_date: IsoDate
    delivered_to: Identifier | None = None
    items: list[ShipmentItem]
    delivery_scope: Literal["complete", "partial"] | None = None
    signed: str | None = None

    def party_ids(self) -> list[str]:
        return [self.delivered_to] if self.delivered_to else []
