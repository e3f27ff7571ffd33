"""Each task shows what it decides on and the petition's thread of decisions and comments; deadlines
are shown and marked; handlers see the petitioner's contact details."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Flask

from service.domain import petition_deadlines, petitions
from service.usecases import clock, tasks
from service.usecases.context import Context
from tests.e2e.helpers import ready_task
from tests.web.conftest import actor, csrf, petition_at_draft, signed_in


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_approval_task_shows_the_draft_the_thread_and_what_changed(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, step = petition_at_draft(ctx, petitioner_contact="0912 345 678, Chiềng Lề, Sơn La")
    unit = actor(ctx, "unit_science")
    tasks.complete(ctx, unit, step, {"draft_answer": "Dòng một.\nDòng hai cũ.", "legal_basis": "Luật 2013"})
    review = ready_task(ctx, info.instance_id, "review_draft")
    director = signed_in(app, "giamdoc")
    page = director.get(f"/tasks/{review}")
    assert page.status_code == 200
    decide = page.text.split('data-testid="decide-on"')[1].split("</section>")[0]
    assert "Dòng hai cũ." in decide and "Dự thảo nội dung trả lời" in decide and "Chưa có quyết định" in decide
    thread = _text(page.text.split('data-testid="thread"')[1])
    assert "Mức độ cấp thiết: Bình thường" in thread or "Mức độ cấp thiết" in thread
    assert "Thời hạn dự thảo trả lời (ngày làm việc): 15 ngày làm việc" in thread  # the director's choice
    assert "0912 345 678, Chiềng Lề, Sơn La" in page.text  # the contact, for handlers

    tasks.complete(ctx, actor(ctx, "giamdoc"), review, {"review_decision": "return",
                                                        "review_note": "Bổ sung căn cứ pháp lý."})
    step = ready_task(ctx, info.instance_id, "draft_answer")
    unit_page = signed_in(app, "unit_science").get(f"/tasks/{step}")
    assert "Bổ sung căn cứ pháp lý." in unit_page.text  # the reason it came back reaches the drafter
    assert ">Dòng một.\nDòng hai cũ.</textarea>" in unit_page.text  # the drafter corrects, not retypes
    tasks.complete(ctx, unit, step, {"draft_answer": "Dòng một.\nDòng hai mới.", "legal_basis": "Luật 2013"})
    review = ready_task(ctx, info.instance_id, "review_draft")
    page = director.get(f"/tasks/{review}")
    decide = page.text.split('data-testid="decide-on"')[1].split("</section>")[0]
    assert "Lần 2" in decide
    form = page.text.split('data-testid="task-form"')[1].split("</form>")[0]
    assert "selected" not in form and "Bổ sung căn cứ pháp lý." not in form  # the last round's decision is not preset
    diff = decide.split('data-testid="diff"')[1]
    assert re.search(r'class="del">-Dòng hai cũ\.', diff) and re.search(r'class="add">\+Dòng hai mới\.', diff)
    petition_page = director.get(f"/petitions/{info.id}").text
    assert "Dự thảo trả lời đã duyệt" not in petition_page and "Chưa có quyết định" in petition_page


def test_a_comment_is_written_without_completing_the_task(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, step = petition_at_draft(ctx)
    client = signed_in(app, "unit_science")
    page = client.get(f"/tasks/{step}")
    answer = client.post(f"/petitions/{info.id}/comments",
                         data={"body": "Đã gọi điện cho người kiến nghị.", "task_id": str(step),
                               "csrf_token": csrf(page.text)})
    assert answer.status_code == 302 and f"/tasks/{step}" in answer.headers["Location"]
    assert ready_task(ctx, info.instance_id, "draft_answer") == step  # the task is still open
    shown = signed_in(app, "thanhtra").get(f"/petitions/{info.id}").text
    assert "Đã gọi điện cho người kiến nghị." in shown.split('data-testid="thread"')[1]
    too_long = client.post(f"/petitions/{info.id}/comments",
                           data={"body": "x" * 5001, "task_id": str(step), "csrf_token": csrf(page.text)})
    assert too_long.status_code == 422
    assert "Tối đa 5000 ký tự; nội dung này có 5001 ký tự." in too_long.text
    assert "x" * 5001 in too_long.text  # nothing typed is lost


def test_deadlines_are_shown_and_marked_and_the_list_sorts_by_them(web: tuple[Flask, Context], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app, ctx = web
    info, step = petition_at_draft(ctx)
    client = signed_in(app, "unit_science")
    page = client.get(f"/tasks/{step}").text
    due = page.split('data-testid="task-due"')[1].split("</dd>")[0]
    assert "Không có hạn" not in due and "Quá hạn" not in due  # P15D chosen by the director
    due_at = petitions.get(ctx, actor(ctx, "giamdoc"), info.id).due_at  # 15 working days: three weeks on
    assert due_at is not None and due_at - clock.now() >= timedelta(days=20)
    later = due_at - timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    client = signed_in(app, "unit_science")  # weeks on, yesterday's session has ended
    assert "Sắp đến hạn" in client.get(f"/tasks/{step}").text.split('data-testid="task-due"')[1].split("</dd>")[0]
    record = client.get(f"/petitions/{info.id}").text  # the step's deadline, once, by its step
    assert "Sắp đến hạn" in record.split('data-testid="task-deadline"')[1].split("</dd>")[0]
    monkeypatch.setattr(clock, "now", lambda: later + timedelta(days=2))
    client = signed_in(app, "unit_science")
    listing = client.get("/tasks").text
    assert "Quá hạn" in listing.split(info.code)[1].split("</tr>")[0]


def test_the_task_list_shows_the_overdue_alerts_of_the_readers_role(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, draft = petition_at_draft(ctx)
    due_at = petitions.get(ctx, actor(ctx, "giamdoc"), info.id).due_at
    assert due_at is not None
    assert petition_deadlines.raise_alerts(ctx, due_at + timedelta(days=1)) >= 1
    page = signed_in(app, "giamdoc").get("/tasks")
    assert page.status_code == 200
    alerts = page.text.split('data-testid="deadline-alerts"')[1].split("</section>")[0]
    assert "Nghiên cứu, dự thảo" in alerts and info.code in alerts and " / " not in alerts
    line = next(li for li in alerts.split("</li>") if info.code in li and "Nghiên cứu, dự thảo" in li)
    assert line.count("Quá hạn") == 1 and "Cảnh báo quá hạn:" not in line  # the badge says it is late, once
    assert 'data-testid="deadline-alerts"' not in signed_in(app, "tiepnhan").get("/tasks").text  # not reception's
    tasks.complete(ctx, actor(ctx, "unit_science"), draft, {"draft_answer": "Dự thảo trả lời.",
                                                              "legal_basis": "Luật 2013"})
    after = signed_in(app, "giamdoc").get("/tasks").text  # the late draft is done: the alert is no longer standing
    standing = after.split('data-testid="deadline-alerts"')[1].split("</section>")[0] \
        if 'data-testid="deadline-alerts"' in after else ""
    assert not [li for li in standing.split("</li>") if info.code in li and "Nghiên cứu, dự thảo" in li]


def test_the_petition_list_shows_the_type_and_the_statutory_deadline_apart_from_the_step_s(
        web: tuple[Flask, Context]) -> None:
    """A walk found 'Thời hạn' on the list was the current step's deadline, with no type: a complaint's
    30 working days were nowhere on it."""
    app, ctx = web
    info, _draft = petition_at_draft(ctx, petition_type="khieu_nai", title="Khiếu nại về kết quả xét duyệt")
    shown = petitions.get(ctx, actor(ctx, "thanhtra"), info.id)
    assert shown.deadline_at is not None and shown.due_at is not None and shown.deadline_at != shown.due_at
    page = signed_in(app, "thanhtra").get("/petitions").text
    row = next(tr for tr in page.split("<tr>") if info.code in tr)
    assert 'data-testid="petition-type">Đơn khiếu nại<' in row
    statutory = row.split('data-testid="statutory-deadline">')[1].split("</td>")[0]
    assert shown.deadline_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y") in statutory
    assert "Hạn của bước đang xử lý" in page and "Thời hạn giải quyết theo quy định" in page
