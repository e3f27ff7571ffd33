"""Forwarding a petition to another agency on the deployment (issue 13 point 9): the links both ways.

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

COLUMNS = ("forwarded_to_id", "forwarded_from_id")


def upgrade() -> None:
    for name in COLUMNS:  # plain ALTER TABLE: a batch copy of the table would drop the search triggers
        op.add_column("petitions", sa.Column(name, sa.Uuid(), nullable=True))
        op.create_index(f"ix_petitions_{name}", "petitions", [name])


def downgrade() -> None:
    for name in reversed(COLUMNS):
        op.drop_index(f"ix_petitions_{name}", table_name="petitions")
        op.drop_column("petitions", name)
