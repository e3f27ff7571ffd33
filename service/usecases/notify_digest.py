"""Staff notices the worker writes on its own: tasks due soon or overdue, and each user's daily digest.

`task_notices` queues a `task_due_soon` / `task_overdue` notice once per task, stage and user, for users who
chose immediate notices (and, for tasks of the most urgent level, for digest users too). `write_digests`
writes, once a day from `PETITIONFLOW_NOTIFY_DIGEST_HOUR` local time, one digest per user who chose the
digest (the default): the notices held for them since the last one, and their tasks due soon and overdue.
Both take the moment as an argument, so a test moves the time instead of waiting for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from ..roles import UNIT_PREFIX
from ..store.notification_tables import Notification, NotificationPreference
from ..store.petition_tables import Petition
from ..store.tables import HumanTask, ProcessInstance, RoleGrant, User
from .context import Context
from .notifications import (
    DEFAULT_MODE,
    DIGESTED,
    HELD,
    Recipient,
    enqueue,
    link,
    most_urgent_level,
    render,
    task_recipients,
    task_values,
    vietnamese,
)

SCAN_LIMIT = 500
"""Tasks looked at per scan, nearest deadline first (notices of older ones were written when they fell due)."""


@dataclass(frozen=True)
class Stage:
    """Where a task stands against its deadline, for notices."""

    key: str
    label: str


DUE_SOON = Stage("due_soon", "Sắp đến hạn")
OVERDUE = Stage("overdue", "Quá hạn")


def _stage(task: HumanTask, now: datetime) -> Stage:
    assert task.due_at is not None
    return OVERDUE if task.due_at <= now else DUE_SOON


def _context_of(s: Session, task: HumanTask) -> tuple[Petition | None, int | None, bool]:
    inst = s.get(ProcessInstance, task.instance_id)
    petition = s.execute(select(Petition).where(Petition.instance_id == task.instance_id)).scalar_one_or_none()
    level = most_urgent_level(s, inst.process_version_id) if inst else None
    urgent = petition is not None and level is not None and petition.urgency == level
    return petition, inst.process_version_id if inst else None, urgent


def task_notices(ctx: Context, now: datetime) -> int:
    """Queue the due-soon and overdue notices that are due by `now`; returns how many were queued."""
    window = now + timedelta(hours=ctx.settings.notify_due_soon_hours)
    queued = 0
    with ctx.uow() as uow:
        s = uow.session
        tasks = s.execute(select(HumanTask).where(HumanTask.status == "ready", HumanTask.due_at.is_not(None),
                                                  HumanTask.due_at <= window)
                          .order_by(HumanTask.due_at.desc()).limit(SCAN_LIMIT)).scalars().all()
        for task in tasks:
            stage = _stage(task, now)
            petition, version_id, urgent = _context_of(s, task)
            for who in task_recipients(s, task):
                if who.mode == "none" or (who.mode == "digest" and not urgent):
                    continue
                key = f"task:{task.id}:{stage.key}:{who.username}"
                if s.execute(select(Notification.id).where(Notification.dedupe_key == key)).first():
                    continue
                subject, body = render([f"task_{stage.key}"], task_values(s, task, who, petition, version_id))
                if enqueue(s, agency_id=task.agency_id, channel="email", recipient=who.email,
                           kind=f"task_{stage.key}", subject=subject, body=body, at=now, username=who.username,
                           petition_id=petition.id if petition else None, instance_id=task.instance_id,
                           urgent=urgent, dedupe_key=key):
                    queued += 1
        uow.commit()
    return queued


def _digest_users(s: Session) -> list[Recipient]:
    rows = s.execute(
        select(User.id, User.username, User.display_name, User.email, NotificationPreference.mode)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(User.active.is_(True), User.email.is_not(None), User.email != "",
               or_(NotificationPreference.mode.is_(None), NotificationPreference.mode == "digest"))
        .order_by(User.username)).all()
    return [Recipient(r[0], r[1], r[2] or r[1], r[3] or "", r[4] or DEFAULT_MODE) for r in rows]


def _open_tasks(s: Session, who: Recipient, until: datetime) -> list[HumanTask]:
    """The user's ready tasks due by `until`: theirs, or in a lane of theirs and nobody's yet."""
    grants = s.execute(select(RoleGrant.agency_id, RoleGrant.role).where(RoleGrant.user_id == who.user_id)).all()
    lanes = [and_(HumanTask.agency_id == agency, HumanTask.candidate_role == role) for agency, role in grants
             if not role.startswith(UNIT_PREFIX)]
    lanes += [and_(HumanTask.agency_id == agency, HumanTask.candidate_role == "unit",
                   HumanTask.unit_code == role[len(UNIT_PREFIX):]) for agency, role in grants
              if role.startswith(UNIT_PREFIX)]
    mine = or_(HumanTask.assignee == who.username, and_(HumanTask.assignee.is_(None), or_(false(), *lanes)))
    return list(s.execute(select(HumanTask).where(HumanTask.status == "ready", HumanTask.due_at.is_not(None),
                                                  HumanTask.due_at <= until, mine)
                          .order_by(HumanTask.due_at).limit(SCAN_LIMIT)).scalars())


def _still_open(s: Session, held: Notification) -> bool:
    """A held `task_new` notice whose task was done meanwhile is left out of the digest."""
    key = held.dedupe_key or ""
    if not key.startswith("task:") or held.kind != "task_new":
        return True
    task = s.get(HumanTask, _uuid(key.split(":")[1]))
    return task is None or task.status == "ready"


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def write_digests(ctx: Context, now: datetime) -> int:
    """Write today's digest of every digest user who has none yet, once the digest hour has come."""
    settings = ctx.settings
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    if local.hour < settings.notify_digest_hour:
        return 0
    moment = local.replace(hour=settings.notify_digest_hour, minute=0, second=0, microsecond=0)
    with ctx.uow(write=False) as uow:
        users = _digest_users(uow.session)
    written = 0
    for who in users:
        with ctx.uow() as uow:  # one user at a time: a short transaction each
            if _digest_one(uow.session, who, now, moment, settings.notify_due_soon_hours, zone):
                written += 1
            uow.commit()
    return written


