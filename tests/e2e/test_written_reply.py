"""Reception, the Office, the director and a unit carry a staff member's petition to a written reply:
intake, consolidation, assignment, draft, review, a dialogue that decides on a written reply, the
reply drafted and signed, the notice of results and its publication."""

from __future__ import annotations

from typing import Any

from tests.dates import service_today
from tests.e2e.conftest import UNIT_USER, Live, shot
from tests.e2e.helpers import (
    check_vietnamese,
    deliver_messages,
    fill_form,
    finish_step,
    instance_of,
    open_task,
    submit_task,
)

TODAY = service_today().isoformat()


def _task(page: Any, code: str, name_vi: str, values: dict[str, Any]) -> None:
    open_task(page, code, name_vi)
    fill_form(page, values)
    submit_task(page)


def test_petition_to_a_written_reply(open_page: Any, live: Live) -> None:
    reception, office = open_page("tiepnhan"), open_page("vanphong")
    director, unit, info = open_page("giamdoc"), open_page(UNIT_USER), open_page("ttthongtin")

    reception.goto("/petitions/new")
    check_vietnamese(reception)
    reception.select_option("#i-source", "staff")
    reception.select_option("#i-field", "science")
    reception.fill("#i-name", "Trần Văn Cán")
    reception.fill("#i-title", "Kiến nghị về chế độ công tác phí")
    reception.fill("#i-content", "Đề nghị Sở xem xét điều chỉnh mức công tác phí cho cán bộ đi cơ sở.")
    reception.click("[data-testid=intake-form] button[type=submit]")
    reception.wait_for_selector("[data-testid=stage]")
    code = reception.locator("h1").inner_text().split()[-1]
    check_vietnamese(reception)
    _task(reception, code, "Tiếp nhận", {"received_on": TODAY, "petition_type": "kien_nghi"})

    open_task(office, code, "Văn phòng phân loại, xử lý đơn")
    assert office.locator('[data-key="filing_reason"]').is_hidden()  # only when the petition is filed
    shot(office, "task-consolidate")
    fill_form(office, {"urgency": "normal", "handling_result": "thu_ly"})
    submit_task(office)
    _task(director, code, "giao đơn vị chủ trì", {"assigned_unit": "science", "draft_deadline": "P15D"})
    _task(unit, code, "Nghiên cứu, dự thảo", {"draft_answer": "Dự thảo: Sở sẽ rà soát mức công tác phí."})
    _task(director, code, "Duyệt dự thảo", {"review_decision": "approve", "answer_mode": "dialogue"})

    office.goto("/dialogues")
    check_vietnamese(office)
    office.fill("input[name=title]", "Đối thoại định kỳ năm nay")
    office.fill("input[name=quarter]", "4")
    office.click("[data-testid=dialogue-form] button[type=submit]")
    office.wait_for_selector("[data-testid=dialogue-status]")
    dialogue_url = office.url
    dialogue = instance_of(live.ctx, dialogue_url.rstrip("/").split("/")[-1])
    finish_step(live.ctx, "vanphong", dialogue, "plan_periodic")
    office.goto(dialogue_url)
    with office.expect_navigation():  # the agenda is saved before the next step is done behind the page
        office.locator("[data-testid=agenda-form] button[type=submit]").click()
    office.wait_for_selector("[data-testid=agenda]")
    check_vietnamese(office)
    finish_step(live.ctx, "vanphong", dialogue, "issue_invitations")
    finish_step(live.ctx, "ttthongtin", dialogue, "publish_plan")

    director.goto(dialogue_url)
    director.fill("input[name=held_on]", TODAY)
    for other in director.locator("select[name^='outcome.']").all():  # items other journeys left on the agenda
        other.select_option("written_reply")
    director.locator(f"[data-testid=outcome-{code}]").select_option("written_reply")
    item = str(director.locator(f"[data-testid=outcome-{code}]").get_attribute("name")).split(".", 1)[1]
    director.fill(f"[name='note.{item}']", "Trả lời bằng văn bản trong 15 ngày.")
    director.fill("textarea[name=minutes]", "Hội nghị thống nhất trả lời bằng văn bản.")
    with director.expect_navigation():  # the outcomes are stored (and their messages queued) before delivery
        director.click("[data-testid=outcome-form] button[type=submit]")
    director.wait_for_selector("[data-testid=agenda]")
    check_vietnamese(director)
    shot(director, "dialogue-held")
    assert deliver_messages(live.ctx) >= 1  # the worker hands each petition its outcome

    reply = "Sở điều chỉnh mức công tác phí từ quý sau theo quy định hiện hành."
    open_task(unit, code, "Dự thảo văn bản trả lời")
    conference = unit.locator("[data-testid=thread-message]").inner_text()
    assert "Trả lời bằng văn bản sau hội nghị" in conference and "Trả lời bằng văn bản trong 15 ngày." in conference
    fill_form(unit, {"written_reply": reply})
    submit_task(unit)
    open_task(director, code, "Ký văn bản trả lời")
    assert reply in director.locator("[data-testid=decide-on]").inner_text()  # the letter as it will be sent
    fill_form(director, {"sign_decision": "sign", "signed_on": TODAY})
    submit_task(director)
    _task(office, code, "Thông báo kết quả", {"notice_text": "Thông báo kết quả giải quyết kiến nghị.",
                                              "notified_on": TODAY})
    open_task(info, code, "Đăng tải kết quả")
    assert "Thông báo kết quả giải quyết kiến nghị." in info.locator("[data-testid=decide-on]").inner_text()
    fill_form(info, {"published_url": "https://example.invalid/kq/1", "published_on": TODAY})
    submit_task(info)

    director.goto("/petitions")
    director.locator("tr", has_text=code).locator("a").first.click()
    director.wait_for_selector("#diagram[data-ready='1']")
    assert director.locator("[data-testid=stage]").inner_text() == "Đã kết thúc"
    assert reply in director.locator("[data-testid=doc-written_reply]").inner_text()
    assert director.locator(".djs-element.pf-done").count() >= 8
    check_vietnamese(director)
    shot(director, "petition-written-reply")
