"""The worker: timers fire on time, several workers fire each timer once, messages reach their receiver once."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from service.store.tables import AuditEvent, Incident, OutboxMessage, ProcessInstance
from service.usecases import audit, clock, incidents, instances
from service.usecases.context import Context
from service.usecases.timers import Outcome
from tests.conftest import ADMIN, actor, make_context
from tests.integration.diagrams import copies, deploy, running_worker, wait_until

OFFICE = actor("vanphong", "office")


def _events(ctx: Context, kind: str, instance_id: uuid.UUID | None = None) -> list[AuditEvent]:
    with ctx.uow(write=False) as uow:
        query = select(AuditEvent).where(AuditEvent.event_type == kind).order_by(AuditEvent.id)
        if instance_id is not None:
            query = query.where(AuditEvent.instance_id == instance_id)
        return list(uow.session.execute(query).scalars())


def _count(ctx: Context, status: str) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.session.execute(select(func.count()).select_from(ProcessInstance)
                                       .where(ProcessInstance.status == status)).scalar_one())


def test_timer_due_in_two_seconds_fires_within_one_second(database_url: str) -> None:
    ctx = make_context(database_url)
    deploy(ctx, "timer_step")
    with running_worker(ctx) as worker:
        rounds = worker.rounds  # the worker goes to sleep with nothing due; the new timer must wake it in time
        assert wait_until(lambda: worker.rounds > rounds, timeout=10)
        fire_at = clock.now() + timedelta(seconds=2)
        started = instances.start_instance(ctx, OFFICE, "timer_step", {"fire_at": fire_at.isoformat(), "amount": 4})
        assert started.next_timer_at is not None and abs((started.next_timer_at - fire_at).total_seconds()) < 0.01
        assert wait_until(lambda: _count(ctx, "completed") == 1, timeout=10)
    fired = _events(ctx, "timer_fired", started.id)
    assert len(fired) == 1 and fired[0].element_id == "wait"
    delay = (fired[0].at - fire_at).total_seconds()
    print(f"\n[{ctx.db.engine.dialect.name}] timer due at +2 s fired {delay * 1000:.0f} ms after its due time")
    assert 0 <= delay < 1.0
    ctx.db.dispose()


@pytest.mark.postgres
def test_two_workers_fire_500_timers_exactly_once(postgres_url: str) -> None:
    ctx = make_context(postgres_url)
    deploy(ctx, "timer_step")
    contexts = [make_context(postgres_url) for _ in range(2)]  # each worker with its own engine and pool
    seen: list[Counter[str]] = [Counter(), Counter()]
    lock = threading.Lock()

    def counter(index: int) -> Callable[[Outcome], None]:
        def record(outcome: Outcome) -> None:
            with lock:
                seen[index][outcome.kind] += 1
        return record

    total = 500
    # The instances are all started before either worker runs, so the two compete for 500 timers that
    # fall due together however long starting them takes on a busy machine.
    began = time.perf_counter()
    fire_at = clock.now() + timedelta(seconds=1)
    first = instances.start_instance(ctx, OFFICE, "timer_step", {"fire_at": fire_at.isoformat(), "amount": 1})
    ids = [first.id, *copies(ctx, first.id, total - 1)]
    started_in = time.perf_counter() - began
    assert _count(ctx, "running") == total
    with running_worker(contexts[0], counter(0)), running_worker(contexts[1], counter(1)):
        assert wait_until(lambda: _count(ctx, "completed") == total, timeout=120, interval=0.2)
        finished = clock.now()
    fired = _events(ctx, "timer_fired")
    per_instance = Counter(e.instance_id for e in fired)
    print(f"\nstarted {total} in {started_in:.1f} s; all fired {(finished - fire_at).total_seconds():.2f} s after "
          f"their common due time; worker shares {[c['fired'] for c in seen]}")
    assert len(fired) == total and set(per_instance) == set(ids) and set(per_instance.values()) == {1}
    assert seen[0]["fired"] + seen[1]["fired"] == total
    with ctx.uow(write=False) as uow:
        assert audit.verify(uow.session).ok
        doubled = uow.session.execute(select(ProcessInstance.state).limit(1)).scalar_one()
        assert '"doubled"' in doubled
    for context in (ctx, *contexts):
        context.db.dispose()



def test_messages_are_delivered_once_and_undeliverable_ones_become_incidents(database_url: str) -> None:
    ctx = make_context(database_url)
    ctx.settings = dataclasses.replace(ctx.settings, outbox_max_attempts=2, outbox_backoff_ms=100)
    deploy(ctx, "reply_sender")
    deploy(ctx, "reply_receiver")
    receiver = instances.start_instance(ctx, OFFICE, "reply_receiver", {"petition_id": "KN-7"})
    other = instances.start_instance(ctx, OFFICE, "reply_receiver", {"petition_id": "KN-8"})
    instances.start_instance(ctx, OFFICE, "reply_sender", {"petition_id": "KN-7", "answer": "yes"})
    lost = instances.start_instance(ctx, OFFICE, "reply_sender", {"petition_id": "KN-404", "answer": "no"})
    with running_worker(ctx):
        assert wait_until(lambda: instances.get_instance(ctx, ADMIN, receiver.id).status == "completed", timeout=10)
        assert wait_until(lambda: bool(incidents.list_incidents(ctx, ADMIN)), timeout=10)
    assert instances.get_instance(ctx, ADMIN, other.id).status == "running"
    assert len(_events(ctx, "message_delivered", receiver.id)) == 1
    with ctx.uow(write=False) as uow:
        rows = {m.payload["petition_id"]: m for m in uow.session.execute(select(OutboxMessage)).scalars()}
    assert rows["KN-7"].delivered_at is not None and rows["KN-7"].attempts == 1
    assert rows["KN-404"].delivered_at is None and rows["KN-404"].attempts == 2
    assert rows["KN-404"].next_attempt_at is None and "no running instance waits" in (rows["KN-404"].last_error or "")
    [incident] = incidents.list_incidents(ctx, ADMIN)
    assert (incident.kind, incident.instance_id) == ("message", lost.id)
    assert [e.event_type for e in _events(ctx, "incident_opened", lost.id)] == ["incident_opened"]

    # The receiver appears later; the admin queues the message again and the worker delivers it.
    late = instances.start_instance(ctx, OFFICE, "reply_receiver", {"petition_id": "KN-404"})
    assert incidents.retry_incident(ctx, ADMIN, incident.id).status == "resolved"
    with running_worker(ctx):
        assert wait_until(lambda: instances.get_instance(ctx, ADMIN, late.id).status == "completed", timeout=10)
    assert len(_events(ctx, "message_delivered")) == 2
    with ctx.uow(write=False) as uow:
        assert uow.session.execute(select(func.count()).select_from(Incident)
                                   .where(Incident.status == "open")).scalar_one() == 0
        assert audit.verify(uow.session).ok
    ctx.db.dispose()
