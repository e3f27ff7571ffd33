"""Signing in: checking a password, choosing the agency, and the server-side sessions that follow.

A signed-in browser (or API cookie client) holds a random session id in its cookie; the database
keeps only its SHA-256 in `web_sessions`. Each request finds the session, its user and the user's
roles in the session's agency with one indexed query (`resume`), so signing out, an idle or
too-old session, a password change, a disabled account or a withdrawn role end it at once.
`last_seen_at` is written at most once a minute per session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from ..store.session_tables import WebSession
from ..store.tables import Agency, RoleGrant, User
from ..store.throttle_tables import ThrottleBucket
from . import accounts, audit, clock, throttle
from .access import agency_id_of
from .context import Actor, Context
from .errors import Unauthenticated

BAD_LOGIN = "wrong username or password, or the account cannot sign in to that agency"
TOUCH_EVERY = timedelta(minutes=1)
"""A session's `last_seen_at` is moved forward at most this often (idle expiry is counted in hours)."""


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
        if user is None or not user.active or accounts.is_reserved(username):
            return None
        roles = _grants(uow.session, user.id).get(agency)
    return Actor(username, agency, frozenset(roles)) if roles else None


def login(ctx: Context, username: str, password: str, agency: str | None = None,
          address: str | None = None) -> Actor:
    """Check the password and pick the agency; a failure is recorded as `login_failed`.

    A user with grants in several agencies names the one to sign into (when they name none: the
    deployment's default agency, if they work there); with grants in one, that one.
    Failures are counted in the database per account-and-`address` (the client's IP; 5 by default),
    per address (20) and per account from anywhere (100): past a limit, further attempts of that
    key are refused with `Throttled` (429, saying when to try again) for a doubling time, audited
    once per block as `login_throttled`, before the password is even looked at. So a guesser
    elsewhere locks out only themselves; a success forgets the failures of its own address.
    """
    where = address or "unknown"
    keys = [throttle.pair_key(username, where), throttle.user_key(username), throttle.address_key("login", where)]
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
    wait = throttle.seconds_left(until, now)
    what = {"pair": "for this account from this address", "user": "for this account",
            "addr": "from this address"}[row.key.split(":")[1]]
    raise throttle.Throttled(f"too many failed sign-ins {what}; wait {wait} seconds (until {until:%H:%M:%S} UTC) "
                             "before trying again", wait, row.key)


def _forget_failures(ctx: Context, key: str) -> None:
    with ctx.uow(write=False) as uow:
        if uow.session.get(ThrottleBucket, key) is None:
            return
    with ctx.uow() as uow:
        throttle.clear(uow.session, key)
        uow.commit()


def _record_failure(ctx: Context, username: str, agency: str | None, reason: str, keys: list[str],
                    address: str | None) -> None:
    rules = throttle.login_rules(ctx.settings)
    with ctx.uow() as uow:
        s, now = uow.session, clock.now()
        agency_id, code = _agency_of(s, ctx, agency)
        blocks = [throttle.count(s, key, rule, now) for key, rule in zip(keys, rules, strict=True)]
        until = max((b for b in blocks if b is not None), default=None)
        audit.append_to_agency(s, agency_id, audit.agency_chain(code), username[:64] or "-", now,
                               audit.Entry("login_failed", {"username": username[:64], "agency": agency,
                                                            "reason": reason, "address": address,
                                                            "blocked_until": until.isoformat() if until else None}))
        uow.commit()


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def start_session(ctx: Context, actor: Actor) -> str:
    """A new server-side session for `actor` (just signed in); returns the id the cookie carries."""
    sid = secrets.token_urlsafe(32)
    with ctx.uow() as uow:
        s, now = uow.session, clock.now()
        user_id = s.execute(select(User.id).where(User.username == actor.username)).scalar_one()
        s.execute(delete(WebSession).where(  # the user's ended sessions are forgotten as new ones start
            WebSession.user_id == user_id,
            or_(WebSession.revoked_at.is_not(None),
                WebSession.created_at < now - timedelta(seconds=ctx.settings.session_max_s))))
        s.add(WebSession(id=_sid_hash(sid), user_id=user_id, agency_id=agency_id_of(s, actor), created_at=now,
                         last_seen_at=now))
        uow.commit()
    return sid


def _expired(ctx: Context, created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    return (now - last_seen_at > timedelta(seconds=ctx.settings.session_idle_s)
            or now - created_at > timedelta(seconds=ctx.settings.session_max_s))


def resume(ctx: Context, sid: str) -> Actor | None:
    """The actor of the session `sid`; None when it is unknown, ended, expired, or its user cannot act."""
    if not sid or len(sid) > 100:
        return None
    key, now = _sid_hash(sid), clock.now()
    with ctx.uow(write=False) as uow:
        rows = uow.session.execute(
            select(WebSession.created_at, WebSession.last_seen_at, WebSession.revoked_at, User.username,
                   User.active, Agency.code, RoleGrant.role)
            .join(User, User.id == WebSession.user_id).join(Agency, Agency.id == WebSession.agency_id)
            .outerjoin(RoleGrant, and_(RoleGrant.user_id == WebSession.user_id,
                                       RoleGrant.agency_id == WebSession.agency_id))
            .where(WebSession.id == key)
        ).all()
    if not rows:
        return None
    first = rows[0]
    roles = frozenset(r.role for r in rows if r.role)
    if (first.revoked_at is not None or not first.active or not roles or accounts.is_reserved(first.username)
            or _expired(ctx, first.created_at, first.last_seen_at, now)):
        return None
    if now - first.last_seen_at >= TOUCH_EVERY:
        with ctx.uow() as uow:
            uow.session.execute(update(WebSession).where(WebSession.id == key).values(last_seen_at=now))
            uow.commit()
    return Actor(first.username, first.code, roles)


def end_session(ctx: Context, sid: str) -> None:
    """Sign out: the session `sid` stops working at once, wherever its cookie is replayed."""
    if not sid or len(sid) > 100:
        return
    with ctx.uow() as uow:
        uow.session.execute(update(WebSession).where(WebSession.id == _sid_hash(sid), WebSession.revoked_at.is_(None))
                            .values(revoked_at=clock.now(), revoked_why="signed_out"))
        uow.commit()
