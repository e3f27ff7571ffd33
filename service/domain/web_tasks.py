"""Completing a task from the pages when its form hides fields by a condition.

`tasks.complete` is always tried first. `forms.check_submission` does not yet honour form-js
`conditional.hide`, so a required field the form hides (a reason asked only when an item is closed
as unfounded, say) is refused as missing. When every refusal is about such a hidden field, the
data is checked against the form as the person saw it (hidden components left out) and the task
is completed through `instances.complete_task`, which checks the lane, unit, claim and version
again. Remove this module once `forms.check_submission` evaluates `conditional.hide` itself.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..usecases import files, forms, instances, task_queries, tasks
from ..usecases.access import Expected
from ..usecases.context import Actor, Context
from ..usecases.errors import Invalid
from . import attachments

_COMPARE = re.compile(r'^=\s*([A-Za-z_][\w.]*)\s*(!=|=)\s*"([^"]*)"\s*$')


def is_hidden(component: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    """Whether a `=key = "v"` / `=key != "v"` hide condition hides the component for `data`."""
    match = _COMPARE.match(str((component.get("conditional") or {}).get("hide") or ""))
    if not match:
        return False
    key, op, expected = match.groups()
    value = data.get(key)
    same = ("" if value is None else str(value).lower() if isinstance(value, bool) else str(value)) == expected
    return same if op == "=" else not same


def shown_form(form: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The form without the components its conditions hide for `data`."""
    keep: Callable[[Any], bool] = lambda c: not (isinstance(c, Mapping) and is_hidden(c, data))  # noqa: E731
    return {**form, "components": [c for c in form.get("components") or [] if keep(c)]}


def complete(ctx: Context, actor: Actor, task_id: uuid.UUID, data: Mapping[str, Any],
             expected: Expected | None = None, uploads: Sequence[files.Upload] = ()) -> None:
    """Complete a task, judging hidden fields as the person saw the form (see the module's note); files
    handed in are stored with the step (on the fallback path: just after it, in their own transaction)."""
    try:
        tasks.complete(ctx, actor, task_id, data, expected, uploads)
        return
    except Invalid as exc:
        detail = task_queries.get_task(ctx, actor, task_id)
        form = detail.form or {}
        hidden = {str(c.get("key")) for c in form.get("components") or []
                  if isinstance(c, Mapping) and is_hidden(c, data)}
        if not exc.fields or not hidden or not set(exc.fields) <= hidden:
            raise
        cleaned = forms.check_submission(shown_form(form, data), data, detail.task.name)
    files.check_all(ctx.settings, uploads)  # refused files stop the completion here too
    instances.complete_task(ctx, actor, task_id, cleaned, expected.version if expected else None)
    if uploads:
        attachments.add(ctx, actor, None, uploads, task_id=task_id)
