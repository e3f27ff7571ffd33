"""Checking the audit trail against its checkpoints, and writing checkpoints.

Two ways to check. In full (`petitionflow audit verify`): every event of every chain from the first,
each compared with the latest checkpoint, which catches rewritten, deleted, truncated, moved
(`agency_id`) and renumbered (`id`) events. Per agency from the last checkpoint on (the worker every
few minutes, an auditor on demand): the agency's chain heads are compared with the checkpoint,
only events written since are read, and the agency's event count is compared with its heads; this
catches deletions, rollbacks, truncations, moves and new forgeries at the cost of the new events.
A checkpoint is written after each periodic check, sealing the chains that checked out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store import checkpoint_log as cplog
from ..store.checkpoint_log import Log, Sealed
from ..store.tables import Agency, AuditChain, AuditEvent, AuditVerification, ProcessInstance
from . import audit, clock
from .audit import GENESIS, Problem, Verification
from .context import Context
from .errors import Invalid, NotFound

ORIGIN = Sealed(None, 0, GENESIS, GENESIS)
_BATCH = 500


@dataclass
class _Run:
    """Problems and counts gathered while checking, and the chains that checked out (to seal)."""

    checkpoint: int
    problems: list[Problem] = field(default_factory=list)
    events: int = 0
    chains: int = 0
    sealed: dict[str, Sealed] = field(default_factory=dict)

    def add(self, chain: str, reason: str, event_id: int | None = None) -> None:
        self.problems.append(Problem(chain, reason, event_id))

    def result(self, kind: str, at: datetime | None = None) -> Verification:
        first = self.problems[0] if self.problems else None
        return Verification(not self.problems, self.events, self.chains, first.event_id if first else None,
                            first.chain if first else None, first.reason if first else None,
                            tuple(self.problems), self.checkpoint or None, kind, at)


def _span(first: int, last: int) -> str:
    return f"event {first} was" if first == last else f"events {first}..{last} were"


def _walk(run: _Run, chain: str, events: Iterable[AuditEvent], origin: Sealed, sealed: Sealed | None,
          agency: int | None, head_seq: int | None = None) -> Sealed | None:
    """Check `events` (ordered by seq) onward from `origin`; the chain's new sealed state, or None if broken."""
    n = run.checkpoint
    seq, head, fold, last_id = origin.seq, origin.head, origin.fold, 0
    ok, met_origin, moved = True, origin.seq == 0, False
    for event in events:
        if event.seq < origin.seq:
            continue
        if event.seq == origin.seq:
            met_origin, last_id = True, event.id
            if event.hash != origin.head:
                run.add(chain, f"event {event.seq} no longer has the hash checkpoint {n} sealed: the chain was "
                               "rewritten (events forged and hashes recomputed)", event.id)
                return None
            continue
        if not met_origin:
            run.add(chain, f"event {origin.seq}, sealed in checkpoint {n}, is missing: events were deleted")
            return None
        run.events += 1
        if agency is None and origin.seq == 0 and seq == 0:
            agency = event.agency_id
        if event.seq != seq + 1:
            run.add(chain, f"sequence jumps from {seq} to {event.seq}: {_span(seq + 1, event.seq - 1)} deleted",
                    event.id)
            return None
        if event.prev_hash != head:
            run.add(chain, f"event {event.seq} does not link to the previous event's hash: it was altered", event.id)
            return None
        if audit.event_hash(head, event) != event.hash:
            run.add(chain, f"event {event.seq} does not match its hash: its content was altered", event.id)
            return None
        if event.id <= last_id:
            run.add(chain, f"event {event.seq} has id {event.id}, not after id {last_id} of the event before it: "
                           "event ids were swapped or renumbered", event.id)
            ok = False
        if event.agency_id != agency and not moved:
            run.add(chain, f"event {event.seq} (id {event.id}) is filed under agency {event.agency_id}, the chain "
                           f"belongs to agency {agency}: its agency_id was changed", event.id)
            ok, moved = False, True
        seq, head, fold, last_id = event.seq, event.hash, cplog.fold_id(fold, event.id), event.id
        if sealed is not None and seq == sealed.seq and origin.seq < sealed.seq:
            if head != sealed.head:
                run.add(chain, f"event {seq} no longer has the hash checkpoint {n} sealed: the chain was rewritten "
                               "(events forged and hashes recomputed)", event.id)
                return None
            if fold != sealed.fold:
                run.add(chain, f"the ids of events 1..{seq} differ from those checkpoint {n} sealed: event ids were "
                               "swapped or renumbered", event.id)
                ok = False
    if not met_origin:
        run.add(chain, f"event {origin.seq}, sealed in checkpoint {n}, is missing: events were deleted")
        return None
    if sealed is not None and seq < sealed.seq:
        rolled = (" and the head rolled back to match" if head_seq == seq else
                  f" (its head still says {head_seq})" if head_seq is not None else "")
        run.add(chain, f"has {seq} events but checkpoint {n} sealed {sealed.seq}: {_span(seq + 1, sealed.seq)} "
                       f"deleted{rolled}")
        return None
    return Sealed(agency, seq, head, fold) if ok else None


