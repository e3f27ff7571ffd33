"""Petitions: receiving one (from staff or the public), finding them, tracking one, withdrawing one.

Submitting a petition writes its register row and starts its `petition` process in one
transaction, so nothing received can exist without its workflow, or the other way round.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import plan_rules, search_text
from ..store.petition_tables import IdempotencyKey, Petition, PetitionCounter
from ..store.tables import Agency, HumanTask, ProcessInstance
from ..usecases import access, clock, facts, files, instances, values
from ..usecases.context import Actor, Context
from ..usecases.errors import Conflict, Forbidden, Invalid, NotFound
from . import forward_links, identity, intake_checks, petition_search, plans, registers
from .forward_links import ForwardLink
from .petition_tracking import new_tracking_code

SOURCES = ("citizen", "organisation", "staff")
CHANNELS = ("paper", "reception", "unit", "conference", "electronic")
"""How a petition arrived, as the intake form names it."""
LIMITS = {"title": 300, "content": 20000, "field": 50, "petitioner_name": 200, "petitioner_contact": 200}
"""Longest text of each petition field, in characters: the one definition the public form, the reception's
form, the intake task's form (checked by a test), the API and the register share. Longer is refused."""
WITHDRAWAL_REASON_LENGTH = 2000
READERS = ("reception", "office", "inspectorate", "director", "infocenter", "auditor", "admin")
"""Roles that read the petition register (and every unit); designers do not."""
MAX_KEY = 128
"""Longest idempotency key accepted."""


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
    petition_type: str | None = None
    """`khieu_nai`, `to_cao`, `kien_nghi` or `phan_anh` (the intake form's select; changeable at classification)."""
    handling_result: str | None = None
    """The 10-day handling decision: `thu_ly`, `chuyen_don`, `huong_dan` or `luu_don`."""
    deadline_at: datetime | None = None
    """The statutory deadline in working days (`petition_deadlines`): the handling decision's, then the resolution's."""
    deadline_extensions: int = 0
    """How many times the resolution deadline was extended by a recorded decision."""
    redacted: bool = False
    """A confidential petition the reader may not see, listed by its number and date only (so the register's
    numbering has no unexplained gaps); every other field is empty and the id is the nil UUID."""
    restriction: str = "none"
    """What restricts it (`identity.RESTRICTIONS`): its content, its denouncer's identity, both or nothing."""
    identity_hidden: bool = False
    """The denouncer's identity is withheld from this reader (the identity fields read `identity.HIDDEN`)."""
    petition_date: date | None = None
    signed: bool | None = None
    identity_document: str | None = None
    signer_count: int | None = None
    representatives: str | None = None
    evidence_clear: bool | None = None
    intake_flags: tuple[str, ...] = ()
    """The conditions intake found unmet (`intake_checks`)."""
    duplicate_of: tuple[uuid.UUID, str] | None = None
    """(id, number) of the earlier petition this one repeats."""
    duplicates: tuple[tuple[uuid.UUID, str], ...] = ()
    """(id, number) of the later petitions that repeat this one (read with one petition, not in lists)."""
    submitted_by: str = ""
    forwarded_to: ForwardLink | None = None
    """The petition it became in the agency on the deployment it was forwarded to (read with one petition)."""
    forwarded_from: ForwardLink | None = None
    """The petition of another agency on the deployment it was forwarded from (read with one petition)."""


