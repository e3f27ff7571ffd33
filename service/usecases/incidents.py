"""Incidents: steps the worker could not get past, their bounded retries, and what an admin does about them.

A timer whose next engine step fails (an expression error, say) opens an incident on its instance.
The worker retries it with doubling delays (`PETITIONFLOW_INCIDENT_BACKOFF_MS`) up to
`PETITIONFLOW_INCIDENT_MAX_ATTEMPTS` times, then leaves it open for an admin, who may correct the
instance's data (`set_instance_data`) and `retry_incident`, or `resolve_incident` when the cause is
gone. A step that went over one of its bounds (`LimitExceeded`: time, memory, tasks, state size) is
not retried automatically at all: it would spend the same again and delay every other instance. A
message that nobody takes after its delivery attempts opens a `message` incident on the instance
that threw it. Every attempt is on the instance's audit chain: `timer_failed`,
`incident_opened`, `incident_retried`, `incident_resolved`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows import events as ev
from workflows.errors import WorkflowError
from workflows.repair import set_waiting_data

from ..config import Settings
from ..store.tables import Agency, Incident, OutboxMessage, ProcessInstance
from . import audit, clock, instances
from .context import Actor, Context
from .errors import Conflict, Forbidden, Invalid, LimitExceeded, NotFound, ProcessFailed
from .projection import InstanceInfo, instance_info, persist
from .values import refuse_unstorable

MAX_BACKOFF = timedelta(days=1)


@dataclass(frozen=True)
class IncidentInfo:
    """An incident as lists, the CLI and the API show it."""

    id: int
    instance_id: uuid.UUID
    kind: str
    element_id: str | None
    error: str
    status: str
    attempts: int
    first_at: datetime
    last_at: datetime
    next_retry_at: datetime | None
    resolved_at: datetime | None
    resolved_by: str | None


def info(row: Incident) -> IncidentInfo:
    """The view of one incident row."""
    return IncidentInfo(row.id, row.instance_id, row.kind, row.element_id, row.error, row.status, row.attempts,
                        row.first_at, row.last_at, row.next_retry_at, row.resolved_at, row.resolved_by)


def _append(s: Session, inst: ProcessInstance, actor: str, at: datetime, entries: Sequence[audit.Entry]) -> None:
    """Chain events onto the instance; its head moves under the instance's version lock."""
    s.add_all(audit.chain_onto_instance(inst, actor, at, list(entries)))
    s.add(inst)


def backoff(settings: Settings, attempts: int) -> timedelta:
    """Delay before the next automatic retry after `attempts` failures: doubling from the base setting."""
    delay = timedelta(milliseconds=settings.incident_backoff_ms) * (1 << min(max(attempts - 1, 0), 30))
    return min(delay, MAX_BACKOFF)


def record_failure(
    s: Session, settings: Settings, inst: ProcessInstance, error: ProcessFailed | str, at: datetime, *,
    kind: str = "timer", outbox_id: int | None = None, actor: str = "system", before: Sequence[audit.Entry] = (),
) -> tuple[Incident, bool]:
    """Count one failed attempt on the instance's open incident of `kind`, opening it if needed.

    Returns the incident and whether it was opened now. A timer incident gets its next retry time,
    none after the last allowed attempt (then it waits for an admin). The caller commits.
    """
    text = str(error)[:4000]
    element = error.element_id if isinstance(error, ProcessFailed) else None
    query = select(Incident).where(Incident.instance_id == inst.id, Incident.status == "open", Incident.kind == kind)
    if outbox_id is not None:
        query = query.where(Incident.outbox_id == outbox_id)
    row = s.execute(query.limit(1)).scalar_one_or_none()
    opened = row is None
    if row is None:
        row = Incident(agency_id=inst.agency_id, instance_id=inst.id, kind=kind, outbox_id=outbox_id,
                       element_id=element, error=text, status="open", attempts=0, first_at=at, last_at=at)
        s.add(row)
    row.attempts += 1
    row.error, row.last_at, row.element_id = text, at, element or row.element_id
    retry = kind == "timer" and row.attempts < settings.incident_max_attempts and not isinstance(error, LimitExceeded)
    row.next_retry_at = at + backoff(settings, row.attempts) if retry else None
    s.flush()
    entries = list(before)
    if kind == "timer":
        entries.append(audit.Entry("timer_failed", {"incident": row.id, "attempt": row.attempts, "error": text,
                                                    "next_retry_at": row.next_retry_at}, element_id=element))
    if opened:
        entries.append(audit.Entry("incident_opened", {"incident": row.id, "kind": kind, "error": text,
                                                       "outbox_id": outbox_id}, element_id=element))
    _append(s, inst, actor, at, entries)
    return row, opened


def attempt(ctx: Context, s: Session, row: Incident, inst: ProcessInstance, actor: str, at: datetime) -> bool:
    """Retry an open incident on its locked instance in the caller's transaction; True when it is resolved."""
    retried = audit.Entry("incident_retried", {"incident": row.id, "attempt": row.attempts + 1},
                          element_id=row.element_id)
    resolved = audit.Entry("incident_resolved", {"incident": row.id, "how": "retry succeeded"},
                           element_id=row.element_id)
    if row.kind == "message":
        message = s.get(OutboxMessage, row.outbox_id, with_for_update=True) if row.outbox_id else None
        if message is not None and message.delivered_at is None:
            message.attempts, message.next_attempt_at = 0, at
        _close(row, actor, at)
        _append(s, inst, actor, at, [retried, audit.Entry("incident_resolved", {
            "incident": row.id, "how": "message queued for delivery again"})])
        return True
    if row.kind == "notification":  # e-mails given up: queue them again for the worker
        from .notify_delivery import requeue_failed

        queued = requeue_failed(s, inst.id, at)
        _close(row, actor, at)
        _append(s, inst, actor, at, [retried, audit.Entry("incident_resolved", {
            "incident": row.id, "how": f"{queued} notification(s) queued for sending again"})])
        return True
    try:
        result = instances.fire_loaded(ctx, s, inst, at, first=[retried], last=[resolved], force=True)
    except ProcessFailed as exc:
        record_failure(s, ctx.settings, inst, exc, at, actor=actor, before=[retried])
        return False
    _close(row, actor, at)
    if result is None:  # the instance is no longer running: nothing left to retry
        _append(s, inst, actor, at, [audit.Entry("incident_resolved", {
            "incident": row.id, "how": f"instance is {inst.status}"}, element_id=row.element_id)])
    return True


