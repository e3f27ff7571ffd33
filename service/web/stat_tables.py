"""The statistics' tables as the TT 02/2021/TT-TTCP forms lay them out: grouped header cells over numbered
columns, one row per kind of petition and a total row. One model renders as HTML (colspan/rowspan) and as
an Excel sheet (merged cells), so the page and the workbook never differ."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ..domain.statistics import Statistics
from .display import code_label
from .i18n import bilingual
from .i18n import translate as _


@dataclass(frozen=True)
class Head:
    """A header cell spanning `cols` columns and `rows` header rows."""

    text: str
    cols: int = 1
    rows: int = 1


@dataclass
class Table:
    """One form: its title, header rows, body rows (first two cells: STT and the row's label) and a note."""

    key: str
    title: str
    heads: list[list[Head]]
    rows: list[list[str | int]] = field(default_factory=list)
    note: str = ""
    sheet: str = ""
    """The Excel sheet's name (at most 31 characters)."""

    @property
    def width(self) -> int:
        """How many columns the table has."""
        return sum(h.cols for h in self.heads[0])


def _total(rows: Sequence[Sequence[str | int]]) -> list[str | int]:
    sums: list[str | int] = ["", _("Total")]
    for index in range(2, len(rows[0]) if rows else 2):
        sums.append(sum(int(r[index]) for r in rows))
    return sums


def handling_table(st: Statistics) -> Table:
    """Petitions handled (xử lý đơn): carried over and received, by field, competence and handling result."""
    fields = list(st.fields) or []
    competences = [*st.competences, ("", st.undetermined)]
    handlings = [*st.handlings, ("", st.undecided)]
    heads = [
        [Head(_("Row no."), rows=2), Head(_("Kind of petition"), rows=2), Head(_("Petitions to handle"), rows=2),
         Head(_("Carried over from the previous period"), rows=2), Head(_("Received in the period"), rows=2)]
        + ([Head(_("By field"), cols=len(fields))] if fields else [])
        + [Head(_("By competence"), cols=len(competences)), Head(_("Handling result"), cols=len(handlings)),
           Head(_("Closed in the period"), rows=2), Head(_("Open at the period's end"), rows=2)],
        [Head(code_label(f)) for f in fields] + [Head(bilingual(label)) for _c, label in competences]
        + [Head(bilingual(label)) for _h, label in handlings],
    ]
    rows: list[list[str | int]] = []
    for number, r in enumerate(st.types, 1):
        head: list[str | int] = [number, bilingual(r.label), r.total, r.carried, r.received]
        rows.append(head + [r.by_field.get(f, 0) for f in fields]
                    + [r.by_competence.get(c, 0) for c, _l in competences]
                    + [r.by_handling.get(h, 0) for h, _l in handlings] + [r.closed, r.open_at_end])
    rows.append(_total(rows))
    return Table("handling", _("Petitions received and handled"), heads, rows, sheet=_("Sheet: handling"))


def resolution_table(st: Statistics) -> Table:
    """Complaints and denunciations accepted for handling: resolved or pending, in time or late."""
    heads = [
        [Head(_("Row no."), rows=2), Head(_("Kind of petition"), rows=2), Head(_("To resolve"), rows=2),
         Head(_("Carried over from the previous period"), rows=2), Head(_("Accepted in the period"), rows=2),
         Head(_("Resolved in the period"), cols=3), Head(_("Being resolved"), cols=3),
         Head(_("Time limit of a petition without a statutory deadline (days)"), rows=2)],
        [Head(_("Total")), Head(_("In time")), Head(_("Late")), Head(_("Total")), Head(_("Within the time limit")),
         Head(_("Late"))],
    ]
    rows: list[list[str | int]] = [
        [n, bilingual(r.label), r.total, r.carried, r.accepted, r.resolved_in_time + r.resolved_late,
         r.resolved_in_time, r.resolved_late, r.pending_in_time + r.pending_late, r.pending_in_time, r.pending_late,
         r.days] for n, r in enumerate(st.resolution, 1)]
    total = _total(rows)
    total[-1] = ""
    rows.append(total)
    note = _("A petition is resolved in time when it is closed within its time limit, counted from the day it was received; one still being resolved is late when the limit passed before the period ended.")  # noqa: E501
    return Table("resolution", _("Complaints and denunciations resolved"), heads, rows, note,
                 _("Sheet: resolution"))


def reception_table(st: Statistics) -> Table:
    """Citizens received: visits, people, cases, delegations (zero, with a note, until the book is kept here)."""
    heads = [
        [Head(_("Row no."), rows=2), Head(_("Kind of reception"), rows=2), Head(_("Visits"), rows=2),
         Head(_("People"), rows=2),
         Head(_("Cases"), rows=2), Head(_("Delegations of many people"), cols=2)],
        [Head(_("Delegations")), Head(_("People"))],
    ]
    r = st.receptions
    rows: list[list[str | int]] = [[1, _("Citizens received"), r.visits, r.people, r.cases, r.delegations,
                                     r.delegation_people]]
    return Table("receptions", _("Citizen reception"), heads, rows, "", _("Sheet: reception"))


def detail_table(st: Statistics) -> Table:
    """Every combination of kind, field, competence, handling result that occurs, with its petitions."""
    kinds = {code: r.label for r in st.types for code in r.codes}
    unclassified = st.types[-1].label if st.types else ""
    competences = dict(st.competences) | {"": st.undetermined}
    handlings = dict(st.handlings) | {"": st.undecided}
    heads = [[Head(_("Row no.")), Head(_("Kind of petition")), Head(_("Field")), Head(_("Competence")),
              Head(_("Handling result")), Head(_("Petitions to handle"))]]
    lines = sorted(((bilingual(kinds.get(kind, unclassified)), code_label(fld), bilingual(competences.get(comp, comp)),
                     bilingual(handlings.get(hand, hand)), n) for (kind, fld, comp, hand), n in st.cross.items()))
    rows: list[list[str | int]] = [[i, *line] for i, line in enumerate(lines, 1)]
    if rows:
        rows.append(["", _("Total"), "", "", "", sum(int(r[5]) for r in rows)])
    return Table("detail", _("Petitions by kind, field, competence and handling result"), heads, rows,
                 sheet=_("Sheet: detail"))


def tables(st: Statistics) -> list[Table]:
    """The statistics' forms in the order the report carries them, then the detailed table."""
    return [reception_table(st), handling_table(st), resolution_table(st), detail_table(st)]


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def workbook(st: Statistics, agency: str, period_label: str, subtitle: str) -> bytes:
    """The statistics as an Excel workbook, one sheet per form, headers merged as on the paper forms."""
    book = Workbook()
    book.remove(book.active) if book.active is not None else None
    for table in tables(st):
        ws = book.create_sheet((table.sheet or table.title)[:31])
        width = table.width
        ws.cell(1, 1, agency).font = Font(bold=True)
        ws.cell(2, 1, table.title.upper()).font = Font(bold=True, size=13)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        ws.cell(3, 1, f"{period_label} ({subtitle})").font = Font(italic=True)
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
        for row in (2, 3):
            ws.cell(row, 1).alignment = Alignment(horizontal="center")
        top = 5
        taken: set[tuple[int, int]] = set()
        for level, heads in enumerate(table.heads):
            column = 1
            for head in heads:
                while (top + level, column) in taken:
                    column += 1
                cell = ws.cell(top + level, column, head.text)
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                last_row, last_col = top + level + head.rows - 1, column + head.cols - 1
                for r in range(top + level, last_row + 1):
                    for c in range(column, last_col + 1):
                        taken.add((r, c))
                        ws.cell(r, c).border = BOX
                if head.rows > 1 or head.cols > 1:
                    ws.merge_cells(start_row=top + level, start_column=column, end_row=last_row, end_column=last_col)
                column = last_col + 1
        numbers = top + len(table.heads)
        for c in range(1, width + 1):
            cell = ws.cell(numbers, c, f"({c})")
            cell.alignment = Alignment(horizontal="center")
            cell.font = Font(italic=True)
            cell.border = BOX
        for offset, values in enumerate(table.rows, 1):
            for c, value in enumerate(values, 1):
                cell = ws.cell(numbers + offset, c, value)
                cell.border = BOX
                if offset == len(table.rows) and len(table.rows) > 1 and table.key != "receptions":
                    cell.font = Font(bold=True)
        if table.note:
            ws.cell(numbers + len(table.rows) + 2, 1, table.note).font = Font(italic=True)
        ws.column_dimensions["A"].width = 6
        ws.column_dimensions["B"].width = 34
        for c in range(3, width + 1):
            ws.column_dimensions[get_column_letter(c)].width = 13
        ws.row_dimensions[top].height = 45
        ws.row_dimensions[top + 1].height = 60
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
