"""Database engines: SQLite set up for one writer at a time, PostgreSQL as it comes."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event, make_url
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.types import TypeDecorator

from ..config import Settings

RETRY_AFTER_S = 2
"""Seconds a client is told to wait (`Retry-After`) when the database cannot be reached."""
WRITE = "petitionflow_write"
"""Execution option that marks a connection as one that will write (SQLite: BEGIN IMMEDIATE)."""


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always handed back timezone-aware, on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(settings: Settings) -> Engine:
    """The SQLAlchemy engine for `settings.database_url`."""
    url = settings.database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=settings.sql_echo,
                               connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000})
        _tune_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    # No JIT: its compilation (200 ms and more) is triggered by the cost estimates of the visibility
    # subqueries on searches and lists whose real work takes a few milliseconds.
    engine = create_engine(url, echo=settings.sql_echo, pool_size=10, max_overflow=10,
                           pool_timeout=10, connect_args={"connect_timeout": 5, "options": "-c jit=off"})
    _ping_when_idle(engine)
    return engine


IDLE_PING_S = 10.0
"""A pooled connection idle this long is tested before use; busy ones are not pinged on every checkout."""


def _ping_when_idle(engine: Engine) -> None:
    """Instead of a ping on every checkout (`pool_pre_ping`): test only connections that sat idle.

    A connection in steady use needs no test: when the server goes away under it, the statement
    fails with a disconnect error, SQLAlchemy invalidates that connection and every other one made
    before it (the pool reconnects on the next checkout), the transaction is rolled back with
    nothing written, and the request is answered 503 with `Retry-After` for the client to retry.
    An idle connection is the one likely to have died unseen (a restart at night): it is pinged,
    and a failed ping makes the pool replace it before the command gets it.
    """

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_S:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as exc:  # any failure: the pool discards this connection and checks out another
            raise DisconnectionError(f"idle connection failed its ping: {exc}") from exc


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the database cannot be reached or dropped the connection (answer 503, retry).

    A dropped connection is invalidated by SQLAlchemy, so the pool reconnects on the next checkout
    (connections that sat idle are pinged before use, see `_ping_when_idle`).
    """
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc.orig or exc).lower()
        return not ("could not serialize" in text or "deadlock" in text)
    return False


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and transactions we begin ourselves.

    The sqlite3 module's own transaction handling would start a write transaction only at the
    first write, which lets two commands read the same version and then fail to upgrade their
    lock. A command that will write begins with BEGIN IMMEDIATE instead and waits its turn.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def unreachable(url: str, timeout_s: int = 3) -> str | None:
    """None when the database at `url` answers a query, else why it does not (one line)."""
    engine = create_engine(url, connect_args={"connect_timeout": timeout_s} if url.startswith("postgresql") else {})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("select 1")
    except Exception as exc:  # any failure to connect means: no database there
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    finally:
        engine.dispose()
    return None


@contextmanager
def temporary_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `server_url`, dropped when the block ends."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
