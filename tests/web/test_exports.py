"""Exports: real .xlsx workbooks of the register and the task list with Vietnamese headers; CSV with a BOM."""

from __future__ import annotations

import io
from datetime import datetime

from flask import Flask
from openpyxl import load_workbook

from service.domain import petitions
from service.usecases.context import Context
from tests.web.conftest import INTAKE, actor, petition_at_draft, signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(data: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(data))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_register_export_is_a_workbook_with_vietnamese_headers(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": "Xuất Excel: cà phê Sơn La"})
    client = signed_in(app, "thanhtra")
    page = client.get("/petitions?q=Xu%E1%BA%A5t").text
    assert 'data-testid="export-xlsx"' in page and "Tải về tệp Excel" in page
    answer = client.get("/petitions/export.xlsx?q=Xuất Excel")
    assert answer.status_code == 200 and answer.mimetype == XLSX
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = _sheet(answer.data)
    assert rows[0][:2] == ("Mã số", "Trích yếu nội dung") and rows[0][3] == "Người gửi đơn"
    found = [r for r in rows[1:] if r[0] == info.code]
    assert len(found) == 1 and found[0][1] == "Xuất Excel: cà phê Sơn La"
    received = found[0][8]
    assert isinstance(received, datetime)


def test_task_export_lists_the_pages_tasks(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, _task = petition_at_draft(ctx, title="Công việc xuất Excel")
    client = signed_in(app, "unit_science")
    answer = client.get("/tasks/export.xlsx")
    assert answer.status_code == 200 and answer.mimetype == XLSX
    rows = _sheet(answer.data)
    assert rows[0][0] == "Công việc"
    mine = [r for r in rows[1:] if r[1] == info.code]
    assert len(mine) == 1 and mine[0][2] == "Công việc xuất Excel" and mine[0][4] == "Phòng Quản lý khoa học"
    assert signed_in(app, None).get("/tasks/export.xlsx").status_code == 302


def test_audit_csv_starts_with_a_bom(web: tuple[Flask, Context]) -> None:
    answer = signed_in(web[0], "kiemtoan").get("/audit/export.csv")
    assert answer.status_code == 200 and answer.data.startswith(b"\xef\xbb\xbf")
