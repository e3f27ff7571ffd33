"""Citizen reception (Luật Tiếp công dân 2013, Thông tư 04/2021/TT-TTCP): the reception book and the
director's periodic reception days.

Each session is written in the book (sổ tiếp công dân) with its date, who received, how many citizens
came (a delegation of five or more speaks through its representatives), what they raised, what was done,
the petitions it produced (linked to the register), or the refusal to receive with its reason. The
director's fixed reception days come from the agency's plan (`[reception]`), moved off weekends and
holidays. `receptions_between` is what the statistics count from.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import plan_rules
from ..store.petition_tables import Petition
from ..store.reception_tables import ReceptionPetition, ReceptionSession
from ..store.tables import Agency
from ..usecases import audit, clock, deadlines, facts
from ..usecases import values as stored
from ..usecases.context import Actor, Context
from ..usecases.errors import Forbidden, Invalid, NotFound
from . import plan_queries

READERS = ("reception", "office", "inspectorate", "director", "auditor", "admin")
RECORDERS = ("reception", "office", "inspectorate", "director")
KINDS = ("periodic", "adhoc", "regular")
"""The director's fixed day (định kỳ), an ad-hoc reception (đột xuất), the standing reception (thường xuyên)."""
DELEGATION_SIZE = 5
"""From five people raising the same matter, they come as a delegation through representatives
(Luật Tiếp công dân 2013 art. 30; Nghị định 64/2014/NĐ-CP art. 7)."""
MAX_TEXT = 20_000


@dataclass(frozen=True)
class LinkedPetition:
    """A petition the session produced, as the book shows it (a confidential one by its code only)."""

    id: uuid.UUID
    code: str
    title: str


@dataclass(frozen=True)
class ReceptionInfo:
    """One session of the reception book."""

    id: uuid.UUID
    number: int
    received_on: date
    kind: str
    receiver: str
    receiver_title: str
    visitors: int
    delegation: bool
    representatives: str
    citizens: str
    content: str
    result: str
    refused: bool
    refusal_reason: str
    recorded_by: str
    recorded_at: datetime
    petitions: tuple[LinkedPetition, ...] = ()


@dataclass(frozen=True)
class ReceptionDay:
    """One of the director's periodic reception days, and the sessions the book holds for it."""

    day: date
    receiver: str
    venue: str
    session: str
    assumed: bool
    sessions: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class ReceptionCalendar:
    """The year's reception days of the agency's plan (none when the plan sets no reception)."""

    year: int
    plan_code: str | None
    days: tuple[ReceptionDay, ...]
    note: str
    plan_title: str = ""


def _require(actor: Actor, roles: Sequence[str], what: str) -> None:
    if not actor.has(*roles):
        raise Forbidden(f"{what} is for {', '.join(roles)}")


def _agency_id(s: Session, actor: Actor) -> int:
    found = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"agency '{actor.agency}' does not exist")
    return int(found)


def receptions_between(session: Session, agency_id: int, start: date, end: date) -> list[ReceptionSession]:
    """The agency's reception sessions received from `start` to `end` (both included), by date and number:
    what the statistics of citizen reception count (sessions, visitors, delegations, refusals)."""
    return list(session.execute(
        select(ReceptionSession).where(ReceptionSession.agency_id == agency_id, ReceptionSession.received_on >= start,
                                       ReceptionSession.received_on <= end)
        .order_by(ReceptionSession.received_on, ReceptionSession.number)).scalars())


def _problems(v: dict[str, Any], today: date) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        found.setdefault(name, []).append(message)

    day = v["received_on"]
    if not isinstance(day, date):
        bad("received_on", "Not a valid date.")
    elif day > today:
        bad("received_on", f"the date {day.isoformat()} is after today ({today.isoformat()})")
    elif day.year < 2000:
        bad("received_on", "the date is before 2000")
    if v["kind"] not in KINDS:
        bad("kind", f"one of {', '.join(KINDS)}")
    if not v["receiver"].strip() or len(v["receiver"]) > 200:
        bad("receiver", "required, at most 200 characters")
    if len(v["receiver_title"]) > 200:
        bad("receiver_title", "at most 200 characters")
    visitors = v["visitors"]
    if isinstance(visitors, bool) or not isinstance(visitors, int) or not 1 <= visitors <= 10_000:
        bad("visitors", "a number of people from 1 to 10000")
    elif visitors >= DELEGATION_SIZE and not v["delegation"]:
        bad("delegation", f"{DELEGATION_SIZE} or more people raising one matter come as a delegation")
    if v["delegation"] and not v["representatives"].strip():
        bad("representatives", "a delegation is received through its representatives: name them")
    if not v["content"].strip():
        bad("content", "required: what the citizens raised")
    if v["refused"] and not v["refusal_reason"].strip():
        bad("refusal_reason", "a refusal to receive states its reason")
    for name in ("representatives", "citizens", "content", "result", "refusal_reason"):
        if len(v[name]) > MAX_TEXT:
            bad(name, f"at most {MAX_TEXT} characters")
    return found


