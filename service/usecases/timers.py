"""The worker's units of work: fire one due instance, retry one incident, deliver one message.

Each function is one transaction that claims its row, acts and commits, or does nothing. On
PostgreSQL the claim is `SELECT ... FOR UPDATE SKIP LOCKED`, held until the commit that saves the
instance, so several workers never act on the same instance twice; on SQLite the write transaction
(BEGIN IMMEDIATE) is the claim and one worker is the supported setup.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from ..store.tables import Incident, MessageWait, OutboxMessage, ProcessInstance
from ..store.uow import UnitOfWork
from . import clock, incidents, instances
from .context import Context
from .errors import Conflict, ProcessFailed
from .projection import correlation_key


@dataclass(frozen=True)
class Outcome:
    """What one unit of work did, for the worker's log line."""

    kind: str
    """`fired`, `idle` (claimed, nothing was due), `incident`, `resolved`, `delivered`, `undeliverable`, `busy`."""
    instance_id: uuid.UUID | None
    text: str
    late_s: float | None = None
    row_id: int | None = None


def _no_open_timer_incident() -> ColumnElement[bool]:
    return ~select(Incident.id).where(Incident.instance_id == ProcessInstance.id, Incident.status == "open",
                                      Incident.kind == "timer").exists()


def _pending_message() -> ColumnElement[bool]:
    return and_(OutboxMessage.delivered_at.is_(None),
                or_(OutboxMessage.attempts == 0, OutboxMessage.next_attempt_at.is_not(None)))


