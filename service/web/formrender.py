"""Task forms rendered on the server from their form-js definitions, and posted values read back.

The server renders the fields (labels in the page's language, options, required marks, current
values, the errors the validation reported) so a form works without JavaScript; `check_submission`
in `usecases.forms` then judges the data. A component hidden by a simple `conditional.hide`
expression (`=key = "v"`, `=key != "v"`, `=key`, `=not(key)`) is shown or hidden by the page's
script as values change, and its value is dropped on the server when the condition hides it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from .i18n import bilingual, current_language, label_of

INPUT_TYPES = {"textfield", "textarea", "number", "select", "radio", "checkbox", "checklist", "taglist", "datetime"}
_COMPARE = re.compile(r'^=\s*([A-Za-z_][\w.]*)\s*(!=|=)\s*"([^"]*)"\s*$')
_TRUTHY = re.compile(r"^=\s*(not\()?\s*([A-Za-z_][\w.]*)\s*\)?\s*$")


@dataclass
class Field:
    """One input as the template draws it."""

    key: str
    kind: str
    label: str
    required: bool
    value: Any
    options: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    hide: tuple[str, str, str] | None = None
    subtype: str = ""
    max_length: int | None = None
    hint: str = ""
    """The form's description of the field (what to enter, or what the field is not for)."""


def _hide_rule(component: Mapping[str, Any]) -> tuple[str, str, str] | None:
    expression = str((component.get("conditional") or {}).get("hide") or "")
    if not expression:
        return None
    match = _COMPARE.match(expression)
    if match:
        return match.group(1), match.group(2), match.group(3)
    match = _TRUTHY.match(expression)
    if match:
        return match.group(2), "falsy" if match.group(1) else "truthy", ""
    return None


def hidden(rule: tuple[str, str, str] | None, values: Mapping[str, Any]) -> bool:
    """Whether a component with this `hide` rule is hidden for these values."""
    if rule is None:
        return False
    key, op, expected = rule
    value = values.get(key)
    if op == "truthy":
        return bool(value)
    if op == "falsy":
        return not value
    same = ("" if value is None else str(value).lower() if isinstance(value, bool) else str(value)) == expected
    return same if op == "=" else not same


def _inputs(components: Any) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for component in components or []:
        if not isinstance(component, Mapping):
            continue
        if component.get("type") == "group" and not component.get("path"):
            found += _inputs(component.get("components"))
        elif component.get("type") in INPUT_TYPES and component.get("key"):
            found.append(component)
    return found


def title_of(form: Mapping[str, Any] | None, fallback: str) -> str:
    """The form's title in the page's language."""
    props = (form or {}).get("properties") or {}
    if current_language() == "en" and props.get("title_en"):
        return str(props["title_en"])
    return str(props.get("title") or bilingual(fallback))


DEFAULT_FROM = "defaultFrom"
"""Component property naming the data key whose value an empty field starts with: the assignment's
unit select starts at the unit the decision table proposed (`default_unit`)."""


def _default(component: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    props = component.get("properties") or {}
    source = props.get(DEFAULT_FROM)
    proposed = values.get(str(source)) if source else None
    mapping = props.get("defaultMap")  # the plan's unit for the petition's field (`plan_rules.form_for_plan`)
    if isinstance(mapping, Mapping) and proposed is not None:
        proposed = mapping.get(str(proposed), proposed)
    allowed = {str(v.get("value")) for v in component.get("values") or [] if isinstance(v, Mapping)}
    if proposed not in (None, "") and (not allowed or str(proposed) in allowed):
        return proposed
    return component.get("defaultValue")


def fields(form: Mapping[str, Any] | None, values: Mapping[str, Any],
           errors: Mapping[str, list[str]] | None = None) -> list[Field]:
    """The form's inputs with their current values and errors."""
    drawn = []
    for c in _inputs((form or {}).get("components")):
        rules = c.get("validate") or {}
        key = str(c["key"])
        value = values.get(key, _default(c, values))
        options = [(str(v.get("value")), bilingual(str(v.get("label", v.get("value")))))
                   for v in c.get("values") or [] if isinstance(v, Mapping)]
        drawn.append(Field(key, str(c["type"]), label_of(dict(c)), bool(rules.get("required")), value, options,
                           list((errors or {}).get(key, [])), _hide_rule(c), str(c.get("subtype") or ""),
                           rules.get("maxLength"), str(c.get("description") or "")))
    return drawn


def _typed(component: Mapping[str, Any], raw: list[str]) -> tuple[bool, Any]:
    kind = component.get("type")
    if kind == "checkbox":
        return True, bool(raw) and raw[-1] in ("on", "true", "1")
    allowed = {str(v.get("value")): v.get("value") for v in component.get("values") or [] if isinstance(v, Mapping)}
    if kind in ("checklist", "taglist"):
        return True, [allowed.get(r, r) for r in raw if r != ""]
    text = raw[-1] if raw else ""
    if text == "":
        return False, None
    if kind == "number":
        try:
            number = int(text) if re.fullmatch(r"-?\d{1,100}", text) else float(text)
            return (True, number) if math.isfinite(number) else (True, text)  # NaN, inf: refused as not a number
        except ValueError:
            return True, text
    if kind in ("select", "radio"):
        return True, allowed.get(text, text)
    return True, text


def read(form: Mapping[str, Any] | None, posted: MultiDict[str, str]) -> dict[str, Any]:
    """The posted values, typed as the form's components say; empty optional inputs are left out."""
    data: dict[str, Any] = {}
    components = _inputs((form or {}).get("components"))
    for c in components:
        present, value = _typed(c, posted.getlist(f"f.{c['key']}"))
        if present:
            data[str(c["key"])] = value
    for c in components:
        if hidden(_hide_rule(c), data):
            data.pop(str(c["key"]), None)
    return data


def strip_hidden_errors(form: Mapping[str, Any] | None, data: Mapping[str, Any],
                        errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Errors minus those of components the form hides for `data`."""
    hide = {str(c["key"]) for c in _inputs((form or {}).get("components")) if hidden(_hide_rule(c), data)}
    return {k: v for k, v in errors.items() if k not in hide}
