"""PostgreSQL connections are not pinged on every checkout; one that died while idle is replaced."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from service.config import Settings
from service.store import db


@pytest.mark.postgres
def test_busy_connections_are_not_pinged_and_a_dead_idle_one_is_replaced(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = db.make_engine(Settings(database_url=postgres_url, secret_key="t"))
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            with engine.connect() as conn:
                pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert sent == ["SELECT pg_backend_pid()"] * 3  # no ping between commands
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        monkeypatch.setattr(db, "IDLE_PING_S", 0.0)  # the pooled connection now counts as idle
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()
