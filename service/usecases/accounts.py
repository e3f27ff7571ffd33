"""Agencies and user accounts: creating them, granting roles, checking passwords."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..roles import is_known_role
from ..store.session_tables import revoke_user_sessions
from ..store.tables import Agency, ApiToken, RoleGrant, User
from . import audit, clock, groups, throttle
from .access import agency_id_of, require
from .context import Actor, Context
from .errors import Conflict, Invalid, NotFound
from .notifications import is_email

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
RESERVED_USERNAMES = frozenset({"public", "system", "cli", "anonymous"})
"""Names the service itself acts under (the public's submissions, timers, the command line): no account
may bear one, and an old account that does can neither sign in nor act, so it never passes for them."""
NAME_TAKEN = "the username {username} cannot be used; choose another"
"""Said alike whatever agency holds the name, so an admin learns no other agency's accounts from it."""
REFUSED_NAMES = throttle.Rule(10, timedelta(minutes=15), timedelta(minutes=5))
"""Names an admin may be refused before further account creations wait (bounds probing for names)."""


@dataclass(frozen=True)
class UserInfo:
    """An account as lists show it: never the password hash."""

    username: str
    display_name: str
    active: bool
    roles: dict[str, tuple[str, ...]]
    email: str | None = None
    """Where notifications of tasks go (none: no notifications)."""


def ensure_agency(ctx: Context, code: str, name: str) -> int:
    """Create the agency `code` unless it exists; returns its id."""
    if not code or len(code) > 32 or not code.replace("-", "").replace("_", "").isalnum():
        raise Invalid(f"agency code '{code}' is not valid", ["code: letters, digits, '-' and '_', at most 32"])
    with ctx.uow() as uow:
        found = uow.session.execute(select(Agency).where(Agency.code == code)).scalar_one_or_none()
        if found is not None:
            return found.id
        agency = Agency(code=code, name=name[:200])
        uow.session.add(agency)
        uow.flush()
        uow.commit()
        return agency.id


def add_user(
    ctx: Context, actor: Actor, username: str, password: str, roles: Iterable[str], agency: str,
    display_name: str = "", email: str = "",
) -> UserInfo:
    """Create an account with `roles` in `agency`; refuses unknown roles and short passwords."""
    roles = list(dict.fromkeys(roles))
    problems = [f"role '{r}' is not known" for r in roles if not is_known_role(r)]
    if email.strip() and not is_email(email):
        problems.append("email: one address such as ten.ho@sokhcn.gov.vn")
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        problems.append("username: letters, digits, '.', '_' and '-', at most 64")
    if is_reserved(username):
        problems.append(f"username: '{username}' is reserved for the service itself")
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if problems:
        raise Invalid(f"user {username} was not created", problems)
    with ctx.uow() as uow:
        s = uow.session
        agency_row = s.execute(select(Agency).where(Agency.code == agency)).scalar_one_or_none()
        if agency_row is None:
            raise NotFound(f"agency '{agency}' does not exist")
        _known_groups(s, agency_row.id, agency, roles, f"user {username} was not created")
        if s.execute(select(User.id).where(User.username == username)).first():
            raise Conflict(NAME_TAKEN.format(username=username))
        now = clock.now()
        user = User(username=username, display_name=display_name or username, password_hash=_HASHER.hash(password),
                    active=True, created_at=now, email=email.strip() or None)
        s.add(user)
        uow.flush()
        s.add_all(RoleGrant(user_id=user.id, agency_id=agency_row.id, role=r) for r in roles)
        audit.append_to_agency(s, agency_row.id, audit.agency_chain(agency), actor.username, now,
                               audit.Entry("user_created", {"username": username, "roles": roles}))
        uow.commit()
        return UserInfo(username, user.display_name, True, {agency: tuple(roles)}, user.email)


def person_name(ctx: Context, username: str) -> str:
    """The name a person writes in a book or signs with: their display name without a trailing role hint
    such as '(director)', else their username."""
    with ctx.uow(write=False) as uow:
        shown = uow.session.execute(select(User.display_name).where(User.username == username)).scalar()
    plain = re.sub(r"\s*\([A-Za-z_: ]+\)\s*$", "", shown or "").strip()
    return plain or username


def list_users(ctx: Context) -> list[UserInfo]:
    """Every account with its roles by agency."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        grants: dict[int, dict[str, list[str]]] = {}
        for user_id, code, role in s.execute(
            select(RoleGrant.user_id, Agency.code, RoleGrant.role).join(Agency, Agency.id == RoleGrant.agency_id)
            .order_by(RoleGrant.role)
        ):
            grants.setdefault(user_id, {}).setdefault(code, []).append(role)
        return [
            UserInfo(u.username, u.display_name, u.active, {k: tuple(v) for k, v in grants.get(u.id, {}).items()},
                     u.email)
            for u in s.execute(select(User).order_by(User.username)).scalars()
        ]


def set_active(ctx: Context, actor: Actor, username: str, active: bool) -> None:
    """Disable (or enable again) an account; a disabled account cannot sign in."""
    with ctx.uow() as uow:
        s = uow.session
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise NotFound(f"user {username} does not exist")
        user.active = active
        now = clock.now()
        if not active:
            revoke_user_sessions(s, user.id, "account_disabled", now)
        agency_id = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, now,
                               audit.Entry("user_enabled" if active else "user_disabled", {"username": username}))
        uow.commit()


def set_password(ctx: Context, actor: Actor, username: str, password: str) -> None:
    """Give an account a new password; every session it had ends (`password_changed` is recorded)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"the password of {username} was not changed",
                      [f"password: at least {MIN_PASSWORD_LENGTH} characters"])
    with ctx.uow() as uow:
        s = uow.session
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise NotFound(f"user {username} does not exist")
        user.password_hash = _HASHER.hash(password)
        now = clock.now()
        ended = revoke_user_sessions(s, user.id, "password_changed", now)
        agency_id = s.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, now,
                               audit.Entry("password_changed", {"username": username, "sessions_ended": ended}))
        uow.commit()


