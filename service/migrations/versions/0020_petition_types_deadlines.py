"""Petition types, the handling decision and statutory deadlines with their alerts (issue 13 points 1-4).

Revision ID: 0020
Revises: 0016
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("petition_type", sa.String(20), nullable=True))
        batch.add_column(sa.Column("handling_result", sa.String(20), nullable=True))
        batch.add_column(sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deadline_extensions", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("deadline_rule", sa.JSON(), nullable=True))
    op.create_table(
        "deadline_alerts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("petition_id", sa.Uuid(), nullable=True),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("title", sa.String(400), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by", sa.String(64), nullable=True),
        sa.Column("days_late", sa.Integer(), nullable=False, server_default="0"),
        sa.UniqueConstraint("subject", "kind", "due_at", name="uq_deadline_alerts_subject_kind_due"),
    )
    op.create_index("ix_deadline_alerts_agency_role", "deadline_alerts", ["agency_id", "role", "read_at"])


def downgrade() -> None:
    op.drop_index("ix_deadline_alerts_agency_role", table_name="deadline_alerts")
    op.drop_table("deadline_alerts")
    with op.batch_alter_table("petitions") as batch:
        batch.drop_column("deadline_rule")
        batch.drop_column("deadline_extensions")
        batch.drop_column("deadline_at")
        batch.drop_column("handling_result")
        batch.drop_column("petition_type")
