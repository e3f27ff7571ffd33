"""The pages through the Flask test client: rendering, rights, CSRF, escaping, errors next to fields."""

from __future__ import annotations

from flask import Flask

from service.domain import petitions
from service.usecases.context import Actor, Context
from tests.web.conftest import INTAKE, actor, csrf, petition_at_draft, signed_in


def test_anonymous_is_sent_to_sign_in(web: tuple[Flask, Context]) -> None:
    app, _ = web
    for path in ("/tasks", "/petitions", "/audit", "/designer", "/reports", "/dialogues"):
        answer = app.test_client().get(path)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/signin?next=")


def test_wrong_password_is_refused_in_vietnamese(web: tuple[Flask, Context]) -> None:
    client = web[0].test_client()
    token = csrf(client.get("/signin").text)
    answer = client.post("/signin", data={"username": "tiepnhan", "password": "nope-nope", "csrf_token": token})
    assert answer.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in answer.text


def test_header_shows_user_roles_and_language(web: tuple[Flask, Context]) -> None:
    client = signed_in(web[0], "vanphong")
    page = client.get("/tasks").text
    assert "vanphong" in page and "Văn phòng Sở" in page and 'hreflang="en"' in page
    client.get("/lang/en?next=/tasks")
    assert "Department Office" in client.get("/tasks").text


def test_page_posts_without_the_csrf_token_are_refused(web: tuple[Flask, Context]) -> None:
    client = signed_in(web[0], "tiepnhan")
    answer = client.post("/petitions/new", data={**INTAKE})
    assert answer.status_code == 400 and "Biểu mẫu đã hết hạn" in answer.text
    answer = client.post("/petitions/new", data={**INTAKE, "csrf_token": "forged"})
    assert answer.status_code == 400
    count = len(petitions.list_petitions(web[1], actor(web[1], "tiepnhan"), text="Kiến nghị thử"))
    token = csrf(client.get("/petitions/new").text)
    assert client.post("/petitions/new", data={**INTAKE, "csrf_token": token}).status_code == 302
    assert len(petitions.list_petitions(web[1], actor(web[1], "tiepnhan"), text="Kiến nghị thử")) == count + 1


def test_petition_text_is_escaped(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": "<script>alert('x')</script>",
                                                          "content": "<img src=x onerror=alert(1)>"})
    page = signed_in(app, "tiepnhan").get(f"/petitions/{info.id}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_unit_cannot_open_another_units_task(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    _, task_id = petition_at_draft(ctx)
    assert signed_in(app, "unit_science").get(f"/tasks/{task_id}").status_code == 200
    other = signed_in(app, "unit_other")
    assert other.get(f"/tasks/{task_id}").status_code == 403
    assert str(task_id) not in other.get("/tasks").text


def test_the_public_sees_no_confidential_content(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, _ = petition_at_draft(ctx, confidential=True, title="Nội dung mật về nhân sự")
    page = app.test_client().get(f"/public/track?code={info.tracking_code}").text
    assert info.code in page and "Nội dung mật" not in page and "Nguyễn Văn A" not in page
    assert app.test_client().get(f"/petitions/{info.id}").status_code == 302
    assert signed_in(app, "unit_other").get(f"/petitions/{info.id}").status_code == 404
    assert signed_in(app, "thanhtra").get(f"/petitions/{info.id}").status_code == 200


def test_public_submission_gives_a_tracking_code(web: tuple[Flask, Context]) -> None:
    client = web[0].test_client()
    token = csrf(client.get("/public/petition").text)
    answer = client.post("/public/petition", data={"csrf_token": token, "source": "citizen", "field": "ip",
                                                   "title": "Hỏi về nhãn hiệu", "content": "Nội dung"},
                         follow_redirects=True)
    assert answer.status_code == 200 and 'data-testid="tracking-code"' in answer.text
    empty = client.post("/public/petition", data={"csrf_token": token, "source": "citizen", "field": "ip"})
    assert empty.status_code == 422 and "Trường này bắt buộc nhập." in empty.text


def test_field_errors_shown_and_conflict_explained(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    _, task_id = petition_at_draft(ctx)
    client = signed_in(app, "unit_science")
    page = client.get(f"/tasks/{task_id}").text
    token, version = csrf(page), page.split('name="version" value="')[1].split('"')[0]
    refused = client.post(f"/tasks/{task_id}/complete", data={"csrf_token": token, "version": version})
    assert refused.status_code == 422
    field = refused.text.split('data-key="draft_answer"')[1].split("</div>")[0]
    assert "Trường này bắt buộc nhập." in field
    done = client.post(f"/tasks/{task_id}/complete", data={"csrf_token": token, "version": version,
                                                           "f.draft_answer": "Dự thảo trả lời"})
    assert done.status_code == 302
    again = client.post(f"/tasks/{task_id}/complete", data={"csrf_token": token, "version": version,
                                                            "f.draft_answer": "Lần hai"})
    assert again.status_code == 409 and "Người khác đã xử lý trước" in again.text
    assert "Traceback" not in again.text


def test_roles_open_their_pages_only(web: tuple[Flask, Context]) -> None:
    app, _ = web
    assert signed_in(app, "kiemtoan").get("/audit").status_code == 200
    assert signed_in(app, "tiepnhan").get("/audit").status_code == 403
    assert signed_in(app, "tiepnhan").get("/designer").status_code == 403
    assert signed_in(app, "thietke").get("/designer").status_code == 200
    assert signed_in(app, "vanphong").get("/reports").status_code == 200
    assert signed_in(app, "donvi").get("/reports").status_code == 403
    assert Actor("public", "demo").has("auditor") is False


def test_the_menu_offers_the_audit_trail_only_to_those_who_may_read_it(web: tuple[Flask, Context]) -> None:
    app, _ = web
    for username, offered in (("quantri", False), ("kiemtoan", True)):
        client = signed_in(app, username)
        menu = client.get("/", follow_redirects=True).text.split("<nav")[1].split("</nav>")[0]
        assert ('href="/audit"' in menu) is offered, (username, menu)
        if offered:
            assert client.get("/audit").status_code == 200
        else:
            assert client.get("/audit").status_code == 403