def is_reserved(username: str) -> bool:
    """Whether `username` is one the service acts under (`public`, `system`, ...), in any letter case."""
    return username.strip().lower() in RESERVED_USERNAMES


def check_password(ctx: Context, username: str, password: str) -> bool:
    """Whether `password` is right for the active account `username` (never for a reserved name)."""
    with ctx.uow(write=False) as uow:
        user = uow.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active or is_reserved(username):
        _HASHER.hash(password)  # spend the same time whether or not the account exists
        return False
    try:
        return _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def agency_users(ctx: Context, actor: Actor) -> list[UserInfo]:
    """Accounts that hold roles in the admin's agency, with their roles there (admins only)."""
    require(actor, ("admin",), "listing accounts")
    return [UserInfo(u.username, u.display_name, u.active, {actor.agency: u.roles[actor.agency]}, u.email)
            for u in list_users(ctx) if actor.agency in u.roles]


def create_user(ctx: Context, actor: Actor, username: str, password: str, roles: Iterable[str],
                display_name: str = "", email: str = "") -> UserInfo:
    """Create an account with `roles` in the admin's agency (admins only; `user_created` is recorded)."""
    require(actor, ("admin",), "creating accounts")
    key = f"newuser:{actor.agency[:32]}:{actor.username}"
    with ctx.uow(write=False) as uow:
        now = clock.now()
        blocked = throttle.blocked(uow.session, [key], now)
    if blocked is not None and blocked.blocked_until is not None:
        raise throttle.Throttled("too many refused usernames; wait before creating accounts again",
                                 throttle.seconds_left(blocked.blocked_until, now), key)
    try:
        return add_user(ctx, actor, username, password, roles, actor.agency, display_name, email)
    except Conflict:
        with ctx.uow() as uow:
            s, now = uow.session, clock.now()
            throttle.count(s, key, REFUSED_NAMES, now)
            audit.append_to_agency(s, agency_id_of(s, actor), audit.agency_chain(actor.agency), actor.username, now,
                                   audit.Entry("username_refused", {"username": username[:64]}))
            uow.commit()
        raise


def disable_user(ctx: Context, actor: Actor, username: str) -> UserInfo:
    """Disable an account in the admin's agency: it can no longer sign in there or use its tokens there.

    An admin acts on their own agency only: an account that also works in other agencies keeps
    working there; here its roles are withdrawn and its sessions and tokens of this agency end
    (`user_disabled` with `scope: agency`). An account of this agency alone is disabled outright.
    """
    require(actor, ("admin",), "disabling accounts")
    if username == actor.username:
        raise Conflict("an admin does not disable their own account")
    with ctx.uow(write=False) as uow:
        s = uow.session
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        agency_id = agency_id_of(s, actor)
        grants = [] if user is None else list(s.execute(
            select(RoleGrant.agency_id, RoleGrant.role).where(RoleGrant.user_id == user.id)).all())
    here = sorted(role for a, role in grants if a == agency_id)
    if user is None or not here:
        raise NotFound(f"user {username} does not exist in {actor.agency}")
    if all(a == agency_id for a, _role in grants):
        set_active(ctx, actor, username, False)
        return UserInfo(user.username, user.display_name, False, {actor.agency: tuple(here)})
    with ctx.uow() as uow:
        s, now = uow.session, clock.now()
        s.execute(delete(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.agency_id == agency_id))
        revoke_user_sessions(s, user.id, "account_disabled", now, agency_id)
        s.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.agency_id == agency_id,
                                         ApiToken.revoked_at.is_(None)).values(revoked_at=now))
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, now,
                               audit.Entry("user_disabled", {"username": username, "scope": "agency",
                                                             "roles_withdrawn": here}))
        uow.commit()
    return UserInfo(user.username, user.display_name, False, {actor.agency: ()})


