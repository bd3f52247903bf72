"""The system of record: every EUC, licence, shipment, DVC and re-export decision, in SQL."""
