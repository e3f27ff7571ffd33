"""Messages from outside: an external system (or a person through the API) hands a message, by name and
correlation, to whichever instance of the caller's agency is waiting for it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from ..store import agencies
from ..store.tables import MessageWait, ProcessInstance
from . import access, clock, instances, values
from .context import Actor, Context
from .errors import NotFound
from .instance_queries import InstanceDetail, load_detail
from .lifecycle import STARTERS
from .projection import correlation_key

SHOWN_WAITS = 20
"""How many of the waited-for messages a 404 lists."""


class MessageNotWaited(NotFound):
    """No running instance of the agency waits for this message; `expected` lists what is waited for."""

    def __init__(self, message: str, expected: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.expected = expected


def deliver(ctx: Context, actor: Actor, name: str, correlations: Mapping[str, Any] | None = None,
            payload: Mapping[str, Any] | None = None) -> InstanceDetail:
    """Deliver message `name` to the oldest running instance of the actor's agency waiting for it with
    these correlation values (office, director, admin); the delivery goes on that instance's audit chain.

    Correlations are given as the engine keeps them, by correlation key (`{"petition": {"petition_id": 7}}`),
    or flat, by property (`{"petition_id": 7}`). The payload gets the correlation properties it lacks,
    since the engine reads them from it."""
    access.require(actor, STARTERS, "delivering messages")
    correlations, payload = dict(correlations or {}), dict(payload or {})
    values.refuse_unstorable({"payload": payload, "correlations": correlations}, "the message")
    with ctx.uow() as uow:
        s = uow.session
        agency_id = agencies.agency_id(s, actor.agency)
        if agency_id is None:
            raise NotFound(f"agency '{actor.agency}' does not exist")
        key = correlation_key(correlations)
        waits = s.execute(select(MessageWait.instance_id, MessageWait.correlation).where(
            MessageWait.agency_id == agency_id, MessageWait.name == name)).all()
        matching = {i: _loaded(c) for i, c in waits if c == key or _flat(_loaded(c)) == correlations}
        target = s.execute(select(ProcessInstance).where(
            ProcessInstance.id.in_(list(matching)), ProcessInstance.status == "running")
            .order_by(ProcessInstance.created_at).limit(1).with_for_update()).scalar_one_or_none() if matching else None
        if target is None:
            rows = s.execute(select(MessageWait.name, MessageWait.correlation).distinct()
                             .join(ProcessInstance, ProcessInstance.id == MessageWait.instance_id)
                             .where(MessageWait.agency_id == agency_id, ProcessInstance.status == "running")
                             .order_by(MessageWait.name, MessageWait.correlation).limit(SHOWN_WAITS)).all()
            expected = [{"name": n, "correlations": _loaded(c)} for n, c in rows]
            raise MessageNotWaited(
                f"no running instance waits for message '{name}' with correlation {key}", expected)
        # the engine takes the correlations as it keeps them, by correlation key, and reads their values
        # from the payload again: a payload without them gets them
        expected = matching[target.id]
        payload = {**_flat(expected), **payload} if isinstance(_flat(expected), dict) else payload
        instances.deliver_loaded(ctx, s, target, name, payload, expected, actor.username, clock.now())
        uow.commit()
        target_id = target.id
    with ctx.uow(write=False) as uow:
        return load_detail(uow.session, actor, target_id)[1]


def _loaded(correlation: str) -> Any:
    try:
        return json.loads(correlation)
    except ValueError:  # cut at the column's length
        return correlation


def _flat(correlations: Any) -> Any:
    """`{"petition": {"petition_id": 7}}` as `{"petition_id": 7}`: the properties of every key together."""
    if not isinstance(correlations, dict) or not all(isinstance(v, dict) for v in correlations.values()):
        return correlations
    return {name: value for values in correlations.values() for name, value in values.items()}
