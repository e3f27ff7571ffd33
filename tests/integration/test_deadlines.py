"""Deadlines as data: due dates on the task list, holidays skipped, reminders and escalations fired by the worker."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from service.cli import main
from service.store.tables import AuditEvent, HumanTask
from service.usecases import audit, deadlines, instances
from service.usecases.context import Context
from service.usecases.errors import Conflict, Forbidden, NotFound
from tests.conftest import ADMIN, AGENCY, actor
from tests.integration.diagrams import deploy, running_worker, wait_until

OFFICE = actor("vanphong", "office")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _tasks(ctx: Context, instance_id: object) -> dict[str, HumanTask]:
    with ctx.uow(write=False) as uow:
        rows = uow.session.execute(select(HumanTask).where(HumanTask.instance_id == instance_id)).scalars()
        return {r.element_id: r for r in rows}


def _expected_working(created: datetime, days: int, holidays: set[date]) -> datetime:
    """Walk the calendar by hand: the `days`-th weekday after the creation day that is not a holiday."""
    local = created.astimezone(ZONE)
    day = local.date()
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            days -= 1
    return datetime.combine(day, local.time(), ZONE)


def _next_weekday(after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_due_dates_reminder_and_escalation(ctx: Context) -> None:
    deploy(ctx, "deadline_review")
    today = datetime.now(ZONE).date()
    province = _next_weekday(today)
    own = _next_weekday(province)
    deadlines.add_holiday(ctx, ADMIN, province, "Giỗ Tổ Hùng Vương")
    deadlines.add_holiday(ctx, ADMIN, own, "Ngày thành lập Sở", agency=AGENCY)
    with pytest.raises(Conflict):
        deadlines.add_holiday(ctx, ADMIN, province, "again")
    with pytest.raises(Forbidden):
        deadlines.add_holiday(ctx, OFFICE, today, "not an admin")

    started = instances.start_instance(ctx, OFFICE, "deadline_review", {
        "remind_after": "PT1S", "escalate_after": "PT2S", "follow_up_deadline": "P1D"})
    review = _tasks(ctx, started.id)["review"]
    assert review.due_at is not None
    assert review.due_at == _expected_working(review.created_at, 5, {province, own})
    assert review.due_at > _expected_working(review.created_at, 5, set())  # the holidays pushed it back

    with running_worker(ctx):
        assert wait_until(lambda: "follow_up" in _tasks(ctx, started.id), timeout=15)
    tasks = _tasks(ctx, started.id)
    assert tasks["review"].status == "ready"  # the boundary timers do not interrupt the review
    follow_up = tasks["follow_up"]
    assert follow_up.lane == "director" and follow_up.due_at == follow_up.created_at + timedelta(days=1)

    with ctx.uow(write=False) as uow:
        fired = list(uow.session.execute(select(AuditEvent.element_id, AuditEvent.actor).where(
            AuditEvent.instance_id == started.id, AuditEvent.event_type == "timer_fired")
            .order_by(AuditEvent.seq)))
        assert [tuple(f) for f in fired] == [("remind", "system"), ("escalate", "system")]
        assert audit.verify(uow.session).ok

    assert deadlines.overdue_tasks(ctx, ADMIN) == []
    later = follow_up.due_at + timedelta(seconds=1)
    assert [t.element_id for t in deadlines.overdue_tasks(ctx, ADMIN, now=later)] == ["follow_up"]
    overdue = deadlines.overdue_tasks(ctx, ADMIN, now=review.due_at + timedelta(seconds=1))
    assert [t.element_id for t in overdue] == ["follow_up", "review"]
    assert deadlines.is_overdue(overdue[1], review.due_at + timedelta(seconds=1))
    assert not deadlines.is_overdue(overdue[1], review.due_at - timedelta(seconds=1))

    deadlines.remove_holiday(ctx, ADMIN, own, agency=AGENCY)
    with pytest.raises(NotFound):
        deadlines.remove_holiday(ctx, ADMIN, own, agency=AGENCY)
    assert [(h.day, h.agency) for h in deadlines.list_holidays(ctx)] == [(province, None)]
    assert _tasks(ctx, started.id)["review"].due_at == review.due_at  # set once, when the task was created


def test_holiday_and_incident_commands(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PETITIONFLOW_DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(main, ["holiday", "add", "2026-09-02", "Quốc khánh"])
    assert added.exit_code == 0 and "added: 2026-09-02 Quốc khánh (province-wide)" in added.output, added.output
    listed = runner.invoke(main, ["holiday", "list", "--year", "2026"])
    assert listed.output.splitlines() == ["2026-09-02\tprovince\tQuốc khánh"]
    bad = runner.invoke(main, ["holiday", "add", "2026-13-45", "x"])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: '2026-13-45' is not a date")
    assert runner.invoke(main, ["holiday", "remove", "2026-09-02"]).exit_code == 0
    assert runner.invoke(main, ["holiday", "list"]).output == ""
    assert runner.invoke(main, ["incident", "list"]).output == ""
    missing = runner.invoke(main, ["incident", "retry", "999"])
    assert missing.exit_code == 1 and missing.stderr.strip() == "error: incident 999 does not exist"
