"""Petitions: receiving one (from staff or the public), finding them, tracking one, withdrawing one.

Submitting a petition writes its register row and starts its `petition` process in one
transaction, so nothing received can exist without its workflow, or the other way round.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..store.petition_tables import Petition, PetitionCounter
from ..store.tables import Agency, HumanTask, ProcessInstance
from . import access, clock, instances, plans, registers, values
from .context import Actor, Context
from .errors import Conflict, Forbidden, Invalid, NotFound

SOURCES = ("citizen", "organisation", "staff")
CHANNELS = ("paper", "reception", "unit", "conference", "electronic")
"""How a petition arrived, as the intake form names it."""
READERS = ("reception", "office", "inspectorate", "director", "infocenter", "auditor", "admin")
"""Roles that read the petition register (and every unit); designers do not."""


@dataclass(frozen=True)
class PetitionInfo:
    """A petition as staff see it."""

    id: uuid.UUID
    code: str
    tracking_code: str
    instance_id: uuid.UUID | None
    source: str
    channel: str
    field: str
    title: str
    content: str
    petitioner_name: str
    confidential: bool
    stage: str
    urgency: str | None
    competence: str | None
    assigned_unit: str | None
    outcome: str | None
    answer: str | None
    dialogue_id: uuid.UUID | None
    submitted_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None
    redacted: bool = False
    """A confidential petition the reader may not see, listed by its number and date only (so the register's
    numbering has no unexplained gaps); every other field is empty and the id is the nil UUID."""


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking code may see: never notes, names or confidential content."""

    code: str
    stage: str
    submitted_at: datetime
    closed_at: datetime | None
    outcome: str | None
    answer: str | None


def _info(p: Petition) -> PetitionInfo:
    return PetitionInfo(p.id, p.code, p.tracking_code, p.instance_id, p.source, p.channel, p.field, p.title,
                        p.content, p.petitioner_name, p.confidential, p.stage, p.urgency, p.competence,
                        p.assigned_unit, p.outcome, p.answer, p.dialogue_id, p.submitted_at, p.answered_at,
                        p.closed_at)


def _redacted(p: Petition) -> PetitionInfo:
    return PetitionInfo(uuid.UUID(int=0), p.code, "", None, "", "", "", "", "", "", True, "", None, None, None,
                        None, None, None, p.submitted_at, None, None, redacted=True)


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    problems = []
    source = data.get("source")
    if source not in SOURCES:
        problems.append(f"source: must be one of {', '.join(SOURCES)}")
    channel = data.get("channel", "electronic")
    if channel not in CHANNELS:
        problems.append(f"channel: must be one of {', '.join(CHANNELS)}")
    for key, limit in (("title", 300), ("content", 20000), ("field", 50)):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: required")
        elif len(value) > limit:
            problems.append(f"{key}: at most {limit} characters")
    for key in ("petitioner_name", "petitioner_contact"):
        if not isinstance(data.get(key, ""), str) or len(data.get(key, "")) > 200:
            problems.append(f"{key}: text of at most 200 characters")
    if not isinstance(data.get("confidential", False), bool):
        problems.append("confidential: must be true or false")
    problems += [f"{key}: {why}" for key, why in values.problems(
        {k: data.get(k) for k in ("source", "channel", "title", "content", "field", "petitioner_name",
                                  "petitioner_contact")}).items()]
    if problems:
        raise Invalid("the petition was not received", problems)
    return {"source": source, "channel": channel, "field": data["field"].strip(), "title": data["title"].strip(),
            "content": data["content"], "petitioner_name": data.get("petitioner_name", ""),
            "petitioner_contact": data.get("petitioner_contact", ""),
            "confidential": bool(data.get("confidential", False))}


def submit(ctx: Context, actor: Actor, data: Mapping[str, Any], plan_code: str | None = None) -> PetitionInfo:
    """Receive a petition and start its handling; `actor` is the receiving staff member or the public."""
    if not (actor.system or actor.has("reception", "office", "inspectorate", "admin") or actor.username == "public"):
        raise Forbidden("only reception staff, the Office and the Inspectorate record petitions")
    fields = _clean(data)
    for attempt in range(5):
        try:
            with ctx.uow() as uow:
                petition = _receive(uow.session, ctx, actor, fields, plan_code)
                uow.commit()
                return _info(petition)
        except IntegrityError as exc:  # the random tracking code may collide; a number only if the counter lags
            constraint = str(exc.orig or exc).split("DETAIL")[0]  # the database's words, not the statement
            if attempt == 4:
                raise
            if "tracking_code" in constraint:
                continue
            if "petitions.code" not in constraint and "petitions_code_key" not in constraint:
                raise
            _catch_up_counter(ctx, actor.agency)
    raise AssertionError("unreachable")


