"""Today's schema: the tables as optima made them before it had migrations.

Databases made then have no version table; `optima db upgrade` stamps them with this revision.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 02:58:24.914518
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("audit_event",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(), nullable=False),
    sa.Column("action", sa.String(), nullable=False),
    sa.Column("entity", sa.String(), nullable=False),
    sa.Column("entity_ref", sa.String(), nullable=False),
    sa.Column("client_id", sa.Integer(), nullable=True),
    sa.Column("referral_id", sa.Integer(), nullable=True),
    sa.Column("on_date", sa.Date(), nullable=True),
    sa.Column("source", sa.String(), nullable=False),
    sa.Column("payload", sa.Text(), nullable=True),
    sa.Column("payload_erased", sa.Boolean(), nullable=False),
    sa.Column("payload_hash", sa.String(), nullable=False),
    sa.Column("prev_hash", sa.String(), nullable=False),
    sa.Column("hash", sa.String(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_audit_event_client_id", "audit_event", ["client_id"], unique=False)
    op.create_index("ix_audit_event_referral_id", "audit_event", ["referral_id"], unique=False)

    op.create_table("institution",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(), nullable=False),
    sa.Column("kind", sa.String(), nullable=False),
    sa.Column("name", sa.String(), nullable=False),
    sa.Column("contact_name", sa.String(), nullable=True),
    sa.Column("contact_email", sa.String(), nullable=True),
    sa.Column("contact_phone", sa.String(), nullable=True),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_institution_code", "institution", ["code"], unique=True)

    op.create_table("meta",
    sa.Column("key", sa.String(), nullable=False),
    sa.Column("value", sa.String(), nullable=False),
    sa.PrimaryKeyConstraint("key")
    )
    op.create_table("client",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(), nullable=False),
    sa.Column("birth_date", sa.Date(), nullable=True),
    sa.Column("ahv", sa.String(), nullable=True),
    sa.Column("municipality", sa.String(), nullable=True),
    sa.Column("counsellor", sa.String(), nullable=True),
    sa.Column("institution_id", sa.Integer(), nullable=False),
    sa.Column("external_ref", sa.String(), nullable=True),
    sa.Column("consent_on", sa.Date(), nullable=True),
    sa.Column("consent_withdrawn_on", sa.Date(), nullable=True),
    sa.Column("iv_rejected_on", sa.Date(), nullable=True),
    sa.Column("iv_procedure_open", sa.Boolean(), nullable=False),
    sa.Column("iv_measures_running", sa.Boolean(), nullable=False),
    sa.Column("no_work_capacity", sa.Boolean(), nullable=False),
    sa.Column("rav_registered_until", sa.Date(), nullable=True),
    sa.Column("health_suspected", sa.Boolean(), nullable=False),
    sa.Column("anonymized_on", sa.Date(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["institution_id"], ["institution.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("ahv")
    )
    op.create_index("ix_client_name_birth", "client", ["name", "birth_date"], unique=False)

    op.create_table("referral",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("case_year", sa.Integer(), nullable=False),
    sa.Column("case_seq", sa.Integer(), nullable=False),
    sa.Column("case_id", sa.String(), nullable=False),
    sa.Column("client_id", sa.Integer(), nullable=False),
    sa.Column("referrer_id", sa.Integer(), nullable=False),
    sa.Column("receiver_id", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(), nullable=False),
    sa.Column("months", sa.Integer(), nullable=False),
    sa.Column("goal", sa.String(), nullable=True),
    sa.Column("referred_on", sa.Date(), nullable=False),
    sa.Column("referring_counsellor", sa.String(), nullable=True),
    sa.Column("findings", sa.Text(), nullable=False),
    sa.Column("override", sa.String(), nullable=True),
    sa.Column("decided_on", sa.Date(), nullable=True),
    sa.Column("receiving_counsellor", sa.String(), nullable=True),
    sa.Column("due_on", sa.Date(), nullable=True),
    sa.Column("first_due_on", sa.Date(), nullable=True),
    sa.Column("extended_on", sa.Date(), nullable=True),
    sa.Column("reason", sa.String(), nullable=True),
    sa.Column("reason_note", sa.String(), nullable=True),
    sa.Column("withdrawn_on", sa.Date(), nullable=True),
    sa.Column("closed_on", sa.Date(), nullable=True),
    sa.Column("outcome", sa.String(), nullable=True),
    sa.Column("cause", sa.String(), nullable=True),
    sa.Column("employed", sa.Boolean(), nullable=True),
    sa.Column("close_note", sa.String(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["client_id"], ["client.id"], ),
    sa.ForeignKeyConstraint(["receiver_id"], ["institution.id"], ),
    sa.ForeignKeyConstraint(["referrer_id"], ["institution.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("case_year", "case_seq")
    )
    op.create_index("ix_referral_case_id", "referral", ["case_id"], unique=True)
    op.create_index("ix_referral_client_id", "referral", ["client_id"], unique=False)
    op.create_index("ix_referral_due_on", "referral", ["due_on"], unique=False)
    op.create_index("ix_referral_status", "referral", ["status"], unique=False)

    op.create_table("referral_topic",
    sa.Column("referral_id", sa.Integer(), nullable=False),
    sa.Column("topic", sa.String(), nullable=False),
    sa.ForeignKeyConstraint(["referral_id"], ["referral.id"], ),
    sa.PrimaryKeyConstraint("referral_id", "topic")
    )
    op.create_table("suspension",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("referral_id", sa.Integer(), nullable=False),
    sa.Column("start_on", sa.Date(), nullable=False),
    sa.Column("until", sa.Date(), nullable=False),
    sa.Column("ended_on", sa.Date(), nullable=True),
    sa.Column("note", sa.String(), nullable=True),
    sa.ForeignKeyConstraint(["referral_id"], ["referral.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_suspension_referral_id", "suspension", ["referral_id"], unique=False)



def downgrade() -> None:
    op.drop_index("ix_suspension_referral_id", table_name="suspension")

    op.drop_table("suspension")
    op.drop_table("referral_topic")
    op.drop_index("ix_referral_status", table_name="referral")
    op.drop_index("ix_referral_due_on", table_name="referral")
    op.drop_index("ix_referral_client_id", table_name="referral")
    op.drop_index("ix_referral_case_id", table_name="referral")

    op.drop_table("referral")
    op.drop_index("ix_client_name_birth", table_name="client")

    op.drop_table("client")
    op.drop_table("meta")
    op.drop_index("ix_institution_code", table_name="institution")

    op.drop_table("institution")
    op.drop_index("ix_audit_event_referral_id", table_name="audit_event")
    op.drop_index("ix_audit_event_client_id", table_name="audit_event")

    op.drop_table("audit_event")
