"""documents as json, not jsonb (PostgreSQL): records are exported exactly as recorded

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = [
    "authorities", "parties", "inventories", "eucs", "licences", "shipments",
    "delivery_verifications", "reexport_requests", "observations", "denials", "embargoes",
]  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps JSON as text already
    for table in TABLES:
        op.alter_column(table, "document", type_=sa.JSON(), postgresql_using="document::json")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy.dialects.postgresql import JSONB

    for table in TABLES:
        op.alter_column(table, "document", type_=JSONB(), postgresql_using="document::jsonb")
