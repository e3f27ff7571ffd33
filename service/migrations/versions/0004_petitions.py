"""Petition register, plans and dialogues.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("loaded_by", sa.String(64), nullable=False),
        sa.Column("loaded_at", TS, nullable=False),
        sa.UniqueConstraint("agency_id", "code"),
    )
    op.create_table(
        "petitions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("tracking_code", sa.String(40), nullable=False, unique=True),
        sa.Column("instance_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("petitioner_name", sa.String(200), nullable=False),
        sa.Column("petitioner_contact", sa.String(200), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.String(40), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=True),
        sa.Column("competence", sa.String(16), nullable=True),
        sa.Column("assigned_unit", sa.String(32), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("dialogue_id", sa.Uuid(), nullable=True),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
    )
    op.create_index("ix_petitions_agency_stage", "petitions", ["agency_id", "stage"])
    op.create_index("ix_petitions_agency_submitted", "petitions", ["agency_id", "submitted_at"])
    op.create_index("ix_petitions_dialogue", "petitions", ["dialogue_id"])
    op.create_table(
        "dialogues",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("venue", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("instance_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("held_at", TS, nullable=True),
    )
    op.create_index("ix_dialogues_agency_status", "dialogues", ["agency_id", "status"])


def downgrade() -> None:
    op.drop_table("dialogues")
    op.drop_index("ix_petitions_dialogue", "petitions")
    op.drop_index("ix_petitions_agency_submitted", "petitions")
    op.drop_index("ix_petitions_agency_stage", "petitions")
    op.drop_table("petitions")
    op.drop_table("plans")
