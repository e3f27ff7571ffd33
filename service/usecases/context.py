"""What every use case needs: the database, the parsed-model catalog, the settings, and who acts."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Settings
from ..store.uow import Database, UnitOfWork
from . import hooks
from .catalog import Catalog


@dataclass
class Context:
    """The deployment's shared parts, built once in `create_app()` or a CLI command."""

    settings: Settings
    db: Database
    catalog: Catalog = field(default_factory=Catalog)

    @classmethod
    def from_settings(cls, settings: Settings) -> Context:
        """Connect to the configured database, install the domain's process hooks, start with an empty catalog."""
        hooks.install(settings.process_hooks)
        return cls(settings, Database(settings), Catalog(settings.model_cache_size))

    def uow(self, write: bool = True) -> UnitOfWork:
        """A unit of work on this deployment's database."""
        return self.db.unit_of_work(write)


@dataclass(frozen=True)
class Actor:
    """Who acts, in which agency, with which roles there."""

    username: str
    agency: str
    roles: frozenset[str] = frozenset()
    system: bool = False

    def has(self, *roles: str) -> bool:
        """Whether the actor holds any of `roles` (the system holds them all)."""
        return self.system or any(r in self.roles for r in roles)

    @classmethod
    def system_actor(cls, agency: str) -> Actor:
        """The actor for work nobody does by hand: timers, message delivery, loading the pack."""
        return cls("system", agency, frozenset(), system=True)
