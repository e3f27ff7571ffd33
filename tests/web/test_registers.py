"""The petition register and the TT02 statistics pages: Vietnamese headers as the inspectorate writes them,
figures that add up for a year, and Excel workbooks opened back with openpyxl and read cell by cell."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import update

from service.domain import petitions
from service.store.petition_tables import Petition
from service.usecases.context import Context
from tests.web.conftest import INTAKE, actor, signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = 2031
"""A year no other test of this module's deployment writes in."""

ROWS: dict[str, dict[str, Any]] = {  # letter: kind, handling, received, closed (TT02 year 2031: 15/12/2030-14/12/2031)
    "A": {"petition_type": "khieu_nai", "handling_result": "thu_ly", "at": date(2030, 12, 20),
          "closed": date(2031, 1, 15)},
    "B": {"petition_type": "to_cao", "handling_result": "thu_ly", "at": date(2031, 2, 1), "closed": date(2031, 4, 1)},
    "C": {"petition_type": "kien_nghi", "handling_result": "chuyen_don", "at": date(2031, 3, 14),
          "closed": date(2031, 3, 20)},
    "D": {"petition_type": "phan_anh", "handling_result": "huong_dan", "at": date(2031, 6, 1), "closed": None},
    "E": {"petition_type": "khieu_nai", "handling_result": "thu_ly", "at": date(2031, 12, 10), "closed": None},
    "F": {"petition_type": None, "handling_result": None, "at": date(2031, 12, 20), "closed": None},
}


def _moment(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC) if day else None


@pytest.fixture(scope="module")
def year(web: tuple[Flask, Context]) -> dict[str, petitions.PetitionInfo]:
    """Six petitions on the register, dated across the TT02 year 2031 and its edges."""
    _app, ctx = web
    made = {}
    for letter, row in ROWS.items():
        info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": f"Sổ đơn {letter}",
                                                              "petitioner_name": f"Người gửi {letter}"})
        with ctx.uow() as uow:
            uow.session.execute(update(Petition).where(Petition.id == info.id).values(
                petition_type=row["petition_type"], handling_result=row["handling_result"],
                submitted_at=_moment(row["at"]), closed_at=_moment(row["closed"]),
                stage="closed" if row["closed"] else "consolidate_inspectorate",
                outcome="answered" if row["closed"] else None))
            uow.commit()
        made[letter] = info
    return made


