"""Groups of an agency: who works which lane. Listing and creating them, granting them to users.

Every agency has the default groups (the lane roles: `office`, `inspectorate`, ...) without doing
anything; an admin adds groups of any name (`Phòng Pháp chế`), matched as `roles.group_key` folds
names, and grants them to the agency's users as the role `group:<key>`. A lane of a diagram names
its group; a task in that lane is offered to the group's members (see `access`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..roles import LANE_ROLES, MAX_GROUP_KEY, group_key, group_of_role, group_role, reserved_group_key
from ..store.tables import Agency, Group, RoleGrant, User
from . import audit, clock
from .access import agency_id_of, require
from .context import Actor, Context
from .errors import Conflict, Invalid, NotFound

READERS = ("admin", "designer", "auditor", "office", "director")
"""Roles that list the agency's groups (admins to grant them, designers to name lanes)."""
MAX_LABEL = 200


@dataclass(frozen=True)
class GroupInfo:
    """One group of an agency: its key (what lanes match), its label, the role that grants it."""

    key: str
    label: str
    default: bool
    members: tuple[str, ...] = ()

    @property
    def role(self) -> str:
        """The role a member of this group holds."""
        return group_role(self.key)


@dataclass(frozen=True)
class LaneCheck:
    """The groups a diagram's lanes need in an agency, and those the agency does not have."""

    needed: tuple[str, ...]
    missing: tuple[str, ...]


def agency_groups(session: Session, agency_id: int | None) -> dict[str, GroupInfo]:
    """Every group of an agency by key: the default ones, then its own (none for the shared pack)."""
    found = {key: GroupInfo(key, key, True) for key in LANE_ROLES}
    if agency_id is not None:
        for row in session.execute(select(Group).where(Group.agency_id == agency_id).order_by(Group.key)).scalars():
            found[row.key] = GroupInfo(row.key, row.label, False)
    return found


def lane_role(groups: dict[str, GroupInfo], lane: str | None, ids: Mapping[str, str] | None = None) -> str | None:
    """The role that works a lane (its candidate role), when the lane's name, else its id (`ids`: by name),
    names one of `groups`."""
    for name in (lane, (ids or {}).get(lane or "")):
        if name is not None and group_key(name) in groups:
            return group_role(group_key(name))
    return None


def check_lanes(groups: dict[str, GroupInfo], lanes: Iterable[str], ids: Mapping[str, str] | None = None) -> LaneCheck:
    """Which lanes need which groups, and which of them `groups` lacks (lane names as the diagram has them)."""
    needed = list(dict.fromkeys(lane.strip() for lane in lanes if lane.strip()))
    by_name = {name.strip(): lane_id for name, lane_id in (ids or {}).items()}
    return LaneCheck(tuple(needed), tuple(lane for lane in needed if lane_role(groups, lane, by_name) is None))


def missing_problems(check: LaneCheck, agency: str) -> list[str]:
    """One problem per missing group, naming it and what to do."""
    return [f"lane '{lane}' needs the group '{lane}', which agency {agency} does not have: an admin creates it "
            "(Administration > Groups, POST /api/v1/groups or petitionflow group add) and grants it to the people "
            "who work the lane, then deploy again" for lane in check.missing]


def unknown_group_roles(session: Session, agency_id: int, roles: Iterable[str]) -> list[str]:
    """The `group:<key>` roles among `roles` whose group the agency does not have."""
    own = [r for r in roles if r.startswith("group:")]
    if not own:
        return []
    groups = agency_groups(session, agency_id)
    return [r for r in own if group_of_role(r) not in groups]


def list_groups(ctx: Context, actor: Actor) -> list[GroupInfo]:
    """The actor's agency's groups, default ones first, each with the user names of its members."""
    require(actor, READERS, "listing groups")
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency_id = agency_id_of(s, actor)
        groups = agency_groups(s, agency_id)
        members: dict[str, list[str]] = {}
        for username, role in s.execute(select(User.username, RoleGrant.role).join(User, User.id == RoleGrant.user_id)
                                        .where(RoleGrant.agency_id == agency_id).order_by(User.username)):
            key = group_of_role(role)
            if key is not None:
                members.setdefault(key, []).append(username)
        return [GroupInfo(g.key, g.label, g.default, tuple(members.get(g.key, ()))) for g in groups.values()]


