"""The designer's pages: process models and their versions, drafts edited in the bpmn-js modeler
(with a small side panel for id, name, lane and form), server-side validation with the problems
marked on the diagram, deployment as a new version, and editors for forms (form-js) and DMN (XML)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from workflows import designer_kit
from workflows.errors import Problem

from ..domain import web_queries
from ..roles import LANE_ROLES
from ..usecases import drafts, groups, models
from ..usecases.errors import Invalid, MissingGroups, ModelRefused, NotFound
from . import security
from .i18n import catalogue
from .i18n import translate as _
from .navigation import role_label
from .security import staff_required

bp = Blueprint("designer", __name__)


@bp.get("/designer", endpoint="models")
@staff_required
def models_page() -> str:
    """Every process model's versions, how many instances run on each, and the agency's drafts."""
    return _models_page({})


def _models_page(errors: dict[str, list[str]], values: dict[str, str] | None = None) -> str:
    ctx, actor = security.context(), security.actor()
    found = drafts.list_drafts(ctx, actor)
    return render_template("designer/models.html", versions=models.list_versions(ctx, agency=actor.agency),
                           use=web_queries.version_use(ctx, actor), drafts=found, errors=errors,
                           values=values or {}, lanes=list(_lane_choices().items()))


def _lane_choices() -> dict[str, str]:
    """The lanes a designer may draw, by the name the lane gets: the agency's groups, the default ones by
    their role (labelled as people call it), its own by their label."""
    found = groups.list_groups(security.context(), security.actor())
    return {(g.key if g.default else g.label): (role_label(g.key) if g.default else g.label) for g in found}


@bp.post("/designer/new")
@staff_required
def new_process() -> Response | tuple[str, int]:
    """A new process: a draft with a blank diagram (a start event in one lane)."""
    values = {k: request.form.get(k, "") for k in ("key", "name", "lane")}
    lanes = _lane_choices()
    try:
        draft = drafts.new_process(security.context(), security.actor(), values["key"], values["name"],
                                   values["lane"] if values["lane"] in lanes else LANE_ROLES[0])
    except Invalid as exc:
        return _models_page(exc.fields or {"key": [str(exc)]}, values), 422
    return redirect(url_for("web.designer.edit", draft_id=draft.id))


@bp.post("/designer/upload")
@staff_required
def upload() -> Response | tuple[str, int]:
    """A draft from an uploaded `.bpmn` file."""
    sent = request.files.get("file")
    try:
        if sent is None or not sent.filename:
            raise Invalid("no file was sent", fields={"file": ["Choose a .bpmn file."]})
        draft = drafts.from_upload(security.context(), security.actor(), sent.filename, sent.read())
    except Invalid as exc:
        return _models_page(exc.fields or {"file": [str(exc)]}), 422
    return redirect(url_for("web.designer.edit", draft_id=draft.id))



@bp.post("/designer/versions/<int:version_id>/draft")
@staff_required
def new_draft(version_id: int) -> Response:
    """Start a draft from a deployed version's files."""
    ctx, actor = security.context(), security.actor()
    files = drafts.version_files(ctx, actor, version_id)
    draft = drafts.save(ctx, actor, 0, files.key, files.id if files.id else version_id, files.file_name,
                        files.bpmn_xml, files.resources)
    return redirect(url_for("web.designer.edit", draft_id=draft.id))


@bp.get("/designer/drafts/<int:draft_id>")
@staff_required
def edit(draft_id: int) -> str:
    """The modeler on a draft, with its forms and decision tables listed."""
    draft = drafts.get(security.context(), security.actor(), draft_id)
    lanes = _lane_choices()
    config = {
        "forms": designer_kit.forms_in(draft.resources),
        "decisions": [{"id": i, "name": n} for i, n in designer_kit.decisions_in(draft.resources)],
        "lanes": list(lanes), "laneLabels": lanes,
        "newForm": url_for("web.designer.new_form", draft_id=draft.id),
    }
    return render_template("designer/modeler.html", d=draft, config=config)


@bp.post("/designer/drafts/<int:draft_id>/forms")
@staff_required
def new_form(draft_id: int) -> Response | tuple[Response, int]:
    """Add an empty form to a draft; answers JSON with its file name and the form editor's address."""
    try:
        _draft, name = drafts.add_form(security.context(), security.actor(), draft_id, request.form.get("name", ""))
    except Invalid as exc:
        first = next(iter(exc.fields.values()), [str(exc)])
        return jsonify(ok=False, message=_(first[0])), 422
    return jsonify(ok=True, name=name, url=url_for("web.designer.resource", draft_id=draft_id, name=name),
                   message=_("Form {name} created.", name=name))


