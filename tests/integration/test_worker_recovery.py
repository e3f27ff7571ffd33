"""The worker survives failures: a killed worker loses nothing, a failing step becomes an incident, SQLite has one."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.store.tables import AuditEvent, ProcessInstance
from service.usecases import audit, clock, incidents, instances
from service.usecases.context import Context
from service.usecases.errors import Conflict
from tests.conftest import ADMIN, ROOT, actor, make_context
from tests.integration.diagrams import copies, deploy, running_worker, wait_until

OFFICE = actor("vanphong", "office")
WORKER = [sys.executable, "-c", "from service.cli import main; main()", "worker"]


def _spawn(database_url: str, tmp_path: Path, name: str) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / f"{name}.log"
    env = {**os.environ, "PETITIONFLOW_DATABASE_URL": database_url, "PETITIONFLOW_WORKER_POLL_MS": "100"}
    with log.open("wb") as out:
        proc = subprocess.Popen(WORKER, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return proc, log


def _types(ctx: Context, instance_id: uuid.UUID) -> list[str]:
    with ctx.uow(write=False) as uow:
        return list(uow.session.execute(select(AuditEvent.event_type).where(AuditEvent.instance_id == instance_id)
                                        .order_by(AuditEvent.seq)).scalars())


def _fired(ctx: Context) -> Counter[uuid.UUID]:
    with ctx.uow(write=False) as uow:
        return Counter(uow.session.execute(select(AuditEvent.instance_id)
                                           .where(AuditEvent.event_type == "timer_fired")).scalars())


def _statuses(ctx: Context) -> dict[uuid.UUID, str]:
    with ctx.uow(write=False) as uow:
        return {i: s for i, s in uow.session.execute(select(ProcessInstance.id, ProcessInstance.status))}


def test_killed_worker_loses_nothing(database_url: str, tmp_path: Path) -> None:
    ctx = make_context(database_url)
    deploy(ctx, "timer_step")
    total = 300
    fire_at = clock.now() + timedelta(seconds=1)
    first = instances.start_instance(ctx, OFFICE, "timer_step", {"fire_at": fire_at.isoformat(), "amount": 1})
    ids = {first.id, *copies(ctx, first.id, total - 1)}  # all waiting on the same timer, none fired yet
    assert wait_until(lambda: clock.now() > fire_at, timeout=5)

    first, first_log = _spawn(database_url, tmp_path, "first")
    try:
        assert wait_until(lambda: sum(_fired(ctx).values()) >= 20, timeout=30, interval=0.01), \
            first_log.read_text()
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    at_kill = _fired(ctx)
    statuses = _statuses(ctx)
    print(f"\n[{ctx.db.engine.dialect.name}] killed after {sum(at_kill.values())} of {total} timers fired")
    assert 0 < sum(at_kill.values()) < total, "the kill must land in the middle of the batch"
    for instance_id in ids:  # every instance is either untouched or completely saved
        assert at_kill[instance_id] == (1 if statuses[instance_id] == "completed" else 0)
    with ctx.uow(write=False) as uow:
        assert audit.verify(uow.session).ok

    second, second_log = _spawn(database_url, tmp_path, "second")
    try:
        assert wait_until(lambda: set(_statuses(ctx).values()) == {"completed"}, timeout=60, interval=0.1), \
            second_log.read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        code = second.wait(timeout=15)
    assert code == 0, second_log.read_text()
    fired = _fired(ctx)
    assert set(fired) == ids and set(fired.values()) == {1}
    assert "timer fired: instance" in second_log.read_text() and "stopped" in second_log.read_text()
    with ctx.uow(write=False) as uow:
        assert audit.verify(uow.session).ok
    ctx.db.dispose()


def test_second_worker_on_sqlite_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}"
    ctx = make_context(url)
    with running_worker(ctx):  # holds the lock once ready
        proc = subprocess.run(WORKER, cwd=ROOT, env={**os.environ, "PETITIONFLOW_DATABASE_URL": url},
                              capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("error: another worker (pid ") and "supports one worker" in lines[-1], proc.stderr
    # once the first has stopped, a new one may start (and stops cleanly on SIGTERM)
    again, log = _spawn(url, tmp_path, "again")
    assert wait_until(lambda: "ready: worker" in log.read_text() or again.poll() is not None, timeout=60)
    again.send_signal(signal.SIGTERM)  # its handler is installed once it says it is ready
    assert again.wait(timeout=15) == 0, log.read_text()
    ctx.db.dispose()


def test_failing_timer_step_becomes_incident_and_admin_retry_completes_it(database_url: str) -> None:
    ctx = make_context(database_url)
    ctx.settings = dataclasses.replace(ctx.settings, incident_max_attempts=3, incident_backoff_ms=150,
                                       worker_max_sleep_ms=200)  # a round at least every 0.2 s
    deploy(ctx, "timer_step")
    fire_at = (clock.now() + timedelta(seconds=0.5)).isoformat()
    broken = instances.start_instance(ctx, OFFICE, "timer_step", {"fire_at": fire_at})  # no `amount`
    good = [instances.start_instance(ctx, OFFICE, "timer_step", {"fire_at": fire_at, "amount": i}).id for i in range(3)]

    def parked() -> bool:
        found = incidents.list_incidents(ctx, ADMIN)
        return bool(found) and found[0].attempts == 3 and found[0].next_retry_at is None

    with running_worker(ctx) as worker:
        assert wait_until(parked, timeout=15)
        assert all(instances.get_instance(ctx, ADMIN, i).status == "completed" for i in good)
        rounds = worker.rounds
        assert wait_until(lambda: worker.rounds >= rounds + 3, timeout=30)  # parked: rounds pass, it stays alone
    [incident] = incidents.list_incidents(ctx, ADMIN)
    assert (incident.kind, incident.element_id, incident.instance_id) == ("timer", "compute", broken.id)
    assert "amount" in incident.error and incident.attempts == 3
    assert instances.get_instance(ctx, ADMIN, broken.id).status == "running"
    types = _types(ctx, broken.id)
    assert types.count("timer_failed") == 3 and types.count("incident_opened") == 1
    assert types.count("incident_retried") == 2 and "timer_fired" not in types

    # Retrying without a fix fails again and stays open; correcting the data lets the retry complete it.
    assert incidents.retry_incident(ctx, ADMIN, incident.id).status == "open"
    incidents.set_instance_data(ctx, ADMIN, broken.id, {"amount": 21})
    resolved = incidents.retry_incident(ctx, ADMIN, incident.id)
    assert resolved.status == "resolved" and resolved.resolved_by == ADMIN.username
    assert instances.get_instance(ctx, ADMIN, broken.id).status == "completed"
    with pytest.raises(Conflict):
        incidents.resolve_incident(ctx, ADMIN, incident.id)
    types = _types(ctx, broken.id)
    assert types.count("timer_failed") == 4 and types.count("timer_fired") == 1
    assert types[-3:] == ["element_completed", "instance_completed", "incident_resolved"]
    assert "instance_data_set" in types
    with ctx.uow(write=False) as uow:
        state = uow.session.get_one(ProcessInstance, broken.id).state
        assert '"doubled":42' in state.replace(" ", "")
        assert audit.verify(uow.session).ok
        assert uow.session.execute(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.event_type == "timer_fired")).scalar_one() == 4
    ctx.db.dispose()
