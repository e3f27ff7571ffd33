"""In the browser: F5 on the receipt sends nothing again, and error pages speak Vietnamese."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from service.store.petition_tables import Petition
from tests.e2e.conftest import PHONE, Console, Live, shot
from tests.e2e.helpers import check_vietnamese


def _count(live: Live) -> int:
    with live.ctx.uow(write=False) as uow:
        return int(uow.session.execute(select(func.count(Petition.id))).scalar_one())


def test_reloading_the_receipt_sends_nothing(open_page: Any, live: Live) -> None:
    page = open_page()
    page.goto("/public/petition")
    page.fill("#i-title", "Đề nghị gửi một lần")
    page.fill("#i-content", "Nội dung chỉ gửi một lần.")
    before = _count(live)
    page.click("[data-testid=public-form] button[type=submit]")
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert page.url.endswith("/public/petition/received")
    for _ in range(2):
        page.reload()
        assert page.locator("[data-testid=tracking-code]").inner_text().strip() == code
    assert _count(live) == before + 1
    check_vietnamese(page)


def test_error_pages_are_vietnamese(open_page: Any, console: Console) -> None:
    page = open_page(viewport=PHONE)
    answer = page.goto("/khong-co-trang-nay")
    assert answer is not None and answer.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy"
    check_vietnamese(page)
    shot(page, "error-404-phone")
    page.goto("/public/track?code=" + "SAI-MA-0000")
    assert page.locator("[role=alert]").first.is_visible()
    console.errors.clear()  # the browser logs the 404 of the missing page itself


def test_phone_cards_are_labelled_and_the_diagram_zooms(open_page: Any, live: Live) -> None:
    from service.domain import petitions
    from service.usecases import sessions

    reception = sessions.actor_for(live.ctx, "tiepnhan", "demo")
    assert reception is not None
    info = petitions.submit(live.ctx, reception, {"source": "citizen", "field": "science", "channel": "reception",
                                                  "title": "Xem trên điện thoại", "content": "Nội dung"})
    page = open_page("thanhtra", viewport=PHONE)
    page.goto("/petitions")
    cell = page.locator("[data-testid=petition-table] tbody tr").first.locator("td").nth(3)
    assert cell.get_attribute("data-label") == "Mức độ cấp thiết"
    before = page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle())
    assert "Mức độ cấp thiết" in before
    page.goto(f"/petitions/{info.id}")
    page.wait_for_selector("[data-testid=diagram][data-ready='1']")
    box = page.locator("[data-testid=diagram]").bounding_box()
    assert box is not None and box["height"] >= 360
    buttons = page.locator("[data-testid=diagram] .zoom button")
    assert buttons.count() == 3 and buttons.first.get_attribute("aria-label") == "Phóng to"
    viewport = page.locator("[data-testid=diagram] .viewport")
    zoom_before = viewport.get_attribute("transform")
    buttons.first.click()
    assert viewport.get_attribute("transform") != zoom_before
    check_vietnamese(page)
    shot(page, "petition-diagram-phone")
