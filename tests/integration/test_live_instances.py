"""Live instances kept between commands: used only at the version their commit left, gone after a failure."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from service.store.tables import HumanTask, ProcessInstance
from service.usecases import instances, live, tasks
from service.usecases.context import Context
from service.usecases.errors import Invalid, StaleVersion
from tests.conftest import actor, deploy_sample

RECEPTION = actor("tiepnhan", "reception")
OFFICE = actor("vanphong", "office")
REGISTER = {"title": "Đường hỏng", "source": "citizen", "content": "..."}


def _ready(ctx: Context, instance_id: uuid.UUID) -> uuid.UUID:
    with ctx.uow(write=False) as uow:
        return uow.session.execute(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "ready")).scalar_one()


@pytest.fixture
def restores(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    counted: list[str] = []
    real = instances._restore

    def counting(model: Any, state: str) -> Any:
        counted.append(state)
        return real(model, state)

    monkeypatch.setattr(instances, "_restore", counting)
    live.clear()
    return counted


def test_the_next_command_takes_the_live_instance_instead_of_restoring(ctx: Context, restores: list[str]) -> None:
    deploy_sample(ctx)
    started = instances.start_instance(ctx, RECEPTION, "intake_review", {})
    tasks.complete(ctx, RECEPTION, _ready(ctx, started.id), REGISTER)
    info = tasks.complete(ctx, OFFICE, _ready(ctx, started.id), {"field": "science", "urgency": "high"})
    assert restores == [] and info.instance_status == "running"


def test_a_change_made_elsewhere_moves_the_version_and_the_state_is_restored(
    ctx: Context, restores: list[str],
) -> None:
    deploy_sample(ctx)
    started = instances.start_instance(ctx, RECEPTION, "intake_review", {})
    with ctx.uow() as uow:  # another process (a worker, another server) writes the row
        row = uow.session.get(ProcessInstance, started.id)
        assert row is not None
        row.updated_at = row.updated_at
        row.business_key = "KN-9"
        uow.commit()
    tasks.complete(ctx, RECEPTION, _ready(ctx, started.id), REGISTER)
    assert len(restores) == 1


def test_a_failed_command_leaves_nothing_live(ctx: Context, restores: list[str]) -> None:
    deploy_sample(ctx)
    started = instances.start_instance(ctx, RECEPTION, "intake_review", {})
    task_id = _ready(ctx, started.id)
    with pytest.raises(StaleVersion):
        instances.complete_task(ctx, RECEPTION, task_id, REGISTER, expected_version=99)
    assert restores == []  # refused before the engine was needed: still live
    with pytest.raises(Invalid):  # refused by the form: nothing taken
        tasks.complete(ctx, RECEPTION, task_id, {"unknown_field": 1})

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    original = instances.persist
    instances.persist = broken  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError):
            instances.complete_task(ctx, RECEPTION, task_id, REGISTER)
    finally:
        instances.persist = original
    assert restores == []
    tasks.complete(ctx, RECEPTION, task_id, REGISTER)  # the failed step's instance was not put back
    assert len(restores) == 1
