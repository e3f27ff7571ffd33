"""Citizen reception (reception, Office, Inspectorate, director; auditors read): the reception book, one
session's page, the form to record a session, the director's reception calendar from the plan, and the
book as an Excel workbook."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as Redirect

from ..domain import reception_export, receptions
from ..usecases import accounts, facts
from ..usecases.errors import Invalid
from . import security
from .i18n import translate as _
from .petition_pages import posted_token, submission_token
from .security import staff_required

bp = Blueprint("receptions", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _messages() -> dict[str, str]:
    """What the page says beside a field the book refused (the use case names the field)."""
    return {
        "received_on": _("Enter the reception date; it cannot be after today."),
        "kind": _("Choose the kind of reception."),
        "receiver": _("Enter who received the citizens."),
        "receiver_title": _("At most 200 characters."),
        "visitors": _("Enter the number of people received (1 or more)."),
        "delegation": _("Five or more people raising one matter are received as a delegation."),
        "representatives": _("A delegation is received through its representatives: name them."),
        "content": _("Enter what the citizens raised."),
        "refusal_reason": _("A refusal to receive states its reason."),
        "petition_codes": _("No petition of this department has one of these codes."),
        "citizens": _("This text is too long."),
        "result": _("This text is too long."),
    }


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _period() -> tuple[date, date]:
    today = facts.today(security.context().settings.timezone)
    return (_day(request.args.get("from")) or date(today.year, 1, 1),
            _day(request.args.get("to")) or date(today.year, 12, 31))


def _book(v: MultiDict[str, str] | dict[str, str], errors: dict[str, list[str]], status: int = 200
          ) -> tuple[str, int]:
    actor = security.actor()
    start, end = _period()
    items = receptions.list_sessions(security.context(), actor, start, end)
    return render_template("receptions/book.html", items=items, start=start, end=end, v=v, errors=errors,
                           may_record=actor.has(*receptions.RECORDERS), kinds=receptions.KINDS,
                           submission=submission_token(request.form if errors else None)), status


@bp.get("/receptions")
@staff_required
def book() -> tuple[str, int]:
    """The reception book of a period (this year by default) and, for those who record, the form."""
    today = facts.today(security.context().settings.timezone)  # the deployment's day, not the server's
    prefill = {"received_on": request.args.get("day", "") or today.isoformat(), "kind": request.args.get("kind", ""),
               "receiver": accounts.person_name(security.context(), security.actor().username)}
    return _book({k: v for k, v in prefill.items() if v}, {})


def _posted(form: MultiDict[str, str]) -> dict[str, Any]:
    visitors = form.get("visitors", "").strip()
    return {"received_on": _day(form.get("received_on")) or date.min, "kind": form.get("kind", ""),
            "receiver": form.get("receiver", ""), "receiver_title": form.get("receiver_title", ""),
            "visitors": int(visitors) if visitors.isdigit() and len(visitors) < 7 else 0,
            "delegation": form.get("delegation") == "on", "representatives": form.get("representatives", ""),
            "citizens": form.get("citizens", ""), "content": form.get("content", ""), "result": form.get("result", ""),
            "refused": form.get("refused") == "on", "refusal_reason": form.get("refusal_reason", ""),
            "petition_codes": [c for c in form.get("petition_codes", "").replace(";", ",").split(",") if c.strip()],
            "submission_key": posted_token(form)}


@bp.post("/receptions")
@staff_required
def record() -> Redirect | tuple[str, int]:
    """Write a reception session in the book; each refused field is named beside it."""
    try:
        info = receptions.record(security.context(), security.actor(), **_posted(request.form))
    except Invalid as exc:
        messages = _messages()
        errors = {name: [messages.get(name, _("This value was refused."))] for name in exc.fields} or \
            {"content": [_("This value was refused.")]}
        return _book(request.form, errors, 422)
    return redirect(url_for("web.receptions.session_page", reception_id=info.id))


@bp.get("/receptions/<uuid:reception_id>")
@staff_required
def session_page(reception_id: uuid.UUID) -> str:
    """One session of the book, with the petitions it produced."""
    return render_template("receptions/session.html", r=receptions.get(security.context(), security.actor(),
                                                                        reception_id))


@bp.get("/receptions/calendar")
@staff_required
def calendar() -> str:
    """The director's periodic reception days of a year, from the plan, with the sessions recorded."""
    today = facts.today(security.context().settings.timezone)
    year_text = request.args.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
    found = receptions.calendar(security.context(), security.actor(), year)
    return render_template("receptions/calendar.html", cal=found, today=today,
                           may_record=security.actor().has(*receptions.RECORDERS))


@bp.get("/receptions/export.xlsx")
@staff_required
def export() -> Response:
    """The book of the period as an Excel workbook (sổ tiếp công dân)."""
    start, end = _period()
    data, name = reception_export.book_xlsx(security.context(), security.actor(), start, end)
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})
