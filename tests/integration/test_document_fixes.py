"""Three defects of the official documents, fixed: the written reply says what the director signed (not
the petition's title again), the signer's name is printed when it is known, and fonts are read once."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
from docx import Document as Docx

from service.documents import pdf_render
from service.domain import documents
from service.usecases import accounts
from service.usecases.context import Actor, Context
from tests.conftest import make_context
from tests.integration.department import Department, hold_dialogue, notify, prepare_for_dialogue
from tests.integration.document_checks import check_pdf, poppler

REPLY = "Sở đã xem xét và hướng dẫn ông/bà nộp hồ sơ tại Bộ phận một cửa trước ngày 30 tháng 9."
TITLE = "Đề nghị hỗ trợ ứng dụng tiến bộ kỹ thuật"


@pytest.fixture
def sqlite_ctx(tmp_path: Path) -> Context:
    return make_context(f"sqlite:///{tmp_path / 'documents.sqlite3'}")


def _text(docx: bytes) -> str:
    doc = Docx(io.BytesIO(docx))
    cells = [p.text for t in doc.tables for c in t._cells for p in c.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_written_reply_carries_the_signed_text_and_the_signers_name(sqlite_ctx: Context,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    poppler()
    ctx = sqlite_ctx
    dept = Department.from_plan(ctx, "000_sonla_khcn_2022.toml", monkeypatch)
    system = Actor("system", dept.agency, frozenset({"admin"}), system=True)
    accounts.add_user(ctx, system, dept.staff("director").username, "petitionflow-director", ["director"],
                      dept.agency, "Lò Văn Giám (director)")
    unit = dept.plan["units"][0]
    day = date(2022, 9, 15)
    p = dept.submit(day.replace(month=8), source="citizen", field=unit["fields"][0], title=TITLE,
                    content="Đề nghị Sở hướng dẫn thủ tục.", petitioner_name="Nguyễn Thị Hường")
    prepare_for_dialogue(dept, p, unit["code"])
    hold_dialogue(dept, "periodic", day, {p: "written_reply"})
    dept.step(p, "draft_written_reply", {"written_reply": REPLY})
    dept.step(p, "sign_written_reply", {"sign_decision": "sign", "signed_on": dept.today()})
    notify(dept, p)
    reader = dept.staff("office")
    issued = {d.kind: d for d in documents.list_for_petition(ctx, reader, p.id)}
    reply = issued["written_reply"]
    text = _text(documents.render(ctx, reader, reply.id, "docx", p.id)[2])
    assert REPLY in text, text
    assert text.count(TITLE) <= 1  # named once, where the reply says what the petition was about
    assert "……" not in text and text.rstrip().endswith("Lò Văn Giám"), text
    pdf = documents.render(ctx, reader, reply.id, "pdf", p.id)[2]
    check_pdf(pdf, "fix-written_reply", (REPLY, "Lò Văn Giám"))
    receipt = _text(documents.render(ctx, reader, issued["receipt"].id, "docx", p.id)[2])
    assert "PHÓ GIÁM ĐỐC" in receipt and "Nguyễn Văn Tiếp" not in receipt  # the deputy is not the receiving clerk

    other = dept.submit(day.replace(month=8), source="citizen", field=unit["fields"][0], title="Đơn thứ hai",
                        content="Nội dung.", petitioner_name="Hà Văn Lợi")
    prepare_for_dialogue(dept, other, unit["code"])  # the unit's draft is approved; no letter drafted yet
    early = documents.request(ctx, reader, other.id, "written_reply", {})
    text = _text(documents.render(ctx, reader, early.id, "docx", other.id)[2])
    assert "Dự thảo trả lời: Đơn thứ hai" in text and text.count("Đơn thứ hai") == 2, text


def test_fonts_are_read_once_per_process() -> None:
    poppler()
    from service.documents import layout, templates

    filled = layout.build(templates.load("receipt"), {"issuer": "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "place": "Sơn La",
                                                      "petitioner_name": "Lê Văn Tám", "title": TITLE}, 1,
                          date(2026, 11, 30))
    pdf_render.render(filled)  # the first rendering in this process reads the fonts
    reads: list[str] = []
    monkey = pytest.MonkeyPatch()
    monkey.setattr(pdf_render, "_read_font", lambda path: reads.append(path) or b"")
    try:
        started = time.process_time()
        pdfs = [pdf_render.render(filled) for _ in range(3)]
        each = (time.process_time() - started) / 3
    finally:
        monkey.undo()
    assert reads == [], "a PDF read its fonts again"
    for n, pdf in enumerate(pdfs):  # each document has its own subset: later ones still read back whole
        check_pdf(pdf, f"fix-font-cache-{n}", ("Lê Văn Tám", TITLE))
    assert each < 1.0, f"a PDF took {each:.2f} s of CPU"


def test_a_note_in_brackets_is_no_part_of_the_agencys_symbol() -> None:
    from service.documents import layout

    assert layout.abbreviation("SỞ KHOA HỌC VÀ CÔNG NGHỆ (DEMO)") == "SKHCN"
    assert layout.abbreviation("SỞ NỘI VỤ") == "SNV"
