"""Hardening tests reuse the API tier's fixtures: the app with the demo users, clients by role.

They run on an SQLite file only (what they check is HTTP and use-case behaviour); the tests that are
about PostgreSQL itself (backup, restart) ask for `postgres_url` directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.api.conftest import app, as_role, cheap_hashes  # noqa: F401  (fixtures)
from tests.hardening.backup_helpers import Cli, cli_runner, second_database
from tests.hardening.pgcluster import Cluster, available, throwaway_cluster


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """An SQLite file per test."""
    return f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster of this test's own, so restarting it disturbs nobody."""
    reason = available()
    if reason:
        pytest.skip(reason)
    with throwaway_cluster() as found:
        engine = create_engine(found.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE petitionflow"))
        engine.dispose()
        yield found


@pytest.fixture
def backup_cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`backup_cli(url, "backup", path)`: the CLI run against the database at `url` (exit code, output)."""
    return cli_runner(monkeypatch)


@pytest.fixture
def fresh_postgres_url(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """An empty PostgreSQL database to restore a backup into, dropped after the test."""
    return second_database(postgres_server, request)
