"""A reception session remembers the one-time token of the form that recorded it, so the same form posted
twice (a double click, a resent request) records the session and its petitions once.

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reception_sessions") as batch:
        batch.add_column(sa.Column("submission_key", sa.String(64), nullable=True))
        batch.create_index("ux_reception_sessions_submission", ["agency_id", "submission_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("reception_sessions") as batch:
        batch.drop_index("ux_reception_sessions_submission")
        batch.drop_column("submission_key")
