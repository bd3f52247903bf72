"""screenings: each party screened against each list version, with its hits

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("party", sa.String(length=200), nullable=False),
        sa.Column("list_version", sa.Integer(), nullable=False),
        sa.Column("denials_version", sa.Integer(), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("strongest", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["party"], ["parties.id"]),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("party", "list_version", "denials_version"),
    )
    op.create_index("ix_screenings_party", "screenings", ["party"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_screenings_party", table_name="screenings")
    op.drop_table("screenings")
