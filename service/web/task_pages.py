"""The task list and the task page: claim, unclaim, assign (leads) and complete with the task's form."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..domain import (
    case_file,
    comments,
    dialogues,
    petition_deadlines,
    petitions,
    staffing,
    web_queries,
    web_tasks,
)
from ..roles import UNIT_KEY
from ..usecases import access, files, task_queries, tasks
from ..usecases.access import Expected
from ..usecases.errors import Conflict, Forbidden, Invalid, NotFound
from . import attachment_pages, formrender, security
from .diagram import element_names
from .i18n import bilingual, format_day
from .i18n import translate as _
from .names import field_codes
from .petition_pages import FIELDS
from .security import staff_required

bp = Blueprint("tasks", __name__)

_ERRORS: tuple[tuple[str, str], ...] = (
    (r"Missing data for required field\.|Shorter than minimum length 1\.|Field may not be null\.",
     "This field is required."),
    (r"Longer than maximum length (?P<n>\d+)\.", "At most {n} characters."),
    (r"Must be one of: .*", "Choose one of the options."),
    (r"Not a valid number\.", "Enter a number."),
    (r"Not a valid (date|time|datetime).*", "Enter a valid date."),
    (r"String does not match expected pattern\.", "The value does not have the expected form."),
    (r"Not a valid email address\.", "Enter a valid e-mail address."),
    (r"Must be (greater|less) than or equal to (?P<n>[-\d.]+)\.", "Out of the allowed range."),
    (r"Unknown field\.", "This field is not part of the form."),
    (r"No active staff in unit (?P<code>.+)\.",
     "Nobody works in unit {code} yet: choose another unit, or ask the administrator to add its staff."),
    (r"Choose another unit\.", "The task is already with this unit: choose another one."),
    (r"Must not be after today\.", "This date cannot be in the future."),
    (r"Must not be before the day the petition was received \((?P<day>[\d-]+)\)\.",
     "This date cannot be before the day the petition was received ({day})."),
    (r"Must be a web address starting with http:// or https://\.",
     "Enter a web address starting with http:// or https://."),
    (r"Must fall within the planned quarter \((?P<quarter>Q\d)\)\.",
     "This date is not in the planned quarter ({quarter})."),
    (r"Must not be in a year before (?P<year>\d+)\.", "This date is in a year before {year}."),
    (r"The conference is planned for (?P<day>[\d-]+): record its outcomes once it has been held\.",
     "The conference is planned for {day}: record its outcomes once it has been held."),
)


def error_text(message: str, value: Any = None) -> str:
    """A validation message in the page's language; a text too long also says how long it is."""
    longer = re.fullmatch(r"Longer than maximum length (?P<n>\d+)\.", message.strip())
    if longer and isinstance(value, str):
        return _("At most {n} characters; this text has {m}.", n=longer.group("n"), m=len(value))
    for pattern, text in _ERRORS:
        match = re.fullmatch(pattern, message.strip())
        if match:
            values = {k: format_day(v) if k == "day" else v for k, v in match.groupdict().items() if v is not None}
            return _(text, **values)
    return _("This value was refused.")


def _optional_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@bp.get("/tasks")
@staff_required
def task_list() -> str:
    """My tasks, my groups' tasks or every task (leads), overdue first, with filters and counts."""
    actor = security.actor()
    args = request.args
    default_scope = "all" if actor.has(*task_queries.OVERSEERS) and not access.lanes(actor) else "group"
    scope = str(args.get("scope")) if args.get("scope") in task_queries.SCOPES else default_scope
    f = web_queries.TaskFilter(scope, args.get("lane") or None, args.get("field") or None,
                               args.get("urgency") or None, _optional_uuid(args.get("dialogue")),
                               args.get("overdue") == "1")
    listing = web_queries.list_tasks(security.context(), actor, f)
    may_all = actor.has(*task_queries.OVERSEERS)
    alerts = petition_deadlines.list_alerts(security.context(), actor, limit=20)  # reminders, "Cảnh báo quá hạn"
    return render_template("tasks/list.html", listing=listing, f=f, may_all=may_all, alerts=alerts,
                           fields=field_codes(FIELDS))


def _expected() -> Expected | None:
    version = request.form.get("version", "")
    return Expected(int(version)) if version.isdigit() else None


def render_task(task_id: uuid.UUID, values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
                conflict: Conflict | None = None, status: int = 200,
                comment: dict[str, Any] | None = None, attach: dict[str, Any] | None = None) -> tuple[str, int]:
    """The task page: its facts, what it decides on, its form, the petition's thread and history."""
    ctx, actor = security.context(), security.actor()
    detail = task_queries.get_task(ctx, actor, task_id)
    story = web_queries.history(ctx, actor, detail.task.instance_id)
    petition = web_queries.petition_of_instance(ctx, actor, detail.task.instance_id)
    cf = case_file.of_instance(ctx, actor, detail.task.instance_id)
    stale = case_file.stale_keys(cf, detail.task.element_id)
    shown = {**{k: v for k, v in detail.data.items() if k not in stale}, **(values or {})}
    shown_errors = {k: [error_text(m, shown.get(k)) for m in v] for k, v in (errors or {}).items()}
    form_fields = formrender.fields(detail.form, shown, shown_errors)
    _mark_unstaffed_units(form_fields, staffing.units_with_staff(ctx, actor))
    works = access.works(actor, detail.task.candidate_role, detail.task.unit_code) or actor.has("admin")
    may_act = detail.task.status == "ready" and works and detail.task.assignee in (None, actor.username)
    on_dialogue_page = detail.task.element_id in (dialogues.AGENDA_TASK, dialogues.CONFERENCE_TASK)
    movable = (detail.task.status == "ready" and detail.task.lane == "unit" and actor.has(*staffing.MOVERS))
    return render_template(
        "tasks/task.html", t=detail.task, form=detail.form, fields=form_fields, petition=petition, story=story,
        dialogue_id=_optional_uuid(detail.task.business_key) if on_dialogue_page else None,
        units=[u for u in staffing.units_with_staff(ctx, actor) if u != detail.task.unit_code] if movable else [],
        may_act=may_act, works=works, is_lead=actor.has(*access.LEADS), conflict=conflict,
        candidates=web_queries.candidates(ctx, actor, detail.task) if detail.task.status == "ready" else [],
        title=formrender.title_of(detail.form, detail.task.name), has_errors=bool(errors),
        names=element_names(story.bpmn_xml), errors_assignee=shown_errors.get("assignee", []),
        cf=cf, comment=comment, may_comment=comments.may_write(actor),
        **attachment_pages.page_values(petition.id if petition else None, attach),
        **({} if petition else _dialogue_of(detail.task.business_key, story.data)),
    ), status