def _grouped(rows: Iterable[AuditEvent]) -> Iterator[tuple[str, list[AuditEvent]]]:
    chain: str | None = None
    current: list[AuditEvent] = []
    for event in rows:
        if event.chain != chain and current:
            yield str(chain), current
            current = []
        chain = event.chain
        current.append(event)
    if current:
        yield str(chain), current


UNOWNED = 0
"""`_owners`/`verify_agency` of the chains no agency owns (the province's holidays, sign-ins naming no agency)."""


def _owners(session: Session, agency_id: int | None = None) -> dict[str, tuple[int | None, int, str]]:
    """chain -> (agency, seq, head) from the head rows: instances and agency chains (of one agency, or all)."""
    query = select(ProcessInstance.id, ProcessInstance.agency_id, ProcessInstance.audit_seq, ProcessInstance.audit_head)
    if agency_id is not None:
        query = query.where(ProcessInstance.agency_id == agency_id)
    heads: dict[str, tuple[int | None, int, str]] = {} if agency_id == UNOWNED else {
        audit.instance_chain(i): (a, s or 0, h or GENESIS) for i, a, s, h in session.execute(query)}
    codes = {audit.agency_chain(c): i for i, c in session.execute(select(Agency.id, Agency.code))}
    for chain, seq, head in session.execute(select(AuditChain.chain, AuditChain.seq, AuditChain.head)):
        owner = codes.get(chain)
        if agency_id is None or (owner == agency_id and owner is not None) or (agency_id == UNOWNED and owner is None):
            heads[chain] = (owner, seq, head)
    return heads


def _compare_head(run: _Run, chain: str, state: Sealed | None, stored: tuple[int | None, int, str] | None) -> None:
    if state is None or stored is None:
        return
    if (stored[1], stored[2] if stored[1] else GENESIS) != (state.seq, state.head):
        rolled = " and its head was rolled back" if stored[1] < state.seq else ""
        run.add(chain, f"ends at event {state.seq} but its head says {stored[1]}: events were removed{rolled}")


def verify_full(session: Session, log: Log) -> Verification:
    """Every event of every chain, checked from the first and against the latest checkpoint."""
    run = _Run(log.number)
    for problem in log.problems:
        run.add("checkpoints", problem)
    heads = _owners(session)
    seen: set[str] = set()
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq)
                           .execution_options(yield_per=2000)).scalars()
    for chain, events in _grouped(rows):
        seen.add(chain)
        run.chains += 1
        sealed, stored = log.chains.get(chain), heads.get(chain)
        agency = sealed.agency_id if sealed else (stored[0] if stored else None)
        before = len(run.problems)
        state = _walk(run, chain, events, ORIGIN, sealed, agency, stored[1] if stored else None)
        if len(run.problems) == before:
            _compare_head(run, chain, state, stored)
    for chain, (_agency, seq, _head) in heads.items():
        if seq and chain not in seen:
            run.add(chain, f"all {seq} events of the chain are missing: the chain was deleted")
    for chain, sealed in log.chains.items():
        if chain not in seen and not (heads.get(chain, (None, 0, ""))[1]):
            run.add(chain, f"all {sealed.seq} events checkpoint {log.number} sealed are missing: the chain was deleted")
    return run.result("full", clock.now())


