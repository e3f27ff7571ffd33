"""Trigram indexes for the petition search on PostgreSQL (found by the benchmark suite, issue 7).

`petitions.list_petitions` filters with `title ILIKE '%text%' OR code ILIKE '%text%'`, which no
B-tree index can answer: with 100,000 petitions PostgreSQL read the whole table for each search.
GIN trigram indexes (`pg_trgm`, a trusted extension: a database owner may create it) answer both
conditions. SQLite has no such index; its search keeps walking `ix_petitions_agency_submitted`
newest first and stops at the page's end.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_petitions_title_trgm ON petitions USING gin (title gin_trgm_ops)")
    op.execute("CREATE INDEX ix_petitions_code_trgm ON petitions USING gin (code gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_petitions_code_trgm")
    op.execute("DROP INDEX IF EXISTS ix_petitions_title_trgm")
