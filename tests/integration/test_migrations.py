"""The migrations form one line, reach the tables the code declares, and can be undone and redone."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from service.store.migrate import MIGRATIONS, alembic_config, current_revision, head_revision, upgrade
from service.store.tables import Base


def test_one_line_of_migrations() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1 and len(script.get_bases()) == 1
    assert [r.revision for r in script.walk_revisions()] == ["0010", *(f"{n:04d}" for n in range(7, 0, -1))]


def test_upgrade_matches_the_models_and_downgrade_undoes_it(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert upgrade(engine) == head_revision() == current_revision(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
        assert upgrade(engine) == head_revision()
    finally:
        engine.dispose()