def _read(session: Session, origins: dict[str, Sealed]) -> Iterator[tuple[str, list[AuditEvent]]]:
    """The events of `origins`' chains from their origin on: instance chains (short) in batches, whole;
    the long agency chains one by one from the origin."""
    plain = sorted(c for c, o in origins.items() if o.seq == 0 or c.startswith("instance:"))
    for start in range(0, len(plain), _BATCH):
        batch = plain[start:start + _BATCH]
        yield from _grouped(session.execute(select(AuditEvent).where(AuditEvent.chain.in_(batch))
                                            .order_by(AuditEvent.chain, AuditEvent.seq)).scalars())
    for chain in sorted(c for c, o in origins.items() if o.seq > 0 and not c.startswith("instance:")):
        yield chain, list(session.execute(select(AuditEvent).where(
            AuditEvent.chain == chain, AuditEvent.seq >= origins[chain].seq).order_by(AuditEvent.seq)).scalars())


def verify_agency(session: Session, log: Log, agency_id: int) -> tuple[Verification, dict[str, Sealed]]:
    """One agency's chains (`UNOWNED`: those of no agency), from the last checkpoint on; the chains that
    checked out, to seal."""
    run = _Run(log.number)
    for problem in log.problems:
        run.add("checkpoints", problem)
    heads = _owners(session, agency_id)
    owner = None if agency_id == UNOWNED else agency_id
    names = set(heads) | {c for c, s in log.chains.items()
                          if s.agency_id == owner and (owner is not None or not c.startswith("instance:"))}
    origins: dict[str, Sealed] = {}
    for chain in sorted(names):
        run.chains += 1
        sealed, stored = log.chains.get(chain), heads.get(chain)
        if sealed is not None and sealed.agency_id != owner and stored is not None:
            run.add(chain, f"checkpoint {log.number} sealed the chain for agency {sealed.agency_id}, the database "
                           f"files it under agency {agency_id}: its agency_id was changed")
        elif stored is None and sealed is not None:
            have = int(session.execute(select(func.count()).select_from(AuditEvent)
                                       .where(AuditEvent.chain == chain)).scalar_one())
            run.add(chain, f"the chain's head is gone and {sealed.seq - have} of the {sealed.seq} events checkpoint "
                           f"{log.number} sealed are missing: the chain was deleted")
        elif stored is None:
            continue
        elif sealed is None or stored[1] > sealed.seq:
            origins[chain] = sealed or ORIGIN
        elif stored[1] < sealed.seq:
            run.add(chain, f"its head says {stored[1]} events but checkpoint {log.number} sealed {sealed.seq}: "
                           f"{_span(stored[1] + 1, sealed.seq)} deleted and the head rolled back")
        elif stored[2] != sealed.head:
            run.add(chain, f"its head is not the hash checkpoint {log.number} sealed: the chain was rewritten")
    for chain, events in _read(session, origins):
        before = len(run.problems)
        agency = owner if owner is not None else origins[chain].agency_id
        state = _walk(run, chain, events, origins[chain], None, agency)
        if len(run.problems) == before:
            _compare_head(run, chain, state, heads.get(chain))
        if len(run.problems) == before and state is not None:
            run.sealed[chain] = state
    for chain in set(origins) - set(run.sealed) - {p.chain for p in run.problems}:
        run.add(chain, f"all {heads[chain][1]} events of the chain are missing: the chain was deleted")
    if owner is not None:
        _count(session, run, agency_id, heads)
    return run.result("incremental", clock.now()), run.sealed


def _count(session: Session, run: _Run, agency_id: int, heads: dict[str, tuple[int | None, int, str]]) -> None:
    """The agency's events, counted, against its heads: catches deletions the heads do not show."""
    stored = int(session.execute(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.agency_id == agency_id)).scalar_one())
    if stored == sum(seq for _a, seq, _h in heads.values()):
        return
    named = {p.chain for p in run.problems}
    counts = dict(session.execute(select(AuditEvent.chain, func.count()).where(AuditEvent.agency_id == agency_id)
                                  .group_by(AuditEvent.chain)).all())
    for chain, (_a, seq, _h) in sorted(heads.items()):
        if chain not in named and counts.get(chain, 0) != seq:
            run.add(chain, f"{counts.get(chain, 0)} events of this agency are stored for the chain, its head says "
                           f"{seq}: events were deleted or moved to another agency")


