"""PostgreSQL restarted in the middle of a load of task completions (a throwaway cluster on loopback):
the service answers 503 with Retry-After while it is down, reconnects by itself, and afterwards every
acknowledged completion is stored once, none is half-stored, and the audit chains verify."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from service.app import create_app
from service.store.tables import AuditEvent, HumanTask, ProcessInstance
from service.usecases import audit, instances
from service.usecases.context import Context
from tests.api.conftest import Api, add_demo_users
from tests.conftest import ADMIN, deploy_sample, make_context
from tests.hardening.pgcluster import Cluster
from tests.integration.diagrams import wait_until

INSTANCES, CLIENTS, RUN_LIMIT_S = 45, 3, 90
DATA = {"title": "Đường hỏng", "source": "citizen", "content": "Đường xã bị hỏng"}


def _work(app: Any, tasks: list[str], outcomes: dict[str, list[int]], seen: Counter[str], stop: float) -> None:
    client = Api(app, "tiepnhan")
    pending = list(tasks)
    while pending and time.monotonic() < stop:
        task_id = pending.pop(0)
        response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": DATA})
        outcomes.setdefault(task_id, []).append(response.status_code)
        seen[str(response.status_code)] += 1
        if response.status_code == 503:
            body = response.get_json(silent=True) or {}
            if response.mimetype == "application/problem+json" and body.get("status") == 503 \
                    and int(response.headers.get("Retry-After", "0")) > 0:
                seen["503-well-formed"] += 1
            pending.append(task_id)  # not acknowledged: try again later
            time.sleep(0.05)


def test_restart_in_the_middle_of_task_completions(cluster: Cluster) -> None:
    ctx: Context = make_context(cluster.url("petitionflow"))
    add_demo_users(ctx)
    deploy_sample(ctx)
    for _ in range(INSTANCES):
        instances.start_instance(ctx, ADMIN, "intake_review", {})
    with ctx.uow(write=False) as uow:
        task_ids = [str(t) for t in uow.session.execute(select(HumanTask.id).order_by(HumanTask.id)).scalars()]
    app = create_app(context=ctx)
    outcomes: dict[str, list[int]] = {}
    seen: Counter[str] = Counter()
    stop = time.monotonic() + RUN_LIMIT_S
    threads = [threading.Thread(target=_work, args=(app, task_ids[n::CLIENTS], outcomes, seen, stop))
               for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 30
        while seen["200"] < 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        cluster.stop()  # in the middle of the load
        wait_until(lambda: seen["503"] > 0, timeout=30)  # the clients have met the outage
        down_503 = seen["503"]
        assert app.test_client().get("/healthz").status_code == 503
    finally:
        cluster.start()
        for thread in threads:
            thread.join(timeout=RUN_LIMIT_S + 10)
    assert down_503 > 0 and seen["503-well-formed"] == seen["503"], seen
    assert set(seen) <= {"200", "409", "503", "503-well-formed"}, seen  # never a 500
    acknowledged = {t for t, codes in outcomes.items() if 200 in codes}
    assert len(outcomes) == len(task_ids) and all(codes[-1] in (200, 409) for codes in outcomes.values()), outcomes

    with ctx.uow(write=False) as uow:
        s = uow.session
        completed_events = Counter(str(e) for e in s.execute(
            select(AuditEvent.task_id).where(AuditEvent.event_type == "task_completed")).scalars())
        rows = {str(t.id): t for t in s.execute(select(HumanTask).where(HumanTask.element_id == "register_petition"))
                .scalars()}
        versions = dict(s.execute(select(ProcessInstance.id, ProcessInstance.version)).all())
        for task_id in task_ids:
            row = rows[task_id]
            if task_id in acknowledged:
                assert row.status == "completed" and completed_events[task_id] == 1, (task_id, outcomes[task_id])
            else:  # never acknowledged (a 409 after a 503 whose commit got through): whole, once
                assert row.status == "completed" and completed_events[task_id] == 1, (task_id, outcomes[task_id])
            assert versions[row.instance_id] >= 2
        assert s.execute(select(func.count(HumanTask.id)).where(
            HumanTask.element_id == "classify_petition")).scalar_one() == len(task_ids)  # each moved on once
    assert audit.verify_trail(ctx).ok
    ctx.db.dispose()