def _catch_up_counter(ctx: Context, agency_code: str) -> None:
    """Move this year's counter past the highest number already used (rows written without it, say)."""
    year = clock.now().year
    prefix = f"{agency_code.upper()}-{year}-"
    with ctx.uow() as uow:
        s = uow.session
        agency = s.execute(select(Agency).where(Agency.code == agency_code)).scalar_one()
        used = [int(code.rsplit("-", 1)[1]) for code in s.execute(select(Petition.code).where(
            Petition.agency_id == agency.id, Petition.code.like(f"{prefix}%"))).scalars()
            if code.rsplit("-", 1)[1].isdigit()]
        number = _next_number(s, agency.id, year)  # locks the row (creating it if need be)
        counter = s.get_one(PetitionCounter, (agency.id, year), populate_existing=True)
        counter.last_number = max([number - 1, *used])
        uow.commit()


def _next_number(s: Session, agency_id: int, year: int) -> int:
    """The agency's next petition number for `year`: one atomic upsert on its counter row, which holds the
    row's lock until the submission commits (or rolls back, giving the number back)."""
    dialect = s.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(PetitionCounter).values(agency_id=agency_id, year=year, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=[PetitionCounter.agency_id, PetitionCounter.year],
        set_={"last_number": PetitionCounter.last_number + 1})
    return int(s.execute(statement.returning(PetitionCounter.last_number)).scalar_one())


def _receive(s: Session, ctx: Context, actor: Actor, fields: dict[str, Any], plan_code: str | None) -> Petition:
    agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one_or_none()
    if agency is None:
        raise NotFound(f"agency '{actor.agency}' does not exist")
    now = clock.now()
    plan = plans.plan_in_force(s, agency.id, now.year, plan_code)
    number = _next_number(s, agency.id, now.year)
    petition = Petition(
        id=uuid.uuid4(), agency_id=agency.id, plan_id=plan.id if plan else None, instance_id=uuid.uuid4(),
        code=f"{agency.code.upper()}-{now.year}-{number:05d}", tracking_code=secrets.token_urlsafe(12),
        stage="received", submitted_by=actor.username, submitted_at=now, **fields,
    )
    s.add(petition)
    s.flush()  # the register row exists before the first step, which projects onto it (even when it ends there)
    deadlines = (plan.body.get("deadlines") if plan else None) or {}
    start_data = {**fields, "petition_id": str(petition.id), "petition_code": petition.code,
                  "plan_draft_days": deadlines.get("draft_days"), "plan_reply_days": deadlines.get("reply_days")}
    instances.start_in(s, ctx, actor, registers.PETITION_PROCESS, start_data, business_key=petition.code,
                       instance_id=petition.instance_id)
    s.refresh(petition)
    return petition


def _require_reader(actor: Actor) -> None:
    if not (actor.system or actor.has(*READERS) or any(r.startswith("unit:") for r in actor.roles)):
        raise Forbidden("petitions are read by staff, auditors and admins")


def visible(s: Session, actor: Actor, query: Select[Any]) -> Select[Any]:
    """Scope a petition query to the actor's agency and hide confidential items from those not handling them
    (the rule the task list and instances follow too: `access.handles_clause`)."""
    query = query.join(Agency, Agency.id == Petition.agency_id).where(Agency.code == actor.agency)
    if actor.system:
        return query
    return query.where(_seen(actor))


def _seen(actor: Actor) -> ColumnElement[bool]:
    return or_(Petition.confidential.is_(False), Petition.submitted_by == actor.username,
               access.handles_clause(actor, Petition.instance_id))


