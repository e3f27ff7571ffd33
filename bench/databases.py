"""Databases for the benchmarks: an SQLite file or a fresh `pf_bench_*` PostgreSQL database, migrated,
with the demo agency, its users and the process pack loaded; and counting the SQL a block sends."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from service.config import Settings
from service.domain.demo import DEMO_PASSWORD, load_demo
from service.store.db import temporary_postgres_database, unreachable
from service.store.migrate import upgrade
from service.usecases import accounts
from service.usecases.context import Actor, Context

from .journey import UNIT, UNIT_USER
from .settings import BPMN, POSTGRES_URL

KINDS = ("sqlite", "postgresql")
SECRET = "bench-secret-key"


def postgres_available() -> str | None:
    """None when the PostgreSQL server answers, else why not."""
    return unreachable(POSTGRES_URL)


@contextmanager
def database(kind: str, label: str) -> Iterator[str]:
    """The URL of a new, empty database of `kind`, removed when the block ends."""
    name = f"pf_bench_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"{name}_"))
        try:
            yield f"sqlite:///{folder / 'petitionflow.sqlite3'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with temporary_postgres_database(POSTGRES_URL, f"pf_bench_{label}") as url:
        yield url


def deployment(url: str) -> Context:
    """A migrated deployment on `url` with the demo agency, users, plans and process pack."""
    ctx = Context.from_settings(Settings(database_url=url, secret_key=SECRET))
    upgrade(ctx.db.engine)
    load_demo(ctx, BPMN)
    accounts.add_user(ctx, Actor.system_actor("demo"), UNIT_USER, DEMO_PASSWORD, [f"unit:{UNIT}"], "demo")
    return ctx


def environment(url: str) -> dict[str, str]:
    """The environment a server or worker process of the same deployment runs with."""
    return {**os.environ, "PETITIONFLOW_DATABASE_URL": url, "PETITIONFLOW_SECRET_KEY": SECRET}


@dataclass
class StatementCounter:
    """Counts the statements an engine sends while `active` (a `before_cursor_execute` listener)."""

    engine: Engine
    count: int = 0
    active: bool = False

    def __post_init__(self) -> None:
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.active and not statement.lstrip()[:8].upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.count += 1  # transaction control is not counted (PostgreSQL's BEGIN is not seen here at all)

    @contextmanager
    def counting(self) -> Iterator[StatementCounter]:
        """Count inside the block only; `count` is reset when it starts."""
        self.count, self.active = 0, True
        try:
            yield self
        finally:
            self.active = False

    def remove(self) -> None:
        """Stop listening."""
        event.remove(self.engine, "before_cursor_execute", self._seen)
