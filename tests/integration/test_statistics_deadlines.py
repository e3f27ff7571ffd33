"""A complaint is resolved in time by the TT02 statistics when it closed by its own statutory deadline (working
days, extensions included), the one its handlers worked to, not by a flat number of calendar days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from service.domain import statistics
from service.store.petition_tables import Petition
from service.usecases.context import Context
from tests.integration.department import Department

PLAN = "000_sonla_khcn_2022.toml"


def _set(dept: Department, petition_id: object, **values: object) -> None:
    with dept.ctx.uow() as uow:
        uow.session.execute(update(Petition).where(Petition.id == petition_id).values(**values))
        uow.commit()


def test_a_complaint_closed_after_its_statutory_deadline_is_late_even_within_forty_days(
        ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, PLAN, monkeypatch)
    received = datetime(2022, 3, 1, 2, 0, tzinfo=UTC)
    late, kept = (dept.submit(date(2022, 3, 1), "khieu_nai", source="citizen", field="science",
                              title=f"Khiếu nại quyết định {x}", content=f"Nội dung khiếu nại {x}",
                              petitioner_name="Nguyễn Văn An") for x in "AB")
    for info, closed in ((late, received + timedelta(days=35)), (kept, received + timedelta(days=20))):
        # accepted; its deadline 30 days after receipt; closed 35 (late) and 20 days (in time) after receipt,
        # both within the flat 40 calendar days the plan's [statistics] gives a petition without a deadline
        _set(dept, info.id, handling_result="thu_ly", deadline_at=received + timedelta(days=30), closed_at=closed,
             stage="closed")
    found = statistics.for_period(dept.ctx, dept.staff("director"), "year", 2022)
    complaints = next(r for r in found.resolution if "khieu_nai" in next(
        t.codes for t in found.types if t.label == r.label))
    assert (complaints.resolved_in_time, complaints.resolved_late) == (1, 1)

    _set(dept, late.id, deadline_at=None)  # a petition recorded before deadlines were kept: the plan's 40 days
    found = statistics.for_period(dept.ctx, dept.staff("director"), "year", 2022)
    complaints = next(r for r in found.resolution if r.label == complaints.label)
    assert (complaints.resolved_in_time, complaints.resolved_late) == (2, 0)
