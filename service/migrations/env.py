"""Alembic environment: migrations run against the URL the caller put in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import service.store.deadline_tables  # noqa: F401  (registers the deadline alerts, issue 13)
from service.store import document_tables, petition_tables, session_tables, throttle_tables  # noqa: F401  (registers those tables)
from service.store.tables import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
connection = config.attributes.get("connection")


def run() -> None:
    if connection is not None:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(str(url))
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
