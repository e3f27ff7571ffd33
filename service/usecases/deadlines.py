"""Deadlines: the holiday list working days skip, and which tasks are overdue (for reminders).

A human task's `due_at` is written with the task (see `projection.persist` and `calendar`); here are
the admin's holiday commands and the queries that find tasks past their due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.tables import Agency, Holiday, HumanTask
from . import audit, clock
from .context import Actor, Context
from .errors import Conflict, Forbidden, Invalid, NotFound
from .projection import TaskInfo, _task_info


@dataclass(frozen=True)
class HolidayInfo:
    """One day off; `agency` is None for a province-wide holiday."""

    day: date
    name: str
    agency: str | None


def _agency_id(s: Session, code: str) -> int:
    found = s.execute(select(Agency.id).where(Agency.code == code)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"agency '{code}' does not exist")
    return int(found)


def _admin(actor: Actor) -> None:
    if not actor.has("admin"):
        raise Forbidden("only admins keep the holiday list")


PROVINCE_CHAIN = "province"
"""Audit chain of province-wide changes (holidays of every agency)."""


def _log(s: Session, actor: Actor, event: str, day: date, name: str, agency: str | None) -> None:
    """On the holiday's agency chain, or on the province chain for a province-wide holiday."""
    chain = audit.agency_chain(agency) if agency else PROVINCE_CHAIN
    audit.append_to_agency(s, _agency_id(s, agency) if agency else None, chain, actor.username, clock.now(),
                           audit.Entry(event, {"day": day.isoformat(), "name": name, "agency": agency or "province"}))


def add_holiday(ctx: Context, actor: Actor, day: date, name: str, agency: str | None = None) -> HolidayInfo:
    """Add a day off for the whole province (`agency` None) or for one agency."""
    _admin(actor)
    name = name.strip()
    if not name:
        raise Invalid("a holiday needs a name", ["name: must not be empty"])
    with ctx.uow() as uow:
        s = uow.session
        agency_id = _agency_id(s, agency) if agency else None
        exists = s.execute(select(Holiday.id).where(Holiday.day == day, Holiday.agency_id.is_(None) if agency_id is None
                                                    else Holiday.agency_id == agency_id)).first()
        if exists:
            raise Conflict(f"{day.isoformat()} is already a holiday" + (f" of {agency}" if agency else ""))
        s.add(Holiday(agency_id=agency_id, day=day, name=name[:200]))
        _log(s, actor, "holiday_added", day, name, agency)
        uow.commit()
    return HolidayInfo(day, name[:200], agency)


def remove_holiday(ctx: Context, actor: Actor, day: date, agency: str | None = None) -> None:
    """Remove a day off (province-wide when `agency` is None); due dates already set keep their value."""
    _admin(actor)
    with ctx.uow() as uow:
        s = uow.session
        agency_id = _agency_id(s, agency) if agency else None
        row = s.execute(select(Holiday).where(Holiday.day == day, Holiday.agency_id.is_(None) if agency_id is None
                                              else Holiday.agency_id == agency_id)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"{day.isoformat()} is not a holiday" + (f" of {agency}" if agency else ""))
        s.delete(row)
        _log(s, actor, "holiday_removed", day, row.name, agency)
        uow.commit()


def list_holidays(ctx: Context, year: int | None = None) -> list[HolidayInfo]:
    """Every holiday (of `year`, when given), by date; province-wide ones name no agency."""
    with ctx.uow(write=False) as uow:
        query = select(Holiday.day, Holiday.name, Agency.code).outerjoin(Agency, Holiday.agency_id == Agency.id)
        if year is not None:
            query = query.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        rows = uow.session.execute(query.order_by(Holiday.day, Agency.code)).all()
    return [HolidayInfo(d, n, c) for d, n, c in rows]


def is_overdue(task: TaskInfo | HumanTask, now: datetime | None = None) -> bool:
    """Whether a ready task is past its due date."""
    return task.status == "ready" and task.due_at is not None and task.due_at < (now or clock.now())


def overdue_tasks(ctx: Context, actor: Actor, now: datetime | None = None, limit: int = 500) -> list[TaskInfo]:
    """Ready tasks of the actor's agency past their due date, most overdue first (all agencies for the system)."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        query = select(HumanTask).where(HumanTask.status == "ready", HumanTask.due_at < (now or clock.now()))
        if not actor.system:
            query = query.where(HumanTask.agency_id == _agency_id(s, actor.agency))
        rows = s.execute(query.order_by(HumanTask.due_at, HumanTask.id).limit(max(1, min(limit, 5000)))).scalars()
        return [_task_info(r) for r in rows]
