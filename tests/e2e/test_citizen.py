"""A citizen sends a petition on the public page, gets a tracking code and follows the petition."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Live, shot
from tests.e2e.helpers import check_vietnamese


def test_citizen_submits_and_tracks(open_page: Any, live: Live) -> None:
    page = open_page()
    page.goto("/public/petition")
    check_vietnamese(page)
    page.fill("#i-name", "Nguyễn Thị Dân")
    page.fill("#i-contact", "0912 345 678")
    page.select_option("#i-field", "technology")
    page.fill("#i-title", "Đề nghị hướng dẫn đổi mới công nghệ")
    page.fill("#i-content", "Xin được hướng dẫn thủ tục hỗ trợ đổi mới công nghệ <script>alert(1)</script>")
    page.click("[data-testid=public-form] button[type=submit]")
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert len(code) >= 12
    check_vietnamese(page)
    shot(page, "citizen-received")
    page.click("form[action='/public/track'] button[type=submit]")  # the code is posted, not put in the address
    page.wait_for_selector("[data-testid=track-status]")
    assert code not in page.url
    assert page.locator("[data-testid=public-stage]").inner_text() == "Đang xử lý"
    assert "Nguyễn Thị Dân" not in page.content()  # the public view shows no names
    check_vietnamese(page)
    shot(page, "citizen-track")
    page.goto("/public/track?code=wrong-code")
    assert page.locator("[role=alert]").is_visible()
