"""Issue 13 points 5 and 6 in the browser: reception takes in a denunciation, the Office sees the petition with
its denouncer kept secret (and cannot find it by the name), the Inspectorate sees who made it, and a second copy
of the same petition is linked to the first on both pages."""

from __future__ import annotations

from typing import Any

from tests.dates import service_today
from tests.e2e.conftest import shot
from tests.e2e.helpers import check_vietnamese, fill_form, open_task, submit_task

NAME = "Đinh Văn Quasimodo"
CONTENT = "Tố cáo việc nghiệm thu đề tài cấp tỉnh không đúng quy định, có biên bản kèm theo."


def _record(page: Any) -> str:
    page.goto("/petitions/new")
    page.select_option("#i-source", "citizen")
    page.select_option("#i-field", "science")
    page.fill("#i-name", NAME)
    page.fill("#i-contact", "Tổ 7 phường Tô Hiệu, 0912345678")
    page.fill("#i-title", "Tố cáo sai phạm trong nghiệm thu đề tài")
    page.fill("#i-content", CONTENT)
    page.click("[data-testid=intake-form] button[type=submit]")
    page.wait_for_selector("[data-testid=stage]")
    return str(page.locator("h1").inner_text().split()[-1])


def test_the_denouncer_is_hidden_from_the_office_and_a_duplicate_is_linked(open_page: Any) -> None:
    reception, office, inspectorate = open_page("tiepnhan"), open_page("vanphong"), open_page("thanhtra")
    first = _record(reception)
    open_task(reception, first, "Tiếp nhận")
    fill_form(reception, {"petition_type": "to_cao", "petition_date": service_today().isoformat(), "signed": True,
                          "identity_document": "CCCD 079123456789"})
    submit_task(reception)

    second = _record(reception)  # the same denouncer sends the same content again
    duplicate_of = reception.locator("[data-testid=duplicate-of]")
    assert first in duplicate_of.inner_text()
    assert "Đơn trùng với đơn đã nhận" in reception.locator("[data-testid=intake-flags]").inner_text()
    duplicate_of.locator("a").click()
    reception.wait_for_selector("[data-testid=duplicates]")
    assert second in reception.locator("[data-testid=duplicates]").inner_text()
    assert NAME in reception.locator("main").inner_text()  # the receptionist who recorded it
    shot(reception, "protect-duplicate-link")

    office.goto("/petitions")
    office.locator("tr", has_text=first).locator("a").first.click()
    office.wait_for_selector("[data-testid=protection]")
    text = office.locator("main").inner_text()
    assert "Quasimodo" not in text and "0912345678" not in text and "079123456789" not in text
    assert "Bảo vệ người tố cáo" in office.locator("[data-testid=restriction]").inner_text()
    assert office.locator("[data-testid=identity-hidden-note]").is_visible()
    check_vietnamese(office)
    shot(office, "protect-office-sees-no-denouncer")
    office.goto("/petitions?q=Quasimodo")
    assert first not in office.locator("main").inner_text() and second not in office.locator("main").inner_text()

    inspectorate.goto("/petitions")
    inspectorate.locator("tr", has_text=first).locator("a").first.click()
    inspectorate.wait_for_selector("[data-testid=protection]")
    assert NAME in inspectorate.locator("main").inner_text()
    assert "CCCD 079123456789" in inspectorate.locator("[data-testid=identity-document]").inner_text()
    check_vietnamese(inspectorate)
    shot(inspectorate, "protect-inspectorate-sees-the-denouncer")
