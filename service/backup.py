"""`petitionflow backup FILE` and `petitionflow restore FILE [--force]`: the whole database in one file.

SQLite is copied with the sqlite3 online backup API, page by page, consistent and safe while the
service runs (writers wait a moment, nobody is refused). PostgreSQL is dumped by `pg_dump` in its
custom format (one consistent snapshot, the service keeps running) and restored by `pg_restore` in
one transaction; both are looked up on PATH, then in /usr/lib/postgresql/<version>/bin. A restore
refuses a database that already holds tables unless `force` is given (then they are replaced).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL, make_url

from .config import Settings

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    """What was written or read: the file, its size, and which kind of database."""

    file: Path
    size: int
    kind: str


def find_tool(name: str) -> str:
    """The path of a PostgreSQL client program (`pg_dump`, `pg_restore`)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if candidates:
        return candidates[-1]
    raise BackupError(f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin; install the PostgreSQL "
                      "client programs")


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the client programs; the password goes in the environment, not argv."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    return [*args, "--dbname", url.database or "postgres"], env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{Path(command[0]).name} failed: {lines[-1] if lines else f'exit {done.returncode}'}")


def backup(settings: Settings, file: Path) -> BackupResult:
    """Write a consistent copy of the whole database to `file` (replaced if it exists)."""
    url = make_url(settings.database_url)
    file = file.resolve()
    partial = file.with_name(file.name + ".partial")
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{_sqlite_file(url)}?mode=ro", uri=True,
                                 timeout=settings.sqlite_busy_timeout_ms / 1000)
        target = sqlite3.connect(partial)
        try:
            source.backup(target, pages=1024)
        finally:
            target.close()
            source.close()
        kind = "sqlite"
    elif url.get_backend_name() == "postgresql":
        args, env = _libpq(url)
        _run([find_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial),
              *args], env)
        kind = "postgresql"
    else:
        raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")
    os.replace(partial, file)
    return BackupResult(file, file.stat().st_size, kind)


def _kind_of(file: Path) -> str:
    with file.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{file} is not a petitionflow backup (neither an SQLite file nor a pg_dump custom archive)")


def table_names(engine: Engine) -> list[str]:
    """The tables the database holds now."""
    return sorted(inspect(engine).get_table_names())


def restore(settings: Settings, engine: Engine, file: Path, force: bool = False) -> BackupResult:
    """Put the backup `file` into the database; refuses a non-empty database unless `force`."""
    if not file.is_file():
        raise BackupError(f"{file} does not exist")
    url = make_url(settings.database_url)
    kind = _kind_of(file)
    if kind != url.get_backend_name():
        raise BackupError(f"{file} is a {kind} backup; it cannot be restored into a {url.get_backend_name()} database")
    existing = table_names(engine)
    if existing and not force:
        raise BackupError(f"the database is not empty ({len(existing)} tables, e.g. {existing[0]}); "
                          "restore into a fresh database, or pass --force to replace its contents")
    engine.dispose()
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_file(url), timeout=settings.sqlite_busy_timeout_ms / 1000)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args, env = _libpq(url)
        clean = ["--clean", "--if-exists"] if existing else []
        _run([find_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
              *clean, *args, str(file)], env)
    return BackupResult(file, file.stat().st_size, kind)
