"""The periodic report for a date range, with its charts, printable."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from ..usecases import clock, reports
from ..usecases.errors import Invalid
from . import security
from .charts import bar_chart
from .display import code_label
from .i18n import translate as _
from .security import staff_required

bp = Blueprint("reports", __name__)


def _date(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return default


@bp.get("/reports")
@staff_required
def periodic() -> str | tuple[str, int]:
    """Petitions received in the period: by source, field, urgency and outcome, open, overdue, time to answer."""
    today = clock.now().date()
    start = _date(request.args.get("start"), date(today.year, 1, 1))
    end = _date(request.args.get("end"), today)
    try:
        figures = reports.periodic(security.context(), security.actor(), start, end)
    except Invalid:
        return render_template("reports/periodic.html", figures=None, start=start, end=end, charts=[],
                               error=_("The period starts after it ends.")), 422
    charts = [
        (_("Petitions by field"), bar_chart(_("Petitions by field"), [
            (code_label(k), v) for k, v in sorted(figures.by_field.items(), key=lambda kv: -kv[1])])),
        (_("Petitions by outcome"), bar_chart(_("Petitions by outcome"), [
            (code_label(k if k != "unknown" else "in_progress"), v) for k, v in sorted(figures.by_outcome.items())])),
        (_("Petitions by urgency"), bar_chart(_("Petitions by urgency"), [
            (code_label(k), v) for k, v in sorted(figures.by_urgency.items())])),
    ]
    return render_template("reports/periodic.html", figures=figures, start=start, end=end, charts=charts, error=None)
