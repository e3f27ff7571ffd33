"""Comments on a petition, and search that ignores diacritics and case over number, title, content,
the petitioner's name and phone.

`petition_comments` holds the notes staff write on a petition without completing a task (each is
also an event on the agency's audit chain). `petitions.search_head` (number, title, name, contact)
and `search_body` (content) hold the text folded by `service.search_text.fold`: lower case, no
diacritics, đ as d. The folding is done in Python for both databases, so SQLite and PostgreSQL find
exactly the same petitions (PostgreSQL's `unaccent` is not needed for that, and is not always
installable). On PostgreSQL the folded columns get GIN trigram indexes (`pg_trgm`, created in 0007
when available), which answer `LIKE '% word%'`; where the extension cannot be created the search
still works, reading the table. On SQLite an FTS5 index (`petitions_fts`, over the folded columns,
kept by triggers) finds the words; where FTS5 is missing the search reads the table.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.search_text import body, head

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _has_trigrams() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    found = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
    if found:
        return True
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        return True
    except sa.exc.DBAPIError:
        return False


FTS_TRIGGERS = (
    "CREATE TRIGGER petitions_fts_insert AFTER INSERT ON petitions BEGIN "
    "INSERT INTO petitions_fts(rowid, search_head, search_body) VALUES (new.rowid, new.search_head, new.search_body); "
    "END",
    "CREATE TRIGGER petitions_fts_delete AFTER DELETE ON petitions BEGIN "
    "INSERT INTO petitions_fts(petitions_fts, rowid, search_head, search_body) "
    "VALUES ('delete', old.rowid, old.search_head, old.search_body); END",
    "CREATE TRIGGER petitions_fts_update AFTER UPDATE OF search_head, search_body ON petitions BEGIN "
    "INSERT INTO petitions_fts(petitions_fts, rowid, search_head, search_body) "
    "VALUES ('delete', old.rowid, old.search_head, old.search_body); "
    "INSERT INTO petitions_fts(rowid, search_head, search_body) VALUES (new.rowid, new.search_head, new.search_body); "
    "END",
)


def _sqlite_fts() -> None:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE VIRTUAL TABLE petitions_fts USING fts5(search_head, search_body, "
                                 "content='petitions', content_rowid='rowid', tokenize='unicode61')"))
    except sa.exc.OperationalError:  # an SQLite built without FTS5: the search reads the table
        return
    for trigger in FTS_TRIGGERS:
        bind.execute(sa.text(trigger))
    bind.execute(sa.text("INSERT INTO petitions_fts(petitions_fts) VALUES ('rebuild')"))


def upgrade() -> None:
    op.create_table(
        "petition_comments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("petition_id", sa.Uuid(), sa.ForeignKey("petitions.id"), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_petition_comments_petition", "petition_comments", ["petition_id", "created_at"])
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("search_head", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("search_body", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    table = sa.table("petitions", sa.column("id", sa.Uuid()), sa.column("code"), sa.column("title"),
                     sa.column("content"), sa.column("petitioner_name"), sa.column("petitioner_contact"),
                     sa.column("search_head"), sa.column("search_body"))
    rows = bind.execute(sa.select(table.c.id, table.c.code, table.c.title, table.c.content,
                                  table.c.petitioner_name, table.c.petitioner_contact)).all()
    for row in rows:
        bind.execute(table.update().where(table.c.id == row.id).values(
            search_head=head(row.code, row.title, row.petitioner_name, row.petitioner_contact),
            search_body=body(row.content)))
    if bind.dialect.name == "sqlite":
        _sqlite_fts()
    if _has_trigrams():
        op.execute("CREATE INDEX ix_petitions_search_head_trgm ON petitions USING gin (search_head gin_trgm_ops)")
        op.execute("CREATE INDEX ix_petitions_search_body_trgm ON petitions USING gin (search_body gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS petitions_fts_{name}")
        op.execute("DROP TABLE IF EXISTS petitions_fts")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_petitions_search_body_trgm")
        op.execute("DROP INDEX IF EXISTS ix_petitions_search_head_trgm")
    with op.batch_alter_table("petitions") as batch:
        batch.drop_column("search_body")
        batch.drop_column("search_head")
    op.drop_index("ix_petition_comments_petition", table_name="petition_comments")
    op.drop_table("petition_comments")
