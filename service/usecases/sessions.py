"""Signing in: checking a password, choosing the agency, and rebuilding the actor on each request."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.tables import Agency, RoleGrant, User
from . import accounts, audit, clock
from .context import Actor, Context
from .errors import Unauthenticated

BAD_LOGIN = "wrong username or password, or the account cannot sign in to that agency"


def _grants(session: Session, user_id: int) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for code, role in session.execute(
        select(Agency.code, RoleGrant.role).join(Agency, Agency.id == RoleGrant.agency_id)
        .where(RoleGrant.user_id == user_id)
    ):
        found.setdefault(code, set()).add(role)
    return found


def actor_for(ctx: Context, username: str, agency: str) -> Actor | None:
    """The actor `username` acting in `agency` with the roles granted there; None if disabled or ungranted."""
    with ctx.uow(write=False) as uow:
        user = uow.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None or not user.active:
            return None
        roles = _grants(uow.session, user.id).get(agency)
    return Actor(username, agency, frozenset(roles)) if roles else None


def login(ctx: Context, username: str, password: str, agency: str | None = None) -> Actor:
    """Check the password and pick the agency; a failure is recorded as `login_failed`.

    A user with grants in several agencies names the one to sign into; with grants in one, that one.
    """
    if accounts.check_password(ctx, username, password):
        with ctx.uow(write=False) as uow:
            user = uow.session.execute(select(User).where(User.username == username)).scalar_one()
            grants = _grants(uow.session, user.id)
        chosen = agency if agency else (next(iter(grants)) if len(grants) == 1 else None)
        if chosen and grants.get(chosen):
            return Actor(username, chosen, frozenset(grants[chosen]))
        reason = "no agency named" if not agency and len(grants) > 1 else "no roles in that agency"
    else:
        reason = "wrong password or unknown or disabled account"
    _record_failure(ctx, username, agency, reason)
    if reason == "no agency named":
        raise Unauthenticated(f"{username} works in several agencies; name the agency to sign into")
    raise Unauthenticated(BAD_LOGIN)


def _record_failure(ctx: Context, username: str, agency: str | None, reason: str) -> None:
    with ctx.uow() as uow:
        s = uow.session
        code = agency or ctx.settings.default_agency
        agency_id = s.execute(select(Agency.id).where(Agency.code == code)).scalar_one_or_none()
        if agency_id is None:
            code = ctx.settings.default_agency
            agency_id = s.execute(select(Agency.id).where(Agency.code == code)).scalar_one_or_none()
        audit.append_to_agency(s, agency_id, audit.agency_chain(code), username[:64] or "-", clock.now(),
                               audit.Entry("login_failed", {"username": username[:64], "agency": agency,
                                                            "reason": reason}))
        uow.commit()
