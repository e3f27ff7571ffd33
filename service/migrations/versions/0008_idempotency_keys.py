"""Idempotency keys of petition submissions: a retried submission returns the first petition.

A key is kept per agency and submitter, in the same transaction as the petition it made, so a
retry (a reloaded page, an API client that lost the answer) never makes a second petition.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("submitter", sa.String(64), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("petition_id", sa.Uuid(), sa.ForeignKey("petitions.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("agency_id", "submitter", "key", name="uq_idempotency_keys_agency_submitter_key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
