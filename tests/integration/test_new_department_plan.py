"""A plan for a department none of the seeds is (plan 005, Natural Resources and Environment) runs its
year with no code change: its own fields and units in the forms, its routing, its two periodic
dialogues, its report dates and its reception days."""

from __future__ import annotations

from datetime import date

import pytest

from service import plan_rules
from service.domain import dialogues, plans
from service.usecases import tasks
from service.usecases.context import Context
from service.usecases.errors import Invalid
from service.usecases.task_queries import get_task
from tests.integration.department import Department, consolidate, finish_outcome, hold_dialogue
from tests.integration.reporting import run_reports

PLAN = "005_thainguyen_tnmt_2024.toml"


def _assign_as_director(dept: Department, p: object, unit: str) -> None:
    [task] = [t for t in dept.ready(p.instance_id) if t.element_id == "assign_unit"]  # type: ignore[attr-defined]
    tasks.complete(dept.ctx, dept.staff("director"), task.id, {"assigned_unit": unit, "draft_deadline": "P15D"})


def test_the_natural_resources_department_runs_its_year(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, PLAN, monkeypatch)
    assert dept.agency == "thainguyen-tnmt"
    land = dept.submit(date(2024, 3, 4), source="citizen", field="compensation",
                       title="Bồi thường khi thu hồi đất làm đường", content="Đề nghị xem xét lại đơn giá bồi thường.",
                       petitioner_name="Ông Nguyễn Văn Hùng")
    mine = dept.submit(date(2024, 4, 8), source="organisation", field="minerals", title="Khai thác cát trái phép",
                       content="Hợp tác xã phản ánh khai thác cát trên sông Cầu.", petitioner_name="HTX Tân Cương")
    staff = dept.submit(date(2024, 9, 9), source="staff", field="administration", title="Quy trình luân chuyển hồ sơ",
                        content="Đề nghị rút ngắn quy trình luân chuyển hồ sơ đất đai.",
                        petitioner_name="Viên chức Văn phòng Đăng ký")

    # routing: citizens' and organisations' items through the Inspectorate, staff items through the Office
    assert [dept.petition(p).stage for p in (land, mine, staff)] == [
        "consolidate_inspectorate", "consolidate_inspectorate", "consolidate_office"]

    consolidate(dept, land)
    [assign] = [t for t in dept.ready(land.instance_id) if t.element_id == "assign_unit"]
    detail = get_task(ctx, dept.staff("director"), assign.id)
    unit_field = next(f for f in detail.fields if f["name"] == "assigned_unit")
    assert [o["value"] for o in unit_field["options"]] == [
        "land", "land_registry", "land_fund", "environment", "water_minerals", "administration"]  # not monitoring
    assert unit_field["default"] == "land_fund"  # the plan's unit for compensation
    with pytest.raises(Invalid):  # a science department's unit is no choice here
        tasks.complete(ctx, dept.staff("director"), assign.id, {"assigned_unit": "science", "draft_deadline": "P15D"})
    _assign_as_director(dept, land, "land_fund")
    dept.step(land, "draft_answer", {"draft_answer": "Dự thảo trả lời về đơn giá bồi thường."})
    dept.step(land, "review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})

    consolidate(dept, mine)
    _assign_as_director(dept, mine, "water_minerals")
    dept.step(mine, "draft_answer", {"draft_answer": "Dự thảo: phối hợp kiểm tra khai thác cát."})
    dept.step(mine, "review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})

    spring = hold_dialogue(dept, "periodic", date(2024, 5, 28), {land: "answered", mine: "written_reply"})
    assert spring.quarter == 2  # the first of the plan's two periodic dialogues
    finish_outcome(dept, land, "answered")
    finish_outcome(dept, mine, "written_reply")

    consolidate(dept, staff)
    _assign_as_director(dept, staff, "administration")
    dept.step(staff, "draft_answer", {"draft_answer": "Dự thảo: rút ngắn quy trình."})
    dept.step(staff, "review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    autumn = hold_dialogue(dept, "periodic", date(2024, 11, 26), {staff: "answered"})
    assert autumn.quarter == 4  # the second, with staff, tied to the year-end review
    finish_outcome(dept, staff, "answered")
    assert {dept.petition(p).stage for p in (land, mine, staff)} == {"closed"}

    run_reports(dept, expected_reports=2)  # drafted by the Inspectorate, due 18/6 and 18/12
    assert [r["due"] for r in dept.plan["reports"]] == ["2024-06-18", "2024-12-18"]

    with ctx.uow(write=False) as uow:
        deadline = plans.deadlines_for(uow.session, dept.agency, "handling", 2024)
    assert deadline == plan_rules.Deadline("handling", 10, True, True)
    assert plan_rules.reception_days(dept.plan, 2024)[:2] == [date(2024, 1, 22), date(2024, 2, 20)]
    assert dialogues.get(ctx, dept.staff("director"), autumn.id).quarter == 4
