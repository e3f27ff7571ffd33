"""Excel (.xlsx) exports of the petition register and the task list, with the filters of their pages
and headers in the reader's language (written with openpyxl, a kept library for real workbooks)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..domain import petitions, web_queries
from ..usecases import access, task_queries
from . import security
from .display import code_label
from .i18n import bilingual
from .i18n import translate as _
from .names import actor_label, unit_label
from .navigation import role_label
from .security import staff_required

bp = Blueprint("exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_TIME = "dd/mm/yyyy hh:mm"
MAX_ROWS = 20_000
"""The most rows one export holds (the register is read in pages of 200)."""


def workbook(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> bytes:
    """An .xlsx file of one sheet: a bold, frozen header row, then `rows` (moments as dd/mm/yyyy hh:mm in
    the deployment's zone, days as dd/mm/yyyy)."""
    zone = ZoneInfo(security.context().settings.timezone)
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, datetime):
                cell = WriteOnlyCell(ws, value=value.astimezone(zone).replace(tzinfo=None))
                cell.number_format = DATE_TIME
            elif isinstance(value, date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "dd/mm/yyyy"
            else:
                cell = WriteOnlyCell(ws, value=value)
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _download(data: bytes, name: str) -> Response:
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


def _register() -> Iterable[petitions.PetitionInfo]:
    args = request.args
    for offset in range(0, MAX_ROWS, 200):
        page = petitions.list_petitions(
            security.context(), security.actor(), stage=args.get("stage") or None, field=args.get("field") or None,
            urgency=args.get("urgency") or None, source=args.get("source") or None, text=args.get("q") or None,
            limit=200, offset=offset)
        yield from page
        if len(page) < 200:
            return


@bp.get("/petitions/export.xlsx")
@staff_required
def petition_register() -> Response:
    """The petition register as the list page filters it, as an Excel workbook."""
    headers = [_("Code"), _("Title"), _("Submitted by"), _("Petitioner"), _("Channel"), _("Field"), _("Urgency"),
               _("Lead unit"), _("Received on"), _("Outcome"), _("Closed on"), _("Confidential")]
    rows = ([p.code, p.title, code_label(p.source), p.petitioner_name, code_label(p.channel), code_label(p.field),
             code_label(p.urgency) if p.urgency else "", unit_label(p.assigned_unit) if p.assigned_unit else "",
             p.submitted_at, code_label(p.outcome) if p.outcome else "", p.closed_at,
             _("Yes") if p.confidential else _("No")] for p in _register())
    widths = (18, 50, 16, 24, 22, 26, 14, 30, 17, 28, 17, 10)
    return _download(workbook(_("Petitions"), headers, rows, widths), "so-dang-ky-kien-nghi.xlsx")


def _dialogue(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@bp.get("/tasks/export.xlsx")
@staff_required
def task_list() -> Response:
    """The open tasks the task list page shows (same scope and filters), as an Excel workbook."""
    actor, args = security.actor(), request.args
    default_scope = "all" if actor.has(*task_queries.OVERSEERS) and not access.lanes(actor) else "group"
    scope = str(args.get("scope")) if args.get("scope") in task_queries.SCOPES else default_scope
    f = web_queries.TaskFilter(scope, args.get("lane") or None, args.get("field") or None,
                               args.get("urgency") or None, _dialogue(args.get("dialogue")),
                               args.get("overdue") == "1")
    listing = web_queries.list_tasks(security.context(), actor, f, limit=MAX_ROWS)
    headers = [_("Task"), _("Petition"), _("Title"), _("Urgency"), _("Lane"), _("Assignee"), _("Opened"), _("Due"),
               _("Overdue")]
    rows = ([bilingual(i.task.name), i.petition_code or i.task.business_key or "", i.petition_title or "",
             code_label(i.urgency) if i.urgency else "",
             unit_label(i.task.unit_code) if i.task.unit_code else role_label(i.task.lane or "-"),
             actor_label(i.task.assignee) if i.task.assignee else "", i.task.created_at, i.task.due_at,
             _("Yes") if i.task.overdue else ""] for i in listing.items)
    widths = (36, 18, 50, 14, 30, 16, 17, 17, 10)
    return _download(workbook(_("Tasks"), headers, rows, widths), "cong-viec.xlsx")