def _info(p: Petition, due_at: datetime | None = None, actor: Actor | None = None,
          duplicate_code: str | None = None, duplicates: tuple[tuple[uuid.UUID, str], ...] = ()) -> PetitionInfo:
    """The petition as `actor` may see it: a denunciation's identity fields hidden from those not handling it."""
    hide = actor is not None and not identity.may_see_identity(actor, p, p.submitted_by)
    secrets = identity.secrets_of(p) if hide else []

    def shown(value: str | None) -> str | None:
        return (identity.HIDDEN if value else value) if hide else value

    def scrubbed(text: str | None) -> str | None:
        return identity.redact_text(text, secrets) if hide and text else text

    return PetitionInfo(
        p.id, p.code, p.tracking_code, p.instance_id, p.source, p.channel, p.field, scrubbed(p.title) or "",
        scrubbed(p.content) or "", shown(p.petitioner_name) or "", p.confidential, p.stage, p.urgency, p.competence,
        p.assigned_unit, p.outcome, scrubbed(p.answer), p.dialogue_id, p.submitted_at, p.answered_at, p.closed_at,
        shown(p.petitioner_contact) or "", due_at, petition_type=p.petition_type,
        handling_result=p.handling_result, deadline_at=p.deadline_at, deadline_extensions=p.deadline_extensions or 0,
        restriction=identity.restriction_of(p.confidential, p.petition_type), identity_hidden=hide,
        petition_date=p.petition_date, signed=p.signed, identity_document=shown(p.identity_document),
        signer_count=p.signer_count, representatives=shown(p.representatives), evidence_clear=p.evidence_clear,
        intake_flags=tuple(p.intake_flags or ()),
        duplicate_of=(p.duplicate_of, duplicate_code or "") if p.duplicate_of else None, duplicates=duplicates,
        submitted_by=p.submitted_by)


def _shows_identity(info: PetitionInfo) -> bool:
    """Whether the reader was shown a denouncer's identity in `info` (a read to record)."""
    return (identity.protected(info.petition_type) and not info.identity_hidden and not info.redacted
            and bool(info.petitioner_name or info.petitioner_contact or info.identity_document
                     or info.representatives))


