"""The administrator's pages: accounts (list, add, roles, disable) and stuck processes (list, retry, close)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from service.domain import petitions
from service.domain.demo import DEMO_PASSWORD
from service.store.tables import ProcessInstance
from service.usecases import accounts, clock, incidents
from service.usecases.context import Context
from tests.web.conftest import INTAKE, actor, csrf, signed_in


def test_an_admin_adds_an_account_changes_its_roles_and_disables_it(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    assert signed_in(app, "vanphong").get("/admin/users").status_code == 403
    admin = signed_in(app, "quantri")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "donvi_technology" in page.text and "Thêm tài khoản" in page.text
    token = csrf(page.text)
    short = admin.post("/admin/users", data={"csrf_token": token, "username": "lan", "password": "ngan",
                                             "role": ["office"]})
    assert short.status_code == 422 and "ít nhất 8 ký tự" in short.text
    added = admin.post("/admin/users", data={"csrf_token": token, "username": "lan", "display_name": "Lê Thị Lan",
                                             "password": DEMO_PASSWORD, "role": ["reception"],
                                             "units": "science, ip"})
    assert added.status_code == 302
    assert actor(ctx, "lan").roles == frozenset({"reception", "unit:science", "unit:ip"})
    assert admin.post("/admin/users/lan/roles", data={"csrf_token": token, "units": ""}).status_code == 422
    changed = admin.post("/admin/users/lan/roles", data={"csrf_token": token, "role": ["office"], "units": "ip"})
    assert changed.status_code == 302 and actor(ctx, "lan").roles == frozenset({"office", "unit:ip"})
    assert admin.post("/admin/users/lan/active", data={"csrf_token": token, "active": "0"}).status_code == 302
    assert not accounts.check_password(ctx, "lan", DEMO_PASSWORD)  # a disabled account cannot sign in
    row = admin.get("/admin/users").text
    assert 'data-testid="user-lan"' in row and "Đã khóa" in row
    assert admin.post("/admin/users/quantri/active", data={"csrf_token": token, "active": "0"}).status_code == 409
    assert accounts.check_password(ctx, "quantri", DEMO_PASSWORD)


def test_an_admin_sees_a_stuck_process_and_closes_it(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": "Quy trình gặp lỗi"})
    with ctx.uow() as uow:
        inst = uow.session.execute(select(ProcessInstance).where(
            ProcessInstance.id == info.instance_id)).scalar_one()
        row, _ = incidents.record_failure(uow.session, ctx.settings, inst, "hạn xử lý không tính được", clock.now())
        uow.commit()
        incident_id = row.id
    assert signed_in(app, "giamdoc").get("/admin/incidents").status_code == 403
    admin = signed_in(app, "quantri")
    page = admin.get("/admin/incidents").text
    assert f'data-testid="incident-{incident_id}"' in page and "hạn xử lý không tính được" in page
    closed = admin.post(f"/admin/incidents/{incident_id}/resolve", data={"csrf_token": csrf(page),
                                                                         "note": "Đã sửa lịch"})
    assert closed.status_code == 302
    assert f'data-testid="incident-{incident_id}"' not in admin.get("/admin/incidents").text
    again = admin.post(f"/admin/incidents/{incident_id}/retry", data={"csrf_token": csrf(page)})
    assert again.status_code == 409 and "vừa được người khác xử lý" in again.text
    assert incidents.list_incidents(ctx, actor(ctx, "quantri"), "resolved")[0].resolved_by == "quantri"
