"""A three-task, two-lane petition from start to end through the use cases, on SQLite and PostgreSQL.

Every use case restores the instance from the database, so each step below is a full
restore-act-save round trip; the test also checks what each step left in the projections.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from service.store.tables import AuditEvent, HumanTask, ProcessInstance
from service.usecases import audit, instances
from service.usecases.context import Context
from service.usecases.errors import Conflict, Forbidden, NotFound, StaleVersion
from tests.conftest import actor, deploy_sample

RECEPTION = actor("tiepnhan", "reception")
OFFICE = actor("vanphong", "office")


def _ready_rows(ctx: Context, instance_id: uuid.UUID) -> list[HumanTask]:
    with ctx.uow(write=False) as uow:
        return list(uow.session.execute(
            select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "ready")
        ).scalars())


def _stored(ctx: Context, instance_id: uuid.UUID) -> ProcessInstance:
    with ctx.uow(write=False) as uow:
        row = uow.session.get(ProcessInstance, instance_id)
        assert row is not None
        return row


def test_three_tasks_two_lanes_end_to_end(ctx: Context) -> None:
    deploy_sample(ctx)
    started = instances.start_instance(ctx, RECEPTION, "intake_review", {"petition_id": "KN-1"}, business_key="KN-1")
    assert started.status == "running" and started.version == 1
    assert [t.element_id for t in started.open_tasks] == ["register_petition"]

    steps = [
        (RECEPTION, "register_petition", "reception", {"title": "Đường hỏng", "source": "citizen", "content": "..."}),
        (OFFICE, "classify_petition", "office", {"field": "science", "urgency": "high"}),
        (RECEPTION, "notify_petitioner", "reception", {"notice": "Đã chuyển đơn vị xử lý"}),
    ]
    version = started.version
    for who, element, lane, data in steps:
        rows = _ready_rows(ctx, started.id)
        assert [(r.element_id, r.lane, r.candidate_role) for r in rows] == [(element, lane, lane)]
        info = instances.complete_task(ctx, who, rows[0].id, data, expected_version=version)
        assert info.version == version + 1
        version = info.version
        with ctx.uow(write=False) as uow:
            done = uow.session.get(HumanTask, rows[0].id)
            assert done is not None and done.status == "completed" and done.completed_by == who.username

    final = _stored(ctx, started.id)
    assert final.status == "completed" and final.completed_at is not None and final.next_timer_at is None
    assert _ready_rows(ctx, started.id) == []
    state = json.loads(final.state)
    assert "spec" not in state and state["bundle"]
    with ctx.uow(write=False) as uow:
        types = list(uow.session.execute(
            select(AuditEvent.event_type).where(AuditEvent.instance_id == started.id).order_by(AuditEvent.seq)
        ).scalars())
        assert types[0] == "instance_started" and types[-1] == "instance_completed"
        assert types.count("task_completed") == 3 and types.count("task_created") == 3
        assert "element_completed" in types  # the script task and the events are on the path
        assert audit.verify(uow.session).ok


def test_completion_rules(ctx: Context) -> None:
    deploy_sample(ctx)
    started = instances.start_instance(ctx, RECEPTION, "intake_review", {})
    task_id = started.open_tasks[0].id
    with pytest.raises(Forbidden):
        instances.complete_task(ctx, OFFICE, task_id, {"title": "x"})
    with pytest.raises(StaleVersion):
        instances.complete_task(ctx, RECEPTION, task_id, {"title": "x"}, expected_version=7)
    instances.complete_task(ctx, RECEPTION, task_id, {"title": "x"})
    with pytest.raises(Conflict) as lost:
        instances.complete_task(ctx, RECEPTION, task_id, {"title": "y"})
    assert lost.value.by == "tiepnhan" and lost.value.at is not None
    with pytest.raises(NotFound):
        instances.complete_task(ctx, RECEPTION, uuid.uuid4(), {})
    with pytest.raises(NotFound):
        instances.start_instance(ctx, RECEPTION, "no_such_process", {})
    with ctx.uow(write=False) as uow:
        assert uow.session.execute(select(func.count(HumanTask.id))).scalar_one() == 2
        assert audit.verify(uow.session).ok


def test_other_agency_cannot_see_the_instance(ctx: Context) -> None:
    from service.usecases import accounts

    deploy_sample(ctx)
    accounts.ensure_agency(ctx, "other", "Sở khác")
    started = instances.start_instance(ctx, RECEPTION, "intake_review", {})
    outsider = RECEPTION.__class__("x", "other", frozenset({"reception"}))
    with pytest.raises(NotFound):
        instances.get_instance(ctx, outsider, started.id)
    with pytest.raises(NotFound):
        instances.complete_task(ctx, outsider, started.open_tasks[0].id, {"title": "x"})
    assert instances.get_instance(ctx, RECEPTION, started.id).open_tasks[0].element_id == "register_petition"
