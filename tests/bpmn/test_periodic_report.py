"""Every path of `bpmn/periodic_report.bpmn`: waiting for the drafting date, both drafters, the return loop."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.bpmn.walk import Walk, gateway_targets, kinds

FIGURES = {"received": 42, "resolved": 39, "dialogues": 1, "escalated": 2}


def start_data(**changes: object) -> dict[str, object]:
    return {"period_start": "2019-01-01", "period_end": "2019-06-15", "due_date": "2019-06-20",
            "recipients": ["Ban Dân vận Tỉnh ủy", "Sở Nội vụ"], "drafter_role": "inspectorate",
            "figures": FIGURES, **changes}


def starts(data: dict[str, object]) -> datetime:
    """The drafting start as local wall-clock time; it is stored with its UTC offset."""
    moment = datetime.fromisoformat(str(data["drafting_starts_at"]))
    assert moment.tzinfo is not None
    return moment.astimezone().replace(tzinfo=None)


def approve_and_send(walk: Walk) -> dict[str, object]:
    walk.complete("approve_report", {"report_decision": "approve"})
    assert gateway_targets(walk.last, "gw_approve") == [["send_report"]]
    assert walk.task("send_report").lane == "office"
    walk.complete("send_report", {"sent_on": "2019-06-18", "sent_to": "Ban Dân vận Tỉnh ủy; Sở Nội vụ"})
    assert kinds(walk.last, "instance_completed")
    return walk.final_data()


def test_inspectorate_drafts_when_the_due_date_is_near() -> None:
    walk = Walk("periodic_report.bpmn", start_data())  # due in the past: drafting starts at once
    assert [e.element_id for e in kinds(walk.last, "timer_fired")] == ["wait_drafting"]
    assert gateway_targets(walk.last, "gw_drafter") == [["draft_report_inspectorate"]]
    task = walk.task("draft_report_inspectorate")
    assert task.lane == "inspectorate"
    assert starts(task.data) == datetime(2019, 6, 10) and task.data["lead_days"] == 10
    assert task.data["figures"] == FIGURES and "lead" not in task.data
    walk.complete("draft_report_inspectorate", {"report_text": "Báo cáo 6 tháng đầu năm 2019.",
                                                "figures_confirmed": True})
    assert walk.task("approve_report").lane == "director"
    final = approve_and_send(walk)
    assert final["report_text"] == "Báo cáo 6 tháng đầu năm 2019." and final["recipients"][1] == "Sở Nội vụ"


def test_office_drafts_and_a_returned_report_goes_back_to_the_same_drafter() -> None:
    walk = Walk("periodic_report.bpmn", start_data(drafter_role="office", due_date="2021-11-11", lead_days=5))
    assert walk.ready() == ["draft_report_office"]
    assert starts(walk.data("draft_report_office")) == datetime(2021, 11, 6)
    walk.complete("draft_report_office", {"report_text": "v1"})
    walk.complete("approve_report", {"report_decision": "return", "approval_note": "Bổ sung số liệu quý III"})
    assert gateway_targets(walk.last, "gw_approve") == [["gw_drafter"]]
    assert gateway_targets(walk.last, "gw_drafter") == [["draft_report_office"]]
    assert walk.data("draft_report_office")["approval_note"] == "Bổ sung số liệu quý III"
    assert walk.last.events and not kinds(walk.last, "timer_fired")  # no second wait for the date
    walk.complete("draft_report_office", {"report_text": "v2", "figures_confirmed": True})
    assert approve_and_send(walk)["report_text"] == "v2"


def test_drafting_waits_for_its_date() -> None:
    due = datetime.now() + timedelta(seconds=0.3)
    walk = Walk("periodic_report.bpmn", start_data(due_date=due.isoformat(), lead_days=0))
    assert walk.ready() == [] and not walk.completed
    next_at = walk.instance.snapshot().next_timer_at
    assert next_at is not None and abs((next_at - due.astimezone()).total_seconds()) < 1
    assert walk.fire_after(0).events == ()  # not yet due
    assert walk.ready() == []
    fired = walk.fire_after(0.4)
    assert [e.element_id for e in kinds(fired, "timer_fired")] == ["wait_drafting"]
    assert walk.ready() == ["draft_report_inspectorate"]
    walk.complete("draft_report_inspectorate", {"report_text": "Báo cáo năm."})
    approve_and_send(walk)


@pytest.mark.parametrize("due", ["2024-12-10", "2024-12-10T17:00:00"])
def test_due_date_may_be_a_date_or_a_moment(due: str) -> None:
    walk = Walk("periodic_report.bpmn", start_data(due_date=due, lead_days=1))
    assert starts(walk.data("draft_report_inspectorate")).date() == date(2024, 12, 9)


def test_each_unit_reports_to_the_office_and_no_one_approves_upward() -> None:
    """Plan 003: the units report to the department through its Office; that report ends with the Office."""
    data = start_data(drafter_role="units", assigned_unit="science", recipients=["Văn phòng Sở"],
                      due_date="2021-06-11", period_start="2021-01-01", period_end="2021-06-05")
    walk = Walk("periodic_report.bpmn", data)
    assert gateway_targets(walk.last, "gw_drafter") == [["draft_report_unit"]]
    assert walk.ready() == ["draft_report_unit"] and walk.task("draft_report_unit").lane == "unit"
    walk.complete("draft_report_unit", {"report_text": "Phòng Quản lý khoa học báo cáo 6 tháng.",
                                        "sent_on": "2021-06-10"})
    assert kinds(walk.last, "instance_completed")
    assert walk.ready() == []
