"""The unit of work: one transaction per command, and the only place that commits."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..config import Settings
from .db import WRITE, make_engine


class ConcurrentUpdate(Exception):
    """Another command changed the same instance first; the whole transaction was rolled back."""


class Database:
    """The engine and the session factories of one deployment."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(self.engine.execution_options(**{WRITE: True}), expire_on_commit=False)
        # One statement needs no transaction of its own: on PostgreSQL a read in autocommit is one
        # round trip instead of three (BEGIN, the query, ROLLBACK). SQLite's reads begin themselves.
        postgres = self.engine.dialect.name == "postgresql"
        self._one_read = self.engine.execution_options(isolation_level="AUTOCOMMIT") if postgres else self.engine

    def unit_of_work(self, write: bool = True) -> UnitOfWork:
        """A unit of work; `write=False` for queries (no write lock taken on SQLite)."""
        return UnitOfWork(self._writes if write else self._reads)

    def read(self) -> Connection:
        """A plain connection for one read statement without the ORM (`with db.read() as conn:`).

        For the hottest reads (a bearer token on every request), where a session's bookkeeping
        costs more than the query. One statement only: on PostgreSQL it runs in autocommit, so
        two statements would not see the same snapshot.
        """
        return self._one_read.connect()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


class UnitOfWork:
    """`with db.unit_of_work() as uow: ...; uow.commit()`; leaving without commit rolls back."""

    session: Session

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.close()  # rolls back whatever was not committed; loaded rows stay readable
        if exc is not None and _is_lost_race(exc):
            raise ConcurrentUpdate(str(exc).splitlines()[0]) from None

    def commit(self) -> None:
        """Write everything this command did, or nothing: a lost race raises `ConcurrentUpdate`. What the
        command kept for its own transaction in the session's `info` (holidays read once) goes with it."""
        self.session.info.clear()
        try:
            self.session.commit()
        except (StaleDataError, IntegrityError, OperationalError) as exc:
            self.session.rollback()
            if _is_lost_race(exc):
                raise ConcurrentUpdate(str(exc).splitlines()[0]) from None
            raise

    def flush(self) -> None:
        """Send pending changes without committing (to learn generated keys or hit a lock early)."""
        self.session.flush()


def _is_lost_race(exc: BaseException) -> bool:
    """A stale version, a second writer of the same audit chain position, or SQLite's lock timeout."""
    if isinstance(exc, StaleDataError):
        return True
    text = str(exc).lower()
    if isinstance(exc, IntegrityError):
        return "chain" in text and "seq" in text
    if isinstance(exc, OperationalError):
        return "database is locked" in text or "could not serialize" in text
    return False