def _codes(s: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return {i: c for i, c in s.execute(select(Petition.id, Petition.code).where(Petition.id.in_(ids))).all()}


def _due_dates(s: Session, found: list[Petition]) -> dict[uuid.UUID, datetime]:
    """The earliest due date of each petition's open tasks (by instance id), in one query."""
    ids = [p.instance_id for p in found if p.instance_id is not None]
    if not ids:
        return {}
    rows = s.execute(select(HumanTask.instance_id, func.min(HumanTask.due_at))
                     .where(HumanTask.instance_id.in_(ids), HumanTask.status == "ready", HumanTask.due_at.is_not(None))
                     .group_by(HumanTask.instance_id)).all()
    return {i: d for i, d in rows if d is not None}


def _redacted(p: Petition) -> PetitionInfo:
    return PetitionInfo(uuid.UUID(int=0), p.code, "", None, "", "", "", "", "", "", True, "", None, None, None,
                        None, None, None, p.submitted_at, None, None, redacted=True, restriction="confidential")


def _clean(data: Mapping[str, Any], zone: str = "Asia/Ho_Chi_Minh") -> dict[str, Any]:
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
    problems += [f"{key}: {why}" for key, why in values.problems(
        {k: data.get(k) for k in ("source", "channel", "title", "content", "field", "petitioner_name",
                                  "petitioner_contact")}).items()]
    problems += intake_checks.problems(data, facts.today(zone))
    if problems:
        raise Invalid("the petition was not received", problems)
    intake = {k: (data[k].isoformat() if isinstance(data[k], date) else data[k])
              for k in intake_checks.FIELDS if data.get(k) not in (None, "")}
    return intake | {"source": source, "channel": channel, "field": data["field"].strip(),
                      "title": data["title"].strip(),
            "content": data["content"], "petitioner_name": data.get("petitioner_name", ""),
            "petitioner_contact": data.get("petitioner_contact", ""),
            "confidential": bool(data.get("confidential", False))}


def _check_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY or not key.isascii() or not key.isprintable():
        raise Invalid("the idempotency key was refused",
                      [f"Idempotency-Key: 1 to {MAX_KEY} printable ASCII characters"])
    return key


def _earlier(s: Session, actor: Actor, key: str) -> Petition | None:
    """The petition an earlier submission with `key` made (same agency and submitter), if any."""
    query = (select(Petition).join(IdempotencyKey, IdempotencyKey.petition_id == Petition.id)
             .join(Agency, Agency.id == IdempotencyKey.agency_id)
             .where(Agency.code == actor.agency, IdempotencyKey.submitter == actor.username, IdempotencyKey.key == key))
    return s.execute(query).scalar_one_or_none()


def submit(ctx: Context, actor: Actor, data: Mapping[str, Any], plan_code: str | None = None,
           idempotency_key: str | None = None, attachments: Sequence[files.Upload] = ()) -> PetitionInfo:
    """Receive a petition and start its handling; `actor` is the receiving staff member or the public.

    With `idempotency_key`, a retry of the same submission (same agency, submitter and key) returns
    the petition the first one made and receives nothing new; the key is stored with the petition.
    `attachments` (the scanned letter, evidence) are checked first and stored in the same transaction.
    """
    if not (actor.system or actor.has("reception", "office", "inspectorate", "admin") or actor.username == "public"):
        raise Forbidden("only reception staff, the Office and the Inspectorate record petitions")
    key = _check_key(idempotency_key)
    fields = _clean(data, ctx.settings.timezone)
    checked = files.check_all(ctx.settings, attachments)
    for attempt in range(5):
        try:
            with ctx.uow() as uow:
                earlier = _earlier(uow.session, actor, key) if key else None
                if earlier is not None:
                    return _info(earlier)
                petition = _receive(uow.session, ctx, actor, fields, plan_code)
                for upload in checked:
                    files.store(uow.session, upload, petition.agency_id, actor.agency, petition.id, petition.code,
                                actor.username, petition.submitted_at)
                if key:
                    uow.session.add(IdempotencyKey(agency_id=petition.agency_id, submitter=actor.username, key=key,
                                                   petition_id=petition.id, created_at=petition.submitted_at))
                    uow.session.flush()
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


_PLAIN = ("source", "channel", "field", "title", "content", "petitioner_name", "petitioner_contact", "confidential")
"""The submission's fields stored as they are (the intake fields go through `intake_checks.columns_of`)."""


def _receive(s: Session, ctx: Context, actor: Actor, fields: dict[str, Any], plan_code: str | None) -> Petition:
    agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one_or_none()
    if agency is None:
        raise NotFound(f"agency '{actor.agency}' does not exist")
    now = clock.now()
    plan = plans.plan_in_force(s, agency.id, now.year, plan_code)
    number = _next_number(s, agency.id, now.year)
    petition_id = uuid.uuid4()
    checked = intake_checks.assess(s, agency.id, fields, petition_id)  # the conditions, and an earlier copy
    fields = {**fields, **checked}
    petition = Petition(
        id=petition_id, agency_id=agency.id, plan_id=plan.id if plan else None, instance_id=uuid.uuid4(),
        code=f"{agency.code.upper()}-{now.year}-{number:05d}", tracking_code=new_tracking_code(),
        stage="received", submitted_by=actor.username, submitted_at=now,
        **{k: v for k, v in fields.items() if k in _PLAIN}, **intake_checks.columns_of(fields),
    )
    petition.search_head, petition.search_body = identity.search_texts_of(petition)
    petition.body_key = search_text.body_key(petition.search_body)
    s.add(petition)
    s.flush()  # the register row exists before the first step, which projects onto it (even when it ends there)
    draft, reply = (plan_rules.deadline(plan.body if plan else None, kind) for kind in ("draft", "reply"))
    start_data = {**fields, "petition_id": str(petition.id), "petition_code": petition.code,
                  "received_on": now.astimezone(ZoneInfo(ctx.settings.timezone)).date().isoformat(),
                  "plan_draft_days": draft.days if draft else None, "plan_reply_days": reply.days if reply else None,
                  "office_sources": plan_rules.office_sources(plan.body if plan else None),
                  "remote_area": plan_rules.remote_area(plan.body if plan else None)}
    instances.start_in(s, ctx, actor, registers.PETITION_PROCESS, start_data, business_key=petition.code,
                       instance_id=petition.instance_id)
    s.refresh(petition)
    return petition


def receive_in(s: Session, ctx: Context, actor: Actor, fields: dict[str, Any]) -> Petition:
    """Receive a petition in `actor`'s agency inside the caller's unit of work (its number, its register row and
    its process instance), from `fields` already checked by the caller (a petition forwarded on the deployment)."""
    return _receive(s, ctx, actor, fields, None)


def _require_reader(actor: Actor) -> None:
    if not (actor.system or actor.has(*READERS) or any(r.startswith("unit:") for r in actor.roles)):
        raise Forbidden("petitions are read by staff, auditors and admins")


require_reader = _require_reader


def visible(s: Session, actor: Actor, query: Select[Any]) -> Select[Any]:
    """Scope a petition query to the actor's agency and hide confidential items from those not handling them
    (the rule the task list and instances follow too: `access.handles_clause`)."""
    # The agency as a value the planner knows before it plans (not a join): its index on (agency, submitted)
    # then gives the petitions newest first, and a page stops after its rows instead of sorting every match.
    query = query.where(Petition.agency_id == select(Agency.id).where(Agency.code == actor.agency).scalar_subquery())
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
        rows = petition_search.search(uow.session, query, text or "", min(limit, 200), offset)
        due = _due_dates(uow.session, rows)
        codes = _codes(uow.session, {p.duplicate_of for p in rows if p.duplicate_of})
        found = [_info(p, due.get(p.instance_id) if p.instance_id else None, actor,
                       codes.get(p.duplicate_of) if p.duplicate_of else None) for p in rows]
    record_listing(ctx, actor, [(str(p.id), p.code) for p in found if p.confidential], "petition list")
    record_identity_reads(ctx, actor, found, "petition list")
    return found


def _register_page(ctx: Context, actor: Actor, limit: int, offset: int) -> list[PetitionInfo]:
    """The unfiltered register, newest first: confidential petitions the actor may not see keep their
    place by number and date only (a filter would tell something of their content, so filtered lists
    leave them out)."""
    with ctx.uow(write=False) as uow:
        query = (select(Petition, _seen(actor).label("seen")).join(Agency, Agency.id == Petition.agency_id)
                 .where(Agency.code == actor.agency).order_by(Petition.submitted_at.desc())
                 .limit(min(limit, 200)).offset(offset))
        rows = list(uow.session.execute(query).all())
        due = _due_dates(uow.session, [p for p, seen in rows if seen])
        codes = _codes(uow.session, {p.duplicate_of for p, seen in rows if seen and p.duplicate_of})
        found = [(_info(p, due.get(p.instance_id) if p.instance_id else None, actor,
                        codes.get(p.duplicate_of) if p.duplicate_of else None) if seen else _redacted(p))
                 for p, seen in rows]
    record_listing(ctx, actor, [(str(p.id), p.code) for p in found if p.confidential and not p.redacted],
                   "petition list")
    record_identity_reads(ctx, actor, found, "petition list")
    return found


def record_identity_reads(ctx: Context, actor: Actor, shown: list[PetitionInfo], what: str) -> None:
    """One `identity_read` event for a read that showed the actor denouncers' identities, naming the petitions."""
    items = [(str(p.id), p.code) for p in shown if _shows_identity(p)]
    if not items or actor.system:
        return
    with ctx.uow() as uow:
        identity.record_read(uow.session, actor, access.agency_id_of(uow.session, actor), items, what)
        uow.commit()


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
        due = _due_dates(s, [found]).get(found.instance_id) if found.instance_id else None
        if found.confidential and found.instance_id is not None and not actor.system:
            inst = s.get(ProcessInstance, found.instance_id)
            if inst is not None:
                access.record_confidential_read(s, actor, inst, f"petition {found.code}")
                uow.commit()
        codes = _codes(s, {found.duplicate_of} if found.duplicate_of else set())
        later = s.execute(visible(s, actor, select(Petition)).where(
            Petition.duplicate_of == found.id).order_by(Petition.submitted_at)).scalars()
        info = _info(found, due, actor, codes.get(found.duplicate_of) if found.duplicate_of else None,
                     tuple((p.id, p.code) for p in later))
        forwarded_to, forwarded_from = forward_links.links_of(s, found)
        if forwarded_to or forwarded_from:
            info = replace(info, forwarded_to=forwarded_to, forwarded_from=forwarded_from)
        if _shows_identity(info) and not actor.system:
            identity.record_read(s, actor, found.agency_id, [(str(found.id), found.code)], f"petition {found.code}")
            uow.commit()
        return info


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