def _linked(s: Session, agency_id: int, codes: Sequence[str]) -> tuple[list[Petition], list[str]]:
    wanted = [c.strip() for c in codes if c.strip()]
    found = list(s.execute(select(Petition).where(Petition.agency_id == agency_id, Petition.code.in_(wanted)))
                 .scalars()) if wanted else []
    missing = sorted(set(wanted) - {p.code for p in found})
    return found, missing


def record(ctx: Context, actor: Actor, received_on: date, kind: str, receiver: str, visitors: int,
           content: str, receiver_title: str = "", delegation: bool = False, representatives: str = "",
           citizens: str = "", result: str = "", refused: bool = False, refusal_reason: str = "",
           petition_codes: Sequence[str] = (), submission_key: str | None = None) -> ReceptionInfo:
    """Write a reception session in the book (reception, Office, Inspectorate, director); `Invalid` names
    every field that cannot stand, e.g. a delegation with no representatives or a refusal with no reason.
    A `submission_key` already recorded (the same form posted again) gives back that session, recording
    nothing: the session and the petitions it produced are in the book once."""
    _require(actor, RECORDERS, "recording a reception")
    given = {"receiver": receiver, "receiver_title": receiver_title, "representatives": representatives,
             "citizens": citizens, "content": content, "result": result, "refusal_reason": refusal_reason,
             "petition_codes": list(petition_codes)}
    stored.refuse_unstorable(given, "the reception session")
    values = {"received_on": received_on, "kind": kind, "receiver": receiver, "receiver_title": receiver_title,
              "visitors": visitors, "delegation": delegation, "representatives": representatives,
              "citizens": citizens, "content": content, "result": result, "refused": refused,
              "refusal_reason": refusal_reason}
    problems = _problems(values, facts.today(ctx.settings.timezone))
    with ctx.uow() as uow:
        s = uow.session
        agency_id = _agency_id(s, actor)
        key = (submission_key or "")[:64] or None
        earlier = s.execute(select(ReceptionSession).where(
            ReceptionSession.agency_id == agency_id, ReceptionSession.submission_key == key)).scalar_one_or_none() \
            if key else None
        if earlier is not None:
            return _with_petitions(s, [earlier])[0]
        linked, missing = _linked(s, agency_id, petition_codes)
        if missing:
            problems.setdefault("petition_codes", []).append(f"no petition of this department has the code "
                                                             f"{', '.join(missing)}")
        if problems:
            lines = [f"{name}: {' '.join(msgs)}" for name, msgs in problems.items()]
            raise Invalid("the reception session was not recorded: " + "; ".join(lines), lines, fields=problems)
        year_start, year_end = date(received_on.year, 1, 1), date(received_on.year, 12, 31)
        number = int(s.execute(select(func.count()).select_from(ReceptionSession).where(
            ReceptionSession.agency_id == agency_id, ReceptionSession.received_on >= year_start,
            ReceptionSession.received_on <= year_end)).scalar_one()) + 1
        row = ReceptionSession(
            id=uuid.uuid4(), agency_id=agency_id, number=number, received_on=received_on, kind=kind,
            receiver=receiver.strip(), receiver_title=receiver_title.strip(), visitors=visitors, delegation=delegation,
            representatives=representatives.strip(), citizens=citizens.strip(), content=content.strip(),
            result=result.strip(), refused=refused, refusal_reason=refusal_reason.strip() if refused else "",
            recorded_by=actor.username, recorded_at=clock.now(), submission_key=key)
        s.add(row)
        s.flush()
        for petition in linked:
            s.add(ReceptionPetition(reception_id=row.id, petition_id=petition.id))
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, clock.now(),
                               audit.Entry("reception_recorded", {
                                   "reception_id": str(row.id), "number": number,
                                   "received_on": received_on.isoformat(),
                                   "kind": kind, "visitors": visitors, "delegation": delegation, "refused": refused,
                                   "petitions": [p.code for p in linked]}))
        uow.flush()
        info = _info(row, linked)
        uow.commit()
        return info


