"""Working on tasks: claim, unclaim, assign to someone, and complete with data checked against the form.

Claims and assignments change who may complete a task, so each is an event on the instance's
audit chain and moves the instance's version (its ETag) under the same optimistic lock as a
completion.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.petition_tables import Petition
from ..store.tables import HumanTask, ProcessInstance, User
from ..store.uow import ConcurrentUpdate
from . import access, audit, clock, files, forms, hooks, instances, sessions
from .access import Expected
from .context import Actor, Context
from .errors import Conflict, Forbidden, Invalid
from .projection import TaskInfo
from .task_queries import TaskRow, form_of, load_visible, row_of

CHANGERS_DENIED = ("auditor", "designer")


@dataclass(frozen=True)
class Completion:
    """A completed task, where its instance now stands, and the tasks it opened."""

    task: TaskRow
    instance_status: str
    next_tasks: tuple[TaskInfo, ...]


def _open(task: HumanTask, inst: ProcessInstance) -> None:
    if task.status != "ready":
        by = f" by {task.completed_by}" if task.completed_by else ""
        at = f" at {task.completed_at:%Y-%m-%d %H:%M:%S}" if task.completed_at else ""
        raise Conflict(f"task {task.id} was already {task.status}{by}{at}", by=task.completed_by, at=task.completed_at)
    if inst.status != "running":
        raise Conflict(f"instance {inst.id} is {inst.status}; its tasks cannot change")


def _change(
    ctx: Context, actor: Actor, task_id: uuid.UUID, expected: Expected | None,
    act: Callable[[Session, HumanTask], audit.Entry],
) -> TaskRow:
    """Load, check, change the task, chain the event onto the instance, commit; a lost race is a conflict."""
    try:
        with ctx.uow() as uow:
            s = uow.session
            task, inst = load_visible(s, actor, task_id)
            _open(task, inst)
            access.check_expected(inst, expected)
            entry = act(s, task)
            at = clock.now()
            inst.updated_at = at
            s.add_all(audit.chain_onto_instance(inst, actor.username, at, [entry]))
            uow.commit()
            return row_of(task, inst.version, inst.business_key)
    except ConcurrentUpdate:
        raise Conflict(f"the instance of task {task_id} was changed by someone else; reload and try again") from None


def _entry(kind: str, task: HumanTask, **data: Any) -> audit.Entry:
    return audit.Entry(kind, data, task_id=str(task.id), element_id=task.element_id)


def claim(ctx: Context, actor: Actor, task_id: uuid.UUID, expected: Expected | None = None) -> TaskRow:
    """Take a task of your lane: from now on only you complete it (`task_claimed`)."""
    def act(_s: Session, task: HumanTask) -> audit.Entry:
        if not access.works(actor, task.candidate_role, task.unit_code):
            raise Forbidden(f"{actor.username} does not work the lane of task {task.id}")
        if task.assignee and task.assignee != actor.username:
            raise Conflict(f"task {task.id} is already claimed by {task.assignee}", by=task.assignee)
        task.assignee = actor.username
        return _entry("task_claimed", task, assignee=actor.username)

    return _change(ctx, actor, task_id, expected, act)


def unclaim(ctx: Context, actor: Actor, task_id: uuid.UUID, expected: Expected | None = None) -> TaskRow:
    """Give a task back to its lane: its assignee, or a lead, does this (`task_unclaimed`)."""
    def act(_s: Session, task: HumanTask) -> audit.Entry:
        if task.assignee != actor.username and not actor.has(*access.LEADS):
            raise Forbidden(f"only the assignee ({task.assignee or 'nobody'}) or a lead unclaims task {task.id}")
        previous, task.assignee = task.assignee, None
        return _entry("task_unclaimed", task, previous=previous)

    return _change(ctx, actor, task_id, expected, act)


def assign(ctx: Context, actor: Actor, task_id: uuid.UUID, username: str, expected: Expected | None = None) -> TaskRow:
    """Give a task to a named person who works its lane; leads (office, director, admin) do this."""
    access.require(actor, access.LEADS, "assigning tasks")

    def act(s: Session, task: HumanTask) -> audit.Entry:
        target = sessions.actor_for(ctx, username, actor.agency) if _exists(s, username) else None
        if target is None or not access.works(target, task.candidate_role, task.unit_code):
            raise Invalid(f"{username} cannot take task {task.id}",
                          [f"username: {username} is not an active user working the task's lane in {actor.agency}"],
                          fields={"username": [f"{username} does not work the task's lane"]})
        previous, task.assignee = task.assignee, username
        return _entry("task_assigned", task, assignee=username, previous=previous)

    return _change(ctx, actor, task_id, expected, act)


def _exists(session: Session, username: str) -> bool:
    return session.execute(select(User.id).where(User.username == username)).first() is not None


def complete(
    ctx: Context, actor: Actor, task_id: uuid.UUID, data: Mapping[str, Any], expected: Expected | None = None,
    attachments: Sequence[files.Upload] = (),
) -> Completion:
    """Complete a task with data checked against its form, then run the instance on to its next wait.

    One transaction reads the task with its instance once, checks rights, the caller's version and
    the form, runs the engine and writes the step; the instance's version check at commit makes a
    concurrent change a conflict. `attachments` are checked first and stored with the step, on the
    task's petition.
    """
    checked = files.check_all(ctx.settings, attachments)
    try:
        with ctx.uow() as uow:
            s = uow.session
            task, inst = load_visible(s, actor, task_id)
            if actor.has(*CHANGERS_DENIED) and not actor.has("admin") and not access.lanes(actor):
                raise Forbidden(f"{actor.username} reads tasks but does not complete them")
            if not actor.has("admin") and not access.works(actor, task.candidate_role, task.unit_code):
                where = f"unit {task.unit_code}" if task.candidate_role == "unit" else f"the {task.candidate_role} lane"
                raise Forbidden(f"task {task_id} belongs to {where}; {actor.username} does not work there")
            _open(task, inst)
            access.check_expected(inst, expected)
            data = hooks.reads().submitted(data)  # a redacted form sends placeholders back: keep what they hide
            cleaned = forms.check_submission(form_of(ctx, s, inst, task.form_key), data, task.name)
            info = instances.complete_loaded(ctx, s, actor, task, inst, cleaned)
            _store_files(s, actor, task, inst, checked)
            uow.commit()
            return Completion(row_of(task, info.version, info.business_key), info.status, info.open_tasks)
    except ConcurrentUpdate:
        raise instances.lost_race(ctx, task_id) from None


def _store_files(s: Session, actor: Actor, task: HumanTask, inst: ProcessInstance,
                 checked: Sequence[files.Checked]) -> None:
    """The files handed in with a completion, on the task's petition, in the completion's transaction."""
    if not checked:
        return
    petition = s.execute(select(Petition).where(Petition.instance_id == inst.id)).scalar_one_or_none()
    if petition is None:
        raise Invalid("files are attached to petitions; this task belongs to none",
                      [f"{files.FIELD}: this task belongs to no petition"])
    at = clock.now()
    for upload in checked:
        files.store(s, upload, petition.agency_id, actor.agency, petition.id, petition.code, actor.username, at,
                    task.id)
