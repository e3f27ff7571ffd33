"""The audit trail refuses changes in the database itself, and verification finds any tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from service.store.tables import AuditEvent
from service.usecases import audit, instances
from service.usecases.context import Context
from tests.conftest import actor, deploy_sample

RECEPTION = actor("tiepnhan", "reception")


def _history(ctx: Context) -> list[AuditEvent]:
    deploy_sample(ctx)
    started = instances.start_instance(ctx, RECEPTION, "intake_review", {"petition_id": "KN-7"})
    instances.complete_task(ctx, RECEPTION, started.open_tasks[0].id, {"title": "Phí cấp phép"})
    with ctx.uow(write=False) as uow:
        return list(uow.session.execute(
            select(AuditEvent).where(AuditEvent.instance_id == started.id).order_by(AuditEvent.seq)).scalars())


def _drop_triggers(ctx: Context) -> None:
    with ctx.db.engine.begin() as conn:
        on = " ON audit_events" if conn.dialect.name == "postgresql" else ""
        for action in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER audit_events_no_{action}{on}"))


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"])
def test_database_refuses_update_and_delete(ctx: Context, statement: str) -> None:
    events = _history(ctx)
    with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as conn:
        conn.execute(text(statement))
    with ctx.uow(write=False) as uow:
        assert len(uow.session.execute(select(AuditEvent.id)).all()) >= len(events)
        assert audit.verify(uow.session).ok


def test_edited_event_is_named(ctx: Context) -> None:
    events = _history(ctx)
    target = events[2]
    _drop_triggers(ctx)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"), {"id": target.id})
    result = audit.verify_trail(ctx)
    assert not result.ok
    assert result.broken_event_id == target.id and "altered" in (result.reason or "")


def test_deleted_middle_and_tail_events_are_found(ctx: Context) -> None:
    events = _history(ctx)
    _drop_triggers(ctx)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[-1].id})
    tail = audit.verify_trail(ctx)
    assert not tail.ok and "removed" in (tail.reason or "")
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[1].id})
    middle = audit.verify_trail(ctx)
    assert not middle.ok and middle.broken_event_id == events[2].id and "missing" in (middle.reason or "")
