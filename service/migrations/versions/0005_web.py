"""Drafts of process models edited in the designer's pages.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
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
        "model_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("base_version_id", sa.Integer(), sa.ForeignKey("process_versions.id"), nullable=True),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("resources", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_model_drafts_agency_key", "model_drafts", ["agency_id", "key"])


def downgrade() -> None:
    op.drop_index("ix_model_drafts_agency_key", "model_drafts")
    op.drop_table("model_drafts")
