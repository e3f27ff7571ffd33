"""How the generic workflow runtime reaches a domain: hooks registered per process key.

The runtime (instances, projection, timers, lifecycle) knows no petition, dialogue or report. After
each step it calls the hooks registered for the instance's process key; a key nobody registered
gets `ProcessHooks`, which does nothing but follow the data's `confidential` flag. The domain
registers its hooks through `install`, which `Context.from_settings` calls with the import path
named by the `process_hooks` setting, so no runtime module imports the domain (no import circle
can form) and a deployment could plug in another domain.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from workflows import events as ev

from ..store.tables import ProcessInstance

if TYPE_CHECKING:
    from workflows.models import ProcessModel

    from .context import Actor, Context


class ProcessHooks:
    """What a domain may add to the steps of one process; every method's default does nothing."""

    def before_completion(self, session: Session, element_id: str, inst: ProcessInstance,
                          data: Mapping[str, Any], current: Callable[[], Mapping[str, Any]],
                          form: Mapping[str, Any] | None, zone: str) -> dict[str, Any]:
        """Check a submission before its task completes (raise to refuse); return data to add to it."""
        return {}

    def confidential(self, data: Mapping[str, Any], current: bool) -> bool:
        """Whether the instance is confidential after a step: its data's `confidential` when the data
        says (any step may decide it, intake most often), else what it was."""
        value = data.get("confidential")
        return value if isinstance(value, bool) else current

    def after_step(self, session: Session, inst: ProcessInstance, model: ProcessModel, result: ev.StepResult,
                   actor: str, at: datetime, zone: str | None) -> None:
        """Keep the domain's own rows in step with the instance, in the step's transaction."""

    def task_completed(self, ctx: Context, session: Session, actor: Actor, element_id: str, inst: ProcessInstance,
                       data: Mapping[str, Any]) -> None:
        """After a task completed and its step was saved, in the same transaction: the domain's further work
        (such as receiving a forwarded petition in another agency), with `data` the instance's data after it."""

    def terminated(self, session: Session, inst: ProcessInstance, at: datetime) -> None:
        """Close the domain's rows of an instance an administrator terminated."""


class DomainReads:
    """What a domain adds to every read of process data, whatever the process: personal data it protects
    taken out for readers who may not see it (each read of it recorded), and forms adapted to the agency.
    The defaults show everything as stored."""

    def task_data(self, session: Session, actor: Actor, instance_id: uuid.UUID,
                  data: dict[str, Any]) -> tuple[dict[str, Any], Recorder | None]:
        """A task's data as `actor` may see it, and what to record of the read (called in a write unit)."""
        return data, None

    def submitted(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A submission without the placeholders a redacted form sends back for protected fields."""
        return dict(data)

    def events(self, session: Session, actor: Actor,
               items: list[tuple[uuid.UUID | None, dict[str, Any]]]) -> list[dict[str, Any]]:
        """The data of audit events (each with its instance, if any) as `actor` may see it."""
        return [data for _, data in items]

    def form(self, session: Session, agency_id: int, year: int, form: dict[str, Any]) -> dict[str, Any]:
        """A task's form as the agency's rules for `year` shape it (choices, fields)."""
        return form


Recorder = Callable[[Session, str], None]
"""Records a read of protected data in the given (write) session, with what showed it."""

_NONE = ProcessHooks()
_reads: list[DomainReads] = [DomainReads()]
_registered: dict[str, ProcessHooks] = {}
_installed: set[str] = set()


def register(process_key: str, hooks: ProcessHooks) -> None:
    """Make `hooks` the ones called for every instance of `process_key`."""
    _registered[process_key] = hooks


def set_reads(reads: DomainReads) -> None:
    """Make `reads` the domain's rules for every read of process data."""
    _reads[0] = reads


def reads() -> DomainReads:
    """The domain's rules for reads of process data (the show-everything ones when none were set)."""
    return _reads[0]


def of(process_key: str) -> ProcessHooks:
    """The hooks of `process_key`'s instances (the do-nothing ones when none were registered)."""
    return _registered.get(process_key, _NONE)


def install(path: str) -> None:
    """Call the installer at `path` ("package.module:function") once per process; it registers hooks."""
    if not path or path in _installed:
        return
    module_name, _, attribute = path.partition(":")
    installer = getattr(importlib.import_module(module_name), attribute or "install")
    installer(register, set_reads)
    _installed.add(path)
