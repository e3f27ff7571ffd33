"""The petition's type and handling result on the register, for the petition register and the
TT 02/2021/TT-TTCP statistics (issue 14 points 3-4). Branch `lawpath` adds the same two columns;
this migration adds them only where they are missing, so either order of the two is safe.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

COLUMNS = ("petition_type", "handling_result")


def _existing() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("petitions")}


def upgrade() -> None:
    have = _existing()
    for name in COLUMNS:
        if name not in have:
            op.add_column("petitions", sa.Column(name, sa.String(20), nullable=True))


def downgrade() -> None:
    have = _existing()
    with op.batch_alter_table("petitions") as batch:
        for name in COLUMNS:
            if name in have:
                batch.drop_column(name)
