"""The reports a seed plan owes: each one drafted on its date with figures from the register, checked."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from service.domain import plans
from service.store.tables import Agency, ProcessInstance
from service.usecases import instances, timers
from tests.integration.department import Department


def _report_instances(dept: Department) -> list[ProcessInstance]:
    with dept.ctx.uow(write=False) as uow:
        agency_id = uow.session.execute(select(Agency.id).where(Agency.code == dept.agency)).scalar_one()
        return list(uow.session.execute(select(ProcessInstance).where(
            ProcessInstance.agency_id == agency_id, ProcessInstance.business_key.like(f"{dept.plan['code']}:%"))
            .order_by(ProcessInstance.business_key)).scalars())


def run_reports(dept: Department, expected_reports: int) -> None:
    """Draft, approve and send every report of the plan; its figures must match the petitions received."""
    rows = _report_instances(dept)
    unit_runs = [key for key, start in plans.report_runs(dept.plan) if start["drafter_role"] == "units"]
    assert len(rows) == expected_reports == len(plans.report_runs(dept.plan))
    for row in [r for r in rows if r.business_key in unit_runs]:
        _unit_reports_to_the_office(dept, row)
    rows = [r for r in rows if r.business_key not in unit_runs]
    office_reports = [r for r in dept.plan["reports"] if r["drafter"] != "units"]
    for row, report in zip(rows, sorted(office_reports, key=lambda r: r["due"]), strict=True):
        assert row.business_key == f"{dept.plan['code']}:{report['due']}"
        due = date.fromisoformat(report["due"])
        dept.at(due)
        timers.fire_next_due(dept.ctx, datetime.now(UTC))  # the drafting date is long past: the timer fires
        drafter = f"draft_report_{report['drafter']}"
        assert [t.element_id for t in dept.ready(row.id)] == [drafter]
        dept.step(row.id, drafter, {"report_text": f"{report['name']}: kết quả tiếp nhận, giải quyết kiến nghị.",
                                    "figures_confirmed": True})
        dept.step(row.id, "approve_report", {"report_decision": "approve"})
        dept.step(row.id, "send_report", {"sent_on": due.isoformat(), "sent_to": "; ".join(report["recipients"])})
        info = instances.get_instance(dept.ctx, dept.staff("director"), row.id)
        assert info.status == "completed"
        figures = _figures_sent(dept, row)
        start, end = date.fromisoformat(report["period_start"]), date.fromisoformat(report["period_end"])
        inside = [p for p in dept.received if start <= p.submitted_at.date() <= end]
        assert figures["received"] == len(inside), (report["name"], figures)
        assert sum(figures["by_source"].values()) == len(inside)
        closed = [p for p in inside if (dept.petition(p).closed_at or datetime.max.replace(tzinfo=UTC)).date() <= end]
        assert figures["closed"] == len(closed) and figures["open"] == len(inside) - len(closed)


def _unit_reports_to_the_office(dept: Department, row: ProcessInstance) -> None:
    """A unit's own report (plan 003): the unit drafts it and sends it to the Office; no approval upward."""
    due = date.fromisoformat(str(row.business_key).split(":")[1])
    dept.at(due)
    timers.fire_next_due(dept.ctx, datetime.now(UTC))
    [task] = dept.ready(row.id)
    assert task.element_id == "draft_report_unit" and task.candidate_role == "unit"
    assert task.unit_code == str(row.business_key).split(":")[2]
    dept.step(row.id, "draft_report_unit", {"report_text": f"Báo cáo của đơn vị {task.unit_code}",
                                            "sent_on": due.isoformat()})
    assert instances.get_instance(dept.ctx, dept.staff("director"), row.id).status == "completed"


def _figures_sent(dept: Department, row: ProcessInstance) -> dict[str, object]:
    from service.store.tables import AuditEvent

    with dept.ctx.uow(write=False) as uow:
        submitted = uow.session.execute(select(AuditEvent.data).where(
            AuditEvent.instance_id == row.id, AuditEvent.event_type == "task_completed",
            AuditEvent.element_id.like("draft_report_%"))).scalar_one()
    figures: dict[str, object] = submitted["submitted"]["figures"]
    return figures
