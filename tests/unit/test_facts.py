"""The date and link rules on their own."""

from __future__ import annotations

from datetime import date

from service.usecases import facts

NOW = date(2026, 11, 30)


def test_event_dates_are_not_in_the_future_nor_before_receipt() -> None:
    assert facts.event_problems({"received_on": "2031-01-05"}, {}, NOW) == {"received_on": [facts.FUTURE]}
    assert facts.event_problems({"received_on": "2026-11-30"}, {}, NOW) == {}
    early = facts.event_problems({"escalated_on": "2026-10-01"}, {"received_on": "2026-10-05"}, NOW)
    assert early == {"escalated_on": [facts.BEFORE_RECEIVED.format(day="2026-10-05")]}
    assert facts.event_problems({"planned_date": "2027-03-01"}, {}, NOW) == {}  # a plan may lie ahead


def test_links_are_http_or_https_only() -> None:
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "ftp://a.b", "//a.b/x", "a.b/x",
                "http://", "https://a b.vn"):
        assert facts.event_problems({"plan_url": bad}, {}, NOW) == {"plan_url": [facts.NOT_A_LINK]}, bad
    for good in ("https://so.gov.vn/dt", "http://portal.hagiang.gov.vn/kq?id=3"):
        assert facts.event_problems({"plan_url": good}, {}, NOW) == {}, good


def test_planned_quarter_and_date_agree() -> None:
    assert "planned_date" in facts.event_problems({"planned_quarter": "Q2", "planned_date": "2026-12-10"}, {}, NOW)
    assert facts.event_problems({"planned_quarter": "Q4", "planned_date": "2026-12-10"}, {}, NOW) == {}
    assert facts.plan_problems(2, date(2019, 5, 10), NOW) == {"planned_on": [facts.PAST_YEAR.format(year=2026)]}
    assert "planned_on" in facts.plan_problems(2, date(2026, 12, 10), NOW)
    assert facts.plan_problems(1, None, NOW) == {}
    assert facts.event_problems({"planned_quarter": "Q2", "planned_date": "2019-05-10"}, {}, NOW) == {
        "planned_date": [facts.PAST_YEAR.format(year=2026)]}
    assert facts.plan_problems(4, None, NOW) == {} == facts.plan_problems(4, date(2026, 12, 10), NOW)


def test_outcomes_wait_for_the_planned_day() -> None:
    problems = facts.event_problems({"held_on": "2026-11-30"}, {"planned_date": "2026-12-18"}, NOW)
    assert problems == {"held_on": [facts.NOT_HELD_YET.format(day="2026-12-18")]}
    assert facts.event_problems({"held_on": "2026-12-18"}, {"planned_date": "2026-12-18"}, NOW) == {
        "held_on": [facts.FUTURE]}
