"""The notification pages: a staff member chooses how they hear of tasks; an admin sets an account's e-mail address
and reads the outbox (what waits because e-mail is not configured), all in Vietnamese."""

from __future__ import annotations

from flask import Flask

from service.domain import petitions
from service.usecases import notification_admin
from service.usecases.context import Actor, Context
from tests.web.conftest import csrf, signed_in
from tests.web.test_vietnamese import check


def test_a_staff_member_chooses_a_daily_digest_or_immediate_notices(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    client = signed_in(app, "vanphong")
    page = client.get("/notifications/preferences")
    assert page.status_code == 200 and "Nhận thông báo" in page.text
    assert 'value="digest" checked' in page.text  # the default
    check(page.text)
    answer = client.post("/notifications/preferences", data={"mode": "immediate", "csrf_token": csrf(page.text)})
    assert answer.status_code == 302
    assert notification_admin.get_preference(ctx, Actor("vanphong", "demo", frozenset({"office"}))).mode == "immediate"
    refused = client.post("/notifications/preferences", data={"mode": "weekly", "csrf_token": csrf(page.text)})
    assert refused.status_code == 422 and "Đề nghị chọn một cách nhận thông báo" in refused.text


def test_the_admin_sets_an_address_and_sees_the_outbox(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    admin = signed_in(app, "quantri")
    users = admin.get("/admin/users")
    assert "Thư điện tử (nhận thông báo)" in users.text
    answer = admin.post("/admin/users/thanhtra/email", data={"email": "thanhtra@so.example.vn",
                                                              "csrf_token": csrf(users.text)})
    assert answer.status_code == 302
    assert 'value="thanhtra@so.example.vn"' in admin.get("/admin/users").text
    bad = admin.post("/admin/users/thanhtra/email", data={"email": "thanhtra at so", "csrf_token": csrf(users.text)},
                     follow_redirects=True)
    assert "Đề nghị ghi một địa chỉ thư điện tử" in bad.text

    info = petitions.submit(ctx, Actor("tiepnhan", "demo", frozenset({"reception"})), {
        "source": "citizen", "channel": "reception", "field": "science", "title": "Đề nghị hỗ trợ kỹ thuật",
        "content": "…", "petitioner_name": "Lê Thị Mai", "petitioner_contact": "mai.le@example.vn"})
    page = admin.get("/admin/notifications")
    assert page.status_code == 200
    assert "Chưa cấu hình máy chủ gửi thư điện tử" in page.text and "Chưa cấu hình kênh gửi" in page.text
    assert info.tracking_code in page.text and "mai.le@example.vn" in page.text
    check(page.text)
    assert signed_in(app, "vanphong").get("/admin/notifications").status_code == 403