def next_due_at(ctx: Context) -> datetime | None:
    """The earliest moment the worker has something to do: a timer, an incident retry, a message."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        moments = [
            s.execute(select(func.min(ProcessInstance.next_timer_at)).where(
                ProcessInstance.status == "running", _no_open_timer_incident())).scalar_one_or_none(),
            s.execute(select(func.min(Incident.next_retry_at)).where(
                Incident.status == "open", Incident.kind == "timer")).scalar_one_or_none(),
            s.execute(select(func.min(func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.created_at)))
                      .where(_pending_message())).scalar_one_or_none(),
        ]
    found = [m for m in moments if m is not None]
    return min(found) if found else None


def fire_next_due(ctx: Context, now: datetime, skip: Collection[uuid.UUID] = ()) -> Outcome | None:
    """Claim the instance whose timer is due first, fire it and commit; None when nothing is due.

    A failing step opens (or counts on) the instance's incident in the same transaction instead.
    """
    with ctx.uow() as uow:
        s = uow.session
        query = (select(ProcessInstance)
                 .where(ProcessInstance.status == "running", ProcessInstance.next_timer_at <= now,
                        _no_open_timer_incident())
                 .order_by(ProcessInstance.next_timer_at).limit(1)
                 .with_for_update(skip_locked=True, of=ProcessInstance))
        if skip:
            query = query.where(ProcessInstance.id.not_in(list(skip)))
        inst = s.execute(query).scalar_one_or_none()
        if inst is None:
            return None
        due = inst.next_timer_at
        at = clock.now()
        late = (at - due).total_seconds() if due else None
        try:
            result = instances.fire_loaded(ctx, s, inst, at)
        except DBAPIError:
            raise
        except Exception as exc:  # a diagram's error, or a bug: either way an incident, not a dead worker
            failure = exc if isinstance(exc, ProcessFailed) else ProcessFailed(f"unexpected error: {exc!r}")
            if not isinstance(exc, ProcessFailed):  # something may have been half-written: start afresh
                s.rollback()
                inst = s.get_one(ProcessInstance, inst.id, with_for_update=True, populate_existing=True)
            row, opened = incidents.record_failure(s, ctx.settings, inst, failure, at)
            uow.commit()
            verb = "opened" if opened else f"attempt {row.attempts}"
            retry = f"next retry {row.next_retry_at:%H:%M:%S}" if row.next_retry_at else "waiting for an admin"
            return Outcome("incident", inst.id, f"incident {row.id} {verb} on instance {inst.id} at "
                           f"{row.element_id or '-'}: {row.error} ({retry})", late, row.id)
        if result is None:
            return Outcome("idle", inst.id, f"instance {inst.id}: no timer was due yet", late)
        uow.commit()
        fired = [e.element_id or "?" for e in result.events if e.kind == "timer_fired"]
        return Outcome("fired", inst.id, f"timer fired: instance {inst.id} {', '.join(fired) or '(none)'} "
                       f"late {late or 0.0:.3f} s -> {inst.status}", late)


def retry_next_incident(ctx: Context, now: datetime, skip: Collection[int] = ()) -> Outcome | None:
    """Claim the open timer incident whose retry is due first and retry it; None when none is due."""
    with ctx.uow() as uow:
        s = uow.session
        query = (select(Incident).where(Incident.status == "open", Incident.kind == "timer",
                                        Incident.next_retry_at <= now)
                 .order_by(Incident.next_retry_at).limit(1).with_for_update(skip_locked=True))
        if skip:
            query = query.where(Incident.id.not_in(list(skip)))
        row = s.execute(query).scalar_one_or_none()
        if row is None:
            return None
        inst = s.execute(select(ProcessInstance).where(ProcessInstance.id == row.instance_id)
                         .with_for_update(skip_locked=True)).scalar_one_or_none()
        if inst is None:
            return Outcome("busy", row.instance_id, f"incident {row.id}: instance is busy", row_id=row.id)
        at = clock.now()
        try:
            resolved = incidents.attempt(ctx, s, row, inst, "system", at)
        except DBAPIError:
            raise
        except Exception as exc:  # not the diagram's error: count it all the same, never hot-loop on it
            s.rollback()
            inst = s.get_one(ProcessInstance, inst.id, with_for_update=True, populate_existing=True)
            row, _ = incidents.record_failure(s, ctx.settings, inst, ProcessFailed(f"unexpected error: {exc!r}"), at)
            resolved = False
        uow.commit()
        if resolved:
            return Outcome("resolved", inst.id, f"incident {row.id} resolved: retry succeeded on instance {inst.id}",
                           row_id=row.id)
        retry = f"next retry {row.next_retry_at:%H:%M:%S}" if row.next_retry_at else "waiting for an admin"
        return Outcome("incident", inst.id, f"incident {row.id} attempt {row.attempts} failed on instance "
                       f"{inst.id}: {row.error} ({retry})", row_id=row.id)


def deliver_next_message(ctx: Context, now: datetime, skip: Collection[int] = ()) -> Outcome | None:
    """Claim the oldest pending outbox message and deliver it to the instance waiting for it.

    The message is marked delivered in the same transaction that saves the receiving instance, so
    it is delivered exactly once. When nobody takes it, the attempt is counted and retried later;
    after the last attempt an incident opens on the instance that threw it.
    """
    with ctx.uow() as uow:
        s = uow.session
        query = (select(OutboxMessage).where(_pending_message(), or_(
            OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
                 .order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True))
        if skip:
            query = query.where(OutboxMessage.id.not_in(list(skip)))
        message = s.execute(query).scalar_one_or_none()
        if message is None:
            return None
        key = correlation_key(dict(message.correlations or {}))
        waiting = select(MessageWait.instance_id).where(
            MessageWait.agency_id == message.agency_id, MessageWait.name == message.name,
            MessageWait.correlation == key)
        candidates = list(s.execute(waiting).scalars())
        target = None
        if candidates:
            target = s.execute(select(ProcessInstance).where(
                ProcessInstance.id.in_(candidates), ProcessInstance.status == "running")
                .order_by(ProcessInstance.created_at).limit(1).with_for_update(skip_locked=True)).scalar_one_or_none()
            if target is None:
                return Outcome("busy", None, f"message {message.id}: its receiver is busy", row_id=message.id)
        at = clock.now()
        error = f"no running instance waits for message '{message.name}' with correlation {key}"
        if target is not None:
            try:
                instances.deliver_loaded(ctx, s, target, message.name, message.payload or {},
                                         message.correlations or {}, "system", at)
            except (Conflict, ProcessFailed) as exc:
                error = f"instance {target.id} refused message '{message.name}': {exc}"
            else:
                message.delivered_at, message.attempts, message.last_error = at, message.attempts + 1, None
                uow.commit()
                return Outcome("delivered", target.id, f"message delivered: '{message.name}' {message.id} from "
                               f"instance {message.source_instance_id} to instance {target.id}", row_id=message.id)
        return _undeliverable(ctx, uow, message, error, at)


def _undeliverable(ctx: Context, uow: UnitOfWork, message: OutboxMessage, error: str,
                   at: datetime) -> Outcome:
    s = uow.session
    message.attempts += 1
    message.last_error = error[:4000]
    limit = ctx.settings.outbox_max_attempts
    if message.attempts < limit:
        delay = timedelta(milliseconds=ctx.settings.outbox_backoff_ms) * (1 << min(message.attempts - 1, 30))
        message.next_attempt_at = at + min(delay, incidents.MAX_BACKOFF)
        uow.commit()
        return Outcome("undeliverable", message.source_instance_id, f"message {message.id} '{message.name}' "
                       f"attempt {message.attempts}/{limit} failed: {error}; next {message.next_attempt_at:%H:%M:%S}",
                       row_id=message.id)
    message.next_attempt_at = None
    source = s.get(ProcessInstance, message.source_instance_id, with_for_update=True)
    text = f"message {message.id} '{message.name}' undeliverable after {message.attempts} attempts"
    if source is not None:
        row, _opened = incidents.record_failure(s, ctx.settings, source, f"{text}: {error}", at,
                                                kind="message", outbox_id=message.id)
        text = f"incident {row.id} opened on instance {source.id}: {text}: {error}"
    uow.commit()
    return Outcome("incident", message.source_instance_id, text, row_id=message.id)
