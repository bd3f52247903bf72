"""The red-flag rules, a module per family of DOMAIN.md's catalogue; importing registers them."""

from enduse.risk.rules import (
    after_shipment,
    destination,
    documents,
    goods,
    parties,
    reports,
    shipments,
)

__all__ = ["after_shipment", "destination", "documents", "goods", "parties", "reports", "shipments"]
