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
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import search_text
from ..store.petition_tables import Petition
from ..store.tables import Agency, HumanTask, ProcessInstance
from . import access, clock, instances, petition_search, plans, registers
from .context import Actor, Context
from .errors import Conflict, Forbidden, Invalid, NotFound

SOURCES = ("citizen", "organisation", "staff")
CHANNELS = ("paper", "reception", "unit", "conference", "electronic")
"""How a petition arrived, as the intake form names it."""
LIMITS = {"title": 300, "content": 20000, "field": 50, "petitioner_name": 200, "petitioner_contact": 200}
"""Longest text of each petition field, in characters: the one definition the public form, the reception's
form, the intake task's form (checked by a test), the API and the register share. Longer is refused."""
WITHDRAWAL_REASON_LENGTH = 2000
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
    petitioner_contact: str = ""
    """Address, telephone or e-mail: for those handling the petition, never for the public."""
    due_at: datetime | None = None
    """The earliest due date of its open tasks (None when no open task has one)."""


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking code may see: never notes, names or confidential content."""

    code: str
    stage: str
    submitted_at: datetime
    closed_at: datetime | None
    outcome: str | None
    answer: str | None


def _info(p: Petition, due_at: datetime | None = None) -> PetitionInfo:
    return PetitionInfo(p.id, p.code, p.tracking_code, p.instance_id, p.source, p.channel, p.field, p.title,
                        p.content, p.petitioner_name, p.confidential, p.stage, p.urgency, p.competence,
                        p.assigned_unit, p.outcome, p.answer, p.dialogue_id, p.submitted_at, p.answered_at,
                        p.closed_at, p.petitioner_contact, due_at)


def _due_dates(s: Session, found: list[Petition]) -> dict[uuid.UUID, datetime]:
    """The earliest due date of each petition's open tasks (by instance id), in one query."""
    ids = [p.instance_id for p in found if p.instance_id is not None]
    if not ids:
        return {}
    rows = s.execute(select(HumanTask.instance_id, func.min(HumanTask.due_at))
                     .where(HumanTask.instance_id.in_(ids), HumanTask.status == "ready", HumanTask.due_at.is_not(None))
                     .group_by(HumanTask.instance_id)).all()
    return {i: d for i, d in rows if d is not None}


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    problems = []
    source = data.get("source")
    if source not in SOURCES:
        problems.append(f"source: must be one of {', '.join(SOURCES)}")
    channel = data.get("channel", "electronic")
    if channel not in CHANNELS:
        problems.append(f"channel: must be one of {', '.join(CHANNELS)}")
    for key in ("title", "content", "field"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: required")
        elif len(value) > LIMITS[key]:
            problems.append(f"{key}: at most {LIMITS[key]} characters; this text has {len(value)}")
    for key in ("petitioner_name", "petitioner_contact"):
        value = data.get(key, "")
        if not isinstance(value, str):
            problems.append(f"{key}: must be text")
        elif len(value) > LIMITS[key]:
            problems.append(f"{key}: at most {LIMITS[key]} characters; this text has {len(value)}")
    if not isinstance(data.get("confidential", False), bool):
        problems.append("confidential: must be true or false")
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
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _receive(s: Session, ctx: Context, actor: Actor, fields: dict[str, Any], plan_code: str | None) -> Petition:
    agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one_or_none()
    if agency is None:
        raise NotFound(f"agency '{actor.agency}' does not exist")
    now = clock.now()
    plan = plans.plan_in_force(s, agency.id, now.year, plan_code)
    prefix = f"{agency.code.upper()}-{now.year}-"
    count = s.execute(select(func.count(Petition.id)).where(Petition.agency_id == agency.id,
                                                            Petition.code.like(f"{prefix}%"))).scalar_one()
    petition = Petition(
        id=uuid.uuid4(), agency_id=agency.id, plan_id=plan.id if plan else None,
        code=f"{prefix}{count + 1:05d}", tracking_code=secrets.token_urlsafe(12),
        stage="received", submitted_by=actor.username, submitted_at=now, **fields,
    )
    petition.search_head = search_text.head(petition.code, petition.title, petition.petitioner_name,
                                            petition.petitioner_contact)
    petition.search_body = search_text.body(petition.content)
    s.add(petition)
    deadlines = (plan.body.get("deadlines") if plan else None) or {}
    start_data = {**fields, "petition_id": str(petition.id), "petition_code": petition.code,
                  "received_on": now.astimezone(ZoneInfo(ctx.settings.timezone)).date().isoformat(),
                  "plan_draft_days": deadlines.get("draft_days"), "plan_reply_days": deadlines.get("reply_days")}
    started = instances.start_in(s, ctx, actor, registers.PETITION_PROCESS, start_data, business_key=petition.code)
    petition.instance_id = started.id
    petition.stage = started.open_tasks[0].element_id if started.open_tasks else "in_progress"
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
    return query.where(or_(Petition.confidential.is_(False), Petition.submitted_by == actor.username,
                           access.handles_clause(actor, Petition.instance_id)))


def list_petitions(ctx: Context, actor: Actor, stage: str | None = None, field: str | None = None,
                   urgency: str | None = None, source: str | None = None, outcome: str | None = None,
                   dialogue_id: uuid.UUID | None = None, text: str | None = None, overdue: bool | None = None,
                   limit: int = 50, offset: int = 0) -> list[PetitionInfo]:
    """Petitions the actor may see, newest first, filtered (`overdue`: a task of it is past its due date)."""
    _require_reader(actor)
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
        found = petition_search.search(uow.session, query, text or "", min(limit, 200), offset)
        due = _due_dates(uow.session, found)
        return [_info(p, due.get(p.instance_id) if p.instance_id else None) for p in found]


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
        due = _due_dates(s, [found]).get(found.instance_id) if found.instance_id else None
        if found.confidential and found.instance_id is not None and not actor.system:
            inst = s.get(ProcessInstance, found.instance_id)
            if inst is not None:
                access.record_confidential_read(s, actor, inst, f"petition {found.code}")
                uow.commit()
        return _info(found, due)


def track(ctx: Context, tracking_code: str) -> PublicStatus:
    """The public view of one petition by its tracking code; a wrong code reveals nothing."""
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
    if len(reason.strip()) > WITHDRAWAL_REASON_LENGTH:
        raise Invalid("the reason is too long", [
            f"reason: at most {WITHDRAWAL_REASON_LENGTH} characters; this text has {len(reason.strip())}"])
    petition = get(ctx, actor, petition_id)
    if petition.closed_at is not None or petition.instance_id is None:
        raise Conflict(f"petition {petition.code} is already closed")
    instances.deliver_message(ctx, actor, petition.instance_id, registers.WITHDRAW_MESSAGE,
                              {"petition_id": str(petition_id), "reason": reason.strip()},
                              {"petition": {"petition_id": str(petition_id)}})
    return get(ctx, actor, petition_id)
