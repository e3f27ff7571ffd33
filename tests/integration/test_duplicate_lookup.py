"""Intake finds an earlier petition of the same content through an index on the content's digest
(`body_key`, migration 0031), not by reading every petition of the agency; a register migrated from
before it gets the digests of its petitions and keeps its full-text search."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import event, select

from service import search_text
from service.domain import intake_checks, petitions
from service.store.migrate import alembic_config, head_revision, upgrade
from service.store.petition_tables import Petition
from service.usecases.context import Context
from tests.conftest import actor, deploy_sample

RECEPTION = actor("tiepnhan", "reception")
READER = actor("thanhtra", "inspectorate")


def _submit(ctx: Context, name: str, content: str) -> petitions.PetitionInfo:
    return petitions.submit(ctx, RECEPTION, {"source": "citizen", "field": "science", "title": "Đề nghị",
                                             "content": content, "petitioner_name": name})


def _keys(ctx: Context) -> list[tuple[str | None, str]]:
    with ctx.uow(write=False) as uow:
        return [(k, b) for k, b in uow.session.execute(select(Petition.body_key, Petition.search_body))]


def test_intake_finds_the_same_content_through_its_digest(ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    first = _submit(ctx, "Lò Văn Đức", "Đề nghị hỗ trợ giống cà phê.")
    again = _submit(ctx, "LÒ VĂN ĐỨC", "  đề nghị hỗ trợ giống CÀ PHÊ ")
    other = _submit(ctx, "Lò Văn Đức", "Đề nghị hỗ trợ giống chè.")
    assert all(key == search_text.body_key(body) for key, body in _keys(ctx))
    sent: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        sent.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", seen)
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency_id = s.execute(select(Petition.agency_id).where(Petition.id == first.id)).scalar_one()
        found = intake_checks.find_duplicate(s, agency_id, {"petitioner_name": "Lò Văn Đức",
                                                           "content": "Đề nghị hỗ trợ giống cà phê."}, again.id)
        none = intake_checks.find_duplicate(s, agency_id, {"petitioner_name": "Lò Văn Đức",
                                                          "content": "Một nội dung khác."}, None)
    event.remove(ctx.db.engine, "before_cursor_execute", seen)
    assert found is not None and found.id == first.id and none is None and other.id != first.id
    statement, parameters = next((st, p) for st, p in sent if "body_key IN" in st)
    if ctx.db.engine.dialect.name == "sqlite":  # PostgreSQL reads a table this small whole, whatever its indexes
        with ctx.db.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            plan = " ".join(str(r[3]) for r in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters))
        assert "ix_petitions_agency_body" in plan, plan


def test_a_register_from_before_the_digest_gets_one_for_every_petition(database_url: str) -> None:
    from tests.conftest import make_context

    ctx = make_context(database_url)
    try:
        deploy_sample(ctx, "petition.bpmn")
        kept = [_submit(ctx, "Nguyễn Thị Hoa", f"Nội dung số {n}") for n in range(3)]
        with ctx.db.engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0030")
        assert upgrade(ctx.db.engine) == head_revision()
        keys = _keys(ctx)
        assert len(keys) == 3 and all(key == search_text.body_key(body) for key, body in keys)
        later = _submit(ctx, "Trần Minh", "Xin hướng dẫn thủ tục cấp phép bức xạ.")
        codes = [p.code for p in petitions.list_petitions(ctx, READER, text="buc xa")]
        assert codes == [later.code] and kept  # the full-text index still follows new petitions
    finally:
        ctx.db.dispose()