def _dialogue_of(business_key: str | None, data: dict[str, Any]) -> dict[str, Any]:
    """For a task of a dialogue's own process: the dialogue, its agenda and the outcomes so far, so the
    person sending invitations, publishing the plan or signing the results sees what it is about."""
    dialogue_id = _optional_uuid(business_key)
    if dialogue_id is None:
        return {}
    ctx, actor = security.context(), security.actor()
    try:
        info = dialogues.get(ctx, actor, dialogue_id)
        agenda = [petitions.get(ctx, actor, pid) for pid in info.agenda]
    except (NotFound, Forbidden):
        return {}
    outcomes = {str(c["value"]): bilingual(str(c["label"])) for c in info.outcome_choices}
    return {"dialogue": info, "agenda": agenda, "agenda_data": data, "outcome_labels": outcomes}


def _mark_unstaffed_units(form_fields: list[formrender.Field], staffed: list[str]) -> None:
    """The director chooses knowingly: a unit nobody works in is marked in the unit choice (and refused)."""
    for f in form_fields:
        if f.key == UNIT_KEY:
            f.options = [(v, label if v in staffed else _("{unit} (nobody works here yet)", unit=label))
                         for v, label in f.options]


_task_page = render_task


@bp.get("/tasks/<uuid:task_id>")
@staff_required
def task_page(task_id: uuid.UUID) -> tuple[str, int]:
    """The task with its petition, the history so far and the form."""
    return _task_page(task_id)


@bp.post("/tasks/<uuid:task_id>/complete")
@staff_required
def complete(task_id: uuid.UUID) -> Response | tuple[str, int]:
    """Complete the task with the posted form; errors come back next to the fields."""
    ctx, actor = security.context(), security.actor()
    form = task_queries.get_task(ctx, actor, task_id).form
    data = formrender.read(form, request.form)
    try:
        web_tasks.complete(ctx, actor, task_id, data, _expected(),
                           attachment_pages.uploads(request.files.getlist(files.FIELD)))
    except Invalid as exc:
        if files.FIELD in exc.fields:
            return _task_page(task_id, data, attach={"error": attachment_pages.file_error(exc), "in_form": True},
                              status=422)
        errors = formrender.strip_hidden_errors(form, data, exc.fields or {"": exc.problems})
        return _task_page(task_id, data, errors or {"": exc.problems}, status=422)
    except Conflict as exc:
        return _task_page(task_id, data, conflict=exc, status=409)
    return redirect(url_for("web.tasks.task_list", done=str(task_id)))


def _change(task_id: uuid.UUID, action: str) -> Response | tuple[str, int]:
    ctx, actor = security.context(), security.actor()
    try:
        if action == "claim":
            tasks.claim(ctx, actor, task_id, _expected())
        elif action == "unclaim":
            tasks.unclaim(ctx, actor, task_id, _expected())
        elif action == "move":
            staffing.move_to_unit(ctx, actor, task_id, request.form.get("unit", ""), request.form.get("reason", ""))
        else:
            tasks.assign(ctx, actor, task_id, request.form.get("username", "").strip(), _expected())
    except Conflict as exc:
        return _task_page(task_id, conflict=exc, status=409)
    except Invalid as exc:
        return _task_page(task_id, errors={"assignee": [m for v in exc.fields.values() for m in v] or [str(exc)]},
                          status=422)
    return redirect(url_for("web.tasks.task_page", task_id=task_id))


@bp.post("/tasks/<uuid:task_id>/claim")
@staff_required
def claim(task_id: uuid.UUID) -> Response | tuple[str, int]:
    """Take the task: from now on only you complete it."""
    return _change(task_id, "claim")


@bp.post("/tasks/<uuid:task_id>/unclaim")
@staff_required
def unclaim(task_id: uuid.UUID) -> Response | tuple[str, int]:
    """Give the task back to its lane."""
    return _change(task_id, "unclaim")


@bp.post("/tasks/<uuid:task_id>/assign")
@staff_required
def assign(task_id: uuid.UUID) -> Response | tuple[str, int]:
    """Give the task to a named person of its lane (leads)."""
    return _change(task_id, "assign")



@bp.post("/tasks/<uuid:task_id>/move")
@staff_required
def move(task_id: uuid.UUID) -> Response | tuple[str, int]:
    """Move a unit's task to another unit where someone works (leads)."""
    return _change(task_id, "move")
