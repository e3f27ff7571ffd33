"""The reception book: reception sessions and the petitions they produced (issue 13 point 8).

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reception_sessions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("receiver", sa.String(200), nullable=False),
        sa.Column("receiver_title", sa.String(200), nullable=False),
        sa.Column("visitors", sa.Integer(), nullable=False),
        sa.Column("delegation", sa.Boolean(), nullable=False),
        sa.Column("representatives", sa.Text(), nullable=False),
        sa.Column("citizens", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reception_sessions_agency_day", "reception_sessions", ["agency_id", "received_on"])
    op.create_table(
        "reception_petitions",
        sa.Column("reception_id", sa.Uuid(), sa.ForeignKey("reception_sessions.id"), primary_key=True),
        sa.Column("petition_id", sa.Uuid(), sa.ForeignKey("petitions.id"), primary_key=True),
    )
    op.create_index("ix_reception_petitions_petition_id", "reception_petitions", ["petition_id"])


def downgrade() -> None:
    op.drop_index("ix_reception_petitions_petition_id", table_name="reception_petitions")
    op.drop_table("reception_petitions")
    op.drop_index("ix_reception_sessions_agency_day", table_name="reception_sessions")
    op.drop_table("reception_sessions")
