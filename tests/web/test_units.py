"""No task waits in nobody's work list: the demo staffs every unit the pack names, the director cannot give
a petition to a unit where nobody works, and a lead moves a unit's task to another unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from service.domain import petitions, staffing
from service.domain.demo import DEMO_PASSWORD, pack_units, unit_username
from service.store.tables import AuditEvent, HumanTask
from service.usecases import access, accounts, tasks
from service.usecases.context import Context
from service.usecases.errors import Forbidden, Invalid
from tests.e2e.helpers import finish_step, ready_task
from tests.web.conftest import INTAKE, SYSTEM, actor, csrf, petition_at_draft, signed_in

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_staffs_every_unit_of_the_assignment_form_and_the_plans(web: tuple[Flask, Context]) -> None:
    _, ctx = web
    units = pack_units(ROOT / "bpmn")
    assert {"science", "technology", "standards", "ip", "administration", "personnel", "inspectorate",
            "other"} <= set(units)
    for code in units:
        someone = actor(ctx, unit_username(code))
        assert f"unit:{code}" in someone.roles


def test_assigning_to_a_unit_where_nobody_works_is_refused_beside_the_choice(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    accounts.set_active(ctx, SYSTEM, unit_username("ip"), False)
    try:
        info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": "Kiến nghị đơn vị khác"})
        assert info.instance_id is not None
        finish_step(ctx, "tiepnhan", info.instance_id, "intake")
        tasks.complete(ctx, actor(ctx, "thanhtra"), ready_task(ctx, info.instance_id, "consolidate_inspectorate"),
                       {"field": "science", "urgency": "normal", "handling_result": "thu_ly"})
        step = ready_task(ctx, info.instance_id, "assign_unit")
        director = signed_in(app, "giamdoc")
        shown = director.get(f"/tasks/{step}").text
        assert "(chưa có cán bộ)" in shown and shown.count("(chưa có cán bộ)") == 1  # only ip is unstaffed now
        token = csrf(shown)
        refused = director.post(f"/tasks/{step}/complete", data={
            "csrf_token": token, "f.assigned_unit": "ip", "f.draft_deadline": "P15D"})
        assert refused.status_code == 422 and "Đơn vị ip chưa có cán bộ nào" in refused.text
        assert ready_task(ctx, info.instance_id, "assign_unit") == step  # nothing moved
    finally:
        accounts.set_active(ctx, SYSTEM, unit_username("ip"), True)


def test_a_lead_moves_a_units_task_to_another_unit(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, draft = petition_at_draft(ctx, title="Kiến nghị chuyển đơn vị")
    office = signed_in(app, "vanphong")
    page = office.get(f"/tasks/{draft}").text
    assert 'data-testid="move-form"' in page
    assert 'data-testid="move-form"' not in signed_in(app, "unit_science").get(f"/tasks/{draft}").text
    moved = office.post(f"/tasks/{draft}/move", data={"csrf_token": csrf(page), "unit": "technology",
                                                      "reason": "Thuộc lĩnh vực công nghệ"})
    assert moved.status_code == 302
    assert signed_in(app, "unit_science").get(f"/tasks/{draft}").status_code == 403
    assert signed_in(app, unit_username("technology")).get(f"/tasks/{draft}").status_code == 200
    assert petitions.get(ctx, actor(ctx, "vanphong"), info.id).assigned_unit == "technology"
    tasks.complete(ctx, actor(ctx, unit_username("technology")), draft, {"draft_answer": "Dự thảo của phòng CN"})
    assert info.instance_id is not None
    review_id = ready_task(ctx, info.instance_id, "review_draft")
    with ctx.uow(write=False) as uow:
        stranded = staffing.stranded(uow.session, access.agency_id_of(uow.session, actor(ctx, "vanphong")))
        assert [t for t in stranded if t.instance_id == info.instance_id] == []
        review = uow.session.get_one(HumanTask, review_id)
        moves = [e.data for e in uow.session.execute(select(AuditEvent).where(
            AuditEvent.event_type == "task_moved")).scalars() if e.data.get("released") is None]
    assert review.candidate_role == "director"
    assert {"from_unit": "science", "to_unit": "technology", "released": None,
            "reason": "Thuộc lĩnh vực công nghệ"} in moves


def test_a_task_is_never_moved_to_a_unit_where_nobody_works(web: tuple[Flask, Context]) -> None:
    _, ctx = web
    _, draft = petition_at_draft(ctx, title="Kiến nghị không chuyển được")
    accounts.set_active(ctx, SYSTEM, unit_username("ip"), False)
    try:
        with pytest.raises(Invalid) as refused:
            staffing.move_to_unit(ctx, actor(ctx, "thanhtra"), draft, "ip")
        assert refused.value.fields == {"unit": ["No active staff in unit ip."]}
        with pytest.raises(Forbidden):
            staffing.move_to_unit(ctx, actor(ctx, "tiepnhan"), draft, "technology")
        moved = staffing.move_to_unit(ctx, actor(ctx, "thanhtra"), draft, "technology", "Inspectorate's follow-up")
        assert moved.unit_code == "technology" and moved.assignee is None
    finally:
        accounts.set_active(ctx, SYSTEM, unit_username("ip"), True)


def test_a_department_whose_plan_only_lists_field_codes_sees_the_fields_named(web: tuple[Flask, Context]) -> None:
    app, _ = web
    client = app.test_client()
    token = csrf(client.get("/signin").text)
    assert client.post("/signin", data={"username": "tiepnhan", "password": DEMO_PASSWORD, "agency": "sonla-khcn",
                                        "csrf_token": token}).status_code == 302
    page = client.get("/petitions/new").text
    field_select = page.split('name="field"')[1].split("</select>")[0]
    assert ">Khoa học<" in field_select and ">science<" not in field_select, field_select
    listing = client.get("/petitions").text
    assert ">standards<" not in listing and "Tiêu chuẩn, đo lường, chất lượng" in listing


def test_the_task_list_offers_the_fields_of_the_readers_department(web: tuple[Flask, Context]) -> None:
    """The environment department's task list filters by its own fields (land, water, …), not science's."""
    app, _ = web
    client = app.test_client()
    token = csrf(client.get("/signin").text)
    assert client.post("/signin", data={"username": "vanphong", "password": DEMO_PASSWORD,
                                        "agency": "thainguyen-tnmt", "csrf_token": token}).status_code == 302
    page = client.get("/tasks").text
    field_select = page.split('name="field"')[1].split("</select>")[0]
    assert 'value="land"' in field_select and 'value="water"' in field_select, field_select
    assert 'value="science"' not in field_select
