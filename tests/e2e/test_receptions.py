"""Citizen reception in the browser: the director records a delegation in the reception book (a missing
representative is named beside the field), and, in a department whose plan sets reception days, opens
the calendar, records the session of one of its days and sees the day marked as recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from service.domain.demo import DEMO_PASSWORD
from tests.dates import service_today
from tests.e2e.conftest import DESKTOP, Live, shot
from tests.e2e.helpers import check_vietnamese

YESTERDAY = (service_today() - timedelta(days=1)).isoformat()


def _sign_in_to(browser: Any, live: Live, user: str, agency: str) -> Any:
    page = browser.new_context(viewport=DESKTOP, base_url=live.url).new_page()
    page.goto("/signin")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.fill("input[name=agency]", agency)
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[data-testid=signed-in]")
    return page


def test_the_director_records_a_delegation_in_the_reception_book(open_page: Any, console: Any) -> None:
    director = open_page("giamdoc")
    director.goto("/")
    director.click("nav >> text=Tiếp công dân")
    director.wait_for_selector("[data-testid=reception-form]")
    check_vietnamese(director)
    form = director.locator("[data-testid=reception-form]")
    form.locator("input[name=received_on]").fill(YESTERDAY)
    form.locator("input[name=receiver]").fill("Phạm Minh Giám")
    form.locator("input[name=receiver_title]").fill("Giám đốc Sở")
    form.locator("input[name=visitors]").fill("9")
    form.locator("textarea[name=citizens]").fill("Các hộ dân bản Hua La, phường Chiềng Cơi")
    form.locator("textarea[name=content]").fill("Đề nghị hỗ trợ chuyển giao kỹ thuật sấy cà phê")
    form.locator("button[type=submit]").click()
    director.wait_for_selector("[data-field=delegation]")
    assert "05 người" in director.inner_text("[data-field=delegation]")
    assert console.errors == ["console: Failed to load resource: the server responded with a status of 422 "
                              "(UNPROCESSABLE ENTITY)"]  # the refused form itself, answered 422
    console.errors.clear()
    check_vietnamese(director)
    form = director.locator("[data-testid=reception-form]")
    form.locator("input[name=delegation]").check()
    form.locator("textarea[name=representatives]").fill("Ông Lò Văn Pọm; Bà Cà Thị Dung")
    form.locator("textarea[name=result]").fill("Giao Phòng Quản lý khoa học nghiên cứu, trả lời")
    form.locator("button[type=submit]").click()
    director.wait_for_selector("[data-testid=reception-session]")
    text = director.inner_text("[data-testid=reception-session]")
    assert "Ông Lò Văn Pọm" in text and "đoàn đông người" in text
    check_vietnamese(director)
    shot(director, "reception-session")
    director.click("text=Sổ tiếp công dân")
    director.wait_for_selector("[data-testid=reception-table]")
    assert "Đề nghị hỗ trợ chuyển giao kỹ thuật sấy cà phê" in director.inner_text("[data-testid=reception-table]")
    with director.expect_download() as download:
        director.click("[data-testid=reception-export]")
    assert download.value.suggested_filename.startswith("so-tiep-cong-dan-")


def test_the_calendar_of_a_plan_with_reception_days(browser: Any, live: Live) -> None:
    office = _sign_in_to(browser, live, "vanphong", "quangtri-khcn")
    office.goto("/receptions/calendar?year=2024")
    office.wait_for_selector("[data-testid=reception-days]")
    check_vietnamese(office)
    rows = office.locator("[data-testid=reception-days] tbody tr")
    assert rows.count() == 12
    assert office.get_attribute("[data-testid=reception-days] tbody tr >> nth=2", "data-day") == "2024-03-11"
    office.click("[data-day='2024-03-11'] [data-testid=record-day]")  # 10/3/2024 is a Sunday
    form = office.locator("[data-testid=reception-form]")
    assert form.locator("input[name=received_on]").input_value() == "2024-03-11"
    form.locator("input[name=receiver]").fill("Giám đốc Sở")
    form.locator("textarea[name=content]").fill("Hỏi thủ tục đăng ký nhiệm vụ khoa học cấp tỉnh")
    form.locator("button[type=submit]").click()
    office.wait_for_selector("[data-testid=reception-session]")
    office.goto("/receptions/calendar?year=2024")
    assert "Đã vào sổ" in office.inner_text("[data-day='2024-03-11']")
    shot(office, "reception-calendar")
    office.context.close()
