"""Measures with financial consequences and their cost (issue 19): table measure, the cost in
Rappen as an integer, indexed by the days the report counts. Also raises meta.schema_version to 14.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))
INDEXED = ("referral_id", "requested_on", "approved_on", "declined_on")


def upgrade() -> None:
    op.create_table("measure",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("referral_id", sa.Integer(), nullable=False),
                    sa.Column("number", sa.Integer(), nullable=False),
                    sa.Column("kind", sa.String(), nullable=False),
                    sa.Column("cost_rappen", sa.BigInteger(), nullable=False),
                    sa.Column("payer_id", sa.Integer(), nullable=False),
                    sa.Column("requested_on", sa.Date(), nullable=False),
                    sa.Column("approved_on", sa.Date(), nullable=True),
                    sa.Column("declined_on", sa.Date(), nullable=True),
                    sa.Column("decline_why", sa.Text(), nullable=True),
                    sa.Column("note", sa.Text(), nullable=True),
                    sa.Column("author", sa.String(), nullable=False),
                    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
                    sa.Column("struck_at", sa.DateTime(timezone=True), nullable=True),
                    sa.Column("struck_by", sa.String(), nullable=True),
                    sa.Column("struck_why", sa.Text(), nullable=True),
                    sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
                    sa.ForeignKeyConstraint(["payer_id"], ["institution.id"]),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("referral_id", "number"))
    for column in INDEXED:
        op.create_index(f"ix_measure_{column}", "measure", [column], unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="14"))


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(f"ix_measure_{column}", table_name="measure")
    op.drop_table("measure")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="13"))
