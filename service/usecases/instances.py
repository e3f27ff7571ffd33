"""Running process instances: start one, complete its tasks, hand it messages, fire its timers.

Every command is one transaction: load the instance row (and the task row), check versions and
rights, restore the engine state, act, run the engine until it waits, then save the state, the
task-list projection, the audit events and the outbox together, and commit once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows import events as ev
from workflows.engine import Instance
from workflows.errors import MessageNotExpected, ScriptError, StateError, TaskNotReady

from .. import limits
from ..store import agencies
from ..store.tables import HumanTask, ProcessInstance, ProcessVersion
from ..store.uow import ConcurrentUpdate, UnitOfWork
from . import audit, clock, hooks, live, models, values
from .context import Actor, Context
from .errors import Conflict, Forbidden, Invalid, LimitExceeded, NotFound, ProcessFailed, StaleVersion
from .projection import InstanceInfo, instance_info, persist

T = TypeVar("T")

__all__ = [
    "InstanceInfo",
    "complete_loaded",
    "complete_task",
    "deliver_message",
    "fire_timers",
    "get_instance",
    "lost_race",
    "start_instance",
]


def _agency_id(session: Session, code: str) -> int:
    agency_id = agencies.agency_id(session, code)
    if agency_id is None:
        raise NotFound(f"agency '{code}' does not exist")
    return int(agency_id)


def _engine_call(step: Callable[[], T]) -> T:
    try:
        with limits.bounded_step():  # memory and time allowances of one step (service/limits.py)
            return step()
    except ScriptError as exc:
        raise ProcessFailed(f"the process failed: {exc}", exc.element_id) from None
    except limits.StepLimitExceeded as exc:
        element = f"{exc.element_id}: " if exc.element_id else ""
        raise LimitExceeded(f"the process failed: {element}{exc}", exc.element_id) from None
    except StateError as exc:
        raise ProcessFailed(f"the stored state could not be restored: {exc}") from None


def start_instance(
    ctx: Context, actor: Actor, model_key: str, data: Mapping[str, Any] | None = None,
    version: int | None = None, business_key: str | None = None,
) -> InstanceInfo:
    """Start the latest (or the named) version of `model_key` with `data` as its starting data."""
    with ctx.uow() as uow:
        info = start_in(uow.session, ctx, actor, model_key, data, version, business_key)
        uow.commit()
        return info


def start_in(
    s: Session, ctx: Context, actor: Actor, model_key: str, data: Mapping[str, Any] | None = None,
    version: int | None = None, business_key: str | None = None, instance_id: uuid.UUID | None = None,
) -> InstanceInfo:
    """Start an instance inside the caller's unit of work (for commands that start one among other writes).

    A register row that names `instance_id` before the start is kept in step by the first step itself,
    also when the process ends right there.
    """
    values.refuse_unstorable(dict(data or {}), "the starting data")
    agency_id = _agency_id(s, actor.agency)
    row = models.resolve(s, agency_id, model_key, version)  # the agency's own version, else the shared one
    if row is None:
        named = f" version {version}" if version else ""
        raise NotFound(f"no deployed process '{model_key}'{named}")
    model = ctx.catalog.model(row)
    instance, result = _engine_call(lambda: Instance.start(model, data or {}))
    at = clock.now()
    inst = ProcessInstance(
        id=instance_id or uuid.uuid4(), agency_id=agency_id, process_version_id=row.id,
        business_key=business_key, status="running", state="", started_by=actor.username,
        created_at=at, updated_at=at, audit_seq=0, audit_head=audit.GENESIS,
        confidential=(data or {}).get("confidential") is True,
    )
    started = audit.Entry("instance_started", {"process": row.key, "version": row.version,
                                               "business_key": business_key, "data": dict(data or {})})
    persist(s, inst, instance, result, actor.username, at, first=[started], waits_before=None,
            zone=ctx.settings.timezone)
    live.keep_after_commit(s, inst, instance, result.snapshot.waiting_messages)
    return instance_info(inst, row, result.snapshot.ready_tasks)


def _load_for_update(uow: UnitOfWork, instance_id: uuid.UUID) -> ProcessInstance:
    row = uow.session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"instance {instance_id} does not exist")
    return row


def _check_agency(session: Session, actor: Actor, row: ProcessInstance) -> None:
    if not actor.system and row.agency_id != _agency_id(session, actor.agency):
        raise NotFound(f"instance {row.id} does not exist")


def complete_task(
    ctx: Context, actor: Actor, task_id: uuid.UUID, data: Mapping[str, Any], expected_version: int | None = None,
) -> InstanceInfo:
    """Complete a ready task with the submitted data, as `actor`, then run the instance on."""
    values.refuse_unstorable(dict(data), "the submitted data")
    try:
        with ctx.uow() as uow:
            s = uow.session
            found = s.execute(
                select(HumanTask, ProcessInstance).join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
                .where(HumanTask.id == task_id)
            ).one_or_none()
            if found is None:
                raise NotFound(f"task {task_id} does not exist")
            task, inst = found
            _check_agency(s, actor, inst)
            if expected_version is not None and inst.version != expected_version:
                raise StaleVersion(f"instance is at version {inst.version}, not {expected_version}")
            info = complete_loaded(ctx, s, actor, task, inst, data)
            uow.commit()
            return info
    except ConcurrentUpdate:
        raise lost_race(ctx, task_id) from None


def complete_loaded(
    ctx: Context, s: Session, actor: Actor, task: HumanTask, inst: ProcessInstance, data: Mapping[str, Any],
) -> InstanceInfo:
    """Complete a task the caller loaded with its instance in its own unit of work; the caller commits.

    Nothing is written when it raises; on success the step is persisted (the instance's version
    check happens at the caller's commit, a lost race is `ConcurrentUpdate`).
    """
    _check_may_complete(actor, task)
    if task.status != "ready":
        raise Conflict(f"task {task.id} was already {task.status}"
                       + (f" by {task.completed_by}" if task.completed_by else ""),
                       by=task.completed_by, at=task.completed_at)
    if inst.status != "running":
        raise Conflict(f"instance {inst.id} is {inst.status}")
    model = ctx.catalog.model_by_id(s, inst.process_version_id)
    instance, waits_before = _live(s, ctx, inst)
    try:
        def current() -> dict[str, Any]:
            return next((t.data for t in instance.ready_tasks() if t.id == str(task.id)), {})

        data = {**data, **hooks.of(model.key).before_completion(s, task.element_id, inst, data, current,
                                                                model.forms.get(task.form_key or ""),
                                                                ctx.settings.timezone)}
        result = _engine_call(lambda: instance.complete_task(str(task.id), data))
    except TaskNotReady as exc:
        raise Conflict(str(exc)) from None
    at = clock.now()
    persist(s, inst, instance, result, actor.username, at, first=[], waits_before=waits_before,
            zone=ctx.settings.timezone, completed=task)
    hooks.of(model.key).task_completed(ctx, s, actor, task.element_id, inst, result.snapshot.data)
    live.keep_after_commit(s, inst, instance, result.snapshot.waiting_messages)
    return instance_info(inst, None, result.snapshot.ready_tasks)


def lost_race(ctx: Context, task_id: uuid.UUID) -> Conflict:
    with ctx.uow(write=False) as uow:
        task = uow.session.get(HumanTask, task_id)
    if task is not None and task.status == "completed":
        return Conflict(f"task {task_id} was completed by {task.completed_by} at {task.completed_at:%Y-%m-%d %H:%M:%S}",
                        by=task.completed_by, at=task.completed_at)
    return Conflict(f"the instance of task {task_id} was changed by someone else; reload and try again")


def _check_may_complete(actor: Actor, task: HumanTask) -> None:
    if actor.system or actor.has("admin"):
        return
    role = task.candidate_role or ""
    allowed = actor.has(role) if role != "unit" else bool(task.unit_code) and actor.has(f"unit:{task.unit_code}")
    if not allowed:
        where = f"unit {task.unit_code or '(none assigned)'}" if role == "unit" else f"the {role or 'unassigned'} lane"
        raise Forbidden(f"task '{task.name}' belongs to {where}; {actor.username} does not work there")
    if task.assignee and task.assignee != actor.username:
        raise Forbidden(f"task '{task.name}' is claimed by {task.assignee}")


def _live(s: Session, ctx: Context, inst: ProcessInstance) -> tuple[Instance, list[ev.WaitingMessage]]:
    """The instance ready to act and what it waited for: kept live from this process's last commit
    on it when the row is still at that version, else restored from the row's state."""
    model = ctx.catalog.model_by_id(s, inst.process_version_id)
    found = live.take(inst, model.sha256)
    if found is not None:
        return found.instance, list(found.waits)
    instance = _restore(model, inst.state)
    return instance, instance.waiting_messages()


def _restore(model: Any, state: str) -> Instance:
    try:
        return Instance.restore(model, state)
    except StateError as exc:
        raise ProcessFailed(f"the stored state could not be restored: {exc}") from None


def deliver_message(
    ctx: Context, actor: Actor, instance_id: uuid.UUID, name: str, payload: Mapping[str, Any],
    correlations: Mapping[str, Any] | None = None,
) -> InstanceInfo:
    """Hand `instance_id` the message `name`; `Conflict` when it is not waiting for it."""
    values.refuse_unstorable({"payload": dict(payload), "correlations": dict(correlations or {})}, "the message")
    with ctx.uow() as uow:
        s = uow.session
        inst = _load_for_update(uow, instance_id)
        _check_agency(s, actor, inst)
        result = deliver_loaded(ctx, s, inst, name, payload, correlations or {}, actor.username, clock.now())
        uow.commit()
        return instance_info(inst, None, result.snapshot.ready_tasks)


def deliver_loaded(
    ctx: Context, s: Session, inst: ProcessInstance, name: str, payload: Mapping[str, Any],
    correlations: Mapping[str, Any], actor: str, at: datetime, first: Sequence[audit.Entry] = (),
) -> ev.StepResult:
    """Deliver a message to an instance the caller has loaded (and locked) in its own unit of work.

    Nothing is written when it raises (`Conflict`: not waiting for it; `ProcessFailed`: the diagram
    failed); otherwise the step is persisted and the caller commits, with whatever else it wrote.
    """
    if inst.status != "running":
        raise Conflict(f"instance {inst.id} is {inst.status}")
    instance, waits_before = _live(s, ctx, inst)
    try:
        result = _engine_call(lambda: instance.deliver_message(name, payload, correlations))
    except MessageNotExpected as exc:
        raise Conflict(f"instance {inst.id} is not waiting for message '{name}': {exc}") from None
    persist(s, inst, instance, result, actor, at, first=first, waits_before=waits_before,
            zone=ctx.settings.timezone)
    live.keep_after_commit(s, inst, instance, result.snapshot.waiting_messages)
    return result


def fire_timers(ctx: Context, instance_id: uuid.UUID, now: datetime | None = None) -> InstanceInfo:
    """Fire whatever timers of the instance are due and save (the worker uses `fire_loaded`)."""
    with ctx.uow() as uow:
        s = uow.session
        inst = _load_for_update(uow, instance_id)
        result = fire_loaded(ctx, s, inst, now or clock.now())
        if result is None:
            return instance_info(inst, None, None, session=s)
        uow.commit()
        return instance_info(inst, None, result.snapshot.ready_tasks)


def fire_loaded(
    ctx: Context, s: Session, inst: ProcessInstance, at: datetime,
    first: Sequence[audit.Entry] = (), last: Sequence[audit.Entry] = (), force: bool = False,
) -> ev.StepResult | None:
    """Fire the due timers of an instance the caller has loaded (and locked) and persist the step.

    None when nothing happened (no timer was due; nothing written unless `force`). Raises
    `ProcessFailed` with nothing written when an engine step fails; the caller commits.
    """
    if inst.status != "running":
        return None
    instance, waits_before = _live(s, ctx, inst)
    result = _engine_call(instance.fire_due_timers)
    if not force and not result.events and result.snapshot.next_timer_at == inst.next_timer_at:
        return None
    persist(s, inst, instance, result, "system", at, first=first, waits_before=waits_before, last=last,
            zone=ctx.settings.timezone)
    live.keep_after_commit(s, inst, instance, result.snapshot.waiting_messages)
    return result


def get_instance(ctx: Context, actor: Actor, instance_id: uuid.UUID) -> InstanceInfo:
    """One instance with its open tasks, read from the projections (no engine state restored)."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        inst = s.get(ProcessInstance, instance_id)
        if inst is None:
            raise NotFound(f"instance {instance_id} does not exist")
        _check_agency(s, actor, inst)
        return instance_info(inst, s.get(ProcessVersion, inst.process_version_id), None, session=s)


def validate_data(data: Any) -> dict[str, Any]:
    """Starting or submitted data must be an object with text keys."""
    if not isinstance(data, Mapping) or not all(isinstance(k, str) for k in data):
        raise Invalid("data must be a JSON object", ["data: must be an object with text keys"])
    return dict(data)
