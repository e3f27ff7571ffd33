"""Dialogues (Office, director): decide a periodic or ad-hoc dialogue, build its agenda from the
consolidated petitions, record each item's outcome at the conference, print the agenda and minutes.

The other steps of a dialogue (planning, invitations, publication, notices) are tasks of its
process, worked from the task list like any other.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..domain import dialogues, petitions, web_queries
from ..usecases.errors import Conflict, Invalid
from . import security
from .diagram import element_names
from .i18n import bilingual
from .i18n import translate as _
from .security import staff_required
from .task_pages import error_text

bp = Blueprint("dialogues", __name__)


@bp.get("/dialogues")
@staff_required
def dialogue_list() -> str:
    """The agency's dialogues, newest first, and the form to decide a new one."""
    found = dialogues.list_dialogues(security.context(), security.actor())
    return render_template("dialogues/list.html", items=found, errors=[], v={}, field_errors={}, **_deciders())


def _deciders() -> dict[str, bool]:
    """Which kinds of dialogue the reader may decide (the form is shown only to them)."""
    actor = security.actor()
    return {"may_periodic": actor.has(*dialogues.PERIODIC_DECIDERS), "may_adhoc": actor.has(*dialogues.ADHOC_DECIDERS)}


@bp.post("/dialogues")
@staff_required
def create() -> Response | tuple[str, int]:
    """Decide a dialogue: periodic (Office, director) or ad-hoc on one urgent content (director)."""
    form = request.form
    quarter = int(form["quarter"]) if form.get("quarter", "").isdigit() else None
    try:
        planned = date.fromisoformat(form["planned_on"]) if form.get("planned_on") else None
        info = dialogues.create(security.context(), security.actor(), form.get("kind", ""), form.get("title", ""),
                                form.get("topic", ""), quarter, planned, form.get("venue", ""))
    except (Invalid, ValueError) as exc:
        found = dialogues.list_dialogues(security.context(), security.actor())
        fields = exc.fields if isinstance(exc, Invalid) else {"planned_on": ["Not a valid date."]}
        return render_template("dialogues/list.html", items=found, v=form, **_deciders(),
                               field_errors={k: [error_text(m) for m in v] for k, v in fields.items()},
                               errors=[] if fields else
                               [_("Check the kind, the title, the quarter (1 to 4) and the date.")]), 422
    return redirect(url_for("web.dialogues.dialogue_page", dialogue_id=info.id))


def _view(dialogue_id: uuid.UUID) -> dict[str, object]:
    ctx, actor = security.context(), security.actor()
    info = dialogues.get(ctx, actor, dialogue_id)
    story = web_queries.history(ctx, actor, info.instance_id) if info.instance_id else None
    agenda = [petitions.get(ctx, actor, pid) for pid in info.agenda]
    step = set(story.active) if story and info.status != "cancelled" else set()
    may_agenda = dialogues.AGENDA_TASK in step and actor.has(*dialogues.AGENDA_MAKERS)
    may_conclude = dialogues.CONFERENCE_TASK in step and actor.has(*dialogues.CHAIRS) and bool(agenda)
    candidates = ([p for p in petitions.list_petitions(ctx, actor, stage="awaiting_dialogue", limit=200)
                   if p.dialogue_id is None] if may_agenda else [])
    names = element_names(story.bpmn_xml) if story else {}
    outcomes = [(str(c["value"]), bilingual(str(c["label"]))) for c in info.outcome_choices]
    return {"d": info, "story": story, "agenda": agenda, "step": step, "candidates": candidates,
            "names": names, "outcomes": outcomes, "outcome_labels": dict(outcomes),
            "data": story.data if story else {}, "may_agenda": may_agenda, "may_conclude": may_conclude,
            "may_cancel": info.status == "planning" and actor.has(*dialogues.CANCELLERS),
            "errors": {}, "v": {}}


def _page(dialogue_id: uuid.UUID, status: int = 200, **extra: object) -> tuple[str, int]:
    return render_template("dialogues/page.html", **(_view(dialogue_id) | extra)), status


