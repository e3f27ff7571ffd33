"""The lean write path (issue 17) keeps the rules it replaced: a task no longer ready is not completed over,
and what a unit of work reads once (holidays) is read again by the next one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select, update

from service.store.tables import Agency, Holiday, HumanTask, ProcessInstance
from service.usecases import instances, projection
from service.usecases.context import Context
from service.usecases.errors import Conflict
from tests.conftest import AGENCY, actor, deploy_sample, make_context
from workflows.engine import Instance

RECEPTION = actor("tiepnhan", "reception")


def _agency_id(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.session.execute(select(Agency.id).where(Agency.code == AGENCY)).scalar_one())


def _add_holiday(ctx: Context, agency_id: int, day: date) -> None:
    with ctx.uow() as uow:
        uow.session.add(Holiday(agency_id=agency_id, day=day, name="Nghỉ bù"))
        uow.commit()


def test_holidays_are_read_once_per_unit_of_work_and_again_by_the_next(ctx: Context) -> None:
    agency_id = _agency_id(ctx)
    _add_holiday(ctx, agency_id, date(2026, 4, 30))
    _add_holiday(ctx, agency_id, date(2026, 9, 2))
    reads: list[str] = []
    event.listen(ctx.db.engine, "before_cursor_execute",
                 lambda _c, _k, sql, *_: reads.append(sql) if "FROM holidays" in sql else None)
    with ctx.uow() as uow:
        s = uow.session
        assert projection.holidays_from(s, agency_id, date(2026, 5, 1)) == {date(2026, 9, 2)}
        assert projection.holidays_from(s, agency_id, date(2026, 9, 3)) == set()  # a later start: filtered
        assert len(reads) == 1
        assert projection.holidays_from(s, agency_id, date(2026, 1, 1)) == {date(2026, 4, 30), date(2026, 9, 2)}
        assert len(reads) == 2  # an earlier start than was read: read again
        uow.commit()
        assert "holidays_from" not in s.info  # the transaction's reads go with it
    _add_holiday(ctx, agency_id, date(2026, 1, 2))  # a holiday the admin adds is counted by the next step
    with ctx.uow(write=False) as uow:
        assert date(2026, 1, 2) in projection.holidays_from(uow.session, agency_id, date(2026, 1, 1))
    assert len(reads) == 3


@pytest.mark.postgres
def test_a_task_cancelled_while_its_completion_runs_is_not_completed_over(postgres_url: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The completion reads the task as ready; before it writes, another transaction takes the task out of
    the list (PostgreSQL lets it: the completion holds no lock yet). The completion is refused as a lost
    race and writes nothing, where the ORM's flush used to mark the cancelled task completed."""
    ctx = make_context(postgres_url)
    try:
        deploy_sample(ctx)
        started = instances.start_instance(ctx, RECEPTION, "intake_review", {})
        task_id = started.open_tasks[0].id
        original: Any = Instance.complete_task

        def cancelled_meanwhile(self: Instance, tid: str, data: Any) -> Any:
            with ctx.db.engine.begin() as other:
                other.execute(update(HumanTask).where(HumanTask.id == task_id).values(status="cancelled"))
            return original(self, tid, data)

        monkeypatch.setattr(Instance, "complete_task", cancelled_meanwhile)
        with pytest.raises(Conflict):
            instances.complete_task(ctx, RECEPTION, task_id, {"title": "Đơn đề nghị"})
        with ctx.uow(write=False) as uow:
            task = uow.session.get_one(HumanTask, task_id)
            inst = uow.session.get_one(ProcessInstance, started.id)
            assert (task.status, task.completed_by) == ("cancelled", None)
            assert inst.version == started.version  # nothing of the step was written
    finally:
        ctx.db.dispose()
