"""The petition domain's hooks into the workflow runtime: registers, official documents, reports.

`install` registers one `ProcessHooks` per process of the pack; `Context.from_settings` calls it
through the `process_hooks` setting, so the runtime modules never import the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows import events as ev

from ..store.tables import ProcessInstance
from . import documents, registers
from .hooks import ProcessHooks


class RegisterHooks(ProcessHooks):
    """The hooks of one process of the pack: domain checks before a task completes, the register row,
    the documents a step issues, and closing the row of a terminated instance."""

    def __init__(self, process_key: str) -> None:
        self.process_key = process_key

    def before_completion(self, session: Session, element_id: str, inst: ProcessInstance,
                          data: Mapping[str, Any], current: Callable[[], Mapping[str, Any]],
                          form: Mapping[str, Any] | None, zone: str) -> dict[str, Any]:
        return registers.before_completion(session, self.process_key, element_id, inst, data, current, form, zone)

    def after_step(self, session: Session, inst: ProcessInstance, snapshot: ev.Snapshot, actor: str,
                   at: datetime, zone: str | None) -> None:
        registers.project(session, inst, self.process_key, snapshot, at, zone)
        if self.process_key == registers.PETITION_PROCESS:
            documents.issue_due(session, inst.id, snapshot.data, actor, at, zone)
        elif self.process_key == registers.DIALOGUE_PROCESS:
            documents.issue_invitations(session, inst.id, actor, at, zone)

    def terminated(self, session: Session, inst: ProcessInstance, at: datetime) -> None:
        registers.close_terminated(session, inst, at)


def install(register: Callable[[str, ProcessHooks], None]) -> None:
    """Register the hooks of the pack's processes."""
    for key in (registers.PETITION_PROCESS, registers.DIALOGUE_PROCESS, registers.REPORT_PROCESS):
        register(key, RegisterHooks(key))
