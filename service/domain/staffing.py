"""Who can work a lane or a unit: a task is only opened, assigned or moved where an active person
works it, so no task waits in nobody's work list.

Leads (the Office, the director, the Inspectorate that follows units up) move a unit's task to
another unit that has staff; the petition's later unit steps follow it there.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from workflows.engine import Instance

from ..roles import UNIT_KEY, UNIT_PREFIX
from ..store.petition_tables import Petition
from ..store.tables import HumanTask, ProcessInstance, RoleGrant, User
from ..store.uow import ConcurrentUpdate
from ..usecases import access, audit, clock
from ..usecases.context import Actor, Context
from ..usecases.errors import Conflict, Invalid, NotFound
from ..usecases.task_queries import TaskRow, row_of

MOVERS = ("office", "director", "inspectorate", "admin")
"""Who moves a unit's task to another unit."""


def role_for(candidate_role: str | None, unit_code: str | None) -> str | None:
    """The role a person needs to work a task of this lane (and unit)."""
    if candidate_role == "unit":
        return f"{UNIT_PREFIX}{unit_code}" if unit_code else None
    return candidate_role


def staffed(session: Session, agency_id: int, candidate_role: str | None, unit_code: str | None) -> bool:
    """Whether at least one active person of the agency works this lane (and unit)."""
    role = role_for(candidate_role, unit_code)
    if role is None:
        return False
    return bool(session.execute(select(exists().where(
        RoleGrant.agency_id == agency_id, RoleGrant.role == role, RoleGrant.user_id == User.id,
        User.active.is_(True)))).scalar())


def check_unit(session: Session, agency_id: int, unit_code: object, field: str = UNIT_KEY) -> None:
    """`Invalid` when nobody active works in unit `unit_code` (a task given to it would be stranded)."""
    if not isinstance(unit_code, str) or not unit_code:
        return
    if not staffed(session, agency_id, "unit", unit_code):
        raise Invalid(f"no active staff in unit {unit_code}: a task given to it could not be opened by anyone",
                      [f"{field}: no active staff in unit {unit_code}"],
                      fields={field: [f"No active staff in unit {unit_code}."]})


def move_to_unit(ctx: Context, actor: Actor, task_id: uuid.UUID, unit_code: str, reason: str = "") -> TaskRow:
    """Move an open task of the `unit` lane to another unit that has staff (`task_moved`); its claim is
    released and the petition's later unit steps go to the new unit."""
    access.require(actor, MOVERS, "moving a task to another unit")
    try:
        with ctx.uow() as uow:
            s = uow.session
            found = s.execute(select(HumanTask, ProcessInstance).join(
                ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(HumanTask.id == task_id)).first()
            if found is None:
                raise NotFound(f"task {task_id} does not exist")
            task, inst = found
            access.check_visible(s, actor, inst)  # the mover oversees units: any lane of the agency
            if task.status != "ready" or inst.status != "running":
                raise Conflict(f"task {task_id} is {task.status}; only an open task is moved")
            if task.candidate_role != "unit":
                raise Invalid(f"task {task_id} is not a unit's task", ["unit: only a unit's task is moved"],
                              fields={"unit": ["Only a unit's task is moved to another unit."]})
            if unit_code == task.unit_code:
                raise Invalid("the task is already there", ["unit: choose another unit"],
                              fields={"unit": ["Choose another unit."]})
            check_unit(s, inst.agency_id, unit_code, "unit")
            instance = Instance.restore(ctx.catalog.model_by_id(s, inst.process_version_id), inst.state)
            instance.set_task_data(str(task.id), {UNIT_KEY: unit_code})
            at = clock.now()
            previous = (task.unit_code, task.assignee)
            inst.state, inst.updated_at = instance.save(), at
            task.unit_code, task.assignee = unit_code, None
            s.execute(update(Petition).where(Petition.instance_id == inst.id).values(assigned_unit=unit_code),
                      execution_options={"synchronize_session": False})
            s.add_all(audit.chain_onto_instance(inst, actor.username, at, [audit.Entry(
                "task_moved", {"from_unit": previous[0], "to_unit": unit_code, "released": previous[1],
                               "reason": reason.strip()[:2000]}, task_id=str(task.id), element_id=task.element_id)]))
            uow.commit()
            return row_of(task, inst.version, inst.business_key)
    except ConcurrentUpdate:
        raise Conflict(f"the instance of task {task_id} was changed by someone else; reload and try again") from None


def stranded(session: Session, agency_id: int) -> list[HumanTask]:
    """The agency's open tasks that no active person works (an admin can still complete them)."""
    rows = session.execute(select(HumanTask).join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                           .where(HumanTask.agency_id == agency_id, HumanTask.status == "ready",
                                  ProcessInstance.status == "running")).scalars()
    return [t for t in rows if not staffed(session, agency_id, t.candidate_role, t.unit_code)]


def units_with_staff(ctx: Context, actor: Actor) -> list[str]:
    """The units of the actor's agency where at least one active person works: where a task may go."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        roles = s.execute(select(RoleGrant.role).distinct().join(User, User.id == RoleGrant.user_id).where(
            RoleGrant.agency_id == access.agency_id_of(s, actor), User.active.is_(True),
            RoleGrant.role.startswith(UNIT_PREFIX))).scalars()
        return sorted(r[len(UNIT_PREFIX):] for r in roles)
