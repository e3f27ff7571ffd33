"""The Inspectorate reads the petition register and the TT02 statistics in the browser: chooses the year,
sees the forms' columns and figures, downloads both workbooks, and prints on A4 landscape."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import update

from service.domain import petitions
from service.store.petition_tables import Petition
from service.usecases.context import Actor
from tests.e2e.conftest import DEMO_PASSWORD, SHOTS, Live, shot
from tests.e2e.helpers import check_vietnamese

YEAR = 2033
"""A TT02 year (15/12/2032-14/12/2033) no other browser test writes in."""
AGENCY = "thainguyen-tnmt"
"""A department no other browser test writes in either: its figures carry over no other test's open petitions."""


def _on_register(live: Live) -> list[petitions.PetitionInfo]:
    made = []
    for kind, handling, day, closed in (("khieu_nai", "thu_ly", date(2032, 12, 16), date(2033, 1, 10)),
                                        ("to_cao", "thu_ly", date(2033, 5, 2), None),
                                        ("phan_anh", "huong_dan", date(2033, 12, 14), None),
                                        ("kien_nghi", "chuyen_don", date(2033, 12, 15), None)):
        info = petitions.submit(live.ctx, Actor("public", AGENCY), {
            "source": "citizen", "field": "environment", "title": f"Sổ đơn trên trình duyệt: {kind}",
            "content": "Nội dung đơn.", "petitioner_name": "Người gửi đơn"})
        with live.ctx.uow() as uow:
            uow.session.execute(update(Petition).where(Petition.id == info.id).values(
                petition_type=kind, handling_result=handling,
                submitted_at=datetime(day.year, day.month, day.day, 2, tzinfo=UTC),
                closed_at=datetime(closed.year, closed.month, closed.day, 2, tzinfo=UTC) if closed else None))
            uow.commit()
        made.append(info)
    return made


def _choose(page: Any, form: str, kind: str) -> None:
    page.select_option(f"[data-testid={form}] select[name=period]", kind)
    page.fill(f"[data-testid={form}] input[name=year]", str(YEAR))
    page.click(f"[data-testid={form}] button[type=submit]")


def _download(page: Any, link: str) -> Any:
    with page.expect_download() as info:
        page.click(f"[data-testid={link}]")
    return load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))


def test_inspectorate_reads_prints_and_downloads_register_and_statistics(open_page: Any, live: Live) -> None:
    made = _on_register(live)
    page = open_page()
    page.goto("/signin")
    page.fill("input[name=username]", "thanhtra")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.fill("input[name=agency]", AGENCY)
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[data-testid=signed-in]")
    page.goto("/reports")
    page.click("[data-testid=tt02-link]")
    _choose(page, "statistics-filter", "year")
    page.wait_for_selector("[data-testid=table-resolution]")
    check_vietnamese(page)
    assert page.inner_text("[data-testid=statistics-period]").count("15/12/2032") == 1
    assert page.inner_text("[data-testid=received]") == "3"  # 15/12/2033 opens the next year
    assert page.inner_text("[data-testid=open-at-end]") == "2"
    handling = page.inner_text("[data-testid=table-handling]")
    assert "Đơn khiếu nại" in handling and "Đơn tố cáo" in handling and "Đơn kiến nghị, phản ánh" in handling
    shot(page, "desktop-statistics")
    book = _download(page, "statistics-xlsx")
    sheet = book["Giải quyết KN, TC"]
    assert sheet["B5"].value == "Loại đơn" and "F5:H5" in {str(r) for r in sheet.merged_cells.ranges}
    complaint = next(r for r in sheet.iter_rows(min_row=8, values_only=True) if r[1] == "Đơn khiếu nại")
    assert complaint[2:8] == (1, 0, 1, 1, 1, 0)

    page.click("nav >> text=Sổ sách")
    _choose(page, "register-filter", "year")
    page.wait_for_selector("[data-testid=petition-register]")
    check_vietnamese(page)
    rows = page.locator("[data-testid=petition-register] tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").nth(2).inner_text() for i in range(3)] == [p.code for p in made[:3]]
    assert "Trích yếu nội dung" in page.inner_text("[data-testid=petition-register] thead")
    register = _download(page, "register-xlsx").worksheets[0]
    assert [c.value for c in register[1]][:6] == ["STT", "Ngày nhận", "Số đơn", "Họ tên người gửi",
                                                  "Địa chỉ người gửi", "Trích yếu nội dung"]
    assert [register.cell(r, 3).value for r in (2, 3, 4)] == [p.code for p in made[:3]]

    page.emulate_media(media="print")
    assert not page.is_visible("[data-testid=register-filter]")  # the period chooser is not printed
    shot(page, "print-register")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SHOTS / "register.pdf"), prefer_css_page_size=True)
    box = pdf.split(b"/MediaBox", 1)[1].split(b"]", 1)[0].strip(b" [").split()
    width, height = float(box[2]), float(box[3])
    assert round(width) == 842 and round(height) == 595  # A4 landscape, in points
