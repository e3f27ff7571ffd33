"""A petition's statutory deadline, its extension by a recorded decision, and the alerts around deadlines.

The deadline a petition carries (`petitions.deadline_at`) counts WORKING days in the deployment's zone,
skipping weekends and the holidays the admin keeps:

- until the handling decision (xử lý đơn) it is the decision's: the `dueIn` of the task that decides it
  (10 working days in the pack, Thông tư 05/2021/TT-TTCP), counted from receipt;
- once the petition is accepted (`handling_result == "thu_ly"`) it is the resolution deadline the decision
  table `classify_petition` gives its type (`resolution_deadline`: 30 working days for a complaint, 45 when
  complex; 30 for a denunciation; the plan's `[deadlines]` for a recommendation), counted from acceptance;
- a denunciation's deadline is extended only by a decision recorded here (`extend`): as many times as the
  table allows (`max_extensions`), each by its `extension_length`; the decision goes on the petition's trail.

Nothing of the rule is written here: durations and limits come from the petition's data, which the pack
sets. `raise_alerts` turns deadlines into rows people see (`deadline_alerts`): a reminder to whoever must
act when fewer than `REMIND_WORKING_DAYS` working days are left, and a "Cảnh báo quá hạn" to the director
once the deadline has passed. A notifier (e-mail) may read the same rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workflows import events as ev

from ..config import Settings
from ..store.deadline_tables import DeadlineAlert
from ..store.petition_tables import Petition
from ..store.tables import Agency, Holiday, HumanTask, ProcessInstance
from ..usecases import audit, clock, notifications, projection
from ..usecases import calendar as days
from ..usecases.context import Actor, Context
from ..usecases.errors import Conflict, Forbidden, Invalid, NotFound

ACCEPTED = "thu_ly"
"""The handling decision after which the resolution deadline runs (SHARED_NAMES: `handling_result`)."""
REMIND_WORKING_DAYS = 2
"""A reminder goes out when this many working days or fewer are left before a deadline."""
KIND_LABELS = {"overdue": "Cảnh báo quá hạn", "reminder": "Sắp đến hạn"}
"""How an alert's title (and the e-mail it sends) begins, by its kind."""
ESCALATE_TO = "director"
"""Who receives the "Cảnh báo quá hạn" when a deadline has passed (the head who assigns and signs)."""
FOLLOW_UP = "inspectorate"
"""Who is reminded of a petition's statutory deadline (the Inspectorate follows up and urges units)."""
DECISION_LENGTH = 100
REASON_LENGTH = 2000


def holidays_of(s: Session, agency_id: int, start: date) -> set[date]:
    """The agency's and the province-wide holidays from `start` on (read once per unit of work)."""
    return projection.holidays_from(s, agency_id, start)


def _working_after(s: Session, agency_id: int, start: datetime, duration: str, zone: str) -> datetime | None:
    try:
        return days.due_after(start, duration, True, holidays_of(s, agency_id, start.date() - timedelta(days=1)), zone)
    except ValueError:
        return None


def _rule(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"resolution_deadline": str(data.get("resolution_deadline") or ""),
            "max_extensions": int(data.get("max_extensions") or 0),
            "extension_length": str(data.get("extension_length") or ""),
            "petition_type": str(data.get("petition_type") or "")}


