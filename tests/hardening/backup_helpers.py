"""What the backup tests share: running `petitionflow backup`/`restore` against a database, a second
PostgreSQL database to restore into, and the restored deployment's context."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.cli import main
from service.usecases.context import Context

Cli = Callable[..., tuple[int, str]]
"""`cli(url, *args)`: the command's exit code and output, run against the database at `url`."""


def cli_runner(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A runner of the CLI that points it at a database by the environment, as an operator does."""

    def run(url: str, *args: str) -> tuple[int, str]:
        monkeypatch.setenv("PETITIONFLOW_DATABASE_URL", url)
        result = CliRunner().invoke(main, list(args))
        return result.exit_code, result.output

    return run


def second_database(server: str, request: pytest.FixtureRequest) -> str:
    """An empty PostgreSQL database beside the test's own, dropped when the test ends."""
    name = f"pf_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def restored(source: Context, url: str) -> Context:
    """The context of the deployment restored at `url`, with the source's settings otherwise."""
    return Context.from_settings(source.settings.__class__(database_url=url, secret_key="t"))
