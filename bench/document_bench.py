"""Section 7: making one official document, a written reply, as .docx and PDF (no database).

Times the template read (with its hash), the layout and both renderings together, the work a
download does besides reading the document's row; `ms` is that total, `docx_ms` and `pdf_ms` its parts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from service.documents import docx_render, layout, pdf_render, templates

from .settings import SCALE
from .stats import repeat, summary

VALUES = {"issuer": "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "issuer_name": "Sở Khoa học và Công nghệ tỉnh Sơn La",
          "superior": "UBND TỈNH SƠN LA", "agency_abbr": "SKHCN", "place": "Sơn La",
          "petitioner_name": "Nguyễn Thị Hường", "submitted_on": "12/03/2026", "petition_code": "SONLA-KHCN-2026-00012",
          "title": "Đề nghị hỗ trợ chuyển giao công nghệ sấy nông sản",
          "reply_text": "Sở đã xem xét đề nghị của ông/bà và đưa nội dung vào kế hoạch chuyển giao năm 2027. " * 4,
          "director_name": "Nguyễn Văn An"}


def filled_reply() -> layout.Layout:
    """The written reply laid out with the sample values."""
    return layout.build(templates.load("written_reply"), VALUES, 12, date(2026, 11, 29))


def run(times: int | None = None) -> dict[str, Any]:
    """Median and p95 of making the document (template, layout, .docx and PDF) and of each rendering."""
    times = times or max(5, int(30 * min(SCALE, 1.0)))
    warmup = min(3, times - 1)
    filled = filled_reply()
    return {"ms": summary(repeat(lambda: (docx_render.render(filled_reply()), pdf_render.render(filled_reply())), times,
                                 warmup)),
            "docx_ms": summary(repeat(lambda: docx_render.render(filled), times, warmup)),
            "pdf_ms": summary(repeat(lambda: pdf_render.render(filled), times, warmup))}