def _digest_one(s: Session, who: Recipient, now: datetime, moment: datetime, due_soon_hours: int,
                zone: ZoneInfo) -> bool:
    pref = s.get(NotificationPreference, who.user_id, with_for_update=True)
    if pref is None:
        pref = NotificationPreference(user_id=who.user_id, mode=DEFAULT_MODE, updated_at=now)
        s.add(pref)
    elif pref.last_digest_at is not None and pref.last_digest_at >= moment:
        return False
    pref.last_digest_at = now
    held = list(s.execute(select(Notification).where(Notification.username == who.username,
                                                     Notification.status == HELD).order_by(Notification.id)
                          ).scalars())
    items = [f"- {row.subject}" for row in held if _still_open(s, row)]
    agency_id = held[0].agency_id if held else None
    for task in _open_tasks(s, who, now + timedelta(hours=due_soon_hours)):
        stage = _stage(task, now)
        assert task.due_at is not None
        petition = s.execute(select(Petition.code).where(Petition.instance_id == task.instance_id)).scalar()
        items.append(f"- [{stage.label}] {vietnamese(task.name)}" + (f", đơn số {petition}" if petition else "")
                     + f", hạn {task.due_at.astimezone(zone):%H:%M ngày %d/%m/%Y}")
        agency_id = agency_id or task.agency_id
    for row in held:
        row.status = DIGESTED
    if not items or agency_id is None:
        return False
    day = moment.strftime("%d/%m/%Y")
    subject, body = render(["digest"], {"display_name": who.display_name, "day": day, "count": len(items),
                                        "items": "\n".join(items), "tasks_url": link("/tasks"),
                                        "preferences_url": link("/notifications/preferences")})
    enqueue(s, agency_id=agency_id, channel="email", recipient=who.email, kind="digest", subject=subject, body=body,
            at=now, username=who.username, dedupe_key=f"digest:{who.username}:{moment.date().isoformat()}")
    return True
