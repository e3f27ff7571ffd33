"""Who may see and do what: lanes, units, leads, auditors, and confidential instances.

A staff member works the lanes their roles name (`unit:<code>` works the `unit` lane, and there
only the tasks of petitions assigned to that unit). Leads (office, director) and admins oversee
every task of their agency; auditors read everything and change nothing. A confidential instance
is seen only by the people handling it: whoever started it or holds the lane of one of its tasks,
its assignees and completers, the director, and auditors (whose reads of it are recorded).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..roles import UNIT_PREFIX, lane_of_role
from ..store import agencies
from ..store.tables import HumanTask, ProcessInstance
from . import audit, clock
from .context import Actor
from .errors import Forbidden, NotFound, StaleVersion

LEADS = ("office", "director", "admin")
"""Roles that oversee every task of their agency and assign tasks to people."""
SEES_ALL_CONFIDENTIAL = ("director", "auditor")
"""Roles that see confidential instances without handling them (an auditor's reads are recorded)."""


@dataclass(frozen=True)
class Expected:
    """An `If-Match` precondition: the instance (when named) and the version the caller last saw."""

    version: int
    instance_id: uuid.UUID | None = None


def check_expected(inst: ProcessInstance, expected: Expected | None) -> None:
    """`StaleVersion` when the caller's precondition does not match the stored instance."""
    if expected is None:
        return
    if expected.instance_id is not None and expected.instance_id != inst.id:
        raise StaleVersion(f"If-Match names instance {expected.instance_id}, not {inst.id}")
    if expected.version != inst.version:
        raise StaleVersion(f"instance {inst.id} is at version {inst.version}, not {expected.version}; "
                           "reload it and try again")


def require(actor: Actor, roles: tuple[str, ...], action: str) -> None:
    """`Forbidden` unless the actor holds one of `roles`."""
    if not actor.has(*roles):
        raise Forbidden(f"{action} needs one of the roles {', '.join(roles)}; {actor.username} has none of them")


def lanes(actor: Actor) -> set[str]:
    """The candidate roles (lanes) the actor works."""
    return {lane for lane in (lane_of_role(r) for r in actor.roles) if lane}


def unit_codes(actor: Actor) -> set[str]:
    """The units the actor belongs to."""
    return {r[len(UNIT_PREFIX):] for r in actor.roles if r.startswith(UNIT_PREFIX)}


def works(actor: Actor, candidate_role: str | None, unit_code: str | None) -> bool:
    """Whether the actor works the lane of a task (for a unit task: of that very unit)."""
    if candidate_role == "unit":
        return unit_code is not None and unit_code in unit_codes(actor)
    return candidate_role is not None and candidate_role in lanes(actor)


def works_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL: the task rows in the lanes the actor works."""
    plain = sorted(lanes(actor) - {"unit"})
    units = sorted(unit_codes(actor))
    clauses: list[ColumnElement[bool]] = []
    if plain:
        clauses.append(HumanTask.candidate_role.in_(plain))
    if units:
        clauses.append(and_(HumanTask.candidate_role == "unit", HumanTask.unit_code.in_(units)))
    return or_(*clauses) if clauses else false()


def handles_clause(
    actor: Actor,
    instance_id: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID] | InstrumentedAttribute[uuid.UUID | None],
) -> ColumnElement[bool]:
    """SQL: the actor works, holds or completed one of the tasks of instance `instance_id` (or oversees all)."""
    if actor.has(*SEES_ALL_CONFIDENTIAL):
        return true()
    other = HumanTask.__table__.alias("handled")
    mine = or_(other.c.assignee == actor.username, other.c.completed_by == actor.username)
    plain = sorted(lanes(actor) - {"unit"})
    units = sorted(unit_codes(actor))
    lane_match: list[ColumnElement[bool]] = [mine]
    if plain:
        lane_match.append(other.c.candidate_role.in_(plain))
    if units:
        lane_match.append(and_(other.c.candidate_role == "unit", other.c.unit_code.in_(units)))
    return exists(select(other.c.id).where(other.c.instance_id == instance_id, or_(*lane_match)))


def visible_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL over `ProcessInstance`: not confidential, or handled by the actor."""
    return or_(ProcessInstance.confidential.is_(False), ProcessInstance.started_by == actor.username,
               handles_clause(actor, ProcessInstance.id))


def check_visible(session: Session, actor: Actor, inst: ProcessInstance) -> None:
    """`NotFound` for another agency's instance, or a confidential one the actor does not handle."""
    if actor.system:
        return
    agency_id = agencies.agency_id(session, actor.agency)
    if inst.agency_id != agency_id:
        raise NotFound(f"instance {inst.id} does not exist")
    if inst.confidential and inst.started_by != actor.username and not session.execute(
            select(handles_clause(actor, ProcessInstance.id)).where(ProcessInstance.id == inst.id)).scalar():
        raise NotFound(f"instance {inst.id} does not exist")


def record_confidential_read(session: Session, actor: Actor, inst: ProcessInstance, what: str) -> None:
    """Append `confidential_read` to the agency's chain when a confidential item is read."""
    if not inst.confidential:
        return
    audit.append_to_agency(session, inst.agency_id, audit.agency_chain(actor.agency), actor.username, clock.now(),
                           audit.Entry("confidential_read", {"instance_id": str(inst.id), "what": what,
                                                             "roles": sorted(actor.roles)}))


def agency_id_of(session: Session, actor: Actor) -> int:
    """The id of the actor's agency (`NotFound` when it does not exist)."""
    found = agencies.agency_id(session, actor.agency)
    if found is None:
        raise NotFound(f"agency '{actor.agency}' does not exist")
    return int(found)


def record_confidential_listing(session: Session, actor: Actor, agency_id: int, items: list[tuple[str, str]],
                                what: str) -> None:
    """Append one `confidential_listed` event naming the confidential items (id, code) a list showed the actor."""
    if not items or actor.system:
        return
    audit.append_to_agency(session, agency_id, audit.agency_chain(actor.agency), actor.username, clock.now(),
                           audit.Entry("confidential_listed", {"what": what, "ids": [i for i, _ in items],
                                                               "codes": [c for _, c in items],
                                                               "roles": sorted(actor.roles)}))
