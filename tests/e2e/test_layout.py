"""The pages at 1366x768 and on a 390-pixel phone: screenshots of both, nothing wider than the phone,
no English left on the Vietnamese pages; and the language switch to English."""

from __future__ import annotations

from typing import Any

from service.domain import petitions
from service.usecases.context import Actor
from tests.e2e.conftest import DESKTOP, PHONE, Live, shot
from tests.e2e.helpers import check_vietnamese, no_overflow

PAGES = {
    "tiepnhan": ["/tasks", "/petitions", "/petitions/new"],
    "vanphong": ["/dialogues", "/reports"],
    "kiemtoan": ["/audit"],
    "thietke": ["/designer"],
}


def _petition(live: Live) -> petitions.PetitionInfo:
    return petitions.submit(live.ctx, Actor("public", "demo"), {
        "source": "organisation", "field": "standards", "title": "Kiến nghị về đo lường",
        "content": "Đề nghị kiểm định cân tại chợ " * 20, "petitioner_name": "Hợp tác xã An Bình"})


def test_pages_fit_desktop_and_phone(open_page: Any, live: Live) -> None:
    info = _petition(live)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        public = open_page(viewport=viewport)
        for path in ("/signin", "/public/petition", f"/public/track?code={info.tracking_code}"):
            public.goto(path)
            check_vietnamese(public)
            no_overflow(public)
        shot(public, f"{name}-public-track")
        for user, paths in PAGES.items():
            page = open_page(user, viewport=viewport)
            for path in [*paths, f"/petitions/{info.id}"] if user == "tiepnhan" else paths:
                page.goto(path)
                check_vietnamese(page)
                no_overflow(page)
                shot(page, f"{name}-{user}-{path.strip('/').split('/')[0]}")


def test_language_switch_to_english(open_page: Any) -> None:
    page = open_page("vanphong")
    page.goto("/tasks")
    assert page.locator("h1").inner_text() == "Công việc"
    page.click("a[hreflang=en]")
    assert page.locator("h1").inner_text() == "Tasks"
    assert "Department Office" in page.inner_text(".who")
    page.click("a[hreflang=vi]")
    assert page.locator("h1").inner_text() == "Công việc"
