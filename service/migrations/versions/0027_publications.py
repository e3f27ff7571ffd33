"""Publications on the agencies' public pages (issue 14 point 6).

Revision ID: 0027
Revises: 0024
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("instance_id", sa.Uuid(), nullable=False),
        sa.Column("element_id", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_publications_agency_published", "publications", ["agency_id", "published_at"])
    op.create_index("ix_publications_instance_id", "publications", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_publications_instance_id", table_name="publications")
    op.drop_index("ix_publications_agency_published", table_name="publications")
    op.drop_table("publications")
