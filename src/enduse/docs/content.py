"""Which domain model validates the content of each signed document type.

In the signed form every party reference is the party itself (id, name,
country, kind), so each type gets a variant of its domain model whose party
fields are `Party` objects: one validation pass, no unpacking.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from enduse.domain.euc import EUC, Intermediary
from enduse.domain.licence import Licence
from enduse.domain.party import Party
from enduse.domain.reexport import ReexportRequest
from enduse.domain.shipment import DeliveryVerification


class SignedIntermediary(Intermediary):
    party: Party  # type: ignore[assignment]


class SignedEUC(EUC):
    exporter: Party  # type: ignore[assignment]
    end_user: Party  # type: ignore[assignment]
    consignees: list[Party] = Field(default_factory=list)  # type: ignore[assignment]
    intermediaries: list[SignedIntermediary] = Field(default_factory=list)  # type: ignore[assignment]


class SignedLicence(Licence):
    applicant: Party  # type: ignore[assignment]


class SignedDeliveryVerification(DeliveryVerification):
    delivered_to: Party | None = None  # type: ignore[assignment]


class SignedReexportDecision(ReexportRequest):
    requesting_party: Party  # type: ignore[assignment]
    proposed_end_user: Party | None = None  # type: ignore[assignment]


SIGNED_MODELS: dict[str, type[BaseModel]] = {
    "EUC": SignedEUC,
    "LIC": SignedLicence,
    "DVC": SignedDeliveryVerification,
    "RXC": SignedReexportDecision,
}
DOMAIN_MODELS: dict[str, type[BaseModel]] = {
    "EUC": EUC,
    "LIC": Licence,
    "DVC": DeliveryVerification,
    "RXC": ReexportRequest,
}
