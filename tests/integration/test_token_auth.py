"""A bearer token is resolved in one query, and revocation, disabling or losing roles count at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from service.usecases import accounts, tokens
from service.usecases.context import Actor, Context
from service.usecases.errors import Unauthenticated
from tests.conftest import ADMIN, AGENCY


@contextmanager
def statements(ctx: Context) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", record)


def test_a_token_is_one_query_and_revocation_counts_at_once(ctx: Context) -> None:
    accounts.add_user(ctx, ADMIN, "robot", "petitionflow-robot", ["office", "unit:science"], AGENCY)
    made = tokens.create_token(ctx, Actor.system_actor(AGENCY), "robot", "importer")
    with statements(ctx) as sent:
        who = tokens.authenticate(ctx, made.token)
    assert (who.username, who.agency, who.roles) == ("robot", AGENCY, frozenset({"office", "unit:science"}))
    assert len([s for s in sent if s.lstrip().upper().startswith("SELECT")]) == 1
    with pytest.raises(Unauthenticated):
        tokens.authenticate(ctx, made.token + "x")
    accounts.set_active(ctx, ADMIN, "robot", False)
    with pytest.raises(Unauthenticated, match="disabled"):
        tokens.authenticate(ctx, made.token)
    accounts.set_active(ctx, ADMIN, "robot", True)
    assert tokens.authenticate(ctx, made.token).username == "robot"
    tokens.revoke_token(ctx, ADMIN, made.info.id)
    with pytest.raises(Unauthenticated, match="revoked"):
        tokens.authenticate(ctx, made.token)
