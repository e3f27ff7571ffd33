"""Secrets the deployment draws once and keeps in its database, shared by every process that serves it."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..store.session_tables import AppSecret
from . import clock
from .context import Context

SESSION_KEY = "session_key"
"""The key that signs session cookies when `PETITIONFLOW_SECRET_KEY` is not set."""


def kept_secret(ctx: Context, name: str) -> str:
    """The secret `name`: drawn at random the first time any process asks, the same for all of them after."""
    with ctx.uow(write=False) as uow:
        found = uow.session.execute(select(AppSecret.value).where(AppSecret.name == name)).scalar_one_or_none()
    if found is not None:
        return str(found)
    with ctx.uow() as uow:
        s = uow.session
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        s.execute(insert(AppSecret).values(name=name, value=secrets.token_hex(32), created_at=clock.now())
                  .on_conflict_do_nothing())  # two workers starting together: the first one's key wins
        value = s.execute(select(AppSecret.value).where(AppSecret.name == name)).scalar_one()
        uow.commit()
    return str(value)


def session_key(ctx: Context) -> str:
    """The key signing session cookies: the configured one, else the deployment's kept one."""
    return ctx.settings.secret_key or kept_secret(ctx, SESSION_KEY)
