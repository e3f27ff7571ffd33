"""Section 6: 1,000 timers due within the same minute, fired by one and by two workers on PostgreSQL.

The workers are real `petitionflow worker` processes. The delay of each timer is its `timer_fired`
audit event's time minus the instance's due time.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from service.pack import read_bundle
from service.store.tables import AuditEvent, ProcessInstance
from service.usecases import clock, instances, models
from service.usecases.context import Actor, Context

from . import databases
from .settings import DIAGRAMS, RESULTS, ROOT, scaled
from .stats import summary

OFFICE = Actor("vanphong", "demo", frozenset({"office"}))
ADMIN = Actor("quantri", "demo", frozenset({"admin", "designer"}))


def _completed(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.session.execute(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.status == "completed")).scalar_one())


def _delays(ctx: Context, due: dict[uuid.UUID, Any]) -> list[float]:
    with ctx.uow(write=False) as uow:
        fired = uow.session.execute(select(AuditEvent.instance_id, AuditEvent.at).where(
            AuditEvent.event_type == "timer_fired")).all()
    return [(at - due[instance_id]).total_seconds() * 1000 for instance_id, at in fired if instance_id in due]


def one_run(workers: int, count: int, window_s: float) -> dict[str, Any]:
    """Start the workers, then `count` instances due at random moments of a `window_s` window; wait for all."""
    with databases.database("postgresql", f"timers{workers}") as url:
        ctx = databases.deployment(url)
        bundle = read_bundle(DIAGRAMS / "timer_bench.bpmn")
        models.deploy(ctx, ADMIN, bundle.bpmn, bundle.resources, bundle.file_name)
        command = [str(ROOT / ".venv" / "bin" / "petitionflow"), "worker"]
        logs = [(RESULTS / f"worker-{workers}-{n}.log").open("w") for n in range(workers)]
        procs = [subprocess.Popen(command, env=databases.environment(url), stdout=log, stderr=log, cwd=ROOT)
                 for log in logs]
        try:
            time.sleep(2)  # the workers are up and asleep: nothing is due
            rng = random.Random(11)
            start = clock.now() + timedelta(seconds=count * 0.012 + 3)
            due: dict[uuid.UUID, Any] = {}
            began = time.perf_counter()
            for _ in range(count):
                fire_at = start + timedelta(seconds=rng.uniform(0, window_s))
                info = instances.start_instance(ctx, OFFICE, "timer_bench", {"fire_at": fire_at.isoformat(),
                                                                             "amount": 1})
                due[info.id] = info.next_timer_at
            created_s = time.perf_counter() - began
            late_start = (clock.now() - start).total_seconds()
            deadline = time.monotonic() + window_s + 120 + (count * 0.012 + 3)
            while _completed(ctx) < count and time.monotonic() < deadline:
                time.sleep(0.5)
            done = _completed(ctx)
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            for log in logs:
                log.close()
        delays = _delays(ctx, due)
        ctx.db.dispose()
    return {"workers": workers, "timers": count, "window_s": window_s, "fired": len(delays), "completed": done,
            "created_in_s": round(created_s, 1), "creation_overran_window_start_s": round(max(late_start, 0), 2),
            "delay_ms": summary(delays)}


def run() -> dict[str, Any]:
    """One worker, then two, each on a fresh PostgreSQL database."""
    count = scaled(1000, 50)
    window = max(5.0, 60.0 * min(1.0, count / 1000))
    return {"runs": [one_run(workers, count, window) for workers in (1, 2)]}
