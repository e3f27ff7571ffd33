"""Saving an engine step: state, task list, message waits, outbox and audit, in one transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, delete, insert, inspect, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from workflows import events as ev
from workflows.engine import Instance

from .. import limits
from ..config import Settings
from ..roles import LANE_ROLES, UNIT_KEY, group_key
from ..store.tables import AuditEvent, Holiday, HumanTask, MessageWait, OutboxMessage, ProcessInstance, ProcessVersion
from . import audit, groups, hooks, notifications
from . import calendar as deadlines
from .errors import LimitExceeded

DEFAULT_ZONE = Settings.timezone
"""The time zone working-day deadlines count in when the caller names none."""


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


def unit_code_of(data: dict[str, Any]) -> str | None:
    """The unit a task's petition is assigned to: its data's `assigned_unit`, when that is a code."""
    unit = data.get(UNIT_KEY)
    return unit[:64] if isinstance(unit, str) and unit else None


def candidate_roles(session: Session, agency_id: int, lanes: Iterable[str | None],
                    ids: Mapping[str, str] | None = None) -> dict[str | None, str | None]:
    """The role working each lane in the agency: the group the lane's name (else its id, `ids` by name)
    names (None: no group, only admins)."""
    wanted = set(lanes)
    if all(lane is None or group_key(lane) in LANE_ROLES for lane in wanted):
        known = {key: groups.GroupInfo(key, key, True) for key in LANE_ROLES}  # no query for the default groups
    else:
        known = groups.agency_groups(session, agency_id)
    return {lane: groups.lane_role(known, lane, ids) for lane in wanted}


def correlation_key(correlations: dict[str, Any]) -> str:
    """The canonical text of a set of correlation values, as `message_waits.correlation` stores it."""
    return json.dumps(correlations, sort_keys=True, separators=(",", ":"), default=str)[:500]




_HOLIDAYS = select(Holiday.day).where(or_(Holiday.agency_id == bindparam("agency_id"), Holiday.agency_id.is_(None)),
                                      Holiday.day >= bindparam("start"))
"""Built once: a step that opens a task with a working-day deadline reads it."""


def holidays_from(session: Session, agency_id: int, start: date) -> set[date]:
    """The agency's and the province-wide holidays from `start` on, for counting working days.

    Read once per unit of work and agency: a step's new tasks and the petition's own deadline count on the
    same holidays (kept in the session's `info`, which ends with the transaction's session)."""
    known: dict[int, tuple[date, frozenset[date]]] = session.info.setdefault("holidays_from", {})
    cached = known.get(agency_id)
    if cached is None or start < cached[0]:
        cached = (start, frozenset(session.connection().execute(_HOLIDAYS, {"agency_id": agency_id,
                                                                             "start": start}).scalars()))
        known[agency_id] = cached
    return {day for day in cached[1] if day >= start}


def _due_dates(session: Session, inst: ProcessInstance, views: Sequence[ev.TaskView], at: datetime,
               zone: str) -> dict[str, datetime | None]:
    """Due date of each new task, from its `dueIn`/`dueInVariable`/`dueDays` properties."""
    holidays: set[date] = set()
    if any(deadlines.wants_working_days(v.properties) and deadlines.duration_of(v.properties, v.data)
           for v in views):
        holidays = holidays_from(session, inst.agency_id, at.date() - timedelta(days=1))
    return {v.id: deadlines.task_due_at(v.properties, v.data, at, holidays, zone) for v in views}


def _entry(event: ev.EngineEvent) -> audit.Entry:
    data = dict(event.data)
    if event.name:
        data["name"] = event.name
    return audit.Entry(event.kind, data, task_id=event.task_id, element_id=event.element_id)


_INSTANCES = cast(Table, ProcessInstance.__table__)
_STEP_COLUMNS = ("state", "status", "next_timer_at", "updated_at", "confidential", "audit_seq", "audit_head", "version")


def _step_update(columns: Sequence[str]) -> Update:
    return (update(_INSTANCES)
            .where(_INSTANCES.c.id == bindparam("loaded_id"), _INSTANCES.c.version == bindparam("loaded_version"))
            .values({key: bindparam(key, type_=_INSTANCES.c[key].type) for key in columns}))


_STEP_UPDATES = {False: _step_update(_STEP_COLUMNS), True: _step_update((*_STEP_COLUMNS, "completed_at"))}
"""Built once, for a step that leaves the instance running and one that completes it."""


def _update_instance(session: Session, inst: ProcessInstance, completed_at: datetime | None) -> None:
    """The step's UPDATE of a loaded instance row with its version check, as one Core statement.

    What the ORM's flush would send, without its unit-of-work pass: the row must still be at the
    version the command loaded (else `StaleDataError`, a lost race), and the loaded object is told
    the new values as committed so nothing of it is written twice.
    """
    loaded_version = inst.version
    values: dict[str, Any] = {key: getattr(inst, key) for key in _STEP_COLUMNS}
    values["version"] = loaded_version + 1
    if completed_at is not None:
        values["completed_at"] = completed_at
    done = session.connection().execute(_STEP_UPDATES[completed_at is not None],
                                        {**values, "loaded_id": inst.id, "loaded_version": loaded_version})
    if done.rowcount != 1:
        raise StaleDataError(f"instance {inst.id} is no longer at version {loaded_version}")
    for key, value in values.items():
        set_committed_value(inst, key, value)


_TASKS = cast(Table, HumanTask.__table__)
_TASK_COLUMNS = tuple(c.key for c in _TASKS.columns)
_COMPLETE_TASK = (update(_TASKS).where(_TASKS.c.id == bindparam("task_id"), _TASKS.c.status == "ready")
                  .values(status="completed", completed_at=bindparam("completed_at"),
                          completed_by=bindparam("completed_by")))
"""Built once: every completion marks its task completed with it."""


def _complete_task_row(session: Session, task: HumanTask, actor: str, at: datetime) -> None:
    """Mark the loaded `task` completed by `actor` at `at`, as one Core statement; the loaded object is told
    the new values as committed. A task no longer ready lost a race to another completion."""
    done = session.connection().execute(_COMPLETE_TASK, {"task_id": task.id, "completed_at": at,
                                                         "completed_by": actor[:64]})
    if done.rowcount != 1:
        raise StaleDataError(f"task {task.id} is no longer ready")
    for key, value in (("status", "completed"), ("completed_at", at), ("completed_by", actor[:64])):
        set_committed_value(task, key, value)


def persist(
    session: Session, inst: ProcessInstance, instance: Instance, result: ev.StepResult, actor: str, at: datetime,
    first: Sequence[audit.Entry], waits_before: Sequence[ev.WaitingMessage] | None,
    last: Sequence[audit.Entry] = (), zone: str | None = None, completed: HumanTask | None = None,
) -> None:
    """Write one engine step: state and status, new and withdrawn tasks with due dates, waits, outbox, audit.

    `first` audit entries go before the engine's events, `last` after them; `zone` is the time zone
    working-day deadlines count in (the default setting's when not given); `completed` is the loaded task
    the step completed, marked completed by `actor` at `at` with the step.
    """
    snapshot = result.snapshot
    state = instance.save()
    too_large = limits.state_too_large(state)  # checked before anything of the step is written
    if too_large:
        raise LimitExceeded(f"the process failed: {too_large}")
    loaded = inspect(inst)
    unchanged = loaded.persistent and not loaded.modified  # else the ORM writes it, with what else changed
    inst.state = state
    inst.status = "completed" if snapshot.completed else "running"
    inst.next_timer_at = snapshot.next_timer_at
    inst.updated_at = at
    if snapshot.completed:
        inst.completed_at = at
    domain = hooks.of(instance.model.key)
    inst.confidential = domain.confidential(snapshot.data, inst.confidential)
    trail = audit.chain_rows_onto_instance(inst, actor, at, [*first, *(_entry(e) for e in result.events), *last])
    # The instance row goes first: a new one must exist before the rows that refer to it, and an
    # update meets the version check (and PostgreSQL's row lock) before anything else is written.
    if unchanged:
        _update_instance(session, inst, at if snapshot.completed else None)
    else:
        session.add(inst)
        session.flush()
    if trail:  # one INSERT for the step's events, on the connection (ORM bulk machinery cost ~0.3 ms)
        session.connection().execute(insert(AuditEvent), trail)
    if completed is not None:
        _complete_task_row(session, completed, actor, at)
    ready = {t.id: t for t in snapshot.ready_tasks}
    created = [ready[e.task_id] for e in result.events if e.kind == ev.TASK_CREATED and e.task_id in ready]
    due = _due_dates(session, inst, created, at, zone or DEFAULT_ZONE) if created else {}
    roles = candidate_roles(session, inst.agency_id, [v.lane for v in created], instance.model.lane_ids) \
        if created else {}
    cancelled: list[uuid.UUID] = []
    new_tasks: list[HumanTask] = []
    for event in result.events:
        if event.kind == ev.TASK_CREATED and event.task_id in ready:
            view = ready[event.task_id]
            new_tasks.append(HumanTask(
                id=uuid.UUID(view.id), instance_id=inst.id, agency_id=inst.agency_id, element_id=view.element_id,
                name=view.name[:300], lane=view.lane, candidate_role=roles.get(view.lane),
                form_key=view.form_key, status="ready", created_at=at, unit_code=unit_code_of(view.data),
                due_at=due.get(view.id), assignee=None, completed_at=None, completed_by=None,
            ))
        elif event.kind == ev.TASK_CANCELLED and event.task_id:
            cancelled.append(uuid.UUID(event.task_id))
    if new_tasks:  # one INSERT on the connection: the unit-of-work flush cost more than the rows
        session.connection().execute(insert(_TASKS), [{c: getattr(t, c) for c in _TASK_COLUMNS} for t in new_tasks])
    if cancelled:
        session.execute(update(HumanTask).where(HumanTask.id.in_(cancelled))
                        .values(status="cancelled", completed_at=at), execution_options={"synchronize_session": False})
    waits_after = list(snapshot.waiting_messages)
    if waits_before is None or waits_after != list(waits_before):
        if waits_before:
            session.execute(delete(MessageWait).where(MessageWait.instance_id == inst.id))
        session.add_all(MessageWait(instance_id=inst.id, agency_id=inst.agency_id, name=w.name[:200],
                                    correlation=correlation_key(w.correlations)) for w in waits_after)
    domain.after_step(session, inst, instance.model, result, actor, at, zone)
    notifications.tasks_created(session, inst, new_tasks, at)  # after the register: it reads the urgency
    session.add_all(
        OutboxMessage(agency_id=inst.agency_id, source_instance_id=inst.id, name=m.name[:200], payload=m.payload,
                      correlations=m.correlations, created_at=at, attempts=0)
        for m in result.messages
    )
