"""Queries the pages need beyond the API's: the task list with its petitions' facets, an instance's
history and diagram for the people handling it, who may take a task, which version instances run.

Every query here checks rights the way the other use cases do (lanes, units, agency, confidentiality),
reusing `access`, `task_queries` and `petitions`; the pages add no rule of their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from dataclasses import field as default_of
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from ..documents import layout
from ..roles import group_key
from ..store.document_tables import Document
from ..store.petition_tables import Dialogue, Petition
from ..store.tables import AuditEvent, HumanTask, ProcessInstance, ProcessVersion
from ..usecases import access, accounts, clock, groups, task_queries
from ..usecases.context import Actor, Context
from ..usecases.errors import NotFound
from ..usecases.task_queries import TaskRow, row_of
from . import identity, petitions

PATH_EVENTS = ("element_completed", "task_completed")
TIMELINE_EVENTS = ("instance_started", "task_completed", "task_cancelled", "task_assigned", "task_moved",
                   "timer_fired", "message_delivered", "message_thrown", "escalation_thrown", "document_issued",
                   "attachment_uploaded", "petition_withdrawn", "deadline_extended", "dialogue_cancelled",
                   "instance_migrated", "instance_suspended", "instance_resumed", "instance_terminated",
                   "incident_opened", "incident_resolved", "instance_completed")
"""What an instance's history shows people: their steps and what happened to the petition (a document
issued, a timer, a message, a move to a new version), not the engine's own steps (gateways, scripts that
only set variables)."""


@dataclass(frozen=True)
class TaskItem:
    """A task-list row with the petition it belongs to (when it belongs to one)."""

    task: TaskRow
    petition_code: str | None
    petition_title: str | None
    field: str | None
    urgency: str | None
    dialogue_id: uuid.UUID | None
    dialogue: tuple[uuid.UUID, str, str] | None = None
    """For a task of a dialogue's own process: the dialogue's (id, kind, title)."""


@dataclass(frozen=True)
class TaskListing:
    """The filtered list, with counts over every open task the scope shows."""

    items: list[TaskItem]
    total: int
    overdue: int
    by_lane: dict[str, int]
    group_labels: dict[str, str] = default_of(default_factory=dict)
    """The label of each of the agency's own groups, by its role (`group:<key>`) and by the lanes naming it."""


@dataclass(frozen=True)
class TaskFilter:
    """Filters of the task list; None means any."""

    scope: str = "group"
    lane: str | None = None
    field: str | None = None
    urgency: str | None = None
    dialogue_id: uuid.UUID | None = None
    overdue_only: bool = False


def list_tasks(ctx: Context, actor: Actor, f: TaskFilter, limit: int = 200) -> TaskListing:
    """Open tasks in scope (`mine`, `group`, `all`), overdue first then by due date, with petition facets."""
    task_queries.check_listing(actor, f.scope)  # the same rights as the API's task list
    now = clock.now()
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency_id = access.agency_id_of(s, actor)
        own = [g for g in groups.agency_groups(s, agency_id).values() if not g.default]
        conditions, of_instance = task_queries.filters(actor, f.scope, agency_id)
        late = HumanTask.due_at.is_not(None) & (HumanTask.due_at < now)
        counts = s.execute(task_queries.task_rows(conditions, of_instance, HumanTask.candidate_role, func.count(),
                                                  func.sum(case((HumanTask.due_at < now, 1), else_=0)))
                           .group_by(HumanTask.candidate_role)).all()
        if f.lane is not None:
            conditions.append(HumanTask.candidate_role == f.lane)
        if f.overdue_only:
            conditions.append(late)
        facets = [column == value for column, value in ((Petition.field, f.field), (Petition.urgency, f.urgency),
                                                         (Petition.dialogue_id, f.dialogue_id)) if value is not None]
        if facets:  # a filter on the petition: only its tasks
            conditions.append(HumanTask.instance_id.in_(select(Petition.instance_id).where(*facets)))
        total = int(s.execute(task_queries.task_rows(conditions, of_instance, func.count())).scalar_one())
        order = (case((late, 0), else_=1), HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at,
                 HumanTask.id)
        shown = task_queries.task_rows(conditions, of_instance).order_by(*order).limit(limit)
        query = (task_queries.with_instance(shown)
                 .add_columns(Petition.code, Petition.title, Petition.field, Petition.urgency, Petition.dialogue_id,
                              ProcessInstance.confidential, Dialogue.id, Dialogue.kind, Dialogue.title)
                 .outerjoin(Petition, Petition.instance_id == HumanTask.instance_id)
                 .outerjoin(Dialogue, Dialogue.instance_id == HumanTask.instance_id).order_by(*order))
        rows: list[Any] = list(s.execute(query).all())
        denunciations = identity.protected_of_instances(s, [r[0].instance_id for r in rows])
        secret = {i: identity.secrets_of(p) for i, p in denunciations.items()
                  if not identity.may_see_identity(actor, p, p.submitted_by)}
        items = [TaskItem(row_of(r[0], r[1], r[2], now), r[3],
                          identity.redact_text(r[4], secret[r[0].instance_id])
                          if r[4] and r[0].instance_id in secret else r[4], r[5], r[6], r[7],
                          (r[9], r[10], r[11]) if r[9] is not None else None) for r in rows]
        hidden = [(str(r[0].instance_id), r[3] or str(r[0].instance_id)) for r in rows if r[8]]
    petitions.record_listing(ctx, actor, sorted(set(hidden)), "task list")
    labels = {g.role: g.label for g in own}
    by_key = {g.key: g.label for g in own}
    labels.update({i.task.lane: by_key[group_key(i.task.lane)] for i in items
                   if i.task.lane and group_key(i.task.lane) in by_key})
    return TaskListing(items, total, sum(int(n or 0) for _, _, n in counts),
                       {str(lane or "-"): int(n) for lane, n, _ in counts}, labels)


