"""Signing in: checking a password, choosing the agency, and rebuilding the actor on each request."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.tables import Agency, RoleGrant, User
from ..store.throttle_tables import ThrottleBucket
from . import accounts, audit, clock, throttle
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


def login(ctx: Context, username: str, password: str, agency: str | None = None,
          address: str | None = None) -> Actor:
    """Check the password and pick the agency; a failure is recorded as `login_failed`.

    A user with grants in several agencies names the one to sign into (when they name none: the
    deployment's default agency, if they work there); with grants in one, that one.
    Failures are counted per account and per `address` (the client's IP) in the database; past the
    limit further attempts are refused with `Throttled` (429) for a doubling time, audited once per
    block as `login_throttled`, before the password is even looked at.
    """
    keys = [throttle.user_key(username)] + ([throttle.address_key("login", address)] if address else [])
    _refuse_if_blocked(ctx, username, agency, keys)
    if accounts.check_password(ctx, username, password):
        with ctx.uow(write=False) as uow:
            user = uow.session.execute(select(User).where(User.username == username)).scalar_one()
            grants = _grants(uow.session, user.id)
        default = ctx.settings.default_agency if grants.get(ctx.settings.default_agency) else None
        chosen = agency or (next(iter(grants)) if len(grants) == 1 else default)
        if chosen and grants.get(chosen):
            _forget_failures(ctx, keys[0])
            return Actor(username, chosen, frozenset(grants[chosen]))
        reason = "no agency named" if not agency and len(grants) > 1 else "no roles in that agency"
    else:
        reason = "wrong password or unknown or disabled account"
    _record_failure(ctx, username, agency, reason, keys, address)
    if reason == "no agency named":
        raise Unauthenticated(f"{username} works in several agencies; name the agency to sign into")
    raise Unauthenticated(BAD_LOGIN)


def _agency_of(s: Session, ctx: Context, agency: str | None) -> tuple[int | None, str]:
    code = agency or ctx.settings.default_agency
    agency_id = s.execute(select(Agency.id).where(Agency.code == code)).scalar_one_or_none()
    if agency_id is None:
        code = ctx.settings.default_agency
        agency_id = s.execute(select(Agency.id).where(Agency.code == code)).scalar_one_or_none()
    return agency_id, code


def _refuse_if_blocked(ctx: Context, username: str, agency: str | None, keys: list[str]) -> None:
    with ctx.uow(write=False) as uow:
        if throttle.blocked(uow.session, keys, clock.now()) is None:
            return
    with ctx.uow() as uow:
        s, now = uow.session, clock.now()
        row = throttle.blocked(s, keys, now)
        if row is None or row.blocked_until is None:
            return
        row = s.execute(select(ThrottleBucket).where(ThrottleBucket.key == row.key).with_for_update()
                        .execution_options(populate_existing=True)).scalar_one()
        until = row.blocked_until or now
        if throttle.first_refusal(row):
            agency_id, code = _agency_of(s, ctx, agency)
            audit.append_to_agency(s, agency_id, audit.agency_chain(code), username[:64] or "-", now,
                                   audit.Entry("login_throttled", {"username": username[:64], "key": row.key,
                                                                   "failures": row.count,
                                                                   "until": until.isoformat()}))
        uow.commit()
    raise throttle.Throttled("too many failed sign-ins for this account or address; wait before trying again",
                             throttle.seconds_left(until, now), row.key)


def _forget_failures(ctx: Context, key: str) -> None:
    with ctx.uow(write=False) as uow:
        if uow.session.get(ThrottleBucket, key) is None:
            return
    with ctx.uow() as uow:
        throttle.clear(uow.session, key)
        uow.commit()


def _record_failure(ctx: Context, username: str, agency: str | None, reason: str, keys: list[str],
                    address: str | None) -> None:
    user_rule, address_rule = throttle.login_rules(ctx.settings)
    with ctx.uow() as uow:
        s, now = uow.session, clock.now()
        agency_id, code = _agency_of(s, ctx, agency)
        blocks = [throttle.count(s, key, user_rule if i == 0 else address_rule, now) for i, key in enumerate(keys)]
        until = max((b for b in blocks if b is not None), default=None)
        audit.append_to_agency(s, agency_id, audit.agency_chain(code), username[:64] or "-", now,
                               audit.Entry("login_failed", {"username": username[:64], "agency": agency,
                                                            "reason": reason, "address": address,
                                                            "blocked_until": until.isoformat() if until else None}))
        uow.commit()