def project(s: Session, p: Row[Any], snapshot: ev.Snapshot, at: datetime, zone: str | None) -> None:
    """After a step of a petition (`p`: its row as the step left it, with `id`, `agency_id`, `submitted_at`,
    `deadline_at` and `deadline_rule`): set its statutory deadline when the step settled one (same transaction)."""
    zone = zone or Settings.timezone
    data = snapshot.data
    values: dict[str, Any] = {}
    resolution = str(data.get("resolution_deadline") or "")
    if data.get("handling_result") == ACCEPTED and resolution:
        if not (p.deadline_rule or {}).get("resolution_deadline"):  # accepted in this step: the clock starts
            values = {"deadline_at": _working_after(s, p.agency_id, at, resolution, zone), "deadline_rule": _rule(data)}
    elif p.deadline_at is None:
        for task in snapshot.ready_tasks:  # the handling decision's own deadline, counted from receipt
            if days.duration_of(task.properties, data) and days.wants_working_days(task.properties):
                holidays = holidays_of(s, p.agency_id, p.submitted_at.date() - timedelta(days=1))
                values = {"deadline_at": days.task_due_at(task.properties, data, p.submitted_at, holidays, zone)}
                break
    if values:  # on the connection: the ORM's bulk-update machinery cost more than the statement
        s.connection().execute(update(Petition).where(Petition.id == p.id).values(**values))


@dataclass(frozen=True)
class Extension:
    """A recorded extension of a petition's resolution deadline."""

    petition_code: str
    number: int
    allowed: int
    previous: datetime
    deadline_at: datetime
    decision_number: str


def extend(ctx: Context, actor: Actor, petition_id: uuid.UUID, decision_number: str, decided_on: date,
           reason: str) -> Extension:
    """Extend an accepted petition's resolution deadline by a recorded decision (Luật Tố cáo 2018 art. 30).

    Only the director (or the system) decides it; only as many times as the petition's rule allows, each by
    the rule's length in working days from the current deadline; the decision goes on the petition's trail.
    """
    if not actor.has("director"):
        raise Forbidden("only the director decides to extend a deadline")
    decision_number, reason = decision_number.strip(), reason.strip()
    problems = []
    if not decision_number or len(decision_number) > DECISION_LENGTH:
        problems.append(f"decision_number: the number of the extension decision, 1 to {DECISION_LENGTH} characters")
    if not reason or len(reason) > REASON_LENGTH:
        problems.append(f"reason: why the deadline is extended, 1 to {REASON_LENGTH} characters")
    if decided_on > clock.now().date():
        problems.append("decided_on: a decision cannot be dated in the future")
    if problems:
        raise Invalid("the extension decision is incomplete", problems)
    with ctx.uow() as uow:
        s = uow.session
        agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one_or_none()
        p = s.get(Petition, petition_id)
        if p is None or agency is None or (p.agency_id != agency.id and not actor.system):
            raise NotFound(f"petition {petition_id} does not exist")
        rule = dict(p.deadline_rule or {})
        allowed = int(rule.get("max_extensions") or 0)
        if p.closed_at is not None:
            raise Conflict(f"petition {p.code} is closed: its deadline no longer runs")
        if p.handling_result != ACCEPTED or p.deadline_at is None or not rule.get("resolution_deadline"):
            raise Conflict(f"petition {p.code} has not been accepted for handling: there is no resolution deadline")
        if p.deadline_extensions >= allowed:
            raise Conflict(f"petition {p.code} may be extended {allowed} time(s) and already was "
                           f"{p.deadline_extensions} time(s)")
        previous = p.deadline_at
        moved = _working_after(s, p.agency_id, previous, str(rule.get("extension_length") or ""),
                               ctx.settings.timezone)
        if moved is None:
            raise Conflict(f"the rule of petition {p.code} gives no extension length")
        number = p.deadline_extensions + 1
        p.deadline_at, p.deadline_extensions = moved, number
        rule["extensions"] = [*rule.get("extensions", []), {"decision_number": decision_number,
                                                            "decided_on": decided_on.isoformat(), "reason": reason,
                                                            "by": actor.username, "deadline_at": moved.isoformat()}]
        p.deadline_rule = rule
        inst = s.get(ProcessInstance, p.instance_id) if p.instance_id else None
        if inst is not None:
            s.add_all(audit.chain_onto_instance(inst, actor.username, clock.now(), [audit.Entry(
                "deadline_extended", {"petition": p.code, "extension": number, "allowed": allowed,
                                      "decision_number": decision_number, "decided_on": decided_on.isoformat(),
                                      "reason": reason, "previous_deadline": previous.isoformat(),
                                      "deadline_at": moved.isoformat()})]))
        uow.commit()
        return Extension(p.code, number, allowed, previous, moved, decision_number)