def list_petitions(ctx: Context, actor: Actor, stage: str | None = None, field: str | None = None,
                   urgency: str | None = None, source: str | None = None, outcome: str | None = None,
                   dialogue_id: uuid.UUID | None = None, text: str | None = None, overdue: bool | None = None,
                   limit: int = 50, offset: int = 0) -> list[PetitionInfo]:
    """Petitions the actor may see, newest first, filtered (`overdue`: a task of it is past its due date)."""
    _require_reader(actor)
    if not actor.system and not text and all(v is None for v in (stage, field, urgency, source, outcome,
                                                                 dialogue_id, overdue)):
        return _register_page(ctx, actor, limit, offset)
    with ctx.uow(write=False) as uow:
        query = visible(uow.session, actor, select(Petition))
        if overdue is not None:
            late = select(HumanTask.instance_id).where(HumanTask.status == "ready", HumanTask.due_at < clock.now())
            query = query.where(Petition.instance_id.in_(late) if overdue else Petition.instance_id.not_in(late))
        for column, value in ((Petition.stage, stage), (Petition.field, field), (Petition.urgency, urgency),
                              (Petition.source, source), (Petition.outcome, outcome),
                              (Petition.dialogue_id, dialogue_id)):
            if value is not None:
                query = query.where(column == value)
        if text:
            pattern = f"%{text.replace('%', '').replace('_', '')}%"
            query = query.where(or_(Petition.title.ilike(pattern), Petition.code.ilike(pattern)))
        query = query.order_by(Petition.submitted_at.desc()).limit(min(limit, 200)).offset(offset)
        found = [_info(p) for p in uow.session.execute(query).scalars()]
    record_listing(ctx, actor, [(str(p.id), p.code) for p in found if p.confidential], "petition list")
    return found


def _register_page(ctx: Context, actor: Actor, limit: int, offset: int) -> list[PetitionInfo]:
    """The unfiltered register, newest first: confidential petitions the actor may not see keep their
    place by number and date only (a filter would tell something of their content, so filtered lists
    leave them out)."""
    with ctx.uow(write=False) as uow:
        query = (select(Petition, _seen(actor).label("seen")).join(Agency, Agency.id == Petition.agency_id)
                 .where(Agency.code == actor.agency).order_by(Petition.submitted_at.desc())
                 .limit(min(limit, 200)).offset(offset))
        found = [_info(p) if seen else _redacted(p) for p, seen in uow.session.execute(query).all()]
    record_listing(ctx, actor, [(str(p.id), p.code) for p in found if p.confidential and not p.redacted],
                   "petition list")
    return found


def record_listing(ctx: Context, actor: Actor, items: list[tuple[str, str]], what: str) -> None:
    """One audit event per list read that showed confidential petitions, naming them (a read of each)."""
    if not items or actor.system:
        return
    with ctx.uow() as uow:
        access.record_confidential_listing(uow.session, actor, access.agency_id_of(uow.session, actor), items, what)
        uow.commit()


def get(ctx: Context, actor: Actor, petition_id: uuid.UUID) -> PetitionInfo:
    """One petition the actor may see; `NotFound` otherwise (its existence is not revealed).

    Reading a confidential petition is itself recorded in the agency's audit trail.
    """
    _require_reader(actor)
    with ctx.uow() as uow:
        s = uow.session
        found = s.execute(visible(s, actor, select(Petition)).where(Petition.id == petition_id)).scalar_one_or_none()
        if found is None:
            raise NotFound(f"petition {petition_id} does not exist")
        if found.confidential and found.instance_id is not None and not actor.system:
            inst = s.get(ProcessInstance, found.instance_id)
            if inst is not None:
                access.record_confidential_read(s, actor, inst, f"petition {found.code}")
                uow.commit()
        return _info(found)


def track(ctx: Context, tracking_code: str) -> PublicStatus:
    """The public view of one petition by its tracking code; a wrong code reveals nothing."""
    if values.problems(tracking_code):  # no code holds NUL; PostgreSQL could not even compare it
        raise NotFound("no petition has this tracking code")
    with ctx.uow(write=False) as uow:
        query = select(Petition).where(Petition.tracking_code == tracking_code[:40])
        p = uow.session.execute(query).scalar_one_or_none()
        if p is None:
            raise NotFound("no petition has this tracking code")
        answer = None if p.confidential else p.answer
        return PublicStatus(p.code, p.stage, p.submitted_at, p.closed_at, p.outcome, answer)


def withdraw(ctx: Context, actor: Actor, petition_id: uuid.UUID, reason: str) -> PetitionInfo:
    """Record the petitioner's withdrawal; the petition closes as withdrawn, nothing is deleted."""
    if not actor.has("reception", "office", "inspectorate", "admin"):
        raise Forbidden("reception, the Office and the Inspectorate record withdrawals")
    if not reason.strip():
        raise Invalid("a withdrawal needs a reason", ["reason: required"])
    petition = get(ctx, actor, petition_id)
    if petition.closed_at is not None or petition.instance_id is None:
        raise Conflict(f"petition {petition.code} is already closed")
    instances.deliver_message(ctx, actor, petition.instance_id, registers.WITHDRAW_MESSAGE,
                              {"petition_id": str(petition_id), "reason": reason.strip()[:2000]},
                              {"petition": {"petition_id": str(petition_id)}})
    return get(ctx, actor, petition_id)