def _snapshot(session: Session) -> Session:
    """One consistent view for the whole check (PostgreSQL: REPEATABLE READ), so events committed meanwhile
    are not taken for a head that lies; SQLite's read transaction is one snapshot already."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session


def _record(session: Session, agency_id: int | None, result: Verification) -> None:
    session.add(AuditVerification(
        agency_id=agency_id, at=result.at or clock.now(), kind=result.kind, ok=result.ok,
        events_checked=result.events_checked, chains_checked=result.chains_checked, checkpoint=result.checkpoint,
        problems=[{"chain": p.chain, "event_id": p.event_id, "reason": p.reason} for p in result.problems]))


@dataclass(frozen=True)
class CheckpointResult:
    """What `checkpoint` did: the checkpoint written (or the last one, if nothing changed), per agency results."""

    number: int
    written: bool
    chains_sealed: int
    results: dict[str, Verification]


def checkpoint(ctx: Context) -> CheckpointResult:
    """Check every agency from the last checkpoint on, record the results, seal what checked out."""
    with cplog.locked(ctx.settings):
        log = cplog.read_log(ctx.settings)
        checked: list[tuple[int, str, Verification]] = []
        changed: dict[str, Sealed] = {}
        with ctx.uow(write=False) as uow:  # reading only: writers are not held up while the chains are checked
            s = _snapshot(uow.session)
            for agency_id, code in [*s.execute(select(Agency.id, Agency.code).order_by(Agency.id)).all(),
                                    (UNOWNED, "-")]:
                result, sealed = verify_agency(s, log, agency_id)
                checked.append((agency_id, code, result))
                changed.update(sealed)
        written = not log.problems and (bool(changed) or log.number == 0)
        if written:
            cplog.append(ctx.settings, log, changed, clock.now().isoformat())
        results: dict[str, Verification] = {}
        with ctx.uow() as uow:
            for agency_id, code, result in checked:
                results[code] = Verification(**{**result.__dict__, "checkpoint": log.number or None})
                _record(uow.session, agency_id or None, results[code])
            uow.commit()
    return CheckpointResult(log.number, written, len(changed), results)


def verify_now(ctx: Context, agency_id: int) -> Verification:
    """Check one agency from the last checkpoint on, now, and record the result (writes no checkpoint)."""
    log = cplog.read_log(ctx.settings)
    with ctx.uow(write=False) as uow:
        result, _sealed = verify_agency(_snapshot(uow.session), log, agency_id)
    with ctx.uow() as uow:
        _record(uow.session, agency_id, result)
        uow.commit()
    return result


def last_result(ctx: Context, agency_id: int) -> Verification | None:
    """The latest recorded verification of the agency, as the auditor's page shows it."""
    with ctx.uow(write=False) as uow:
        row = uow.session.execute(select(AuditVerification).where(AuditVerification.agency_id == agency_id)
                                  .order_by(AuditVerification.id.desc()).limit(1)).scalar_one_or_none()
        if row is None:
            return None
        problems = tuple(Problem(str(p["chain"]), str(p["reason"]), p.get("event_id")) for p in row.problems or [])
        first = problems[0] if problems else None
        return Verification(row.ok, row.events_checked, row.chains_checked, first.event_id if first else None,
                            first.chain if first else None, first.reason if first else None, problems,
                            row.checkpoint, row.kind, row.at)


def verify_deployment(ctx: Context) -> Verification:
    """Every chain of the deployment in full, against the latest checkpoint (the operator's command)."""
    log = cplog.read_log(ctx.settings)
    with ctx.uow(write=False) as uow:
        return verify_full(_snapshot(uow.session), log)


def log_path(ctx: Context) -> Path:
    """Where the checkpoint log of this deployment is."""
    return cplog.log_path(ctx.settings)


def export_checkpoints(ctx: Context, target: Path) -> int:
    """Copy the checkpoint log to `target` after checking its seals; the number of checkpoints copied."""
    source = cplog.log_path(ctx.settings)
    if not source.exists():
        raise NotFound(f"no checkpoint written yet ({source}); run `petitionflow audit checkpoint` first")
    log = cplog.read_log(ctx.settings)
    if log.problems:
        raise Invalid("the checkpoint log is damaged", log.problems)
    target.write_bytes(source.read_bytes())
    return log.number