@dataclass(frozen=True)
class AlertInfo:
    """A deadline alert as the person who must act sees it."""

    id: int
    kind: str
    role: str
    title: str
    due_at: datetime
    created_at: datetime
    petition_id: uuid.UUID | None
    task_id: uuid.UUID | None
    read_at: datetime | None

    @property
    def about(self) -> str:
        """What the alert is about: its title without the label of its kind, which a page shows apart."""
        label = f"{KIND_LABELS.get(self.kind, '')}: "
        return self.title.removeprefix(label)


def _info(a: DeadlineAlert) -> AlertInfo:
    return AlertInfo(a.id, a.kind, a.role, a.title, a.due_at, a.created_at, a.petition_id, a.task_id, a.read_at)


def _remind_from(due: datetime, holidays: set[date]) -> date:
    """The working day `REMIND_WORKING_DAYS` before `due`'s day: from then on a reminder is due."""
    day, left = due.date(), REMIND_WORKING_DAYS
    for _ in range(days.MAX_DAYS):
        if left == 0:
            break
        day -= timedelta(days=1)
        if days.is_working_day(day, holidays):
            left -= 1
    return day


def _add(s: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    insert = postgresql_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    return list(s.execute(insert(DeadlineAlert).values(rows).on_conflict_do_nothing(
        index_elements=[DeadlineAlert.subject, DeadlineAlert.kind, DeadlineAlert.due_at])
        .returning(DeadlineAlert.id)).scalars().all())


def _notify(s: Session, alert_ids: list[int]) -> None:
    """Send each new alert on a petition's own deadline to the people it is for, by their notification preference
    (an overdue one at once). Alerts on a task's deadline are not sent again: the staff notices of
    `notifications` already tell a task's workers it is due soon or overdue."""
    if not alert_ids:
        return
    for alert in s.execute(select(DeadlineAlert).where(DeadlineAlert.id.in_(alert_ids),
                                                       DeadlineAlert.task_id.is_(None))).scalars():
        body = (f"{alert.title}\nHạn: {alert.due_at:%d/%m/%Y} (tính theo ngày làm việc)."
                + (f" Đã quá hạn {alert.days_late} ngày làm việc." if alert.days_late else ""))
        notifications.notify_role(s, alert.agency_id, alert.role, f"deadline_{alert.kind}", alert.title, body,
                                  urgent=alert.kind == "overdue", petition_id=alert.petition_id,
                                  dedupe_key=f"alert:{alert.id}")


def raise_alerts(ctx: Context, now: datetime | None = None, limit: int = 500) -> int:
    """Raise the reminders and overdue alerts due at `now` for open tasks and open petitions; how many were new.

    Each alert is raised once per deadline (an extension gives a new deadline, hence new alerts).
    """
    now = now or clock.now()
    horizon = now + timedelta(days=REMIND_WORKING_DAYS * 2 + 14)  # wide enough for weekends and holidays
    with ctx.uow() as uow:
        s = uow.session
        holidays = set(s.execute(select(Holiday.day).where(Holiday.day >= (now - timedelta(days=1)).date()))
                       .scalars())
        rows: list[dict[str, Any]] = []
        tasks = s.execute(select(HumanTask, Petition.id, Petition.code).outerjoin(
            Petition, Petition.instance_id == HumanTask.instance_id).where(
            HumanTask.status == "ready", HumanTask.due_at.is_not(None), HumanTask.due_at < horizon)
            .order_by(HumanTask.due_at).limit(limit)).all()
        for task, petition_id, code in tasks:
            assert task.due_at is not None
            who = f"unit:{task.unit_code}" if task.candidate_role == "unit" and task.unit_code else (
                task.candidate_role or ESCALATE_TO)
            name = task.name.split(" / ")[0]  # the Vietnamese half of the step's name
            what = f"{name} ({code})" if code else name
            rows += _alerts_for(f"task:{task.id}", task.agency_id, petition_id, task.id, what, who, task.due_at, now,
                                holidays)
        petitions = s.execute(select(Petition).where(
            Petition.closed_at.is_(None), Petition.deadline_at.is_not(None), Petition.deadline_at < horizon)
            .order_by(Petition.deadline_at).limit(limit)).scalars()
        for p in petitions:
            assert p.deadline_at is not None
            rows += _alerts_for(f"petition:{p.id}", p.agency_id, p.id, None, f"{p.code}: {p.title}", FOLLOW_UP,
                                p.deadline_at, now, holidays)
        added = _add(s, rows)
        _notify(s, added)
        uow.commit()
    return len(added)


def _alerts_for(subject: str, agency_id: int, petition_id: uuid.UUID | None, task_id: uuid.UUID | None, what: str,
                who: str, due: datetime, now: datetime, holidays: set[date]) -> list[dict[str, Any]]:
    base = {"agency_id": agency_id, "petition_id": petition_id, "task_id": task_id, "subject": subject[:80],
            "due_at": due, "created_at": now}
    if due <= now:
        late = sum(1 for n in range((now.date() - due.date()).days)
                   if days.is_working_day(due.date() + timedelta(days=n + 1), holidays))
        return [base | {"kind": "overdue", "role": ESCALATE_TO, "days_late": late,
                        "title": f"{KIND_LABELS['overdue']}: {what}"[:400]}]
    if now.date() >= _remind_from(due, holidays):
        return [base | {"kind": "reminder", "role": who[:64], "days_late": 0,
                        "title": f"{KIND_LABELS['reminder']}: {what}"[:400]}]
    return []


def _roles_of(actor: Actor) -> list[str]:
    return sorted(actor.roles)


def list_alerts(ctx: Context, actor: Actor, unread_only: bool = True, limit: int = 100) -> list[AlertInfo]:
    """The alerts for the actor's roles (and units) in the actor's agency, newest first."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        if agency is None:
            return []
        query = select(DeadlineAlert).where(DeadlineAlert.agency_id == agency)
        if not actor.system:
            query = query.where(DeadlineAlert.role.in_(_roles_of(actor)))
        if unread_only:  # and still standing: the task not yet done, the petition not yet closed
            done = select(HumanTask.id).where(HumanTask.id == DeadlineAlert.task_id, HumanTask.status != "ready")
            closed = select(Petition.id).where(Petition.id == DeadlineAlert.petition_id,
                                               Petition.closed_at.is_not(None))
            query = query.where(DeadlineAlert.read_at.is_(None), ~done.exists(),
                                or_(DeadlineAlert.task_id.is_not(None), ~closed.exists()))
        rows = s.execute(query.order_by(DeadlineAlert.created_at.desc(), DeadlineAlert.id.desc())
                         .limit(max(1, min(limit, 1000)))).scalars()
        return [_info(a) for a in rows]


def mark_read(ctx: Context, actor: Actor, alert_id: int) -> AlertInfo:
    """Mark one of the actor's alerts as read (it stays on record)."""
    if not 0 < alert_id < 2**62:  # no such row, and no number the database cannot hold
        raise NotFound(f"alert {alert_id} does not exist")
    with ctx.uow() as uow:
        s = uow.session
        alert = s.get(DeadlineAlert, alert_id)
        agency = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        if alert is None or alert.agency_id != agency or not (actor.system or alert.role in actor.roles):
            raise NotFound(f"alert {alert_id} does not exist")
        if alert.read_at is None:
            alert.read_at, alert.read_by = clock.now(), actor.username[:64]
        uow.commit()
        return _info(alert)
