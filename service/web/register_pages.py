"""The petition register (sổ tiếp nhận, xử lý đơn) and the TT 02/2021/TT-TTCP statistics: pages printable on
A4 landscape, and Excel workbooks in the forms' layout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request

from ..domain import register_book, statistics
from ..domain.periods import KINDS, Period
from ..usecases import clock, models
from ..usecases.errors import Invalid
from . import security
from .display import code_label
from .export_pages import XLSX, workbook
from .i18n import bilingual
from .i18n import translate as _
from .names import unit_label
from .security import staff_required
from .stat_tables import tables
from .stat_tables import workbook as statistics_workbook

bp = Blueprint("registers", __name__)


def _today() -> date:
    return clock.now().astimezone(ZoneInfo(security.context().settings.timezone)).date()


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def period_label(period: Period) -> str:
    """A period as the report's title names it ("Quý I năm 2022", "6 tháng đầu năm 2022", ...)."""
    names = {"q1": _("Quarter I {year}"), "q2": _("Quarter II {year}"), "q3": _("Quarter III {year}"),
             "q4": _("Quarter IV {year}"), "h1": _("First six months of {year}"), "m9": _("Nine months of {year}"),
             "year": _("Year {year}")}
    return names[period.kind].format(year=period.year)


def _span(period_start: date, period_end: date) -> str:
    return _("figures from {start} to {end}", start=period_start.strftime("%d/%m/%Y"),
             end=period_end.strftime("%d/%m/%Y"))


def _period() -> Period:
    kind = request.args.get("period")
    return statistics.period_for(security.context(), security.actor(), kind if kind in KINDS else None,
                                 _int(request.args.get("year")), _today())


def _range() -> tuple[date, date, Period]:
    """The register's days: `start`/`end` when both are given, else the chosen (or current) period."""
    period = _period()
    start, end = _date(request.args.get("start")), _date(request.args.get("end"))
    return (start, end, period) if start and end else (period.start, period.end, period)


def _agency_name() -> str:
    return register_book.agency_name(security.context(), security.actor())


def _choices() -> list[tuple[str, str]]:
    names = {"q1": _("Quarter I"), "q2": _("Quarter II"), "q3": _("Quarter III"), "q4": _("Quarter IV"),
             "h1": _("First six months"), "m9": _("Nine months"), "year": _("Whole year")}
    return [(k, names[k]) for k in KINDS]


def _labels() -> dict[str, dict[str, str]]:
    """Labels of the petition's kind and handling result: the form's select lists them; until a form does,
    the statistics layout's rows and columns name them."""
    ctx = security.context()
    frame = statistics.layout(ctx.settings.bpmn_dir)
    kinds = dict(models.form_choices(ctx, "petition_type")) or {
        str(c): str(t["label"]) for t in frame.get("types", []) for c in t.get("codes", [])}
    results = dict(models.form_choices(ctx, "handling_result")) or {
        str(h["code"]): str(h["label"]) for h in frame.get("handling", [])}
    return {"petition_type": kinds, "handling_result": results}


@bp.get("/registers/petitions")
@staff_required
def petition_register() -> str | tuple[str, int]:
    """The petition register for a period, printable (A4 landscape)."""
    start, end, period = _range()
    try:
        lines = register_book.petition_register(security.context(), security.actor(), start, end)
    except Invalid:
        return render_template("registers/petitions.html", lines=[], rows=[], start=start, end=end, period=period,
                               kinds=_choices(), agency=_agency_name(), headers=register_headers(),
                               error=_("The period starts after it ends.")), 422
    zone = ZoneInfo(security.context().settings.timezone)  # the day it was received, in Vietnam
    rows = [[r[0], r[1].astimezone(zone).date(), *r[2:]] for r in _rows(lines)]
    return render_template("registers/petitions.html", lines=lines, rows=rows, start=start, end=end,
                           period=period, kinds=_choices(), agency=_agency_name(), headers=register_headers(),
                           error=None)


def register_headers() -> list[str]:
    """The register's columns as the inspectorate's form names them."""
    return [_("Row no."), _("Date received"), _("Petition number"), _("Sender's name"), _("Sender's address"),
            _("Summary of content"), _("Kind of petition"), _("Field"), _("Competence"), _("Handling"),
            _("Result"), _("Notes")]


def register_note(line: register_book.RegisterLine) -> str:
    """The notes column: confidentiality, a withheld identity, the unit handling it."""
    notes = []
    if line.redacted:
        return _("Confidential")
    if line.confidential:
        notes.append(_("Confidential"))
    if line.identity_withheld:
        notes.append(_("Denouncer's identity kept secret"))
    if line.assigned_unit:
        notes.append(unit_label(line.assigned_unit))
    return "; ".join(notes)


def _label(labels: dict[str, str], code: str | None) -> str:
    return bilingual(labels.get(code, code)) if code else ""


def register_cells(line: register_book.RegisterLine, labels: dict[str, dict[str, str]]) -> list[Any]:
    """One line's cells, in the order of `register_headers`."""
    if line.redacted:
        return [line.number, line.received_at, line.code, "", "", "", "", "", "", "", "", register_note(line)]
    result = code_label(line.outcome) if line.outcome else _("Being handled")
    if line.closed_at is not None and line.outcome:
        result = f"{result} ({line.closed_at.strftime('%d/%m/%Y')})"
    return [line.number, line.received_at, line.code, line.sender, line.address, line.summary,
            _label(labels["petition_type"], line.petition_type),
            code_label(line.field), code_label(line.competence) if line.competence else "",
            _label(labels["handling_result"], line.handling_result), result, register_note(line)]


def _rows(lines: Iterable[register_book.RegisterLine]) -> Iterable[Sequence[Any]]:
    labels = _labels()
    return (register_cells(line, labels) for line in lines)


@bp.get("/registers/petitions.xlsx")
@staff_required
def petition_register_xlsx() -> Response:
    """The petition register for a period as an Excel workbook."""
    start, end, _chosen = _range()
    lines = register_book.petition_register(security.context(), security.actor(), start, end)
    widths = (6, 17, 18, 24, 30, 50, 18, 24, 18, 18, 28, 24)
    data = workbook(_("Petition register"), register_headers(), _rows(lines), widths)
    name = f"so-tiep-nhan-xu-ly-don-{start.isoformat()}-{end.isoformat()}.xlsx"
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/reports/statistics")
@staff_required
def tt02_statistics() -> str:
    """The TT 02/2021/TT-TTCP statistics of a period, printable (A4 landscape)."""
    period = _period()
    st = statistics.for_period(security.context(), security.actor(), period.kind, period.year)
    return render_template("reports/statistics.html", st=st, period=period, label=period_label(period),
                           span=_span(period.start, period.end), tables=tables(st), kinds=_choices(),
                           agency=_agency_name())


@bp.get("/reports/statistics.xlsx")
@staff_required
def tt02_statistics_xlsx() -> Response:
    """The statistics of a period as an Excel workbook in the forms' layout."""
    period = _period()
    st = statistics.for_period(security.context(), security.actor(), period.kind, period.year)
    data = statistics_workbook(st, _agency_name(), period_label(period), _span(period.start, period.end))
    name = f"thong-ke-tt02-{period.year}-{period.kind}.xlsx"
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})
