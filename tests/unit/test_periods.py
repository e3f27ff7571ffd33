"""TT 02/2021/TT-TTCP periods tile the calendar: every day is in exactly one quarter, quarters meet end to
start, the longer periods are unions of the quarters from the first, and no day falls between two years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import periods
from service.plan_format import parse_plan
from service.usecases.errors import Invalid
from tests.conftest import BPMN

DAYS = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))
CUTOFFS = st.integers(min_value=1, max_value=28)


@settings(max_examples=400, deadline=None)
@given(day=DAYS, cutoff=CUTOFFS)
def test_every_day_is_in_exactly_one_quarter(day: date, cutoff: int) -> None:
    quarter = periods.quarter_of(day, cutoff)
    assert quarter.contains(day)
    years = (day.year, day.year + 1)
    holding = [(y, k) for y in years for k in ("q1", "q2", "q3", "q4") if periods.period(k, y, cutoff).contains(day)]
    assert holding == [(quarter.year, quarter.kind)]
    annual = [y for y in years if periods.period("year", y, cutoff).contains(day)]
    assert annual == [quarter.year]


@settings(max_examples=200, deadline=None)
@given(year=st.integers(min_value=2001, max_value=2099), cutoff=CUTOFFS)
def test_quarters_meet_end_to_start_and_longer_periods_are_their_unions(year: int, cutoff: int) -> None:
    quarters = [periods.period(f"q{q}", year, cutoff) for q in (1, 2, 3, 4)]
    following = periods.period("q1", year + 1, cutoff)
    for before, after in zip([*quarters], [*quarters[1:], following], strict=True):
        assert before.end + timedelta(days=1) == after.start
        assert after.previous_end == before.end
    for kind, last in (("h1", 1), ("m9", 2), ("year", 3)):
        longer = periods.period(kind, year, cutoff)
        assert (longer.start, longer.end) == (quarters[0].start, quarters[last].end)
    year_period = periods.period("year", year, cutoff)
    assert year_period.end + timedelta(days=1) == periods.period("year", year + 1, cutoff).start
    assert sum((q.end - q.start).days + 1 for q in quarters) == (year_period.end - year_period.start).days + 1


def test_tt02_default_runs_from_15_december_to_14_december() -> None:
    year = periods.period("year", 2022)
    assert (year.start, year.end) == (date(2021, 12, 15), date(2022, 12, 14))
    assert periods.quarter_of(date(2022, 12, 20)).year == 2023  # 6-31 December is the next year's, never lost
    assert periods.period("h1", 2022).end == date(2022, 6, 14)
    assert periods.period("m9", 2022).end == date(2022, 9, 14)


def test_a_bad_kind_or_cutoff_is_refused() -> None:
    with pytest.raises(Invalid):
        periods.period("q5", 2022)
    with pytest.raises(Invalid):
        periods.period("q1", 2022, 30)


@pytest.mark.parametrize("plan_file", sorted(p.name for p in (BPMN / "plans").glob("*.toml")))
def test_seed_plans_name_a_cutoff_and_their_reports_leave_no_day_out(plan_file: str) -> None:
    plan = parse_plan((BPMN / "plans" / plan_file).read_bytes(), plan_file)
    stats = plan["statistics"]
    assert stats["cutoff_day"] == 14 and stats["assumed"] is True  # TT02's cut-off; no seed names its own
    annual = [r for r in plan["reports"] if r["period_end"].month >= 11]
    for report in annual:  # the year's report starts the day after last year's report of the same kind ended
        end = report["period_end"]
        assert report["period_start"] == date(end.year - 1, end.month, end.day) + timedelta(days=1)


def test_a_plan_without_statistics_gets_tt02_defaults() -> None:
    text = (BPMN / "plans" / "001_hagiang_khcn_2023.toml").read_text(encoding="utf-8")
    start = text.index("[statistics]")
    stripped = text[:start] + text[text.index("[[units]]"):]
    plan = parse_plan(stripped.encode(), "plan.toml")
    assert plan["statistics"]["cutoff_day"] == 14 and plan["statistics"]["assumed"] is False