@dataclass(frozen=True)
class HistoryEvent:
    """One step of an instance's history, as the people handling it see it."""

    event_type: str
    actor: str
    at: datetime
    element_id: str | None
    task_id: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class InstanceHistory:
    """An instance's history, its diagram, and the elements to mark on it."""

    instance_id: uuid.UUID
    status: str
    model_key: str
    model_version: int
    bpmn_xml: str
    events: list[HistoryEvent]
    completed: list[str]
    active: list[str]
    overdue: list[str]
    data: dict[str, Any]
    deadlines: list[tuple[str, str, datetime | None]]
    """(element id, task name, due) of the open tasks, once each (the copies of a task share one)."""
    timeline: list[HistoryEvent] = field(default_factory=list)
    """The events people see, in time order (`TIMELINE_EVENTS`), with the documents issued."""


def history(ctx: Context, actor: Actor, instance_id: uuid.UUID) -> InstanceHistory:
    """The history of an instance the actor may see (agency, confidentiality), with its diagram marks."""
    now = clock.now()
    with ctx.uow(write=False) as uow:
        s = uow.session
        inst = s.get(ProcessInstance, instance_id)
        if inst is None:
            raise NotFound(f"instance {instance_id} does not exist")
        access.check_visible(s, actor, inst)
        version = s.get_one(ProcessVersion, inst.process_version_id)
        rows = s.execute(select(AuditEvent).where(AuditEvent.instance_id == inst.id)
                         .order_by(AuditEvent.seq)).scalars().all()
        open_tasks = s.execute(select(HumanTask).where(HumanTask.instance_id == inst.id,
                                                       HumanTask.status == "ready")).scalars().all()
        hidden = identity.hidden_for(s, actor, inst.id)  # a denunciation's denouncer, for those not handling it
        issued = s.execute(select(Document).join(Petition, Petition.id == Document.petition_id)
                           .where(Petition.instance_id == inst.id).order_by(Document.issued_at)).scalars().all()
        papers = [HistoryEvent("document_issued", d.issued_by, d.issued_at, None, None, {
            "number": layout.number_text(d.number, d.symbol),
            "title": d.title if hidden is None else identity.redact_text(d.title, hidden)}) for d in issued]
    events = [HistoryEvent(e.event_type, e.actor, e.at, e.element_id, e.task_id,
                           dict(e.data or {}) if hidden is None else identity.redact(dict(e.data or {}), hidden))
              for e in rows]
    completed = sorted({e.element_id for e in events if e.event_type in PATH_EVENTS and e.element_id})
    data: dict[str, Any] = {}
    for e in events:
        if e.event_type == "instance_started":
            data.update(e.data.get("data") or {})
        elif e.event_type == "task_completed":
            data.update(e.data.get("submitted") or {})
    timeline = sorted((e for e in [*events, *papers] if e.event_type in TIMELINE_EVENTS), key=lambda e: e.at)
    return InstanceHistory(inst.id, inst.status, version.key, version.version, version.bpmn_xml, events, completed,
                           sorted({t.element_id for t in open_tasks}),
                           sorted({t.element_id for t in open_tasks if t.due_at is not None and t.due_at < now}),
                           data, list(dict.fromkeys((t.element_id, t.name, t.due_at) for t in open_tasks)), timeline)


def petition_of_instance(ctx: Context, actor: Actor, instance_id: uuid.UUID) -> petitions.PetitionInfo | None:
    """The petition an instance handles, if the actor may see it."""
    with ctx.uow(write=False) as uow:
        found = uow.session.execute(select(Petition.id).where(Petition.instance_id == instance_id)).scalar()
    if found is None:
        return None
    try:
        return petitions.get(ctx, actor, found)
    except NotFound:
        return None


def candidates(ctx: Context, actor: Actor, task: TaskRow) -> list[str]:
    """Usernames of the actor's agency who work the task's lane (whom a lead may assign it to)."""
    if not actor.has(*access.LEADS):
        return []
    role = _candidate_role(ctx, task.id)
    found = []
    for user in accounts.list_users(ctx):
        if not user.active or actor.agency not in user.roles:
            continue
        other = Actor(user.username, actor.agency, frozenset(user.roles[actor.agency]))
        if access.works(other, role, task.unit_code):
            found.append(user.username)
    return found


def _candidate_role(ctx: Context, task_id: uuid.UUID) -> str | None:
    with ctx.uow(write=False) as uow:
        return uow.session.execute(select(HumanTask.candidate_role).where(HumanTask.id == task_id)).scalar()


@dataclass(frozen=True)
class VersionUse:
    """How many instances of one version run, and how many finished."""

    version_id: int
    running: int
    finished: int


def version_use(ctx: Context, actor: Actor) -> dict[int, VersionUse]:
    """Instances of the actor's agency per process version (running and finished)."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        rows = s.execute(select(ProcessInstance.process_version_id, ProcessInstance.status, func.count())
                         .where(ProcessInstance.agency_id == access.agency_id_of(s, actor))
                         .group_by(ProcessInstance.process_version_id, ProcessInstance.status)).all()
    use: dict[int, list[int]] = {}
    for version_id, status, n in rows:
        slot = use.setdefault(int(version_id), [0, 0])
        slot[0 if status in ("running", "suspended") else 1] += int(n)
    return {k: VersionUse(k, r, d) for k, (r, d) in use.items()}