@bp.get("/dialogues/<uuid:dialogue_id>")
@staff_required
def dialogue_page(dialogue_id: uuid.UUID) -> tuple[str, int]:
    """One dialogue: where it stands, its agenda, and the actions its reader may take at this step."""
    return _page(dialogue_id)


@bp.get("/dialogues/<uuid:dialogue_id>/print")
@staff_required
def dialogue_print(dialogue_id: uuid.UUID) -> str:
    """The agenda and, once held, the minutes with each item's outcome, laid out for printing."""
    return render_template("dialogues/print.html", **_view(dialogue_id))


@bp.post("/dialogues/<uuid:dialogue_id>/agenda")
@staff_required
def set_agenda(dialogue_id: uuid.UUID) -> Response:
    """Put the chosen consolidated petitions on the agenda."""
    chosen = [uuid.UUID(v) for v in request.form.getlist("petition")]
    dialogues.set_agenda(security.context(), security.actor(), dialogue_id, chosen,
                         request.form.get("chair", "").strip(), request.form.get("note", ""))
    return redirect(url_for("web.dialogues.dialogue_page", dialogue_id=dialogue_id))


@bp.post("/dialogues/<uuid:dialogue_id>/outcomes")
@staff_required
def record_outcomes(dialogue_id: uuid.UUID) -> Response | tuple[str, int]:
    """Record each agenda item's outcome, the conference date and the minutes; a refused value comes
    back beside its item, with everything typed kept."""
    form = request.form
    pids = form.getlist("item")
    items = [{"petition_id": pid, "outcome": form.get(f"outcome.{pid}", ""), "note": form.get(f"note.{pid}", "")}
             for pid in pids]
    try:
        held = date.fromisoformat(form.get("held_on", ""))
    except ValueError:
        return _page(dialogue_id, 422, v=form, errors={"held_on": [_("Enter a valid date.")]})
    try:
        dialogues.record_outcomes(security.context(), security.actor(), dialogue_id, items, held,
                                  form.get("minutes", ""))
    except Invalid as exc:
        return _page(dialogue_id, 422, v=form, errors=_outcome_errors(exc, pids))
    except Conflict:
        moved = _("The dialogue has moved on meanwhile; see where it stands now.")
        return _page(dialogue_id, 409, errors={"": [moved]})
    return redirect(url_for("web.dialogues.dialogue_page", dialogue_id=dialogue_id))


def _outcome_errors(exc: Invalid, pids: list[str]) -> dict[str, list[str]]:
    """The refusal's problems by input of the page: `outcome.<petition>`, `minutes`, `held_on`, or the form."""
    found: dict[str, list[str]] = {}
    for name, messages in (exc.fields or {}).items():
        parts = name.split(".")
        if parts[0] == "held_on":  # a date that cannot be true (`facts`), in the service's words
            found.setdefault("held_on", []).extend(error_text(m) for m in messages)
            continue
        if parts[0] == "outcomes" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(pids):
            key = f"{parts[2]}.{pids[int(parts[1])]}"
            text = _("Choose one of the options.") if parts[2] == "outcome" else _("This value was refused.")
        elif parts[0] == "conference_minutes":
            key, text = "minutes", _("Check the minutes: required, at most 20,000 characters.")
        else:
            key, text = "", _("Every item on the agenda needs one outcome.")
        found.setdefault(key, []).append(text)
    return found or {"": [_("This value was refused.")]}


@bp.post("/dialogues/<uuid:dialogue_id>/cancel")
@staff_required
def cancel(dialogue_id: uuid.UUID) -> Response | tuple[str, int]:
    """Call the dialogue off, with a reason; its petitions wait for another dialogue."""
    try:
        dialogues.cancel(security.context(), security.actor(), dialogue_id, request.form.get("reason", ""))
    except Invalid:
        return _page(dialogue_id, 422, errors={"reason": [_("Give the reason; it goes into the audit trail.")]})
    except Conflict:
        return _page(dialogue_id, 409, errors={"": [_("Only a dialogue not yet held can be called off.")]})
    return redirect(url_for("web.dialogues.dialogue_page", dialogue_id=dialogue_id))
