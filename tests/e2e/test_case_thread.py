"""The director approving a draft sees the draft itself, what changed since the version they returned,
and the thread of decisions so far (the Inspectorate's note, their own instruction, the reason they
gave); a comment written on the task page appears in that thread without completing the task."""

from __future__ import annotations

from typing import Any

from tests.dates import service_today
from tests.e2e.conftest import UNIT_USER, shot
from tests.e2e.helpers import check_vietnamese, fill_form, open_task, submit_task

TODAY = service_today().isoformat()


def _task(page: Any, code: str, name_vi: str, values: dict[str, Any]) -> None:
    open_task(page, code, name_vi)
    fill_form(page, values)
    submit_task(page)


def test_the_approval_task_shows_the_draft_and_the_thread(open_page: Any) -> None:
    reception, inspectorate = open_page("tiepnhan"), open_page("thanhtra")
    director, unit = open_page("giamdoc"), open_page(UNIT_USER)

    reception.goto("/petitions/new")
    reception.select_option("#i-source", "citizen")
    reception.select_option("#i-field", "science")
    reception.fill("#i-name", "Lò Thị Mai")
    reception.fill("#i-contact", "0912 345 678, bản Hụm, Chiềng Xôm")
    reception.fill("#i-title", "Đề nghị hỗ trợ kỹ thuật trồng cà phê")
    reception.fill("#i-content", "Đề nghị Sở cử cán bộ hướng dẫn kỹ thuật trồng cà phê cho bà con.")
    reception.click("[data-testid=intake-form] button[type=submit]")
    reception.wait_for_selector("[data-testid=stage]")
    code = reception.locator("h1").inner_text().split()[-1]
    open_task(reception, code, "Tiếp nhận")
    assert reception.input_value('[name="f.title"]') == "Đề nghị hỗ trợ kỹ thuật trồng cà phê"  # not retyped
    fill_form(reception, {"petition_type": "kien_nghi"})  # the receiver chooses the type
    submit_task(reception)

    _task(inspectorate, code, "Thanh tra phân loại, xử lý đơn", {
        "urgency": "high", "handling_result": "thu_ly",
        "consolidation_note": "Bà con đã kiến nghị nhiều lần, cần trả lời sớm."})
    open_task(director, code, "giao đơn vị chủ trì")
    assert director.input_value('[name="f.assigned_unit"]') == "science"  # the proposed unit
    fill_form(director, {"draft_deadline": "P3D", "assignment_note": "Phối hợp Trạm khuyến nông."})
    submit_task(director)

    open_task(unit, code, "Nghiên cứu, dự thảo")
    thread = unit.locator("[data-testid=thread]")
    assert "Bà con đã kiến nghị nhiều lần" in thread.inner_text()
    assert "Phối hợp Trạm khuyến nông." in thread.inner_text()
    assert "0912 345 678" in unit.locator("[data-testid=contact]").inner_text()
    assert unit.locator("[data-testid=task-due]").inner_text() not in ("", "Không có hạn")
    fill_form(unit, {"draft_answer": "Sở sẽ cử cán bộ hướng dẫn.\nThời gian: quý III."})
    submit_task(unit)
    _task(director, code, "Duyệt dự thảo", {"review_decision": "return",
                                             "review_note": "Nêu rõ thời gian cụ thể."})
    open_task(unit, code, "Nghiên cứu, dự thảo")
    assert "Nêu rõ thời gian cụ thể." in unit.locator("[data-testid=thread]").inner_text()
    fill_form(unit, {"draft_answer": "Sở sẽ cử cán bộ hướng dẫn.\nThời gian: tháng 8 năm nay."})
    submit_task(unit)

    open_task(director, code, "Duyệt dự thảo")
    decide = director.locator("[data-testid=decide-on]")
    assert "Thời gian: tháng 8 năm nay." in decide.inner_text()
    assert "Lần 2" in decide.inner_text() and "Chưa có quyết định" in decide.inner_text()
    assert "-Thời gian: quý III." in decide.locator("[data-testid=diff]").inner_text()
    assert "+Thời gian: tháng 8 năm nay." in decide.locator("[data-testid=diff]").inner_text()
    director.fill("#c-body", "Đã gọi điện cho bà Mai, bà đồng ý nhận trả lời tại hội nghị.")
    director.click("[data-testid=comment-form] button[type=submit]")
    director.wait_for_selector("[data-testid=task-form]")
    check_vietnamese(director)
    thread = director.locator("[data-testid=thread]").inner_text()
    for seen in ("Bà con đã kiến nghị nhiều lần", "Phối hợp Trạm khuyến nông.", "Nêu rõ thời gian cụ thể.",
                 "Đã gọi điện cho bà Mai"):
        assert seen in thread, seen
    shot(director, "task-review-draft-thread")
    fill_form(director, {"review_decision": "approve", "answer_mode": "dialogue"})
    submit_task(director)
    director.goto("/petitions")
    director.locator("tr", has_text=code).locator("a").first.click()
    director.wait_for_selector("[data-testid=thread]")
    check_vietnamese(director)
    assert "Đã gọi điện cho bà Mai" in director.locator("[data-testid=thread]").inner_text()
    shot(director, "petition-thread")
