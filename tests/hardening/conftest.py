"""Hardening tests reuse the API tier's fixtures: the app with the demo users, clients by role.

They run on an SQLite file only (what they check is HTTP and use-case behaviour); the tests that are
about PostgreSQL itself (backup, restart) ask for `postgres_url` directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import app, as_role, cheap_hashes  # noqa: F401  (fixtures)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """An SQLite file per test."""
    return f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}"