@bp.post("/designer/drafts/<int:draft_id>/save")
@staff_required
def save(draft_id: int) -> Response:
    """Save the diagram (and optionally one resource) of a draft; answers JSON."""
    ctx, actor = security.context(), security.actor()
    draft = drafts.get(ctx, actor, draft_id)
    resources = dict(draft.resources)
    name = request.form.get("resource")
    if name:
        if name not in resources:
            raise NotFound(f"{name} is not part of draft {draft_id}")
        resources[name] = request.form.get("content", "")
    bpmn = request.form.get("bpmn") or draft.bpmn_xml
    saved = drafts.save(ctx, actor, draft_id, draft.key, draft.base_version_id, draft.file_name, bpmn, resources)
    return jsonify(id=saved.id, saved_at=saved.updated_at.isoformat(), message=_("Draft saved."))


def _problems(exc: Invalid) -> list[dict[str, Any]]:
    """Each problem's text in the reader's language and the element it marks on the diagram."""
    if isinstance(exc, MissingGroups):
        return [{"text": _("Lane '{lane}' needs the group '{lane}', which this agency does not have.", lane=lane),
                 "elements": []} for lane in exc.missing_groups]
    if isinstance(exc, ModelRefused):
        return [_refusal(p) for p in exc.refusals]
    return [{"text": p, "elements": []} for p in (exc.problems or [str(exc)])]


def _refusal(problem: Problem) -> dict[str, Any]:
    where = [problem.file_name or ""]
    if problem.line:
        where.append(_("line {n}", n=problem.line))
    if problem.element_id:
        named = problem.element_name if problem.element_name not in (None, problem.element_id) else ""
        where.append(_("element {id}", id=problem.element_id) + (f" “{named}”" if named else ""))
    message = _message(problem)
    prefix = ", ".join(w for w in where if w)
    return {"text": f"{prefix}: {message}" if prefix else message, "message": message,
            "elements": [problem.element_id] if problem.element_id else []}


def _message(problem: Problem) -> str:
    """Our own checks' messages come from the catalogue (worded ones with the designer's words filled in);
    the engine's few others are shown as they are."""
    known = catalogue()
    if problem.template in known:
        return _(problem.template, **dict(problem.values))
    return _(problem.message) if problem.message in known else problem.message


def _refused(exc: Invalid) -> str:
    if isinstance(exc, MissingGroups):
        return _("The diagram needs the groups {needed}; this agency does not have {missing}. An administrator creates them on the Groups page and grants them, then deploy again.",  # noqa: E501
                 needed=", ".join(exc.needed_groups), missing=", ".join(exc.missing_groups))
    return _("The model has problems.")


@bp.post("/designer/drafts/<int:draft_id>/validate")
@staff_required
def validate(draft_id: int) -> Response:
    """Check the saved draft on the server; problems name the elements to mark."""
    try:
        model = drafts.validate(security.context(), security.actor(), draft_id)
    except Invalid as exc:
        return jsonify(ok=False, problems=_problems(exc), message=_refused(exc))
    return jsonify(ok=True, problems=[], message=_("No problems found: process {key} with {n} human tasks.",
                                                   key=model.key, n=len(model.human_tasks)))


@bp.post("/designer/drafts/<int:draft_id>/deploy")
@staff_required
def deploy(draft_id: int) -> Response:
    """Deploy the saved draft as a new version of its process."""
    try:
        info = drafts.deploy(security.context(), security.actor(), draft_id)
    except Invalid as exc:
        return jsonify(ok=False, problems=_problems(exc), message=_refused(exc))
    text = (_("Deployed as version {n} of {key}.", n=info.version, key=info.key) if info.created
            else _("Nothing changed: version {n} of {key} is the same.", n=info.version, key=info.key))
    return jsonify(ok=True, problems=[], message=text, version=info.version)


@bp.get("/designer/drafts/<int:draft_id>/resources/<path:name>")
@staff_required
def resource(draft_id: int, name: str) -> str:
    """Edit one form (form-js editor) or decision table (XML) of a draft."""
    draft = drafts.get(security.context(), security.actor(), draft_id)
    if name not in draft.resources:
        raise NotFound(f"{name} is not part of draft {draft_id}")
    content = draft.resources[name]
    if name.endswith(".form.json"):
        try:
            json.loads(content)
        except ValueError:
            content = "{}"
    return render_template("designer/resource.html", d=draft, name=name, content=content,
                           is_form=name.endswith(".form.json"), is_dmn=name.endswith(".dmn"))
