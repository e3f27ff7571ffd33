"""Reading instances: lists and details from the projections, and the diagram state from the audit trail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.engine import Instance
from workflows.errors import WorkflowError

from ..store.tables import AuditEvent, HumanTask, ProcessInstance, ProcessVersion
from . import access, clock
from .context import Actor, Context
from .errors import NotFound
from .task_queries import TaskRow, row_of

READERS = ("office", "director", "admin", "auditor")
"""Roles that read instances: the leads, admins and auditors."""
PATH_EVENTS = ("element_completed", "task_completed")


@dataclass(frozen=True)
class InstanceRow:
    """An instance as lists show it."""

    id: uuid.UUID
    model_key: str
    model_version: int
    business_key: str | None
    status: str
    version: int
    confidential: bool
    started_by: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    next_timer_at: datetime | None


@dataclass(frozen=True)
class InstanceDetail:
    """An instance with its open tasks."""

    instance: InstanceRow
    open_tasks: list[TaskRow]


@dataclass(frozen=True)
class InstancePage:
    """One page of instances."""

    items: list[InstanceRow]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class DiagramState:
    """What to paint on the diagram: elements done, active and overdue, and the path taken in order."""

    instance_id: uuid.UUID
    version: int
    status: str
    completed: list[str]
    active: list[str]
    overdue: list[str]
    path: list[str]
    gateways: list[dict[str, object]]


def _row(inst: ProcessInstance, key: str, number: int) -> InstanceRow:
    return InstanceRow(inst.id, key, number, inst.business_key, inst.status, inst.version, inst.confidential,
                       inst.started_by, inst.created_at, inst.updated_at, inst.completed_at, inst.next_timer_at)


def list_instances(
    ctx: Context, actor: Actor, status: str | None = None, model_key: str | None = None,
    business_key: str | None = None, page: int = 1, per_page: int = 50,
) -> InstancePage:
    """Instances of the actor's agency, newest first, filtered; confidential ones only for those handling them."""
    access.require(actor, READERS, "listing instances")
    with ctx.uow(write=False) as uow:
        s = uow.session
        query = (select(ProcessInstance, ProcessVersion.key, ProcessVersion.version)
                 .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
                 .where(ProcessInstance.agency_id == access.agency_id_of(s, actor), access.visible_clause(actor)))
        if status:
            query = query.where(ProcessInstance.status == status)
        if model_key:
            query = query.where(ProcessVersion.key == model_key)
        if business_key:
            query = query.where(ProcessInstance.business_key == business_key)
        total = int(s.execute(select(func.count()).select_from(query.subquery())).scalar_one())
        rows = s.execute(query.order_by(ProcessInstance.created_at.desc(), ProcessInstance.id)
                         .limit(per_page).offset((page - 1) * per_page)).all()
        return InstancePage([_row(i, k, n) for i, k, n in rows], total, page, per_page)


def load_detail(session: Session, actor: Actor, instance_id: uuid.UUID) -> tuple[ProcessInstance, InstanceDetail]:
    """An instance the actor may read, with its open tasks (`NotFound` otherwise)."""
    inst = session.get(ProcessInstance, instance_id)
    if inst is None:
        raise NotFound(f"instance {instance_id} does not exist")
    access.check_visible(session, actor, inst)
    version = session.get_one(ProcessVersion, inst.process_version_id)
    now = clock.now()
    tasks = session.execute(select(HumanTask).where(HumanTask.instance_id == inst.id, HumanTask.status == "ready")
                            .order_by(HumanTask.created_at, HumanTask.id)).scalars()
    detail = InstanceDetail(_row(inst, version.key, version.version),
                            [row_of(t, inst.version, inst.business_key, now) for t in tasks])
    return inst, detail


def get_instance(ctx: Context, actor: Actor, instance_id: uuid.UUID) -> InstanceDetail:
    """One instance with its open tasks; reading a confidential one is recorded (`confidential_read`)."""
    access.require(actor, READERS, "reading instances")
    with ctx.uow(write=False) as uow:
        inst, detail = load_detail(uow.session, actor, instance_id)
    if inst.confidential:
        with ctx.uow() as uow:
            access.record_confidential_read(uow.session, actor, inst, f"instance {instance_id}")
            uow.commit()
    return detail


def diagram_state(ctx: Context, actor: Actor, instance_id: uuid.UUID) -> DiagramState:
    """Completed, active and overdue element ids and the path taken, from the instance's audit events."""
    access.require(actor, READERS, "reading instances")
    with ctx.uow(write=False) as uow:
        s = uow.session
        inst, detail = load_detail(s, actor, instance_id)
        events = s.execute(select(AuditEvent.event_type, AuditEvent.element_id, AuditEvent.data)
                           .where(AuditEvent.instance_id == inst.id).order_by(AuditEvent.seq)).all()
        waiting = _waiting(ctx, s, inst)
    path = [str(e) for kind, e, _ in events if kind in PATH_EVENTS and e]
    gateways = [{"element_id": e, "targets": list(d.get("targets") or [])}
                for kind, e, d in events if kind == "gateway_taken" and e]
    active = sorted({t.element_id for t in detail.open_tasks} | set(waiting))
    overdue = sorted({t.element_id for t in detail.open_tasks if t.overdue})
    return DiagramState(inst.id, inst.version, inst.status, sorted(set(path)), active, overdue, path, gateways)


def _waiting(ctx: Context, session: Session, inst: ProcessInstance) -> list[str]:
    if inst.status not in ("running", "suspended"):
        return []
    try:
        restored = Instance.restore(ctx.catalog.model_by_id(session, inst.process_version_id), inst.state)
    except WorkflowError:
        return []
    return restored.waiting_elements()
