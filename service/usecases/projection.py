"""Saving an engine step: state, task list, message waits, outbox and audit, in one transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from workflows import events as ev
from workflows.engine import Instance

from ..roles import LANE_ROLES
from ..store.tables import HumanTask, MessageWait, OutboxMessage, ProcessInstance, ProcessVersion
from . import audit


@dataclass(frozen=True)
class TaskInfo:
    """One row of the task list."""

    id: uuid.UUID
    instance_id: uuid.UUID
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    assignee: str | None
    status: str
    due_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class InstanceInfo:
    """An instance as the API and the pages show it, with its open tasks."""

    id: uuid.UUID
    status: str
    version: int
    business_key: str | None
    process_version_id: int
    process_key: str | None
    next_timer_at: datetime | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    open_tasks: tuple[TaskInfo, ...]


def _task_info(row: HumanTask) -> TaskInfo:
    return TaskInfo(row.id, row.instance_id, row.element_id, row.name, row.lane, row.form_key, row.assignee,
                    row.status, row.due_at, row.created_at)


def instance_info(
    inst: ProcessInstance, version: ProcessVersion | None, ready: Iterable[ev.TaskView] | None,
    session: Session | None = None,
) -> InstanceInfo:
    """Build the view of an instance; open tasks from the engine's ready list or from the task table."""
    if ready is None and session is not None:
        rows = session.execute(
            select(HumanTask).where(HumanTask.instance_id == inst.id, HumanTask.status == "ready")
            .order_by(HumanTask.created_at)
        ).scalars()
        tasks = tuple(_task_info(r) for r in rows)
    else:
        tasks = tuple(
            TaskInfo(uuid.UUID(t.id), inst.id, t.element_id, t.name, t.lane, t.form_key, None, "ready", None,
                     inst.updated_at)
            for t in (ready or ())
        )
    return InstanceInfo(inst.id, inst.status, inst.version, inst.business_key, inst.process_version_id,
                        version.key if version else None, inst.next_timer_at, inst.created_at, inst.updated_at,
                        inst.completed_at, tasks)


def _candidate_role(lane: str | None) -> str | None:
    return lane if lane in LANE_ROLES else None


def _correlation_key(correlations: dict[str, Any]) -> str:
    return json.dumps(correlations, sort_keys=True, separators=(",", ":"), default=str)[:500]


def _entry(event: ev.EngineEvent) -> audit.Entry:
    data = dict(event.data)
    if event.name:
        data["name"] = event.name
    return audit.Entry(event.kind, data, task_id=event.task_id, element_id=event.element_id)


def persist(
    session: Session, inst: ProcessInstance, instance: Instance, result: ev.StepResult, actor: str, at: datetime,
    first: Sequence[audit.Entry], waits_before: Sequence[ev.WaitingMessage] | None,
) -> None:
    """Write one engine step: state and status, new and withdrawn tasks, waits, outbox, audit."""
    snapshot = result.snapshot
    inst.state = instance.save()
    inst.status = "completed" if snapshot.completed else "running"
    inst.next_timer_at = snapshot.next_timer_at
    inst.updated_at = at
    if snapshot.completed:
        inst.completed_at = at
    trail = audit.chain_onto_instance(inst, actor, at, [*first, *(_entry(e) for e in result.events)])
    session.add(inst)
    # The instance row goes first: a new one must exist before the rows that refer to it, and an
    # update meets the version check (and PostgreSQL's row lock) before anything else is written.
    session.flush()
    session.add_all(trail)
    ready = {t.id: t for t in snapshot.ready_tasks}
    cancelled: list[uuid.UUID] = []
    for event in result.events:
        if event.kind == ev.TASK_CREATED and event.task_id in ready:
            view = ready[event.task_id]
            session.add(HumanTask(
                id=uuid.UUID(view.id), instance_id=inst.id, agency_id=inst.agency_id, element_id=view.element_id,
                name=view.name[:300], lane=view.lane, candidate_role=_candidate_role(view.lane),
                form_key=view.form_key, status="ready", created_at=at,
            ))
        elif event.kind == ev.TASK_CANCELLED and event.task_id:
            cancelled.append(uuid.UUID(event.task_id))
    if cancelled:
        session.execute(update(HumanTask).where(HumanTask.id.in_(cancelled))
                        .values(status="cancelled", completed_at=at), execution_options={"synchronize_session": False})
    waits_after = list(snapshot.waiting_messages)
    if waits_before is None or waits_after != list(waits_before):
        if waits_before:
            session.execute(delete(MessageWait).where(MessageWait.instance_id == inst.id))
        session.add_all(MessageWait(instance_id=inst.id, agency_id=inst.agency_id, name=w.name[:200],
                                    correlation=_correlation_key(w.correlations)) for w in waits_after)
    session.add_all(
        OutboxMessage(agency_id=inst.agency_id, source_instance_id=inst.id, name=m.name[:200], payload=m.payload,
                      correlations=m.correlations, created_at=at, attempts=0)
        for m in result.messages
    )
