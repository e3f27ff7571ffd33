"""The designer's pages: process models and their versions, drafts edited in the bpmn-js modeler
(with a small side panel for id, name, lane and form), server-side validation with the problems
marked on the diagram, deployment as a new version, and editors for forms (form-js) and DMN (XML)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..usecases import drafts, models, web_queries
from ..usecases.errors import Invalid, NotFound
from . import security
from .i18n import translate as _
from .security import staff_required

bp = Blueprint("designer", __name__)
_ELEMENT = re.compile(r"element ([\w.-]+)")


@bp.get("/designer", endpoint="models")
@staff_required
def models_page() -> str:
    """Every process model's versions, how many instances run on each, and the agency's drafts."""
    ctx, actor = security.context(), security.actor()
    found = drafts.list_drafts(ctx, actor)
    return render_template("designer/models.html", versions=models.list_versions(ctx, agency=actor.agency),
                           use=web_queries.version_use(ctx, actor), drafts=found)



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
    return render_template("designer/modeler.html", d=draft)


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
    return [{"text": p, "elements": _ELEMENT.findall(p)} for p in (exc.problems or [str(exc)])]


@bp.post("/designer/drafts/<int:draft_id>/validate")
@staff_required
def validate(draft_id: int) -> Response:
    """Check the saved draft on the server; problems name the elements to mark."""
    try:
        model = drafts.validate(security.context(), security.actor(), draft_id)
    except Invalid as exc:
        return jsonify(ok=False, problems=_problems(exc), message=_("The model has problems."))
    return jsonify(ok=True, problems=[], message=_("No problems found: process {key} with {n} human tasks.",
                                                   key=model.key, n=len(model.human_tasks)))


@bp.post("/designer/drafts/<int:draft_id>/deploy")
@staff_required
def deploy(draft_id: int) -> Response:
    """Deploy the saved draft as a new version of its process."""
    try:
        info = drafts.deploy(security.context(), security.actor(), draft_id)
    except Invalid as exc:
        return jsonify(ok=False, problems=_problems(exc), message=_("The model has problems."))
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
                           is_form=name.endswith(".form.json"))