def _book(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def test_register_page_lists_the_periods_petitions_with_the_forms_columns(
        web: tuple[Flask, Context], year: dict[str, petitions.PetitionInfo]) -> None:
    app, _ctx = web
    page = signed_in(app, "thanhtra").get(f"/registers/petitions?period=year&year={YEAR}")
    assert page.status_code == 200
    html = page.text
    for header in ("STT", "Ngày nhận", "Số đơn", "Trích yếu nội dung", "Loại đơn", "Thẩm quyền", "Hướng xử lý",
                   "Kết quả", "Ghi chú", "Sổ tiếp nhận, xử lý đơn", "Từ 15/12/2030 đến 14/12/2031"):
        assert header in html, header
    assert all(year[x].code in html for x in "ABCDE") and year["F"].code not in html  # 20/12 is next year's
    assert 'data-testid="register-count">5<' in html
    assert "Đơn tố cáo" in html and "Thụ lý giải quyết" in html and "Chuyển đơn" in html


def test_register_workbook_has_one_numbered_line_per_petition(
        web: tuple[Flask, Context], year: dict[str, petitions.PetitionInfo]) -> None:
    app, _ctx = web
    answer = signed_in(app, "thanhtra").get(f"/registers/petitions.xlsx?period=year&year={YEAR}")
    assert answer.status_code == 200 and answer.mimetype == XLSX
    rows = list(_book(answer.data).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("STT", "Ngày nhận", "Số đơn", "Họ tên người gửi", "Địa chỉ người gửi", "Trích yếu nội dung",
                       "Loại đơn", "Lĩnh vực", "Thẩm quyền", "Hướng xử lý", "Kết quả", "Ghi chú")
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4, 5]
    assert [r[2] for r in rows[1:]] == [year[x].code for x in "ABCDE"]
    b = rows[2]
    assert b[3] == "Người gửi B" and b[5] == "Sổ đơn B" and b[6] == "Đơn tố cáo"  # the intake form's labels
    assert b[9].startswith("Thụ lý giải quyết")
    assert isinstance(b[1], datetime) and b[1].date() == date(2031, 2, 1)
    assert rows[3][6] == "Đơn kiến nghị" and rows[4][10] == "Đang xử lý"


def test_the_office_does_not_read_a_denouncers_name(
        web: tuple[Flask, Context], year: dict[str, petitions.PetitionInfo]) -> None:
    app, _ctx = web
    answer = signed_in(app, "vanphong").get(f"/registers/petitions.xlsx?period=year&year={YEAR}")
    b = next(r for r in _book(answer.data).worksheets[0].iter_rows(values_only=True) if r[2] == year["B"].code)
    assert b[3] in (None, "") and b[4] in (None, "") and "Giữ bí mật thông tin người tố cáo" in str(b[11])


def test_statistics_page_adds_up_for_the_year_and_carries_over(
        web: tuple[Flask, Context], year: dict[str, petitions.PetitionInfo]) -> None:
    app, _ctx = web
    client = signed_in(app, "thanhtra")
    html = client.get(f"/reports/statistics?period=year&year={YEAR}").text
    for text in ("Năm 2031", "số liệu tính từ ngày 15/12/2030 đến ngày 14/12/2031", "Đơn khiếu nại", "Đơn tố cáo",
                 "Đơn kiến nghị, phản ánh", "Kỳ trước chuyển sang", "Đúng hạn", "Quá hạn", "Tiếp công dân"):
        assert text in html, text
    assert 'data-testid="received">5<' in html and 'data-testid="open-at-end">2<' in html
    q2 = client.get(f"/reports/statistics?period=q2&year={YEAR}").text
    assert "Quý II năm 2031" in q2 and 'data-testid="carried">2<' in q2 and 'data-testid="received">1<' in q2
    assert client.get(f"/reports/statistics?period=q1&year={YEAR}").text.count('data-testid="open-at-end">2<') == 1


def test_statistics_workbook_has_the_forms_merged_headers_and_figures(
        web: tuple[Flask, Context], year: dict[str, petitions.PetitionInfo]) -> None:
    app, _ctx = web
    answer = signed_in(app, "thanhtra").get(f"/reports/statistics.xlsx?period=year&year={YEAR}")
    assert answer.status_code == 200 and answer.mimetype == XLSX
    book = _book(answer.data)
    assert book.sheetnames == ["Tiếp công dân", "Xử lý đơn", "Giải quyết KN, TC", "Chi tiết"]
    handling = book["Xử lý đơn"]
    assert handling["A2"].value == "KẾT QUẢ TIẾP NHẬN, XỬ LÝ ĐƠN" and "A2:" in str(handling.merged_cells)
    merged = {str(r) for r in handling.merged_cells.ranges}
    assert {"A5:A6", "B5:B6", "C5:C6", "D5:D6", "E5:E6"} <= merged
    assert handling["B5"].value == "Loại đơn" and handling["D5"].value == "Kỳ trước chuyển sang"
    assert handling["F5"].value == "Phân loại theo lĩnh vực" and handling["A7"].value == "(1)"
    body = {row[1]: row for row in handling.iter_rows(min_row=8, values_only=True) if row[1]}
    assert body["Đơn khiếu nại"][2:5] == (2, 0, 2) and body["Đơn tố cáo"][2] == 1
    assert body["Đơn kiến nghị, phản ánh"][2] == 2 and body["Tổng cộng"][2] == 5
    width = handling.max_column
    assert body["Tổng cộng"][width - 1] == 2  # open at the year's end: D and E
    resolution = book["Giải quyết KN, TC"]
    assert "F5:H5" in {str(r) for r in resolution.merged_cells.ranges}
    assert resolution["F5"].value == "Đã giải quyết" and resolution["G6"].value == "Đúng hạn"
    rows = {row[1]: row for row in resolution.iter_rows(min_row=8, values_only=True) if row[1]}
    # complaints: A resolved in 26 days (in time), E pending and not yet late; the denunciation B took 59 days
    assert rows["Đơn khiếu nại"][2:11] == (2, 0, 2, 1, 1, 0, 1, 1, 0)
    assert rows["Đơn tố cáo"][2:11] == (1, 0, 1, 1, 0, 1, 0, 0, 0)
    assert rows["Đơn khiếu nại"][11] == 40
    detail = list(book["Chi tiết"].iter_rows(min_row=7, values_only=True))
    assert detail[-1][1] == "Tổng cộng" and detail[-1][5] == 5 == sum(int(r[5]) for r in detail[:-1])
    assert any(r[1:4] == ("Đơn tố cáo", "Khoa học", "Chưa xác định") and r[4].startswith("Thụ lý giải quyết")
               and r[5] == 1 for r in detail)


def test_reception_may_not_read_registers_and_the_report_keeps_its_charts(
        web: tuple[Flask, Context], year: dict[str, petitions.PetitionInfo]) -> None:
    app, _ctx = web
    assert signed_in(app, "tiepnhan").get("/registers/petitions").status_code == 403
    assert signed_in(app, "tiepnhan").get("/reports/statistics.xlsx").status_code == 403
    client = signed_in(app, "thanhtra")
    report = client.get("/reports?start=2030-12-15&end=2031-12-14").text
    assert 'data-testid="tt02-link"' in report and "<svg" in report
    assert client.get("/reports/statistics?period=q9&year=abc").status_code == 200  # falls back to this quarter
    assert client.get("/reports/statistics?period=year&year=1900").status_code in (400, 422)
