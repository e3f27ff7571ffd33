"""Issue 16 point 1: the timer worker outlives PostgreSQL restarts.

A throwaway cluster (never the shared one) is restarted three times while timers fall due and task
completions run. Afterwards the worker is the same, still running process; every due timer fired
exactly once (those that fell due while the database was down, after it came back); every
acknowledged completion is stored once.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from service.app import create_app
from service.store.tables import AuditEvent, HumanTask, ProcessInstance
from service.usecases import audit, clock, instances
from service.usecases.context import Context
from tests.api.conftest import Api, add_demo_users
from tests.conftest import ADMIN, ROOT, actor, deploy_sample, make_context
from tests.hardening.pgcluster import Cluster
from tests.integration.diagrams import deploy, running_worker, wait_until

TIMERS, TASKS, RESTARTS = 24, 24, 3
OFFICE = actor("vanphong", "office")
DATA = {"title": "Đường hỏng", "source": "citizen", "content": "Đường xã bị hỏng"}
WORKER = [sys.executable, "-c", "from service.cli import main; main()", "worker"]


def _complete(client: Api, tasks: list[str], outcomes: dict[str, list[int]], stop: float) -> None:
    """Complete each task, again after a 503 (not acknowledged), one every 0.8 s or so."""
    pending = list(tasks)
    while pending and time.monotonic() < stop:
        task_id = pending.pop(0)
        code = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": DATA}).status_code
        outcomes.setdefault(task_id, []).append(code)
        if code == 503:
            pending.append(task_id)
        time.sleep(0.8)  # pacing the load over the restarts, not waiting for anything


def _fired(ctx: Context) -> Counter[uuid.UUID]:
    try:
        with ctx.uow(write=False) as uow:
            return Counter(uow.session.execute(select(AuditEvent.instance_id)
                                               .where(AuditEvent.event_type == "timer_fired")).scalars())
    except Exception:  # the database is down right now
        return Counter()


def test_p01_worker_survives_database_restart(cluster: Cluster, tmp_path: Path) -> None:
    url = cluster.url("petitionflow")
    ctx = make_context(url)
    add_demo_users(ctx)
    deploy_sample(ctx)
    deploy(ctx, "timer_step")
    for _ in range(TASKS):
        instances.start_instance(ctx, ADMIN, "intake_review", {})
    with ctx.uow(write=False) as uow:
        task_ids = [str(t) for t in uow.session.execute(select(HumanTask.id).order_by(HumanTask.id)).scalars()]
    log = tmp_path / "worker.log"
    env = {**os.environ, "PETITIONFLOW_DATABASE_URL": url, "PETITIONFLOW_WORKER_RETRY_MAX_MS": "1000"}
    with log.open("wb") as out:
        worker = subprocess.Popen(WORKER, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: "ready: worker" in log.read_text(), timeout=60), log.read_text()
        [ready_pid] = re.findall(r"ready: worker [^:\s]+:(\d+):", log.read_text())
        assert int(ready_pid) == worker.pid

        app = create_app(context=ctx)
        clients = [Api(app, "tiepnhan"), Api(app, "tiepnhan")]
        begin = clock.now()
        timer_ids = {instances.start_instance(ctx, OFFICE, "timer_step", {  # one falls due every second
            "fire_at": (begin + timedelta(seconds=3 + n)).isoformat(), "amount": n}).id for n in range(TIMERS)}
        outcomes: dict[str, list[int]] = {}
        stop = time.monotonic() + 150
        threads = [threading.Thread(target=_complete, args=(clients[n], task_ids[n::2], outcomes, stop))
                   for n in range(2)]
        for thread in threads:
            thread.start()
        try:
            for restart in range(RESTARTS):  # each outage lets a few timers fall due while the database is down
                assert wait_until(lambda r=restart: sum(_fired(ctx).values()) >= 2 + 5 * r, timeout=60), \
                    log.read_text()
                cluster.stop()
                time.sleep(2.5)  # the length of the outage
                cluster.start()
        finally:
            for thread in threads:
                thread.join(timeout=150)
        assert wait_until(lambda: set(_fired(ctx)) >= timer_ids, timeout=90), log.read_text()
        assert worker.poll() is None, f"the worker exited ({worker.returncode}):\n{log.read_text()}"
        assert log.read_text().count("database unavailable") >= RESTARTS, log.read_text()
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=30)
    assert code == 0, log.read_text()

    fired = _fired(ctx)
    assert {i: fired[i] for i in timer_ids} == dict.fromkeys(timer_ids, 1)  # each due timer fired exactly once
    acknowledged = {t for t, codes in outcomes.items() if 200 in codes}
    assert set(outcomes) == set(task_ids) and all(codes[-1] in (200, 409) for codes in outcomes.values()), outcomes
    assert any(503 in codes for codes in outcomes.values()), "no completion ran into an outage"
    with ctx.uow(write=False) as uow:
        s = uow.session
        completed = Counter(str(e) for e in s.execute(
            select(AuditEvent.task_id).where(AuditEvent.event_type == "task_completed")).scalars())
        statuses = {str(t.id): t.status for t in s.execute(select(HumanTask)).scalars()}
        timer_status = dict(s.execute(select(ProcessInstance.id, ProcessInstance.status)
                                      .where(ProcessInstance.id.in_(timer_ids))).all())
    for task_id in task_ids:  # acknowledged or not (a commit that got through before a cut), stored once
        assert statuses[task_id] == "completed" and completed[task_id] == 1, (task_id, outcomes[task_id])
    assert acknowledged and set(timer_status.values()) == {"completed"}
    assert audit.verify_trail(ctx).ok
    ctx.db.dispose()


def test_p01_idle_worker_listens_again_after_a_restart(cluster: Cluster) -> None:
    """The case that killed it: asleep on LISTEN with nothing due when the server goes away."""
    ctx = make_context(cluster.url("petitionflow"))
    ctx.settings = dataclasses.replace(ctx.settings, worker_retry_max_ms=500)
    deploy(ctx, "timer_step")
    with running_worker(ctx) as worker:
        assert wait_until(lambda: worker.rounds >= 1, timeout=30)  # nothing due: it waits for a notification
        cluster.stop()
        assert wait_until(lambda: worker.outages >= 1, timeout=30)
        cluster.start()
        fire_at = clock.now() + timedelta(seconds=1)
        started = instances.start_instance(ctx, OFFICE, "timer_step", {"fire_at": fire_at.isoformat(), "amount": 2})
        assert wait_until(lambda: instances.get_instance(ctx, ADMIN, started.id).status == "completed", timeout=30)
    ctx.db.dispose()
