"""API tokens for machine clients: an admin creates one for themselves, the client sends it as `Bearer`.

A token acts for the person who created it, never for someone else (an admin cannot borrow the
director's confidential reads); only the operator's command line (the system actor) issues tokens
for other accounts. Only the SHA-256 of a token is stored; the token is shown once, when created.
A token acts as its user in its agency with the roles the user holds there at the time of each
request, so disabling the user or taking a role away takes effect at once. `last_used_at` is kept
to the minute (written at most once a minute per token).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, select, update

from ..store.tables import Agency, ApiToken, RoleGrant, User
from . import accounts, audit, clock
from .access import agency_id_of, require
from .context import Actor, Context
from .errors import Forbidden, Invalid, NotFound, Unauthenticated

PREFIX = "pft_"
USE_RECORDED_EVERY = timedelta(minutes=1)
"""A token's `last_used_at` is written at most this often."""


@dataclass(frozen=True)
class TokenInfo:
    """A token as lists show it: never the token itself."""

    id: int
    name: str
    username: str
    agency: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    """A token just created: `token` is shown this once and never again."""

    info: TokenInfo
    token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(row: ApiToken, username: str, agency: str) -> TokenInfo:
    return TokenInfo(row.id, row.name, username, agency, row.created_by, row.created_at, row.revoked_at,
                     row.last_used_at)


def create_token(ctx: Context, actor: Actor, username: str | None, name: str) -> NewToken:
    """Create a token acting as the admin in their agency (`token_created` is recorded).

    `username` may only name the admin themselves; the system actor (the command line) may name anyone.
    """
    require(actor, ("admin",), "creating API tokens")
    username = username or actor.username
    if username != actor.username and not actor.system:
        raise Forbidden(f"an API token acts for the user who creates it: {actor.username} cannot create one "
                        "for another account; that person signs in and creates their own")
    with ctx.uow() as uow:
        s = uow.session
        agency_id = agency_id_of(s, actor)
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None or not user.active:
            raise Invalid(f"no active user {username}", [f"username: no active user {username}"])
        token = PREFIX + secrets.token_urlsafe(32)
        row = ApiToken(user_id=user.id, agency_id=agency_id, name=name[:100], token_hash=_hash(token),
                       created_by=actor.username, created_at=clock.now())
        s.add(row)
        uow.flush()
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, row.created_at,
                               audit.Entry("token_created", {"token_id": row.id, "username": username, "name": name}))
        uow.commit()
        return NewToken(_info(row, username, actor.agency), token)


def list_tokens(ctx: Context, actor: Actor) -> list[TokenInfo]:
    """Every token of the admin's agency, newest first."""
    require(actor, ("admin",), "listing API tokens")
    with ctx.uow(write=False) as uow:
        s = uow.session
        rows = s.execute(
            select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.agency_id == agency_id_of(s, actor)).order_by(ApiToken.id.desc())
        ).all()
        return [_info(row, username, actor.agency) for row, username in rows]


def revoke_token(ctx: Context, actor: Actor, token_id: int) -> None:
    """Revoke a token of the admin's agency; it stops working at once (`token_revoked` is recorded)."""
    require(actor, ("admin",), "revoking API tokens")
    with ctx.uow() as uow:
        s = uow.session
        agency_id = agency_id_of(s, actor)
        row = s.get(ApiToken, token_id)
        if row is None or row.agency_id != agency_id:
            raise NotFound(f"token {token_id} does not exist")
        if row.revoked_at is None:
            row.revoked_at = clock.now()
            audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, row.revoked_at,
                                   audit.Entry("token_revoked", {"token_id": row.id, "name": row.name}))
            uow.commit()


_TOKEN_QUERY = (
    select(ApiToken.id, ApiToken.revoked_at, ApiToken.last_used_at, User.username, User.active, Agency.code,
           RoleGrant.role)
    .join(User, User.id == ApiToken.user_id).join(Agency, Agency.id == ApiToken.agency_id)
    .outerjoin(RoleGrant, and_(RoleGrant.user_id == ApiToken.user_id, RoleGrant.agency_id == ApiToken.agency_id))
    .where(ApiToken.token_hash == bindparam("token_hash"))
)
"""Built once: the statement is the same for every request, only the hash changes."""


def authenticate(ctx: Context, token: str) -> Actor:
    """The actor a bearer token stands for; `Unauthenticated` when it is unknown, revoked or its user disabled.

    One query in one read transaction: the token, its user and agency, and the user's roles there
    (one row per role), read afresh on every request so a revocation or a role taken away counts
    at once. It runs on a plain connection, not a session: no objects are loaded, and a session's
    setup and teardown cost more than the query itself.
    """
    with ctx.db.read() as conn:
        rows = conn.execute(_TOKEN_QUERY, {"token_hash": _hash(token)}).all()
    if not rows or rows[0].revoked_at is not None:
        raise Unauthenticated("the API token is unknown or revoked")
    first = rows[0]
    roles = frozenset(r.role for r in rows if r.role is not None)
    if not first.active or not roles or accounts.is_reserved(first.username):
        raise Unauthenticated(f"the API token's user {first.username} is disabled or has no roles in {first.code}")
    now = clock.now()
    if first.last_used_at is None or now - first.last_used_at >= USE_RECORDED_EVERY:
        with ctx.uow() as uow:
            uow.session.execute(update(ApiToken).where(ApiToken.id == first.id).values(last_used_at=now))
            uow.commit()
    return Actor(first.username, first.code, roles)
