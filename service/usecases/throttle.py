"""Slowing down guessing: failed sign-ins per account and address, per account, per address; tracking lookups.

A guesser is stopped before the account's owner: failures are counted first per account-and-address
(a few), then per address across accounts, and only at a much higher bound per account from
anywhere, so someone guessing from elsewhere does not lock the real owner out.

Counters live in the database (`throttle_buckets`), so every web worker sees the same ones. A key
that collects `limit` attempts, each less than `window` after the previous one, is blocked for
`block`, doubling with every further attempt (at most a day); a quiet window starts the count anew.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..config import Settings
from ..store.throttle_tables import ThrottleBucket
from . import clock
from .context import Context
from .errors import UseCaseError

MAX_BLOCK = timedelta(days=1)


class Throttled(UseCaseError):
    """Too many attempts for this account or address; try again after `retry_after` seconds."""

    title = "Too many requests"

    def __init__(self, message: str, retry_after: int, key: str) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.key = key


@dataclass(frozen=True)
class Rule:
    """How many attempts `limit` a key may make, `window` apart at most, before a `block` (doubling)."""

    limit: int
    window: timedelta
    block: timedelta


def login_rules(settings: Settings) -> tuple[Rule, Rule, Rule]:
    """The rules for failed sign-ins of one account from one address, of one account, and from one address."""
    window, block = timedelta(seconds=settings.throttle_window_s), timedelta(seconds=settings.throttle_block_s)
    return (Rule(settings.login_max_failures, window, block),
            Rule(settings.login_max_failures_per_account, window, block),
            Rule(settings.login_max_failures_per_address, window, block))


def pair_key(username: str, address: str) -> str:
    """The bucket of an account's failed sign-ins from one address."""
    return f"login:pair:{username[:100]}@{address[:100]}"


def tracking_rule(settings: Settings) -> Rule:
    """The rule for tracking-code lookups from one address."""
    return Rule(settings.track_max_lookups, timedelta(seconds=settings.throttle_window_s),
                timedelta(seconds=settings.throttle_block_s))


def user_key(username: str) -> str:
    """The bucket of an account's failed sign-ins."""
    return f"login:user:{username[:100]}"


def address_key(kind: str, address: str) -> str:
    """The bucket of one address for `kind` (`login`, `track`)."""
    return f"{kind}:addr:{address[:100]}"


def seconds_left(until: datetime, now: datetime) -> int:
    """Whole seconds (at least 1) until `until`, for `Retry-After`."""
    return max(1, math.ceil((until - now).total_seconds()))


def blocked(session: Session, keys: Iterable[str], now: datetime) -> ThrottleBucket | None:
    """The bucket among `keys` blocked longest beyond `now`, or None when none is blocked."""
    rows = session.execute(select(ThrottleBucket).where(
        ThrottleBucket.key.in_(list(keys)), ThrottleBucket.blocked_until > now)).scalars()
    return max(rows, key=lambda b: b.blocked_until or now, default=None)


def first_refusal(row: ThrottleBucket) -> bool:
    """Whether this refusal is the first of the bucket's current block (then it is audited); marks it."""
    if row.audited_until == row.blocked_until:
        return False
    row.audited_until = row.blocked_until
    return True


def _locked_bucket(session: Session, key: str, now: datetime) -> ThrottleBucket:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(ThrottleBucket).values(key=key, count=0, last_at=now).on_conflict_do_nothing())
    return session.execute(select(ThrottleBucket).where(ThrottleBucket.key == key)
                           .with_for_update().execution_options(populate_existing=True)).scalar_one()


def count(session: Session, key: str, rule: Rule, now: datetime) -> datetime | None:
    """Count one attempt for `key`; returns the block it now earns (None below the limit)."""
    row = _locked_bucket(session, key, now)
    if now - row.last_at > rule.window and (row.blocked_until is None or row.blocked_until <= now):
        row.count = 0
    row.count += 1
    row.last_at = now
    if row.count < rule.limit:
        return None
    row.blocked_until = now + min(rule.block * (1 << min(row.count - rule.limit, 20)), MAX_BLOCK)
    return row.blocked_until


def clear(session: Session, key: str) -> None:
    """Forget a key's attempts (an account after a successful sign-in)."""
    session.execute(delete(ThrottleBucket).where(ThrottleBucket.key == key))


def hit(ctx: Context, key: str, rule: Rule) -> None:
    """Count one lookup for `key` and refuse it (`Throttled`) when the key is blocked."""
    with ctx.uow() as uow:
        now = clock.now()
        row = blocked(uow.session, [key], now)
        if row is not None and row.blocked_until is not None:
            raise Throttled("too many lookups from this address; wait before trying again",
                            seconds_left(row.blocked_until, now), key)
        count(uow.session, key, rule, now)
        uow.commit()
