"""Suspending, resuming and terminating instances.

A suspended instance keeps everything but refuses task completions, messages and timers until it
is resumed. A terminated one keeps its state and history too; its open tasks are cancelled, its
message waits and timer removed, and its status becomes `terminated` for good.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..store.tables import HumanTask, MessageWait, ProcessInstance
from ..store.uow import ConcurrentUpdate
from . import access, audit, clock, hooks, instances
from .access import Expected
from .context import Actor, Context
from .errors import Conflict, Invalid
from .instance_queries import InstanceDetail, load_detail

STARTERS = ("office", "director", "admin")
SUSPENDERS = ("office", "director", "admin")
TERMINATORS = ("director", "admin")


def _change(
    ctx: Context, actor: Actor, instance_id: uuid.UUID, expected: Expected | None,
    act: Callable[[Session, ProcessInstance], audit.Entry],
) -> InstanceDetail:
    try:
        with ctx.uow() as uow:
            s = uow.session
            inst, _ = load_detail(s, actor, instance_id)
            access.check_expected(inst, expected)
            entry = act(s, inst)
            at = clock.now()
            inst.updated_at = at
            s.add_all(audit.chain_onto_instance(inst, actor.username, at, [entry]))
            uow.commit()
        with ctx.uow(write=False) as uow:
            return load_detail(uow.session, actor, instance_id)[1]
    except ConcurrentUpdate:
        raise Conflict(f"instance {instance_id} was changed by someone else; reload and try again") from None


def start(ctx: Context, actor: Actor, model_key: str, data: Mapping[str, Any], version: int | None = None,
          business_key: str | None = None) -> InstanceDetail:
    """Start a deployed model by key (office, director, admin); `confidential: true` in the data hides it."""
    access.require(actor, STARTERS, "starting instances")
    started = instances.start_instance(ctx, actor, model_key, instances.validate_data(data), version, business_key)
    with ctx.uow(write=False) as uow:
        return load_detail(uow.session, actor, started.id)[1]


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise Invalid("a reason is required", ["reason: give the reason, it goes into the audit trail"],
                      fields={"reason": ["Missing data for required field."]})
    return text[:2000]


def suspend(ctx: Context, actor: Actor, instance_id: uuid.UUID, reason: str = "",
            expected: Expected | None = None) -> InstanceDetail:
    """Pause a running instance: no task, message or timer moves it until it is resumed."""
    access.require(actor, SUSPENDERS, "suspending instances")

    def act(_s: Session, inst: ProcessInstance) -> audit.Entry:
        if inst.status != "running":
            raise Conflict(f"instance {inst.id} is {inst.status}, not running")
        inst.status = "suspended"
        return audit.Entry("instance_suspended", {"reason": reason.strip()[:2000]})

    return _change(ctx, actor, instance_id, expected, act)


def resume(ctx: Context, actor: Actor, instance_id: uuid.UUID, expected: Expected | None = None) -> InstanceDetail:
    """Let a suspended instance run again; timers that fell due meanwhile fire on the worker's next pass."""
    access.require(actor, SUSPENDERS, "resuming instances")

    def act(_s: Session, inst: ProcessInstance) -> audit.Entry:
        if inst.status != "suspended":
            raise Conflict(f"instance {inst.id} is {inst.status}, not suspended")
        inst.status = "running"
        return audit.Entry("instance_resumed", {})

    return _change(ctx, actor, instance_id, expected, act)


def terminate(ctx: Context, actor: Actor, instance_id: uuid.UUID, reason: str,
              expected: Expected | None = None) -> InstanceDetail:
    """End an instance for good, with a reason: its open tasks are cancelled, its history kept."""
    access.require(actor, TERMINATORS, "terminating instances")
    why = _reason(reason)

    def act(s: Session, inst: ProcessInstance) -> audit.Entry:
        if inst.status not in ("running", "suspended"):
            raise Conflict(f"instance {inst.id} is {inst.status}; only running or suspended ones are terminated")
        at = clock.now()
        open_ids = [str(i) for i in s.execute(select(HumanTask.id).where(
            HumanTask.instance_id == inst.id, HumanTask.status == "ready")).scalars()]
        s.execute(update(HumanTask).where(HumanTask.instance_id == inst.id, HumanTask.status == "ready")
                  .values(status="cancelled", completed_at=at), execution_options={"synchronize_session": False})
        s.execute(delete(MessageWait).where(MessageWait.instance_id == inst.id))
        inst.status, inst.next_timer_at = "terminated", None
        hooks.of(ctx.catalog.model_by_id(s, inst.process_version_id).key).terminated(s, inst, at)
        return audit.Entry("instance_terminated", {"reason": why, "cancelled_tasks": open_ids})

    return _change(ctx, actor, instance_id, expected, act)
