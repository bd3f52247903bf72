"""Tables of the registry: one per BUNDLE.md object, plus item lines for the quantity ledger.

Each record keeps the object exactly as recorded (`document`, JSON) so that
export is lossless, unknown keys included, and the fields that queries,
references and the ledger need as columns. `ordinal` keeps recording order.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# JSON, not PostgreSQL's JSONB: JSONB reorders keys and rewrites numbers, and a record must be
# exported exactly as it was recorded (and hash to what its log entry commits to).
Document = JSON()
ID = String(200)
QUANTITY = Numeric(20, 6)


class Base(DeclarativeBase):
    pass


class Recorded:
    ordinal: Mapped[int] = mapped_column(Integer, index=True)
    document: Mapped[dict[str, Any]] = mapped_column(Document)


class AuthorityRow(Recorded, Base):
    __tablename__ = "authorities"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    state: Mapped[str] = mapped_column(String(2))


class PartyRow(Recorded, Base):
    __tablename__ = "parties"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(32))


class InventoryRow(Recorded, Base):
    __tablename__ = "inventories"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    holder: Mapped[str | None] = mapped_column(ForeignKey("parties.id"), index=True)
    state: Mapped[str | None] = mapped_column(String(2))


class EucRow(Recorded, Base):
    __tablename__ = "eucs"
    __table_args__ = (UniqueConstraint("issuing_authority", "euc_number"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuing_authority: Mapped[str] = mapped_column(ForeignKey("authorities.id"))
    euc_number: Mapped[str] = mapped_column(ID)
    issuing_state: Mapped[str] = mapped_column(String(2))
    date_of_issue: Mapped[date]
    valid_until: Mapped[date | None]
    end_user: Mapped[str] = mapped_column(ForeignKey("parties.id"), index=True)
    country_of_final_destination: Mapped[str] = mapped_column(String(2))
    signed: Mapped[str | None] = mapped_column(Text)


class EucItemRow(Base):
    __tablename__ = "euc_items"
    euc_pk: Mapped[int] = mapped_column(ForeignKey("eucs.pk"), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit: Mapped[str] = mapped_column(String(16))
    control_entry: Mapped[str | None] = mapped_column(String(32))
    calibre: Mapped[str | None] = mapped_column(String(64))


class LicenceRow(Recorded, Base):
    __tablename__ = "licences"
    licence_number: Mapped[str] = mapped_column(ID, primary_key=True)
    exporting_state: Mapped[str] = mapped_column(String(2))
    authority: Mapped[str] = mapped_column(ForeignKey("authorities.id"))
    applicant: Mapped[str] = mapped_column(ForeignKey("parties.id"), index=True)
    euc_pk: Mapped[int] = mapped_column(ForeignKey("eucs.pk"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    signed: Mapped[str | None] = mapped_column(Text)


class LicenceItemRow(Base):
    __tablename__ = "licence_items"
    licence_number: Mapped[str] = mapped_column(
        ForeignKey("licences.licence_number"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    line: Mapped[int | None]
    euc_line: Mapped[int | None]
    quantity: Mapped[Decimal | None] = mapped_column(QUANTITY)


class ShipmentRow(Recorded, Base):
    __tablename__ = "shipments"
    shipment_id: Mapped[str] = mapped_column(ID, primary_key=True)
    licence_number: Mapped[str] = mapped_column(ForeignKey("licences.licence_number"), index=True)
    date: Mapped[date]


class ShipmentItemRow(Base):
    __tablename__ = "shipment_items"
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.shipment_id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_line: Mapped[int | None]
    quantity: Mapped[Decimal | None] = mapped_column(QUANTITY)


class DeliveryVerificationRow(Recorded, Base):
    __tablename__ = "delivery_verifications"
    dvc_number: Mapped[str] = mapped_column(ID, primary_key=True)
    issuing_authority: Mapped[str] = mapped_column(ForeignKey("authorities.id"))
    licence_number: Mapped[str] = mapped_column(ForeignKey("licences.licence_number"), index=True)
    shipment_id: Mapped[str | None] = mapped_column(ForeignKey("shipments.shipment_id"))
    arrival_date: Mapped[date]
    signed: Mapped[str | None] = mapped_column(Text)


class DvcItemRow(Base):
    __tablename__ = "dvc_items"
    dvc_number: Mapped[str] = mapped_column(
        ForeignKey("delivery_verifications.dvc_number"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_line: Mapped[int | None]
    quantity: Mapped[Decimal | None] = mapped_column(QUANTITY)


class ReexportRequestRow(Recorded, Base):
    __tablename__ = "reexport_requests"
    request_id: Mapped[str] = mapped_column(ID, primary_key=True)
    original_licence: Mapped[str] = mapped_column(ForeignKey("licences.licence_number"), index=True)
    proposed_destination: Mapped[str] = mapped_column(String(2))
    outcome: Mapped[str | None] = mapped_column(String(32))


class ObservationRow(Recorded, Base):
    __tablename__ = "observations"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    date: Mapped[date]


class DenialRow(Recorded, Base):
    __tablename__ = "denials"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    denying_state: Mapped[str] = mapped_column(String(2))


class EmbargoRow(Recorded, Base):
    __tablename__ = "embargoes"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target_state: Mapped[str] = mapped_column(String(2), index=True)
    regime: Mapped[str] = mapped_column(String(16))


class UserRow(Base):
    """Who may do what: the roles of the workflow, bound to an authority or a party."""

    __tablename__ = "users"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    authority: Mapped[str | None] = mapped_column(ForeignKey("authorities.id"))
    party: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    disabled: Mapped[bool] = mapped_column(default=False)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id; None: no web login


class LogEntryRow(Base):
    """Every state change, committed with the change itself, then appended to the log.

    The transactional outbox: the database commit is the unit of work; the log
    append follows at once, and a crash between the two is repaired on the next
    publication (entries carry `seq`, so none is appended twice).
    """

    __tablename__ = "log_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    record: Mapped[str] = mapped_column(String(250), index=True)  # "eucs:CZ-MOD:CZ-MOD-2025-0042"
    log_index: Mapped[int | None] = mapped_column(Integer, unique=True)


class ScreeningRow(Base):
    """One party screened against the lists of one version: what was known, and when.

    Kept even when nothing was found, so a case decided later shows that the party
    was screened clean against the lists as they stood.
    """

    __tablename__ = "screenings"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party: Mapped[str] = mapped_column(ForeignKey("parties.id"), index=True)
    list_version: Mapped[int] = mapped_column(Integer)  # the loaded lists (0: none loaded)
    denials_version: Mapped[int] = mapped_column(Integer)  # the registry's denials (last ordinal)
    screened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    hits: Mapped[list[dict[str, Any]]] = mapped_column(
        Document
    )  # best first, as `enduse screen --json`
    strongest: Mapped[str | None] = mapped_column(String(16))  # "strong", "review" or None
    __table_args__ = (UniqueConstraint("party", "list_version", "denials_version"),)


class ApiTokenRow(Base):
    """An API token of a user, kept as its SHA-256 only: the token itself is shown once."""

    __tablename__ = "api_tokens"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(default=False)


class WebSessionRow(Base):
    """A signed-in browser: the cookie's secret kept as its SHA-256, with the session's CSRF
    token; server-side, so signing out or disabling the user ends it at once."""

    __tablename__ = "web_sessions"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
