"""A document's layout as a PDF for print and publication, drawn directly with fpdf2.

The same layout as the .docx, in Liberation Serif (metric-compatible with Times New Roman; Debian's
fonts-liberation2, whose version 2 covers Vietnamese) embedded as a Unicode TrueType font, so the
Vietnamese diacritics survive printing and text extraction.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from .docx_render import BODY_PT, LEFT_COLUMN_MM, MARGINS_MM, RIGHT_COLUMN_MM
from .layout import MOTTO, NATIONAL_TITLE, Layout

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
"""Liberation 2 (fonts-liberation2) first: version 1 (fonts-liberation) lacks most Vietnamese letters."""
STYLES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}
LINE = 1.25  # line height as a multiple of the font size


class FontMissing(RuntimeError):
    """Liberation Serif is not installed (Debian package fonts-liberation)."""


def font_dir() -> Path:
    """The folder that holds LiberationSerif-*.ttf."""
    for folder in FONT_DIRS:
        if (folder / "LiberationSerif-Regular.ttf").exists():
            return folder
    raise FontMissing("Liberation Serif is not installed: apt-get install fonts-liberation2")


def _height(size: float) -> float:
    return size * LINE * 25.4 / 72


class _Page(FPDF):
    def write_lines(self, text: str, size: float, style: str = "", align: str = "C", width: float = 0,
                    x: float | None = None) -> None:
        self.set_font("Serif", style, size)
        if x is not None:
            self.set_x(x)
        self.multi_cell(width, _height(size), text, align=Align.coerce(align), new_x=XPos.LMARGIN if x is None
                        else XPos.LEFT, new_y=YPos.NEXT)

    def rule(self, centre: float, length: float) -> None:
        y = self.get_y() + 1
        self.set_line_width(0.3)
        self.line(centre - length / 2, y, centre + length / 2, y)
        self.set_y(y + 1.5)


def render(layout: Layout) -> bytes:
    """The PDF file's bytes."""
    pdf = _Page(format="A4", unit="mm")
    pdf.set_margins(MARGINS_MM["left"], MARGINS_MM["top"], MARGINS_MM["right"])
    pdf.set_auto_page_break(True, MARGINS_MM["bottom"])
    folder = font_dir()
    for style, name in STYLES.items():
        pdf.add_font("Serif", style, str(folder / f"LiberationSerif-{name}.ttf"))
    pdf.set_title(f"{layout.number_line} {layout.summary}")
    pdf.add_page()
    left_x = pdf.l_margin
    right_x = pdf.w - pdf.r_margin - RIGHT_COLUMN_MM
    top = pdf.get_y()

    pdf.write_lines(layout.superior, 12, width=LEFT_COLUMN_MM, x=left_x)
    pdf.write_lines(layout.issuer, 12, "B", width=LEFT_COLUMN_MM, x=left_x)
    pdf.rule(left_x + LEFT_COLUMN_MM / 2, 25)
    pdf.write_lines(layout.number_line, 13, width=LEFT_COLUMN_MM, x=left_x)
    if not layout.name:
        pdf.write_lines(layout.summary, 12, width=LEFT_COLUMN_MM, x=left_x)
    left_bottom = pdf.get_y()

    pdf.set_y(top)
    pdf.write_lines(NATIONAL_TITLE, 12, "B", width=RIGHT_COLUMN_MM, x=right_x)
    pdf.write_lines(MOTTO, 13, "B", width=RIGHT_COLUMN_MM, x=right_x)
    pdf.set_font("Serif", "B", 13)
    pdf.rule(right_x + RIGHT_COLUMN_MM / 2, pdf.get_string_width(MOTTO))
    pdf.write_lines(layout.place_date, 14, "I", width=RIGHT_COLUMN_MM, x=right_x)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    if layout.name:
        pdf.write_lines(layout.name, BODY_PT, "B")
        pdf.write_lines(layout.summary, BODY_PT, "B")
        pdf.ln(3)
    if layout.to:
        pdf.write_lines(f"Kính gửi: {layout.to}", BODY_PT)
        pdf.ln(3)
    pdf.set_font("Serif", "", BODY_PT)
    with pdf.text_columns(text_align=Align.J, line_height=LINE) as body:  # justified, first line indented 10 mm
        for text in layout.paragraphs:
            with body.paragraph(first_line_indent=10, bottom_margin=2) as paragraph:
                paragraph.write(text)

    pdf.ln(4)
    if pdf.get_y() > pdf.h - pdf.b_margin - 60:
        pdf.add_page()
    top = pdf.get_y()
    sign_x = pdf.w - pdf.r_margin - 85
    pdf.write_lines("Nơi nhận:", 12, "BI", align="L", width=75, x=left_x)
    for index, line in enumerate(layout.recipients, 1):
        end = "." if index == len(layout.recipients) else ";"
        pdf.write_lines(f"- {line}{end}", 11, align="L", width=75, x=left_x)
    pdf.set_y(top)
    for line in layout.signer_lines:
        pdf.write_lines(line, 14, "B", width=85, x=sign_x)
    pdf.set_y(pdf.get_y() + 24)
    pdf.write_lines(layout.signer_name, 14, "B", width=85, x=sign_x)
    return bytes(pdf.output())
