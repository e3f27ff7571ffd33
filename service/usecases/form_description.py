"""What a task's form asks for, described so that any client can fill it in without reading form-js.

`GET /api/v1/tasks/{id}` hands out the form-js definition as it is and, beside it, this description:
one entry per value the form collects, named as the data names it (a component's `key`, or the
`path` of a dynamic list or group), with its type, whether it is required for the data the task
has now, the allowed values with their labels (also those a component takes from the task data
through `valuesKey`), the length and range limits, and, for dynamic lists and groups, the
components of each entry. `forms.check_submission` judges a submission by the same form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .forms import is_hidden, name_of

_DISPLAY_ONLY = {"text", "html", "image", "spacer", "separator", "button", "iframe", "table", "expression"}
_LIMITS = (("minLength", "min_length"), ("maxLength", "max_length"), ("pattern", "pattern"), ("min", "min"),
           ("max", "max"))
_MULTIPLE = {"checklist", "taglist", "dynamiclist"}


def choices(component: Mapping[str, Any], data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The values a select, radio, checklist or taglist allows, each with its label: the component's own
    `values`, or those of the task data its `valuesKey` names."""
    raw: Any = component.get("values")
    if not raw and component.get("valuesKey"):
        raw = data.get(str(component["valuesKey"]))
    found: list[dict[str, Any]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping) and "value" in item:
            found.append({"value": item["value"], "label": str(item.get("label", item["value"]))})
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            found.append({"value": item, "label": str(item)})
    return found


def _proposed(component: Mapping[str, Any], data: Mapping[str, Any]) -> Any:
    """The value a field starts with from the task data (`properties.defaultFrom`, mapped through
    `properties.defaultMap` when the plan gives one), if it is one of the allowed values."""
    props = component.get("properties") or {}
    source = props.get("defaultFrom") if isinstance(props, Mapping) else None
    proposed = data.get(str(source)) if source else None
    mapping = props.get("defaultMap") if isinstance(props, Mapping) else None
    if isinstance(mapping, Mapping) and proposed is not None:
        proposed = mapping.get(str(proposed), proposed)
    allowed = [c["value"] for c in choices(component, data)]
    return proposed if proposed not in (None, "") and (not allowed or proposed in allowed) else None


def _label(component: Mapping[str, Any]) -> str:
    return str(component.get("label") or component.get("dateLabel") or name_of(component) or "")


def describe(components: Sequence[Any], data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fields of a form's `components` for the task data `data` (see the module's note)."""
    described: list[dict[str, Any]] = []
    for c in components:
        if not isinstance(c, Mapping) or c.get("type") in _DISPLAY_ONLY:
            continue
        kind = str(c.get("type"))
        inner = list(c.get("components") or [])
        if kind == "group" and not c.get("path"):
            described += describe(inner, data)
            continue
        name = name_of(c)
        if name is None:
            continue
        rules: Mapping[str, Any] = c.get("validate") or {}
        hidden = is_hidden(c, data)
        entry: dict[str, Any] = {"name": name, "type": kind, "label": _label(c),
                                 "required": bool(rules.get("required")) and not hidden, "hidden": hidden,
                                 "multiple": kind in _MULTIPLE}
        entry |= {ours: rules[theirs] for theirs, ours in _LIMITS if rules.get(theirs) is not None}
        condition = (c.get("conditional") or {}).get("hide")
        if isinstance(condition, str) and condition.strip():
            entry["hide_when"] = condition.strip()
        if c.get("subtype"):
            entry["subtype"] = str(c["subtype"])
        if kind in ("select", "radio", "checklist", "taglist"):
            entry["options"] = choices(c, data)
        if kind in ("dynamiclist", "group"):
            entry["components"] = describe(inner, {})
        if "defaultValue" in c:
            entry["default"] = c["defaultValue"]
        proposed = _proposed(c, data)
        if proposed is not None:
            entry["default"] = proposed
        described.append(entry)
    return described


def describe_form(form: Mapping[str, Any] | None, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fields of a whole form (none when the task has no form)."""
    return describe(list((form or {}).get("components") or []), data)


def options(form: Mapping[str, Any] | None, path: str) -> list[dict[str, Any]]:
    """The values (with labels) of the choice at `path` in a form, such as `outcomes.outcome`: the
    `outcome` select inside the `outcomes` dynamic list. Empty when the form has no such choice."""
    return _inner(describe_form(form, {}), path)


def _inner(entries: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    head, _, rest = path.partition(".")
    for entry in entries:
        if entry["name"] == head:
            return list(entry.get("options") or []) if not rest else _inner(entry.get("components") or [], rest)
    return []
