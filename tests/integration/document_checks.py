"""Checks of an official document's art. 8 elements, in its .docx and in its PDF (text and PNG pages)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from service.documents import pdf_render
from service.documents.layout import MOTTO, NATIONAL_TITLE

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "documents"
NUMBER = re.compile(r"^Số: (\d+)/([A-ZĐ]+-[A-ZĐ][A-ZĐa-z]*)$")


def poppler() -> None:
    """Skip (fail under CI=true) when poppler-utils or Liberation Serif 2 is absent; `make doctools` installs them."""
    try:
        pdf_render.font_dir()
    except pdf_render.FontMissing:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Liberation Serif 2 (fonts-liberation2) is not installed: make doctools installs it")
    if shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("pdftotext/pdftoppm (poppler-utils) are missing under CI")
    pytest.skip("pdftotext/pdftoppm (poppler-utils) are not installed: make doctools installs them")


def _texts(cell: object) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]  # type: ignore[attr-defined]


def check_docx(content: bytes, *, superior: str, issuer: str, place: str, number: int, summary_words: str,
               deputy: bool, names: tuple[str, ...]) -> str:
    """Every art. 8 element in the .docx; returns the whole text."""
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # type: ignore[union-attr]
    margins = {side: round(getattr(section, f"{side}_margin").mm, 1) for side in ("top", "bottom", "left", "right")}
    assert 20 <= margins["top"] <= 25 and 20 <= margins["bottom"] <= 25, margins
    assert 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20, margins
    header, footer = document.tables
    left, right = header.rows[0].cells
    top_left = _texts(left)
    assert top_left[0] == superior and top_left[1] == issuer
    assert left.paragraphs[1].runs[0].bold
    found = NUMBER.match(top_left[2])
    assert found and int(found.group(1)) == number, top_left[2]
    title, motto, dated = _texts(right)
    assert (title, motto) == (NATIONAL_TITLE, MOTTO)
    assert all(right.paragraphs[i].runs[0].bold for i in (0, 1))
    assert right.paragraphs[2].paragraph_format.left_indent is not None  # the rule under the motto
    assert re.fullmatch(rf"{re.escape(place)}, ngày \d{{2}} tháng (0[12]|[3-9]|1[012]) năm \d{{4}}", dated), dated
    body = [p.text for p in document.paragraphs if p.text.strip()]
    assert summary_words in " ".join(top_left + body)  # trích yếu
    assert len(body) >= 2  # the content
    recipients, signature = footer.rows[0].cells
    assert _texts(recipients)[0] == "Nơi nhận:" and len(_texts(recipients)) >= 2
    signed = _texts(signature)
    assert signed[:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] if deputy else "KT." not in signed[0]
    assert signed[-1].strip(), "the signer's name"
    for paragraph in [*document.paragraphs, *(p for t in document.tables for c in t._cells for p in c.paragraphs)]:
        for run in paragraph.runs:
            assert run.font.name == "Times New Roman"
            assert run.font.size is None or 11 <= run.font.size.pt <= 14
    text = "\n".join([*top_left, title, motto, dated, *body, *_texts(recipients), *signed])
    for name in names:
        assert name in text
    return text


def check_pdf(content: bytes, stem: str, must_read: tuple[str, ...]) -> str:
    """The PDF's text (pdftotext) has `must_read` with every diacritic; its pages go to test-results as PNG."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    pdf = RESULTS / f"{stem}.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")
    flat = " ".join(text.split())
    for expected in (NATIONAL_TITLE, MOTTO, *must_read):
        assert " ".join(expected.split()) in flat, f"{expected!r} not in the PDF's text of {stem}"
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(RESULTS / stem)], check=True, timeout=60)
    pdf.unlink()
    assert list(RESULTS.glob(f"{stem}*.png"))
    return text
