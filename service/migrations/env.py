"""Alembic environment: migrations run against the URL the caller put in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import service.store.deadline_tables
import service.store.publication_tables  # noqa: F401  (registers the publications table)
from service.store import (  # noqa: F401  (registers those tables)
    attachment_tables,
    document_tables,
    notification_tables,
    petition_tables,
    session_tables,
    throttle_tables,
)
from service.store.reception_tables import ReceptionSession  # noqa: F401  (registers the reception book)
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
