"""Deadlines from ISO durations, in calendar days and in working days (weekends and holidays skipped)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from service.usecases.calendar import Duration, add_working_days, due_after, parse_duration, task_due_at

HANOI = "Asia/Ho_Chi_Minh"


def test_parse_duration() -> None:
    assert parse_duration("P5D") == Duration(days=5)
    assert parse_duration("p1y2m3w4dt5h6m7.5s") == Duration(1, 2, 3, 4, 5, 6, 7.5)
    assert parse_duration("PT4H") == Duration(hours=4)
    for bad in ("", "P", "5D", "PT", "P1H", "P1DT", "P-1D", "P1.5D", "P99999D", "'P5D'"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_working_days_skip_weekends_and_holidays() -> None:
    friday = date(2026, 4, 24)
    assert add_working_days(friday, 1, ()) == date(2026, 4, 27)  # Monday
    # 30 April and 1 May are holidays in Việt Nam: Friday + 5 working days skips them and the weekend
    holidays = {date(2026, 4, 30), date(2026, 5, 1)}
    assert add_working_days(friday, 5, holidays) == date(2026, 5, 5)
    assert add_working_days(friday, 0, holidays) == friday
    saturday = date(2026, 4, 25)
    assert add_working_days(saturday, 1, ()) == date(2026, 4, 27)


def test_due_after_counts_days_in_the_local_time_zone() -> None:
    # Friday 23:30 in Hà Nội is Friday 16:30 UTC: one working day later is Monday 23:30 there
    start = datetime(2026, 4, 24, 16, 30, tzinfo=UTC)
    assert due_after(start, "P1D", working=True, zone=HANOI) == datetime(2026, 4, 27, 16, 30, tzinfo=UTC)
    # 17:30 UTC on Friday is already Saturday 00:30 in Hà Nội: the next working day is Monday 00:30 there
    late = datetime(2026, 4, 24, 17, 30, tzinfo=UTC)
    assert due_after(late, "P1D", working=True, zone=HANOI) == datetime(2026, 4, 26, 17, 30, tzinfo=UTC)
    assert due_after(late, "P1D", working=True, zone="UTC") == datetime(2026, 4, 27, 17, 30, tzinfo=UTC)
    assert due_after(late, "P1D", zone=HANOI) == datetime(2026, 4, 25, 17, 30, tzinfo=UTC)
    assert due_after(late, "P1W", working=True, zone=HANOI) == datetime(2026, 4, 30, 17, 30, tzinfo=UTC)
    assert due_after(late, "P1W", zone=HANOI) == datetime(2026, 5, 1, 17, 30, tzinfo=UTC)


def test_due_after_months_and_time() -> None:
    start = datetime(2026, 1, 31, 3, 0, tzinfo=UTC)
    assert due_after(start, "P1M", zone=HANOI) == datetime(2026, 2, 28, 3, 0, tzinfo=UTC)
    assert due_after(start, "PT36H", zone=HANOI) == datetime(2026, 2, 1, 15, 0, tzinfo=UTC)
    assert due_after(start, "P1DT2H", working=True, zone=HANOI) == datetime(2026, 2, 2, 5, 0, tzinfo=UTC)


def test_task_due_at_from_properties_and_data() -> None:
    created = datetime(2026, 4, 24, 2, 0, tzinfo=UTC)
    props = {"dueIn": "P2D", "dueInVariable": "deadline", "dueDays": "working"}
    assert task_due_at(props, {}, created, zone=HANOI) == datetime(2026, 4, 28, 2, 0, tzinfo=UTC)
    assert task_due_at(props, {"deadline": "P1D"}, created, zone=HANOI) == datetime(2026, 4, 27, 2, 0, tzinfo=UTC)
    assert task_due_at({"dueIn": "P2D"}, {}, created, zone=HANOI) == datetime(2026, 4, 26, 2, 0, tzinfo=UTC)
    assert task_due_at({"formKey": "x"}, {}, created) is None
    assert task_due_at({"dueInVariable": "deadline"}, {"deadline": "soon"}, created) is None
