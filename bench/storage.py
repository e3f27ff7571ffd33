"""Bytes stored for one instance: its state, task list, register row, waits, outbox and audit trail."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table, text

from service.store.petition_tables import Petition
from service.store.tables import AuditEvent, HumanTask, MessageWait, OutboxMessage, ProcessInstance
from service.usecases.context import Context

_OWNED: list[tuple[Table, str]] = [
    (ProcessInstance.__table__, "id"), (HumanTask.__table__, "instance_id"),  # type: ignore[list-item]
    (AuditEvent.__table__, "instance_id"), (Petition.__table__, "instance_id"),  # type: ignore[list-item]
    (MessageWait.__table__, "instance_id"), (OutboxMessage.__table__, "source_instance_id"),  # type: ignore[list-item]
]


def _size_sql(table: Table, column: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"SELECT count(*), coalesce(sum(pg_column_size(t.*)), 0) FROM {table.name} t WHERE {column} = :id"
    cells = " + ".join(f"coalesce(length(CAST({c.name} AS BLOB)), 0)" for c in table.columns)
    return f"SELECT count(*), coalesce(sum({cells}), 0) FROM {table.name} WHERE {column} = :id"


def instance_bytes(ctx: Context, instance_id: uuid.UUID) -> dict[str, Any]:
    """Rows and bytes per table for one instance (PostgreSQL: `pg_column_size` of each row, as stored,
    compressed where TOASTed; SQLite: the sum of its cells' lengths), and the total."""
    dialect = ctx.db.engine.dialect.name
    ident: Any = instance_id if dialect == "postgresql" else instance_id.hex
    found: dict[str, Any] = {}
    with ctx.db.engine.connect() as conn:
        for table, column in _OWNED:
            rows, size = conn.execute(text(_size_sql(table, column, dialect)), {"id": ident}).one()
            found[table.name] = {"rows": int(rows), "bytes": int(size)}
        state = conn.execute(text("SELECT length(state) FROM process_instances WHERE id = :id"), {"id": ident}).scalar()
    found["state_chars"] = int(state or 0)
    found["total_bytes"] = sum(v["bytes"] for v in found.values() if isinstance(v, dict))
    return found
