"""Fixtures shared by every tier: databases (SQLite file, PostgreSQL), a service context, actors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from service.config import Settings
from service.pack import read_bundle
from service.store.db import temporary_postgres_database, unreachable
from service.store.migrate import upgrade
from service.usecases import accounts, models
from service.usecases.context import Actor, Context

ROOT = Path(__file__).resolve().parent.parent
BPMN = ROOT / "bpmn"
POSTGRES_URL = os.environ.get("PETITIONFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
AGENCY = "demo"


def _postgres_problem() -> str | None:
    problem = unreachable(POSTGRES_URL)
    return f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} is not reachable: {problem}" if problem else None


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of the test PostgreSQL server; skips (fails under CI=true) when it is absent."""
    problem = _postgres_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem} (required under CI=true)")
        pytest.skip(problem)
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with temporary_postgres_database(postgres_server, "pf_test") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes this runs twice: on an SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


def make_context(url: str) -> Context:
    """A migrated deployment with the demo agency."""
    ctx = Context.from_settings(Settings(database_url=url, secret_key="test"))
    upgrade(ctx.db.engine)
    accounts.ensure_agency(ctx, AGENCY, "Sở thử nghiệm")
    return ctx


@pytest.fixture
def ctx(database_url: str) -> Iterator[Context]:
    """A migrated deployment on the database under test; disposed afterwards."""
    context = make_context(database_url)
    yield context
    context.db.dispose()


def actor(username: str, *roles: str) -> Actor:
    """An actor of the demo agency."""
    return Actor(username, AGENCY, frozenset(roles))


ADMIN = Actor("admin", AGENCY, frozenset({"admin", "designer"}))


def deploy_sample(context: Context, name: str = "intake_review.bpmn") -> models.VersionInfo:
    """Deploy a diagram of the process pack with its forms and decision tables."""
    bundle = read_bundle(BPMN / name)
    return models.deploy(context, ADMIN, bundle.bpmn, bundle.resources, bundle.file_name, shared=True)