def _info(row: ReceptionSession, linked: Sequence[Petition]) -> ReceptionInfo:
    petitions = tuple(LinkedPetition(p.id, p.code, "" if p.confidential else p.title)
                      for p in sorted(linked, key=lambda p: p.code))
    return ReceptionInfo(row.id, row.number, row.received_on, row.kind, row.receiver, row.receiver_title, row.visitors,
                         row.delegation, row.representatives, row.citizens, row.content, row.result, row.refused,
                         row.refusal_reason, row.recorded_by, row.recorded_at, petitions)


def _with_petitions(s: Session, rows: Sequence[ReceptionSession]) -> list[ReceptionInfo]:
    ids = [r.id for r in rows]
    links: dict[uuid.UUID, list[Petition]] = {i: [] for i in ids}
    if ids:
        for reception_id, petition in s.execute(
                select(ReceptionPetition.reception_id, Petition)
                .join(Petition, Petition.id == ReceptionPetition.petition_id)
                .where(ReceptionPetition.reception_id.in_(ids))).all():
            links[reception_id].append(petition)
    return [_info(r, links[r.id]) for r in rows]


def list_sessions(ctx: Context, actor: Actor, start: date | None = None,
                  end: date | None = None) -> list[ReceptionInfo]:
    """The book from `start` to `end` (default: this year so far), by date and number."""
    _require(actor, READERS, "reading the reception book")
    today = facts.today(ctx.settings.timezone)
    start, end = start or date(today.year, 1, 1), end or date(today.year, 12, 31)
    if start > end:
        raise Invalid("the period starts after it ends", ["from: must not be after to"], fields={"from": ["after to"]})
    with ctx.uow(write=False) as uow:
        s = uow.session
        return _with_petitions(s, receptions_between(s, _agency_id(s, actor), start, end))


def get(ctx: Context, actor: Actor, reception_id: uuid.UUID) -> ReceptionInfo:
    """One session of the book."""
    _require(actor, READERS, "reading the reception book")
    with ctx.uow(write=False) as uow:
        s = uow.session
        row = s.get(ReceptionSession, reception_id)
        if row is None or row.agency_id != _agency_id(s, actor):
            raise NotFound(f"reception session {reception_id} does not exist")
        return _with_petitions(s, [row])[0]


def sessions_of_petition(ctx: Context, actor: Actor, petition_id: uuid.UUID) -> list[ReceptionInfo]:
    """The reception sessions that produced a petition (the link seen from the register's side)."""
    _require(actor, READERS, "reading the reception book")
    with ctx.uow(write=False) as uow:
        s = uow.session
        rows = list(s.execute(select(ReceptionSession).join(
            ReceptionPetition, ReceptionPetition.reception_id == ReceptionSession.id).where(
            ReceptionPetition.petition_id == petition_id,
            ReceptionSession.agency_id == _agency_id(s, actor))).scalars())
        return _with_petitions(s, rows)


def calendar(ctx: Context, actor: Actor, year: int) -> ReceptionCalendar:
    """The director's reception days of `year` from the agency's plan, each with the sessions recorded on it."""
    _require(actor, READERS, "reading the reception calendar")
    if not 2000 <= year <= 2100:
        raise Invalid("the year must be from 2000 to 2100", ["year: 2000 to 2100"], fields={"year": ["2000 to 2100"]})
    holidays = {h.day for h in deadlines.list_holidays(ctx, year) if h.agency in (None, actor.agency)}
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency_id = _agency_id(s, actor)
        plan = plan_queries.plan_body_for(s, agency_id, year)
        recorded: dict[date, list[uuid.UUID]] = {}
        for row in receptions_between(s, agency_id, date(year, 1, 1), date(year, 12, 31)):
            if row.kind == "periodic":
                recorded.setdefault(row.received_on, []).append(row.id)
    reception: dict[str, Any] = dict((plan or {}).get("reception") or {})
    days = tuple(ReceptionDay(d, str(reception.get("receiver") or ""), str(reception.get("venue") or ""),
                              str(reception.get("session") or ""), bool(reception.get("assumed")),
                              tuple(recorded.get(d, ())))
                 for d in plan_rules.reception_days(plan or {}, year, holidays))
    return ReceptionCalendar(year, str(plan["code"]) if plan else None, days, str(reception.get("note") or ""),
                             str(plan.get("title") or "") if plan else "")
