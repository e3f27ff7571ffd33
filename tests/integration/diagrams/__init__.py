"""Small diagrams for the worker and deadline tests, and helpers that deploy them and run a worker."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from service.pack import read_bundle
from service.store.tables import ProcessInstance
from service.usecases import audit, clock, models
from service.usecases.context import Context
from service.usecases.timers import Outcome
from service.worker import Worker
from tests.conftest import ADMIN

HERE = Path(__file__).resolve().parent


def deploy(ctx: Context, name: str) -> models.VersionInfo:
    """Deploy `tests/integration/diagrams/<name>.bpmn`."""
    bundle = read_bundle(HERE / f"{name}.bpmn")
    return models.deploy(ctx, ADMIN, bundle.bpmn, bundle.resources, bundle.file_name)


@contextmanager
def running_worker(ctx: Context, on_outcome: Callable[[Outcome], None] | None = None) -> Iterator[Worker]:
    """A worker in a thread on `ctx` (its own pool), ready when the block starts, stopped and joined when it ends."""
    ready = threading.Event()
    worker = Worker(ctx, on_outcome, on_ready=ready.set)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            worker.run()
        except BaseException as exc:  # handed to the test below
            errors.append(exc)

    thread = threading.Thread(target=run, name="worker", daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: ready.is_set() or bool(errors) or not thread.is_alive(), timeout=60), \
            "the worker did not get ready within 60 s"
        if errors:
            raise errors[0]
        yield worker
    finally:
        worker.stop()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the worker did not stop within 30 s"
    if errors:
        raise errors[0]


BUSY_MACHINE = 6
"""How much longer than on a quiet machine a wait may take: `make test` must pass beside `stress-ng --cpu 4`
on two cores, where a worker subprocess gets a fraction of the time it has alone. Waiting longer costs
nothing when the check holds early; no test waits for something not to happen."""


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll `check` until it holds or `timeout` seconds (as on a quiet machine, times `BUSY_MACHINE`) pass; returns
    whether it held."""
    deadline = time.monotonic() + timeout * BUSY_MACHINE
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


def copies(ctx: Context, source_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    """`count` new instances in the same state as `source_id` (waiting on the same timer), each with its own
    `instance_started` event on its own audit chain: what starting them one by one gives, in one transaction."""
    with ctx.uow() as uow:
        s = uow.session
        source = s.get_one(ProcessInstance, source_id)
        ids = []
        for _ in range(count):
            at = clock.now()
            copy = ProcessInstance(
                id=uuid.uuid4(), agency_id=source.agency_id, process_version_id=source.process_version_id,
                business_key=None, status="running", state=source.state, started_by="test", created_at=at,
                updated_at=at, next_timer_at=source.next_timer_at, audit_seq=0, audit_head=audit.GENESIS)
            events = audit.chain_onto_instance(copy, "test", at, [audit.Entry(
                "instance_started", {"process": "timer_step", "copied_from": str(source_id)})])
            s.add(copy)
            s.flush()
            s.add_all(events)
            ids.append(copy.id)
        uow.commit()
    return ids
