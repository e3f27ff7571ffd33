"""The reception book as an Excel workbook (sổ tiếp công dân), with the columns of the book kept under
Thông tư 04/2021/TT-TTCP: number, date, who received, citizens received, delegation and its
representatives, content, what was done and the petitions it produced, refusal and its reason."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ..usecases import facts
from ..usecases.context import Actor, Context
from . import receptions

KIND_LABELS = {"periodic": "Định kỳ", "adhoc": "Đột xuất", "regular": "Thường xuyên"}
HEADERS = ("STT", "Ngày tiếp", "Hình thức", "Người tiếp", "Chức vụ", "Họ tên, địa chỉ công dân", "Số người",
           "Đoàn đông người", "Người đại diện", "Nội dung", "Kết quả tiếp, hướng xử lý", "Đơn đã tiếp nhận",
           "Từ chối tiếp", "Lý do từ chối")
WIDTHS = (6, 12, 12, 24, 18, 36, 9, 10, 30, 50, 40, 24, 10, 36)


def _columns(index: int) -> str:
    return chr(ord("A") + index)


def book_xlsx(ctx: Context, actor: Actor, start: date | None = None, end: date | None = None) -> tuple[bytes, str]:
    """The book from `start` to `end` as an .xlsx file and its download name."""
    found = receptions.list_sessions(ctx, actor, start, end)
    book = Workbook(write_only=True)
    ws = book.create_sheet("Sổ tiếp công dân")
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions[_columns(index)].width = width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    ws.append(header)
    for r in found:
        values = (r.number, r.received_on, KIND_LABELS.get(r.kind, r.kind), r.receiver, r.receiver_title, r.citizens,
                  r.visitors, "Có" if r.delegation else "", r.representatives, r.content, r.result,
                  ", ".join(p.code for p in r.petitions), "Có" if r.refused else "", r.refusal_reason)
        row = []
        for value in values:
            cell = WriteOnlyCell(ws, value=value)
            cell.alignment = wrap
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            row.append(cell)
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    first = found[0].received_on.year if found else (start or end or facts.today(ctx.settings.timezone)).year
    return out.getvalue(), f"so-tiep-cong-dan-{first}.xlsx"