def enable_user(ctx: Context, actor: Actor, username: str) -> UserInfo:
    """Let a disabled account of the admin's agency sign in again (admins only)."""
    require(actor, ("admin",), "enabling accounts")
    found = next((u for u in agency_users(ctx, actor) if u.username == username), None)
    if found is None:
        raise NotFound(f"user {username} does not exist in {actor.agency}")
    set_active(ctx, actor, username, True)
    return UserInfo(found.username, found.display_name, True, found.roles)


def set_roles(ctx: Context, actor: Actor, username: str, roles: Iterable[str]) -> UserInfo:
    """Replace an account's roles in the admin's agency (`user_roles_changed`); an admin keeps their own."""
    require(actor, ("admin",), "changing roles")
    wanted = list(dict.fromkeys(r.strip() for r in roles if r.strip()))
    problems = [f"role '{r}' is not known" for r in wanted if not is_known_role(r)]
    if not wanted:
        problems.append("roles: at least one role (disable the account instead)")
    if username == actor.username and "admin" not in wanted:
        problems.append("roles: an admin does not take the admin role from their own account")
    if problems:
        raise Invalid(f"the roles of {username} were not changed", problems, fields={"roles": problems})
    with ctx.uow() as uow:
        s = uow.session
        agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one()
        _known_groups(s, agency.id, actor.agency, wanted, f"the roles of {username} were not changed")
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        held = [] if user is None else list(s.execute(select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.agency_id == agency.id)).scalars())
        if user is None or not held:
            raise NotFound(f"user {username} does not exist in {actor.agency}")
        before = sorted(g.role for g in held)
        for grant in held:
            if grant.role not in wanted:
                s.delete(grant)
        s.add_all(RoleGrant(user_id=user.id, agency_id=agency.id, role=r) for r in wanted if r not in before)
        audit.append_to_agency(s, agency.id, audit.agency_chain(actor.agency), actor.username, clock.now(),
                               audit.Entry("user_roles_changed", {"username": username, "before": before,
                                                                  "after": sorted(wanted)}))
        uow.commit()
        return UserInfo(user.username, user.display_name, user.active, {actor.agency: tuple(sorted(wanted))})


def grant_roles(ctx: Context, actor: Actor, username: str, agency: str, roles: Iterable[str]) -> list[str]:
    """Give an existing account `roles` in `agency` as well (those it lacks); returns the roles added."""
    wanted = list(dict.fromkeys(roles))
    unknown = [f"role '{r}' is not known" for r in wanted if not is_known_role(r)]
    if unknown:
        raise Invalid(f"roles of {username} in {agency} were not granted", unknown)
    with ctx.uow() as uow:
        s = uow.session
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        agency_row = s.execute(select(Agency).where(Agency.code == agency)).scalar_one_or_none()
        if user is None or agency_row is None:
            raise NotFound(f"user {username} or agency {agency} does not exist")
        _known_groups(s, agency_row.id, agency, wanted, f"roles of {username} in {agency} were not granted")
        held = set(s.execute(select(RoleGrant.role).where(RoleGrant.user_id == user.id,
                                                          RoleGrant.agency_id == agency_row.id)).scalars())
        added = [r for r in wanted if r not in held]
        if added:
            s.add_all(RoleGrant(user_id=user.id, agency_id=agency_row.id, role=r) for r in added)
            audit.append_to_agency(s, agency_row.id, audit.agency_chain(agency), actor.username, clock.now(),
                                   audit.Entry("user_roles_changed", {"username": username, "before": sorted(held),
                                                                      "after": sorted(held | set(added))}))
        uow.commit()
        return added


def _known_groups(s: Session, agency_id: int, agency: str, roles: Iterable[str], refused: str) -> None:
    """`Invalid` when a `group:<key>` role names a group the agency does not have."""
    unknown = groups.unknown_group_roles(s, agency_id, roles)
    if unknown:
        problems = [f"role '{r}': agency {agency} has no such group (an admin creates it first)" for r in unknown]
        raise Invalid(refused, problems, fields={"roles": problems})
