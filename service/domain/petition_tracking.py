"""Tracking codes: what a petitioner keeps to follow a petition, and the public view they open."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.petition_tables import Petition
from ..store.tables import Agency
from ..usecases import clock, throttle, values
from ..usecases.context import Context
from ..usecases.errors import NotFound

TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Tracking-code characters: capitals and digits that cannot be mistaken for one another (no I, L, O, 0, 1)."""
TRACKING_GROUPS = 5
"""A tracking code is five groups of four characters (about 99 bits), `K7QD-…`, easy to read aloud."""


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking code may see: never notes, names or confidential content."""

    code: str
    stage: str
    submitted_at: datetime
    closed_at: datetime | None
    outcome: str | None
    answer: str | None
    forwarded_to: str | None = None
    """The agency on this deployment the petition was forwarded to, with the number it has there."""


def new_tracking_code() -> str:
    """A fresh tracking code: `TRACKING_GROUPS` groups of four unambiguous characters joined by dashes."""
    return "-".join("".join(secrets.choice(TRACKING_ALPHABET) for _ in range(4)) for _ in range(TRACKING_GROUPS))


def tracking_forms(typed: str) -> list[str]:
    """The stored codes a typed tracking code may stand for: as typed (codes made before the unambiguous
    alphabet), and in canonical form, any case, spaces and dashes ignored."""
    raw = typed.strip()[:40]
    forms = [raw] if raw else []
    compact = "".join(ch for ch in raw.upper() if ch not in " -\t")
    if len(compact) == 4 * TRACKING_GROUPS and all(ch in TRACKING_ALPHABET for ch in compact):
        canonical = "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))
        if canonical != raw:
            forms.append(canonical)
    return forms


def _forwarded_to(session: Session, found: Petition) -> str | None:
    """"<agency name>, số <number>" of the petition a forwarding created on this deployment, if any."""
    if found.forwarded_to_id is None:
        return None
    there = session.execute(select(Agency.name, Petition.code).join(Agency, Agency.id == Petition.agency_id)
                            .where(Petition.id == found.forwarded_to_id)).first()
    return f"{there[0]}, số {there[1]}" if there is not None else None


def track(ctx: Context, tracking_code: str, address: str | None = None) -> PublicStatus:
    """The public view of one petition by its tracking code (any case, spaces and dashes ignored); a wrong
    code reveals nothing.

    With the caller's `address`, only failed lookups are counted against it (`throttle`), so a
    one-stop-shop desk looking up real codes all day is never slowed; an address that collects many
    failures is refused (`Throttled`, with when to try again) for a while, correct codes included.
    """
    key = throttle.address_key("track", address) if address else None
    if values.problems(tracking_code):  # no code holds NUL; PostgreSQL could not even compare it
        raise NotFound("no petition has this tracking code")
    with ctx.uow(write=False) as uow:
        now = clock.now()
        row = throttle.blocked(uow.session, [key], now) if key else None
        if row is not None and row.blocked_until is not None:
            raise throttle.Throttled("too many wrong tracking codes from this address; wait before trying again",
                                     throttle.seconds_left(row.blocked_until, now), key or "")
        forms = tracking_forms(tracking_code)
        found = uow.session.execute(select(Petition).where(Petition.tracking_code.in_(forms))).scalars().first() \
            if forms else None
        if found is not None:
            answer = None if found.confidential else found.answer
            return PublicStatus(found.code, found.stage, found.submitted_at, found.closed_at, found.outcome, answer,
                                _forwarded_to(uow.session, found))
    if key:
        with ctx.uow() as uow:
            throttle.count(uow.session, key, throttle.tracking_rule(ctx.settings), clock.now())
            uow.commit()
    raise NotFound("no petition has this tracking code")