def _valid_name(name: str) -> tuple[str, str]:
    label = " ".join(name.split())
    key = group_key(label)
    problems = []
    if not key:
        problems.append("name: the group's name, such as Phòng Pháp chế")
    elif len(key) > MAX_GROUP_KEY:
        problems.append(f"name: at most {MAX_GROUP_KEY} characters")
    elif reserved_group_key(key):
        problems.append(f"name: '{label}' is a default group or a role; choose another name")
    elif any(not (c.isalnum() or c in " -_.,()&'") for c in key):
        problems.append("name: letters (Vietnamese included), digits, spaces and - _ . , ( ) & '")
    if problems:
        raise Invalid(f"the group '{label[:MAX_LABEL]}' was not created", problems, fields={"name": problems})
    return key, label[:MAX_LABEL]


def create_group(ctx: Context, actor: Actor, name: str) -> GroupInfo:
    """Add a group to the admin's agency (`group_created`); a name it has already, in any case, is a conflict."""
    require(actor, ("admin",), "creating groups")
    key, label = _valid_name(name)
    with ctx.uow() as uow:
        s = uow.session
        agency_id = agency_id_of(s, actor)
        if key in agency_groups(s, agency_id):
            raise Conflict(f"agency {actor.agency} already has the group '{label}'")
        now = clock.now()
        s.add(Group(agency_id=agency_id, key=key, label=label, created_by=actor.username, created_at=now))
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, now,
                               audit.Entry("group_created", {"key": key, "label": label}))
        uow.commit()
    return GroupInfo(key, label, False)


def _member(s: Session, agency_id: int, agency: str, username: str) -> tuple[User, list[RoleGrant]]:
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    held = [] if user is None else list(s.execute(select(RoleGrant).where(
        RoleGrant.user_id == user.id, RoleGrant.agency_id == agency_id)).scalars())
    if user is None or not held:
        raise NotFound(f"user {username} does not exist in {agency}")
    return user, held


def _group(s: Session, agency_id: int, agency: str, name: str) -> GroupInfo:
    found = agency_groups(s, agency_id).get(group_key(name))
    if found is None:
        raise NotFound(f"agency {agency} has no group '{name.strip()[:MAX_LABEL]}'")
    if found.key == "unit":
        raise Invalid("the unit group is worked per unit: grant the role unit:<code> of the user's unit",
                      ["group: a unit's people hold the role unit:<code>; set it among the account's roles"])
    return found


def grant_group(ctx: Context, actor: Actor, name: str, username: str) -> GroupInfo:
    """Make a user of the admin's agency a member of group `name` (`group_granted`); returns the group."""
    require(actor, ("admin",), "granting groups")
    with ctx.uow() as uow:
        s = uow.session
        agency_id = agency_id_of(s, actor)
        group = _group(s, agency_id, actor.agency, name)
        user, held = _member(s, agency_id, actor.agency, username)
        if group.role not in {g.role for g in held}:
            s.add(RoleGrant(user_id=user.id, agency_id=agency_id, role=group.role))
            audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, clock.now(),
                                   audit.Entry("group_granted", {"group": group.key, "username": username}))
        uow.commit()
    return group


def revoke_group(ctx: Context, actor: Actor, name: str, username: str) -> GroupInfo:
    """End a user's membership of group `name` (`group_revoked`); their last role is not taken this way."""
    require(actor, ("admin",), "revoking groups")
    with ctx.uow() as uow:
        s = uow.session
        agency_id = agency_id_of(s, actor)
        group = _group(s, agency_id, actor.agency, name)
        _user, held = _member(s, agency_id, actor.agency, username)
        grant = next((g for g in held if g.role == group.role), None)
        if grant is None:
            raise NotFound(f"user {username} is not a member of the group '{group.label}'")
        if len(held) == 1:
            raise Conflict(f"the group '{group.label}' is the only role of {username} in {actor.agency}; "
                           "grant another first, or disable the account")
        s.delete(grant)
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, clock.now(),
                               audit.Entry("group_revoked", {"group": group.key, "username": username}))
        uow.commit()
    return group


def agency_lane_check(ctx: Context, agency: str | None, lanes: Iterable[str],
                      ids: Mapping[str, str] | None = None) -> LaneCheck:
    """The groups `lanes` (`ids`: their ids by name) need in `agency` (the default groups alone when it is
    None or does not exist)."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency_id = None if agency is None else s.execute(
            select(Agency.id).where(Agency.code == agency)).scalar_one_or_none()
        return check_lanes(agency_groups(s, agency_id), lanes, ids)
