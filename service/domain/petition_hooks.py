"""The petition domain's hooks into the workflow runtime: registers, official documents, reports.

`install` registers one `ProcessHooks` per process of the pack; `Context.from_settings` calls it
through the `process_hooks` setting, so the runtime modules never import the domain.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows import events as ev
from workflows.models import ProcessModel

from .. import plan_rules
from ..store.tables import ProcessInstance
from ..usecases.context import Actor, Context
from ..usecases.hooks import DomainReads, ProcessHooks, Recorder
from . import documents, forwarding, identity, plan_queries, publications, registers


class RegisterHooks(ProcessHooks):
    """The hooks of one process of the pack: domain checks before a task completes, the register row,
    the documents a step issues, and closing the row of a terminated instance."""

    def __init__(self, process_key: str) -> None:
        self.process_key = process_key

    def before_completion(self, session: Session, element_id: str, inst: ProcessInstance,
                          data: Mapping[str, Any], current: Callable[[], Mapping[str, Any]],
                          form: Mapping[str, Any] | None, zone: str) -> dict[str, Any]:
        added = registers.before_completion(session, self.process_key, element_id, inst, data, current, form, zone)
        if self.process_key == registers.PETITION_PROCESS and element_id == forwarding.FORWARD_TASK:
            added |= forwarding.check(session, inst, {**data, **added})
        return added

    def task_completed(self, ctx: Context, session: Session, actor: Actor, element_id: str, inst: ProcessInstance,
                       data: Mapping[str, Any]) -> None:
        if self.process_key == registers.PETITION_PROCESS and element_id == forwarding.FORWARD_TASK:
            forwarding.forward(ctx, session, actor, inst, data)

    def after_step(self, session: Session, inst: ProcessInstance, model: ProcessModel, result: ev.StepResult,
                   actor: str, at: datetime, zone: str | None) -> None:
        snapshot = result.snapshot
        if self.process_key == registers.PETITION_PROCESS:
            petition = registers.project_petition(session, inst, snapshot, at, zone)  # the row, read once
            publications.record(session, inst, model, result, actor, at)
            if petition is not None:
                documents.issue_due(session, petition, snapshot.data, actor, at, zone)
            return
        registers.project(session, inst, self.process_key, snapshot, at, zone)
        publications.record(session, inst, model, result, actor, at)
        if self.process_key == registers.DIALOGUE_PROCESS:
            documents.issue_invitations(session, inst.id, actor, at, zone)

    def terminated(self, session: Session, inst: ProcessInstance, at: datetime) -> None:
        registers.close_terminated(session, inst, at)


class PetitionReads(DomainReads):
    """A denunciation's denouncer hidden from those not handling it (Luật Tố cáo 2018 art. 9), every read of
    the identity by those who do recorded; forms given the units, fields and audiences of the agency's plan."""

    def task_data(self, session: Session, actor: Actor, instance_id: uuid.UUID,
                  data: dict[str, Any]) -> tuple[dict[str, Any], Recorder | None]:
        shown, read = identity.shown_to(session, actor, instance_id, data)
        if read is None:
            return shown, None
        agency_id, petition_id, number = read
        return shown, lambda s, what: identity.record_read(s, actor, agency_id, [(petition_id, number)], what)

    def submitted(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return identity.strip_hidden(data)

    def events(self, session: Session, actor: Actor,
               items: list[tuple[uuid.UUID | None, dict[str, Any]]]) -> list[dict[str, Any]]:
        return identity.guard_events(session, actor, items)

    def form(self, session: Session, agency_id: int, year: int, form: dict[str, Any]) -> dict[str, Any]:
        shaped = _for_plan(form, plan_queries.plan_text_for(session, agency_id, year))
        return forwarding.shape_form(session, agency_id, shaped)


_SHAPED: OrderedDict[tuple[int, str | None], tuple[dict[str, Any], dict[str, Any]]] = OrderedDict()
_SHAPED_KEPT = 512


def _for_plan(form: dict[str, Any], plan_text: str | None) -> dict[str, Any]:
    """The form as the plan stored as `plan_text` shapes it, made once per form and plan text, then shared
    (readers do not change it). Keyed by the form object of the process version's cache, kept alive beside
    its entry so its id is not reused."""
    key = (id(form), plan_text)
    found = _SHAPED.get(key)
    if found is not None and found[0] is form:  # first in, first out: no reordering for a web thread to race
        return found[1]
    plan = json.loads(plan_text) if plan_text is not None else None
    shaped = plan_rules.form_for_plan(form, plan if isinstance(plan, dict) else None) or form
    _SHAPED[key] = (form, shaped)
    while len(_SHAPED) > _SHAPED_KEPT:
        with contextlib.suppress(KeyError):  # another thread emptied it first
            _SHAPED.popitem(last=False)
    return shaped


def install(register: Callable[[str, ProcessHooks], None], set_reads: Callable[[DomainReads], None]) -> None:
    """Register the hooks of the pack's processes and the petition domain's rules for reads."""
    set_reads(PetitionReads())
    for key in (registers.PETITION_PROCESS, registers.DIALOGUE_PROCESS, registers.REPORT_PROCESS):
        register(key, RegisterHooks(key))
