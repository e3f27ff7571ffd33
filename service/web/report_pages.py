"""The periodic report for a date range, with its charts, printable."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request

from ..domain import reports, statistics
from ..usecases import clock, models
from ..usecases.errors import Invalid
from . import security
from .charts import bar_chart
from .display import code_label
from .i18n import bilingual
from .i18n import translate as _
from .security import staff_required

bp = Blueprint("reports", __name__)


def _date(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return default


def _in_form_order(counts: dict[str, int], key: str = "urgency") -> list[tuple[str, float]]:
    """Counts by a form field's value, in the order the form lists its choices and with its labels;
    values the form does not list (or none) follow, by their own labels."""
    choices = models.form_choices(security.context(), key)
    listed = [(bilingual(label), float(counts[value])) for value, label in choices if value in counts]
    known = {value for value, _label in choices}
    rest = sorted((code_label(k), float(v)) for k, v in counts.items() if k not in known)
    return listed + rest


@bp.get("/reports")
@staff_required
def periodic() -> str | tuple[str, int]:
    """Petitions received in the period: by source, field, urgency and outcome, open, overdue, time to answer."""
    today = clock.now().astimezone(ZoneInfo(security.context().settings.timezone)).date()  # Vietnam's today
    year = statistics.period_for(security.context(), security.actor(), "year", None, today)  # TT02's year, no gap
    start = _date(request.args.get("start"), year.start)
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
        (_("Petitions by urgency"), bar_chart(_("Petitions by urgency"), _in_form_order(figures.by_urgency))),
    ]
    return render_template("reports/periodic.html", figures=figures, start=start, end=end, charts=charts, error=None)
