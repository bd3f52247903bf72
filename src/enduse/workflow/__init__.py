"""The only code that changes state: licensing, shipments, DVCs, re-exports, users; roles enforced here."""
