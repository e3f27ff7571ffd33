"""Instances that used to stall silently: a timer behind an event-based gateway, a multi-instance task
restored from a freshly parsed spec."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from service.store.tables import AuditEvent, ProcessInstance
from service.usecases import clock, instances, timers
from service.usecases.context import Context
from tests.conftest import actor
from tests.integration.diagrams import deploy
from tests.unit.diagrams import definitions, linear, process
from workflows.clock import ManualClock
from workflows.engine import Instance
from workflows.models import parse_model

OFFICE = actor("vanphong", "office")


def test_timer_behind_an_event_based_gateway_is_fired_by_the_worker(ctx: Context,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    deploy(ctx, "gateway_timer")
    with ManualClock() as engine_clock:
        monkeypatch.setattr(clock, "now", lambda: engine_clock.now)
        fire_at = engine_clock.now + timedelta(hours=1)
        started = instances.start_instance(ctx, OFFICE, "gateway_timer", {"fire_at": fire_at.isoformat()})
        assert started.next_timer_at is not None and abs((started.next_timer_at - fire_at).total_seconds()) < 0.01
        assert timers.fire_next_due(ctx, engine_clock.now) is None  # not due yet
        engine_clock.advance(3601)
        outcome = timers.fire_next_due(ctx, engine_clock.now)
    assert outcome is not None and outcome.kind == "fired", outcome
    with ctx.uow(write=False) as uow:
        row = uow.session.get_one(ProcessInstance, started.id)
        assert row.status == "completed" and row.next_timer_at is None
        fired = list(uow.session.execute(select(AuditEvent.element_id).where(
            AuditEvent.instance_id == started.id, AuditEvent.event_type == "timer_fired")).scalars())
        kinds = list(uow.session.execute(select(AuditEvent.event_type, AuditEvent.element_id).where(
            AuditEvent.instance_id == started.id)))
    assert fired == ["until"], kinds


@pytest.mark.parametrize("sequential", [False, True])
def test_multi_instance_task_finishes_when_restored_from_a_freshly_parsed_spec(sequential: bool) -> None:
    flag = ' isSequential="true"' if sequential else ""
    loop = (f"<bpmn:multiInstanceLoopCharacteristics{flag}><bpmn:loopCardinality>3</bpmn:loopCardinality>"
            "</bpmn:multiInstanceLoopCharacteristics>")
    bpmn = definitions(process(linear([("userTask", "review", loop), ("userTask", "sign", "")])))
    instance, _ = Instance.start(parse_model(bpmn))
    for _ in range(3):
        state = instance.save()
        instance = Instance.restore(parse_model(bpmn), state)  # another process: a spec never run before
        ready = instance.ready_tasks()
        assert [t.element_id for t in ready][:1] == ["review"]
        instance.complete_task(ready[0].id, {})
    assert [t.element_id for t in instance.ready_tasks()] == ["sign"]
