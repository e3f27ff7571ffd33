"""Process versions belong to an agency (NULL: the shared, read-only pack); audit verification results.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_process_versions_agency", "agencies", ["agency_id"], ["id"])
        batch_op.create_index("ix_process_versions_agency_key", ["agency_id", "key"], unique=False)
    op.create_table(
        "audit_verifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("events_checked", sa.Integer(), nullable=False),
        sa.Column("chains_checked", sa.Integer(), nullable=False),
        sa.Column("checkpoint", sa.Integer(), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=False),
    )
    with op.batch_alter_table("audit_verifications", schema=None) as batch_op:
        batch_op.create_index("ix_audit_verifications_agency", ["agency_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_verifications", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_verifications_agency")
    op.drop_table("audit_verifications")
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_process_versions_agency_key")
        batch_op.drop_constraint("fk_process_versions_agency", type_="foreignkey")
        batch_op.drop_column("agency_id")
