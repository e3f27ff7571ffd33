"""A document's layout as an editable .docx (python-docx): A4, the decree's margins, Times New Roman.

The header is a borderless two-column table, the issuing body on the left and the national title and
motto on the right, each with its short rule under it, as appendix I of the decree draws them.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from .layout import MOTTO, NATIONAL_TITLE, Layout

FONT = "Times New Roman"
"""Liberation Serif is metric-compatible and stands in for it where Times New Roman is not installed."""
BODY_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
LEFT_COLUMN_MM = 70
RIGHT_COLUMN_MM = 95


def _paragraph(where: _Cell | DocxDocument, text: str = "", *, size: float = BODY_PT, bold: bool = False,
               italic: bool = False, align: WD_PARAGRAPH_ALIGNMENT = WD_ALIGN_PARAGRAPH.CENTER, after: float = 0,
               indent_first: float | None = None) -> Paragraph:
    paragraph: Paragraph = where.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent_first is not None:
        paragraph.paragraph_format.first_line_indent = Mm(indent_first)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.font.bold, run.font.italic, run.font.name = Pt(size), bold, italic, FONT
    return paragraph


def _rule(cell: _Cell, inset_mm: float) -> None:
    """A short centred horizontal line: an empty paragraph's bottom border, inset from both sides."""
    paragraph = _paragraph(cell, size=4)
    paragraph.paragraph_format.left_indent = Mm(inset_mm)
    paragraph.paragraph_format.right_indent = Mm(inset_mm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def render(layout: Layout) -> bytes:
    """The .docx file's bytes."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    document._body.clear_content()

    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Mm(LEFT_COLUMN_MM), Mm(RIGHT_COLUMN_MM)
    _paragraph(left, layout.superior, size=12)
    _paragraph(left, layout.issuer, size=12, bold=True)
    _rule(left, 22)
    _paragraph(left, layout.number_line, size=13, after=2)
    if not layout.name:  # a letter (công văn): its summary sits under the number
        _paragraph(left, layout.summary, size=12)
    _paragraph(right, NATIONAL_TITLE, size=12, bold=True)
    _paragraph(right, MOTTO, size=13, bold=True)
    _rule(right, 24)
    _paragraph(right, layout.place_date, size=14, italic=True, after=2)
    for cell in (left, right):  # the cells' own first, empty paragraph
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)

    _paragraph(document, size=6)
    if layout.name:
        _paragraph(document, layout.name, bold=True)
        _paragraph(document, layout.summary, bold=True, after=6)
    if layout.to:
        _paragraph(document, f"Kính gửi: {layout.to}", after=6)
    for text in layout.paragraphs:
        _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent_first=10)

    footer = document.add_table(rows=1, cols=2)
    footer.autofit = False
    recipients, signature = footer.rows[0].cells
    recipients.width, signature.width = Mm(80), Mm(85)
    _paragraph(recipients, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for index, line in enumerate(layout.recipients, 1):
        end = "." if index == len(layout.recipients) else ";"
        _paragraph(recipients, f"- {line}{end}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in layout.signer_lines:
        _paragraph(signature, line, size=14, bold=True)
    _paragraph(signature, size=14, after=48)  # room for the signature and the seal
    _paragraph(signature, layout.signer_name, size=14, bold=True)
    for cell in (recipients, signature):
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
