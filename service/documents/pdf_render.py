"""A document's layout as a PDF for print and publication, drawn directly with fpdf2.

The same layout as the .docx, in Liberation Serif (metric-compatible with Times New Roman; Debian's
fonts-liberation2, whose version 2 covers Vietnamese) embedded as a Unicode TrueType font, so the
Vietnamese diacritics survive printing and text extraction.

The fonts are read and measured once per process (`_prototype`): fpdf2 otherwise parses the four
TrueType files (character map, widths of every glyph) for each document, about half of a PDF's time.
Each document gets a shallow copy of the measured font with its own glyph subset and its own copy of
the decoded fontTools object (unpickled from the per-process cache), because writing the PDF subsets
that object in place; layout tables (GSUB, GPOS...) a PDF never uses are dropped once, up front.
"""

from __future__ import annotations

import copy
import functools
import pickle  # nosec B403: only fonts this process decoded itself are unpickled
import threading
from io import BytesIO
from pathlib import Path

from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

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


_LOCK = threading.Lock()
FAMILY = "Serif"


def _read_font(path: str) -> bytes:
    return Path(path).read_bytes()


LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "JSTF", "BASE", "kern", "hdmx", "VDMX", "LTSH", "DSIG")
"""Tables a PDF's embedded font never uses (text is not shaped; positions are in the page already)."""


@functools.cache
def _font_bytes(path: str) -> bytes:
    """The font, read and decoded once per process without the layout tables, as a pickle: unpickling a
    decoded font is about four times faster than decoding the file's tables again for each document."""
    font = ttLib.TTFont(BytesIO(_read_font(path)), recalcTimestamp=False)
    for tag in LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    lean = BytesIO()
    font.save(lean)
    decoded = ttLib.TTFont(BytesIO(lean.getvalue()), recalcTimestamp=False)
    for tag in list(decoded.keys()):
        decoded[tag]
    return pickle.dumps(decoded, protocol=pickle.HIGHEST_PROTOCOL)


@functools.cache
def _prototype(path: str, style: str) -> TTFFont:
    """The font measured once per process (widths, character map, descriptor); never used to write a PDF."""
    with _LOCK:
        scratch = FPDF()
        scratch.add_font(FAMILY, style, path)
        font = scratch.fonts[f"{FAMILY.lower()}{style}"]
        assert isinstance(font, TTFFont)
        return font


def _add_fonts(pdf: FPDF, folder: Path) -> None:
    """Liberation Serif in every style on `pdf`, from the per-process cache."""
    for style, name in STYLES.items():
        path = str(folder / f"LiberationSerif-{name}.ttf")
        font = copy.copy(_prototype(path, style))
        font.i = len(pdf.fonts) + 1
        font.ttfont = pickle.loads(_font_bytes(path))  # our own object, made above in this process
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None
        font.subset = SubsetMap(font)
        pdf.fonts[f"{FAMILY.lower()}{style}"] = font


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
    _add_fonts(pdf, font_dir())
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
