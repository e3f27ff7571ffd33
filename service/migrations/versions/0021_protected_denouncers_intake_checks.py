"""Petition types, the denouncer's protection and the conditions intake checks (issue 13 points 5 and 6).

The type and handling result columns come with 0020.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

COLUMNS = (
    ("petition_date", sa.Date()),
    ("signed", sa.Boolean()),
    ("identity_document", sa.String(100)),
    ("signer_count", sa.Integer()),
    ("representatives", sa.String(500)),
    ("evidence_clear", sa.Boolean()),
    ("duplicate_of", sa.Uuid()),
    ("intake_flags", sa.JSON()),
)


def upgrade() -> None:
    existing = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("petitions")}
    for name, kind in COLUMNS:  # plain ALTER TABLE: a batch copy of the table would drop the search triggers
        if name not in existing:  # another branch's migration may have added the shared ones
            op.add_column("petitions", sa.Column(name, kind, nullable=True))
    op.create_index("ix_petitions_duplicate_of", "petitions", ["duplicate_of"])


def downgrade() -> None:
    op.drop_index("ix_petitions_duplicate_of", table_name="petitions")
    existing = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("petitions")}
    for name, _kind in reversed(COLUMNS):
        if name in existing:
            op.drop_column("petitions", name)
