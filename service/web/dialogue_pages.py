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

from ..usecases import dialogues, petitions, web_queries
from ..usecases.errors import Invalid
from . import security
from .diagram import element_names
from .i18n import translate as _
from .security import staff_required
from .task_pages import error_text

bp = Blueprint("dialogues", __name__)
OUTCOMES = ("answered", "written_reply", "escalated", "dialogue_failed")


@bp.get("/dialogues")
@staff_required
def dialogue_list() -> str:
    """The agency's dialogues, newest first, and the form to decide a new one."""
    found = dialogues.list_dialogues(security.context(), security.actor())
    return render_template("dialogues/list.html", items=found, errors=[], v={}, field_errors={})


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
        return render_template("dialogues/list.html", items=found, v=form,
                               field_errors={k: [error_text(m) for m in v] for k, v in fields.items()},
                               errors=[] if fields else
                               [_("Check the kind, the title, the quarter (1 to 4) and the date.")]), 422
    return redirect(url_for("web.dialogues.dialogue_page", dialogue_id=info.id))


def _view(dialogue_id: uuid.UUID) -> dict[str, object]:
    ctx, actor = security.context(), security.actor()
    info = dialogues.get(ctx, actor, dialogue_id)
    story = web_queries.history(ctx, actor, info.instance_id) if info.instance_id else None
    agenda = [petitions.get(ctx, actor, pid) for pid in info.agenda]
    step = set(story.active) if story else set()
    candidates = ([p for p in petitions.list_petitions(ctx, actor, stage="awaiting_dialogue", limit=200)
                   if p.dialogue_id is None] if dialogues.AGENDA_TASK in step else [])
    names = element_names(story.bpmn_xml) if story else {}
    return {"d": info, "story": story, "agenda": agenda, "step": step, "candidates": candidates,
            "names": names, "outcomes": OUTCOMES, "data": story.data if story else {}}


@bp.get("/dialogues/<uuid:dialogue_id>")
@staff_required
def dialogue_page(dialogue_id: uuid.UUID) -> str:
    """One dialogue: where it stands, its agenda, and the agenda or outcome form when that is the step."""
    return render_template("dialogues/page.html", **_view(dialogue_id))


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
    """Record each agenda item's outcome, the conference date and the minutes; a refused date is shown
    beside its field."""
    form = request.form
    items = [{"petition_id": pid, "outcome": form.get(f"outcome.{pid}", ""), "note": form.get(f"note.{pid}", "")}
             for pid in form.getlist("item")]
    try:
        held = date.fromisoformat(form.get("held_on") or date.today().isoformat())
        dialogues.record_outcomes(security.context(), security.actor(), dialogue_id, items, held,
                                  form.get("minutes", ""))
    except ValueError:
        return render_template("dialogues/page.html", **_view(dialogue_id),
                               field_errors={"held_on": [error_text("Not a valid date.")]}), 422
    except Invalid as exc:
        if not exc.fields:
            raise
        return render_template("dialogues/page.html", **_view(dialogue_id),
                               field_errors={k: [error_text(m) for m in v] for k, v in exc.fields.items()}), 422
    return redirect(url_for("web.dialogues.dialogue_page", dialogue_id=dialogue_id))
