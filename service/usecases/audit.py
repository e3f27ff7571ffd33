"""The audit trail: hash-chained events, one chain per instance plus one per agency, and checking it.

Each event's hash covers its content and the previous event's hash in the same chain. A chain per
instance keeps writers of different petitions from waiting on one another; the chain's head is
stored apart from the events (on the instance row, or in `audit_chains`), so deleting the newest
events is detected as well as rewriting or removing older ones.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.tables import AuditChain, AuditEvent, ProcessInstance
from .context import Context

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """One event to append: what happened, to which task and element, with which data."""

    event_type: str
    data: dict[str, Any]
    task_id: str | None = None
    element_id: str | None = None


def instance_chain(instance_id: uuid.UUID) -> str:
    """The chain name of one instance's history."""
    return f"instance:{instance_id}"


def agency_chain(agency_code: str) -> str:
    """The chain name of an agency's events that belong to no instance."""
    return f"agency:{agency_code}"


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data, default=str, ensure_ascii=False))
    return result


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    """The hash of `event` chained onto `prev_hash`."""
    return _chained(prev_hash, event.chain, event.seq, event.event_type, event.actor, event.at, event.instance_id,
                    event.task_id, event.element_id, event.data)


def _chained(prev_hash: str, chain: str, seq: int, event_type: str, actor: str, at: datetime,
             instance_id: uuid.UUID | None, task_id: str | None, element_id: str | None, data: Any) -> str:
    body = json.dumps(
        [chain, seq, event_type, actor, at.isoformat(timespec="microseconds"),
         str(instance_id) if instance_id else None, task_id, element_id, data],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _make(chain: str, seq: int, prev: str, agency_id: int | None, actor: str, at: datetime,
          instance_id: uuid.UUID | None, entry: Entry) -> AuditEvent:
    event = AuditEvent(
        agency_id=agency_id, chain=chain, seq=seq, event_type=entry.event_type, actor=actor, at=at,
        instance_id=instance_id, task_id=entry.task_id, element_id=entry.element_id,
        data=_plain(entry.data), prev_hash=prev,
    )
    event.hash = event_hash(prev, event)
    return event


def chain_onto_instance(instance: ProcessInstance, actor: str, at: datetime, entries: list[Entry]) -> list[AuditEvent]:
    """Events for `entries`, chained onto the instance's head, which moves on with its version lock.

    The caller adds the returned events to the session in the same transaction as the instance.
    """
    chain = instance_chain(instance.id)
    seq, head = instance.audit_seq or 0, instance.audit_head or GENESIS
    events = []
    for entry in entries:
        seq += 1
        event = _make(chain, seq, head, instance.agency_id, actor, at, instance.id, entry)
        head = event.hash
        events.append(event)
    instance.audit_seq, instance.audit_head = seq, head
    return events


def chain_rows_onto_instance(instance: ProcessInstance, actor: str, at: datetime,
                             entries: list[Entry]) -> list[dict[str, Any]]:
    """As `chain_onto_instance`, as column values for one multi-row INSERT instead of ORM objects.

    The same events, hashes and head: the engine step's writer (`projection.persist`) inserts
    them on the connection, where building mapped objects would cost more than hashing them.
    """
    chain = instance_chain(instance.id)
    seq, head = instance.audit_seq or 0, instance.audit_head or GENESIS
    rows = []
    for entry in entries:
        seq += 1
        data = _plain(entry.data)
        digest = _chained(head, chain, seq, entry.event_type, actor, at, instance.id, entry.task_id,
                          entry.element_id, data)
        rows.append({"agency_id": instance.agency_id, "chain": chain, "seq": seq, "event_type": entry.event_type,
                     "actor": actor, "at": at, "instance_id": instance.id, "task_id": entry.task_id,
                     "element_id": entry.element_id, "data": data, "prev_hash": head, "hash": digest})
        head = digest
    instance.audit_seq, instance.audit_head = seq, head
    return rows


def append_to_agency(session: Session, agency_id: int | None, chain: str, actor: str, at: datetime,
                     entry: Entry) -> None:
    """Append one event to an agency-level chain, locking the chain's head row while doing so."""
    head = session.execute(select(AuditChain).where(AuditChain.chain == chain).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditChain(chain=chain, seq=0, head=GENESIS)
        session.add(head)
    event = _make(chain, head.seq + 1, head.head, agency_id, actor, at, None, entry)
    session.add(event)
    head.seq, head.head = event.seq, event.hash


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a chain: which chain, which event (when one can be named), and what."""

    chain: str
    reason: str
    event_id: int | None = None


@dataclass(frozen=True)
class Verification:
    """The result of checking chains: `broken_*` name the first problem, `problems` every one found.

    `checkpoint` is the number of the checkpoint the chains were checked against (None: none yet).
    """

    ok: bool
    events_checked: int
    chains_checked: int
    broken_event_id: int | None = None
    broken_chain: str | None = None
    reason: str | None = None
    problems: tuple[Problem, ...] = ()
    checkpoint: int | None = None
    kind: str = "full"
    at: datetime | None = None


def verify(session: Session) -> Verification:
    """Recompute every chain from its first event and compare with the stored hashes and heads."""
    heads = {instance_chain(i): (s or 0, h or GENESIS) for i, s, h in session.execute(
        select(ProcessInstance.id, ProcessInstance.audit_seq, ProcessInstance.audit_head))}
    heads.update({c: (s, h) for c, s, h in session.execute(select(AuditChain.chain, AuditChain.seq, AuditChain.head))})
    checked, seen = 0, set()
    for chain, events in _chains(session):
        seen.add(chain)
        prev, expected_seq = GENESIS, 1
        last: AuditEvent | None = None
        for event in events:
            checked += 1
            reason = None
            if event.seq != expected_seq:
                reason = f"sequence jumps from {expected_seq - 1} to {event.seq}: events are missing"
            elif event.prev_hash != prev:
                reason = "does not link to the previous event's hash"
            elif event_hash(prev, event) != event.hash:
                reason = "content does not match its hash: the event was altered"
            if reason:
                return Verification(False, checked, len(seen), event.id, chain, reason)
            prev, expected_seq, last = event.hash, expected_seq + 1, event
        stored = heads.get(chain)
        if stored is not None and last is not None and stored != (last.seq, last.hash):
            return Verification(False, checked, len(seen), last.id, chain,
                                f"chain ends at event {last.seq} but its head says {stored[0]}: events were removed")
    for chain, (seq, _head) in heads.items():
        if seq and chain not in seen:
            return Verification(False, checked, len(seen), None, chain, f"all {seq} events of the chain are missing")
    return Verification(True, checked, len(seen))


def _chains(session: Session) -> Iterator[tuple[str, Iterator[AuditEvent]]]:
    rows = session.execute(
        select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq).execution_options(yield_per=2000)
    ).scalars()
    current: list[AuditEvent] = []
    chain: str | None = None
    for event in rows:
        if event.chain != chain and current:
            yield str(chain), iter(current)
            current = []
        chain = event.chain
        current.append(event)
    if current:
        yield str(chain), iter(current)


def verify_trail(ctx: Context) -> Verification:
    """Verify the whole trail in one read-only transaction."""
    with ctx.uow(write=False) as uow:
        return verify(uow.session)
