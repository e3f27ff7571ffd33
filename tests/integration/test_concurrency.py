"""Two people complete the same task at the same moment: one wins, the other is told so."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from service.store.tables import AuditEvent, HumanTask, ProcessInstance
from service.usecases import audit, instances
from service.usecases.context import Context
from service.usecases.errors import Conflict
from tests.conftest import actor, deploy_sample, make_context
from workflows.engine import Instance

RECEPTION = actor("tiepnhan", "reception")
OTHER = actor("tiepnhan2", "reception")


def _race(ctx: Context, task_id: uuid.UUID) -> dict[str, Any]:
    """Run two completions in two threads (each with its own sessions); return what each got."""
    outcome: dict[str, Any] = {}
    start = threading.Barrier(2, timeout=20)

    def complete(who: Any, title: str) -> None:
        start.wait()
        try:
            outcome[who.username] = instances.complete_task(ctx, who, task_id, {"title": title})
        except Conflict as exc:
            outcome[who.username] = exc

    threads = [threading.Thread(target=complete, args=(RECEPTION, "from tiepnhan")),
               threading.Thread(target=complete, args=(OTHER, "from tiepnhan2"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a completion hung"
    return outcome


def _check_one_winner(ctx: Context, instance_id: uuid.UUID, task_id: uuid.UUID, outcome: dict[str, Any]) -> None:
    winners = [name for name, got in outcome.items() if not isinstance(got, Exception)]
    losers = [got for got in outcome.values() if isinstance(got, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcome
    winner = winners[0]
    assert losers[0].by == winner and losers[0].at is not None
    assert winner in str(losers[0])
    with ctx.uow(write=False) as uow:
        s = uow.session
        row = s.get(ProcessInstance, instance_id)
        task = s.get(HumanTask, task_id)
        assert row is not None and task is not None
        assert task.completed_by == winner and row.version == 2
        state = json.loads(row.state)
        titles = {t["data"].get("title") for t in state["tasks"].values() if t.get("data")} | {
            t["delta"]["updates"].get("title") for t in state["tasks"].values() if t.get("delta")}
        loser = "tiepnhan2" if winner == "tiepnhan" else "tiepnhan"
        assert f"from {winner}" in titles and f"from {loser}" not in titles
        completed = s.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.instance_id == instance_id, AuditEvent.event_type == "task_completed")).scalar_one()
        assert completed == 1
        assert audit.verify(s).ok


def test_two_concurrent_completions(ctx: Context) -> None:
    deploy_sample(ctx)
    started = instances.start_instance(ctx, RECEPTION, "intake_review", {})
    task_id = started.open_tasks[0].id
    _check_one_winner(ctx, started.id, task_id, _race(ctx, task_id))


@pytest.mark.postgres
def test_both_read_before_either_writes_postgres(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the worst interleaving: both commands have restored the same version before either saves."""
    ctx = make_context(postgres_url)
    try:
        deploy_sample(ctx)
        started = instances.start_instance(ctx, RECEPTION, "intake_review", {})
        task_id = started.open_tasks[0].id
        both_read = threading.Barrier(2, timeout=20)
        original: Callable[..., Any] = Instance.complete_task

        def wait_then_complete(self: Instance, tid: str, data: Any) -> Any:
            both_read.wait()
            return original(self, tid, data)

        monkeypatch.setattr(Instance, "complete_task", wait_then_complete)
        _check_one_winner(ctx, started.id, task_id, _race(ctx, task_id))
    finally:
        ctx.db.dispose()
