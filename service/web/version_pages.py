"""The designer's version pages: two versions of a model compared (changes listed and marked on both
diagrams), and the running instances of one moved to the other, in bulk after a dry run or one by one."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, render_template, request

from ..usecases import models, versions
from ..usecases.errors import Invalid, NotFound
from . import security
from .i18n import bilingual
from .i18n import translate as _
from .security import staff_required

bp = Blueprint("versions", __name__)


def blocker_text(blocker: Any) -> str:
    """Why an instance cannot move, in the reader's language."""
    texts = {
        "ended": _("The instance has ended."),
        "same_version": _("The instance already runs this version."),
        "removed_element": _("It is at the step “{name}” ({id}), which the new version does not have.",
                             name=bilingual(blocker.name), id=blocker.element_id),
        "removed_subprocess": _("It is inside the sub-process {id}, which the new version does not have.",
                                id=blocker.element_id),
        "unreadable": _("Its saved state cannot be read."),
        "failed": _("The move failed; nothing was changed."),
        "changed_meanwhile": _("Someone changed it meanwhile; run the move again."),
    }
    return str(texts.get(blocker.code, blocker.text))


def attribute_label(name: str) -> str:
    """What changed in an element, in the reader's language (unknown engine attributes as they are)."""
    labels = {
        "bpmn_name": _("name"), "script": _("script"), "extensions": _("properties (form, deadline…)"),
        "lane": _("lane"), "typename": _("element type"), "cond_task_specs": _("conditions"),
        "default_task_spec": _("default path"), "event_definition": _("event (timer, message…)"),
        "prescript": _("script before"), "postscript": _("script after"), "manual": _("manual or automatic"),
        "data_input_associations": _("data inputs"), "data_output_associations": _("data outputs"),
        "decision_table": _("decision table (its rules)"),
    }
    return labels.get(name, name)


def _numbers(key: str) -> list[int]:
    ctx, actor = security.context(), security.actor()
    return sorted({v.version for v in models.list_versions(ctx, key, actor.agency)})


def _int(name: str, default: int) -> int:
    value = request.values.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else default


def _page(key: str, old: int | None = None, new: int | None = None, moves: versions.BulkMove | None = None,
          one: versions.MoveResult | None = None, error: str = "") -> tuple[str, int]:
    numbers = _numbers(key)
    if not numbers:
        raise NotFound(f"no model {key}")
    new = new if new is not None else _int("to", numbers[-1])
    old = old if old is not None else _int("from", numbers[-2] if len(numbers) > 1 else numbers[-1])
    comparison = versions.compare(security.context(), security.actor(), key, old, new)
    return render_template("designer/compare.html", c=comparison, numbers=numbers, moves=moves, one=one,
                           error=error, blocker_text=blocker_text,
                           attribute_label=attribute_label), 200


@bp.get("/designer/models/<string:key>/compare")
@staff_required
def compare(key: str) -> tuple[str, int]:
    """Two versions side by side: what was added, removed and changed, marked on both diagrams."""
    return _page(key)


@bp.post("/designer/models/<string:key>/migrate")
@staff_required
def migrate(key: str) -> tuple[str, int]:
    """Move the running instances of the older version (a dry run unless the move was asked for)."""
    old, new = _int("from", 0), _int("to", 0)
    try:
        moves = versions.migrate_all(security.context(), security.actor(), key, old, new,
                                     dry_run=request.form.get("action") != "move")
    except Invalid as exc:
        return _page(key, old, new, error=str(exc))
    return _page(key, old, new, moves=moves)


@bp.post("/designer/models/<string:key>/instances/<uuid:instance_id>/migrate")
@staff_required
def migrate_one(key: str, instance_id: uuid.UUID) -> tuple[str, int]:
    """Move one instance to the newer version."""
    old, new = _int("from", 0), _int("to", 0)
    one = versions.migrate_instance(security.context(), security.actor(), instance_id, new)
    return _page(key, old, new, one=one)
