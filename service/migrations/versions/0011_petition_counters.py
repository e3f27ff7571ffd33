"""Petition numbers from a counter row per agency and year (issue 16 point 12).

Numbering by "count + 1" let parallel submissions take the same number (a UniqueViolation on
`petitions_code_key`, answered with a 500). Each submission now increments its agency's counter for
the year in its own transaction (an atomic upsert), so numbers never collide and, since a failed
submission rolls its increment back, have no gaps. Existing petitions seed the counters.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_NUMBER = re.compile(r"-(\d{4})-(\d+)$")


def upgrade() -> None:
    counters = op.create_table(
        "petition_counters",
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )
    highest: dict[tuple[int, int], int] = {}
    for agency_id, code in op.get_bind().execute(sa.text("SELECT agency_id, code FROM petitions")):
        found = _NUMBER.search(code or "")
        if found:
            key = (int(agency_id), int(found.group(1)))
            highest[key] = max(highest.get(key, 0), int(found.group(2)))
    if highest:
        op.bulk_insert(counters, [{"agency_id": a, "year": y, "last_number": n} for (a, y), n in highest.items()])


def downgrade() -> None:
    op.drop_table("petition_counters")
