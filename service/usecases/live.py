"""Live workflows kept between commands in this process, so a completion need not restore the state.

After a step commits, its `Instance` is kept here, keyed by the instance id, with the version the
commit gave the row and the hash of the bundle it runs. The next command on that instance takes it
out, but only when the row it loaded still has that version and bundle: a change made by another
process (another server worker, the timer worker) moves the version and the state is restored from
the row as usual. An entry is taken out while in use (no two commands share one), put back only
after the command's commit, and gone for good when the command fails. The waits the instance had
after its last step travel with it, so they are not worked out again.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from workflows import events as ev
from workflows.engine import Instance

from ..store.tables import ProcessInstance

KEPT = 256
"""Live instances kept per process; the least recently used goes first."""


@dataclass(frozen=True)
class Live:
    """A live instance as its last commit left it."""

    version: int
    bundle: str
    instance: Instance
    waits: tuple[ev.WaitingMessage, ...]


_kept: OrderedDict[uuid.UUID, Live] = OrderedDict()
_lock = threading.Lock()


def take(inst: ProcessInstance, bundle: str) -> Live | None:
    """The live instance for the loaded row `inst`, taken out; None unless version and bundle match."""
    with _lock:
        found = _kept.pop(inst.id, None)
    if found is None or found.version != inst.version or found.bundle != bundle:
        return None
    return found


def keep_after_commit(session: Session, inst: ProcessInstance, instance: Instance,
                      waits: Sequence[ev.WaitingMessage]) -> None:
    """Put `instance` back when `session` commits (with the version the commit gave the row)."""

    def put(_session: Session) -> None:
        if inst.status != "running":
            return
        with _lock:
            _kept[inst.id] = Live(inst.version, instance.model.sha256, instance, tuple(waits))
            _kept.move_to_end(inst.id)
            while len(_kept) > KEPT:
                _kept.popitem(last=False)

    event.listen(session, "after_commit", put, once=True)


def forget(instance_id: uuid.UUID) -> None:
    """Drop what is kept for an instance (its row changed by other means)."""
    with _lock:
        _kept.pop(instance_id, None)


def clear() -> None:
    """Drop every kept instance (tests, and after a process version is replaced)."""
    with _lock:
        _kept.clear()
