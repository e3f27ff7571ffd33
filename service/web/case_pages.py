"""What the case file and deadlines look like on the pages: comments written from a petition or a
task page, the thread's values in the page's language, and due dates marked overdue or due soon."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from ..domain import case_file, comments, petitions
from ..usecases import clock
from ..usecases.errors import Invalid
from . import security
from .display import code_label
from .i18n import bilingual, format_day, label_of
from .i18n import translate as _
from .security import staff_required

bp = Blueprint("cases", __name__)

DUE_SOON = timedelta(days=2)
"""A deadline this close is marked as due soon."""


@bp.app_context_processor
def _limits() -> dict[str, Any]:
    return {"limits": petitions.LIMITS}


@bp.app_template_global("due_state")
def due_state(due_at: datetime | None, done: bool = False) -> str:
    """`late`, `soon` or `` for a deadline (nothing for work that is done)."""
    if due_at is None or done:
        return ""
    now = clock.now()
    return "late" if due_at < now else "soon" if due_at - now <= DUE_SOON else ""


@bp.app_template_filter("value_label")
def value_label(value: case_file.Value) -> str:
    """The label of a value of the thread: the form's label in the page's language."""
    return label_of({"label": value.label, "properties": {"label_en": value.label_en}}) if value.label else ""


@bp.app_template_filter("value_text")
def value_text(value: case_file.Value) -> str:
    """A value of the thread as the person chose it: the option's label, yes or no, a date."""
    if value.kind == "choice":
        return bilingual(value.choice) if value.choice else str(value.value)
    if value.kind == "flag":
        return _("Yes") if value.value else _("No")
    if value.kind == "date" and isinstance(value.value, str) and len(value.value) >= 10:
        try:
            return format_day(value.value)
        except ValueError:
            return value.value
    if value.kind == "code":
        return code_label(value.value)
    return str(value.value)


def comment_error(exc: Invalid) -> str:
    """The message shown beside the comment field."""
    problem = " ".join(exc.problems)
    if "required" in problem:
        return _("Write the comment first.")
    return _("At most {n} characters; this text has {m}.", n=comments.MAX_LENGTH,
             m=len(request.form.get("body", "").strip()))


@bp.post("/petitions/<uuid:petition_id>/comments")
@staff_required
def add_comment(petition_id: uuid.UUID) -> Response | tuple[str, int]:
    """Write a comment on the petition; back to the page it was written on."""
    task = request.form.get("task_id", "")
    try:
        task = str(uuid.UUID(task)) if task else ""
    except ValueError:
        task = ""
    try:
        comments.add(security.context(), security.actor(), petition_id, request.form.get("body", ""))
    except Invalid as exc:
        from . import petition_pages, task_pages  # the pages render the form again with the message

        typed: dict[str, Any] = {"body": request.form.get("body", ""), "error": comment_error(exc)}
        if task:
            return task_pages.render_task(uuid.UUID(task), comment=typed, status=422)
        return petition_pages.render_petition(petition_id, comment=typed, status=422)
    if task:
        return redirect(url_for("web.tasks.task_page", task_id=task, commented=1) + "#thread")
    return redirect(url_for("web.petitions.petition_page", petition_id=petition_id, commented=1) + "#thread")