def _close(row: Incident, actor: str, at: datetime) -> None:
    row.status, row.resolved_at, row.resolved_by, row.next_retry_at = "resolved", at, actor, None


def _admin_only(actor: Actor) -> None:
    if not actor.has("admin"):
        raise Forbidden("only admins handle incidents and correct instance data")


def _agency_id(s: Session, actor: Actor) -> int | None:
    if actor.system:
        return None
    found = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"agency '{actor.agency}' does not exist")
    return int(found)


def _locked(s: Session, actor: Actor, incident_id: int) -> tuple[Incident, ProcessInstance]:
    row = s.get(Incident, incident_id, with_for_update=True)
    agency = _agency_id(s, actor)
    if row is None or (agency is not None and row.agency_id != agency):
        raise NotFound(f"incident {incident_id} does not exist")
    if row.status != "open":
        raise Conflict(f"incident {incident_id} is already {row.status}"
                       + (f" by {row.resolved_by}" if row.resolved_by else ""), by=row.resolved_by,
                       at=row.resolved_at)
    inst = s.get(ProcessInstance, row.instance_id, with_for_update=True, populate_existing=True)
    if inst is None:
        raise NotFound(f"instance {row.instance_id} does not exist")
    return row, inst


def list_incidents(ctx: Context, actor: Actor, status: str | None = "open",
                   instance_id: uuid.UUID | None = None, limit: int = 200) -> list[IncidentInfo]:
    """Incidents of the actor's agency (all agencies for the system), newest first."""
    _admin_only(actor)
    with ctx.uow(write=False) as uow:
        s = uow.session
        query = select(Incident).order_by(Incident.last_at.desc(), Incident.id.desc()).limit(max(1, min(limit, 1000)))
        agency = _agency_id(s, actor)
        if agency is not None:
            query = query.where(Incident.agency_id == agency)
        if status:
            query = query.where(Incident.status == status)
        if instance_id is not None:
            query = query.where(Incident.instance_id == instance_id)
        return [info(r) for r in s.execute(query).scalars()]


def retry_incident(ctx: Context, actor: Actor, incident_id: int) -> IncidentInfo:
    """Retry now, as `actor`: fire the instance's due timer again (or queue the message again).

    The incident is resolved when the step succeeds; otherwise the failure is counted and the
    incident stays open, waiting for the admin (no automatic retries after an admin's retry).
    """
    _admin_only(actor)
    with ctx.uow() as uow:
        s = uow.session
        row, inst = _locked(s, actor, incident_id)
        if not attempt(ctx, s, row, inst, actor.username, clock.now()):
            row.next_retry_at = None
        uow.commit()
        return info(row)


def resolve_incident(ctx: Context, actor: Actor, incident_id: int, note: str = "") -> IncidentInfo:
    """Close an incident without retrying (the cause is gone, or it no longer matters).

    A timer whose step still fails opens a new incident the next time the worker fires it.
    """
    _admin_only(actor)
    with ctx.uow() as uow:
        s = uow.session
        row, inst = _locked(s, actor, incident_id)
        at = clock.now()
        _close(row, actor.username, at)
        _append(s, inst, actor.username, at, [audit.Entry(
            "incident_resolved", {"incident": row.id, "how": "resolved by admin", "note": note[:500]},
            element_id=row.element_id)])
        uow.commit()
        return info(row)


def set_instance_data(ctx: Context, actor: Actor, instance_id: uuid.UUID, values: Mapping[str, Any]) -> InstanceInfo:
    """Correct the data of an instance's waiting steps (admins only), recorded as `instance_data_set`."""
    _admin_only(actor)
    if not isinstance(values, Mapping) or not values:
        raise Invalid("give the data to set", ["data: must be a non-empty object"])
    refuse_unstorable(dict(values), "the data")
    with ctx.uow() as uow:
        s = uow.session
        inst = s.get(ProcessInstance, instance_id, with_for_update=True)
        agency = _agency_id(s, actor)
        if inst is None or (agency is not None and inst.agency_id != agency):
            raise NotFound(f"instance {instance_id} does not exist")
        if inst.status != "running":
            raise Conflict(f"instance {inst.id} is {inst.status}")
        instance = instances._restore(ctx.catalog.model_by_id(s, inst.process_version_id), inst.state)
        try:
            elements = set_waiting_data(instance, values)
        except WorkflowError as exc:
            raise Invalid(f"the data of instance {instance_id} cannot be set", [str(exc)]) from None
        snapshot = instance.snapshot()
        result = ev.StepResult((), (), snapshot)
        changed = audit.Entry("instance_data_set", {"data": dict(values), "elements": elements})
        persist(s, inst, instance, result, actor.username, clock.now(), first=[changed],
                waits_before=snapshot.waiting_messages, zone=ctx.settings.timezone)
        uow.commit()
        return instance_info(inst, None, None, session=s)
