"""Reading the audit trail: filtered pages (keyset by event id), streamed exports, verification.

Auditors read the trail of their agency: its instances' chains and its agency chain.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..store.tables import AuditEvent, ProcessInstance
from . import access, audit, audit_checks, hooks
from .context import Actor, Context
from .errors import Invalid

READERS = ("auditor",)
FORMATS = ("csv", "jsonl")
BOM = "\ufeff"
"""Starts every CSV export: the UTF-8 byte order mark tells Excel the text is UTF-8 (Vietnamese stays readable)."""
COLUMNS = ("id", "chain", "seq", "event_type", "actor", "at", "instance_id", "task_id", "element_id", "data",
           "prev_hash", "hash")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilter:
    """What to read: every field optional; `after_id` continues after the last event of a page."""

    instance_id: uuid.UUID | None = None
    business_key: str | None = None
    actor: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_id: int | None = None


@dataclass(frozen=True)
class EventRow:
    """One audit event."""

    id: int
    chain: str
    seq: int
    event_type: str
    actor: str
    at: datetime
    instance_id: uuid.UUID | None
    task_id: str | None
    element_id: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class EventPage:
    """One page of events, oldest first; `next_after_id` continues the listing (None at the end)."""

    items: list[EventRow]
    next_after_id: int | None


def _row(e: AuditEvent) -> EventRow:
    return EventRow(e.id, e.chain, e.seq, e.event_type, e.actor, e.at, e.instance_id, e.task_id, e.element_id,
                    dict(e.data or {}), e.prev_hash, e.hash)


def _guarded(s: Session, actor: Actor, rows: list[EventRow]) -> list[EventRow]:
    """The rows as `actor` may read them: the domain takes out the personal data it protects (a denunciation's
    denouncer, for a reader who does not handle it)."""
    shown = hooks.reads().events(s, actor, [(r.instance_id, r.data) for r in rows])
    return [r if data is r.data else replace(r, data=data) for r, data in zip(rows, shown, strict=True)]


def _query(agency_id: int, f: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.agency_id == agency_id)
    if f.instance_id:
        query = query.where(AuditEvent.instance_id == f.instance_id)
    if f.business_key:
        query = query.where(AuditEvent.instance_id.in_(select(ProcessInstance.id).where(
            ProcessInstance.agency_id == agency_id, ProcessInstance.business_key == f.business_key)))
    if f.actor:
        query = query.where(AuditEvent.actor == f.actor)
    if f.event_type:
        query = query.where(AuditEvent.event_type == f.event_type)
    if f.since:
        query = query.where(AuditEvent.at >= f.since)
    if f.until:
        query = query.where(AuditEvent.at < f.until)
    if f.after_id:
        query = query.where(AuditEvent.id > f.after_id)
    return query.order_by(AuditEvent.id)


def list_events(ctx: Context, actor: Actor, f: AuditFilter, limit: int = 100) -> EventPage:
    """A page of the agency's events matching `f`, oldest first."""
    access.require(actor, READERS, "reading the audit trail")
    with ctx.uow(write=False) as uow:
        s = uow.session
        rows = _guarded(s, actor, [_row(e) for e in s.execute(_query(access.agency_id_of(s, actor), f)
                                                               .limit(limit + 1)).scalars()])
    more = len(rows) > limit
    return EventPage(rows[:limit], rows[limit - 1].id if more else None)


def _cell(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, dict) else (
        "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value))
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _line(row: EventRow, fmt: str) -> str:
    values = [getattr(row, c) for c in COLUMNS]
    if fmt == "jsonl":
        plain = {c: (v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v)
                 for c, v in zip(COLUMNS, values, strict=True)}
        return json.dumps(plain, ensure_ascii=False, sort_keys=False) + "\n"
    out = io.StringIO()
    csv.writer(out).writerow([_cell(v) for v in values])
    return out.getvalue()


def export_events(ctx: Context, actor: Actor, f: AuditFilter, fmt: str) -> Iterator[str]:
    """Every matching event as CSV (UTF-8 with a byte order mark, formula-like cells prefixed with ') or JSON
    lines, streamed in batches."""
    access.require(actor, READERS, "exporting the audit trail")
    if fmt not in FORMATS:
        raise Invalid(f"format '{fmt}' is not one of {', '.join(FORMATS)}", [f"format: one of {', '.join(FORMATS)}"])
    with ctx.uow(write=False) as uow:
        agency_id = access.agency_id_of(uow.session, actor)

    def lines() -> Iterator[str]:
        if fmt == "csv":
            yield BOM + ",".join(COLUMNS) + "\r\n"
        after = f.after_id
        while True:
            with ctx.uow(write=False) as uow:
                query = _query(agency_id, AuditFilter(**{**f.__dict__, "after_id": after})).limit(500)
                batch = _guarded(uow.session, actor, [_row(e) for e in uow.session.execute(query).scalars()])
            for row in batch:
                yield _line(row, fmt)
            if len(batch) < 500:
                return
            after = batch[-1].id

    return lines()


def verify(ctx: Context, actor: Actor) -> audit.Verification:
    """Check the actor's agency's chains now, from the last checkpoint on; names its chains' problems only."""
    access.require(actor, READERS, "verifying the audit trail")
    with ctx.uow(write=False) as uow:
        agency_id = access.agency_id_of(uow.session, actor)
    return audit_checks.verify_now(ctx, agency_id)


def last_verification(ctx: Context, actor: Actor) -> audit.Verification:
    """The latest check of the actor's agency (the worker's, or an auditor's); made now if there was none yet."""
    access.require(actor, READERS, "verifying the audit trail")
    with ctx.uow(write=False) as uow:
        agency_id = access.agency_id_of(uow.session, actor)
    return audit_checks.last_result(ctx, agency_id) or audit_checks.verify_now(ctx, agency_id)
