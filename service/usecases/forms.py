"""Checking submitted task data against the task's form (a form-js JSON definition).

The form becomes a marshmallow schema: `validate.required`, `minLength`/`maxLength`, `pattern`,
number `min`/`max`, the values of selects, radios and checklists, date/time formats, checkboxes as
booleans, groups (flat, or nested under their `path`) and dynamic lists. Fields the form does not
have are refused by name, and so is every key starting with an underscore.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from workflows.form_rules import compile_pattern, hides

from .errors import Invalid


def is_hidden(component: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    """Whether the component's `conditional.hide` (a FEEL expression such as `=disposition != "unfounded"`)
    holds for `data`; a hidden field is never required. An expression that cannot be read hides nothing.
    It is evaluated under the limits of diagram expressions (`workflows/form_rules.py`)."""
    condition = (component.get("conditional") or {}).get("hide") if isinstance(component, Mapping) else None
    return hides(condition, data)


class _Pattern(validate.Validator):
    """`validate.pattern`, matched at the start of the value as before, by RE2: linear time, no ReDoS."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __call__(self, value: Any) -> Any:
        try:
            compiled = compile_pattern(self.pattern)
        except Exception:  # refused at upload; a form stored before that check matches nothing
            raise ValidationError("String does not match expected pattern.") from None
        if not isinstance(value, str) or compiled.match(value) is None:
            raise ValidationError("String does not match expected pattern.")
        return value


_DISPLAY_ONLY = {"text", "html", "image", "spacer", "separator", "button", "iframe", "table", "expression"}


class _Number(fields.Field[Any]):
    """A JSON number (not a boolean), kept as the int or float it was."""


    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise ValidationError("Not a valid number.")
        return value


def _iso(kind: str) -> validate.Validator:
    parse = {"date": date.fromisoformat, "time": time.fromisoformat, "datetime": datetime.fromisoformat}[kind]

    class _Iso(validate.Validator):
        def __call__(self, value: Any) -> Any:
            try:
                parse(str(value))
            except ValueError:
                raise ValidationError(f"Not a valid {kind} (ISO 8601 expected).") from None
            return value

    return _Iso()


def _values(component: Mapping[str, Any]) -> list[Any] | None:
    values = component.get("values")
    if isinstance(values, list) and values:
        return [v.get("value") for v in values if isinstance(v, Mapping)]
    return None


def _field(component: Mapping[str, Any], data: Mapping[str, Any]) -> fields.Field[Any]:
    kind = component.get("type")
    rules: Mapping[str, Any] = component.get("validate") or {}
    required = bool(rules.get("required")) and not is_hidden(component, data)
    checks: list[validate.Validator] = []
    field: fields.Field[Any]
    if kind in ("textfield", "textarea", "datetime"):
        if rules.get("minLength") is not None or rules.get("maxLength") is not None:
            checks.append(validate.Length(min=rules.get("minLength"), max=rules.get("maxLength")))
        if rules.get("pattern"):
            checks.append(_Pattern(str(rules["pattern"])))
        if rules.get("validationType") == "email":
            checks.append(validate.Email())
        if kind == "datetime":
            checks.append(_iso({"date": "date", "time": "time"}.get(str(component.get("subtype")), "datetime")))
        if required:
            checks.append(validate.Length(min=1, error="Shorter than minimum length 1."))
        field = fields.String(required=required, validate=checks)
    elif kind == "number":
        if rules.get("min") is not None or rules.get("max") is not None:
            checks.append(validate.Range(min=rules.get("min"), max=rules.get("max")))
        field = _Number(required=required, validate=checks)
    elif kind in ("select", "radio"):
        allowed = _values(component)
        field = fields.Raw(required=required, validate=[validate.OneOf(allowed)] if allowed else [])
    elif kind == "checkbox":
        field = fields.Boolean(required=required, truthy={True}, falsy={False})
    elif kind in ("checklist", "taglist"):
        allowed = _values(component)
        field = fields.List(fields.Raw(validate=[validate.OneOf(allowed)] if allowed else []), required=required)
    elif kind == "dynamiclist":
        field = _list(component, required)
    else:
        field = fields.Raw(required=required)
    return field


def _list(component: Mapping[str, Any], required: bool = False) -> fields.Field[Any]:
    """A form-js dynamic list: a list of objects, each checked against the list's own components."""
    return fields.List(fields.Nested(_schema(list(component.get("components") or []), {})), required=required)


def name_of(component: Mapping[str, Any]) -> str | None:
    """Where a component's value lives in the data: its `key`, or the `path` of a group or dynamic list."""
    name = component.get("key") or (component.get("path") if component.get("type") in ("group", "dynamiclist")
                                    else None)
    return str(name) if name else None


def _schema(components: list[Any], data: Mapping[str, Any]) -> Schema:
    declared: dict[str, fields.Field[Any]] = {}
    for component in components:
        if not isinstance(component, Mapping) or component.get("type") in _DISPLAY_ONLY:
            continue
        if component.get("type") == "group":
            inner = component.get("components") or []
            if component.get("path"):
                declared[str(component["path"])] = fields.Nested(_schema(inner, {}))
            else:
                declared.update(_schema(inner, data).fields)
        elif component.get("type") == "dynamiclist" and component.get("path") and not component.get("key"):
            declared[str(component["path"])] = _list(component)
        elif component.get("key"):
            declared[str(component["key"])] = _field(component, data)
    return Schema.from_dict(declared)(unknown=RAISE)


def _private_keys(data: Any, prefix: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            name = f"{prefix}{key}"
            if str(key).startswith("_"):
                found.append(name)
            found += _private_keys(value, f"{name}.")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _private_keys(value, f"{prefix}{index}.")
    return found


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            flat.update(_flatten(value, f"{prefix}{key}." if not isinstance(value, list) else f"{prefix}{key}"))
    elif isinstance(messages, list):
        name = prefix.rstrip(".")
        for value in messages:
            if isinstance(value, str):
                flat.setdefault(name, []).append(value)
            else:
                for key, inner in _flatten(value, f"{name}.").items():
                    flat.setdefault(key, []).extend(inner)
    return flat


def _hidden_flags(components: list[Any], data: Mapping[str, Any]) -> tuple[bool, ...]:
    """What of a form depends on the submitted data: each conditional field's hidden-or-not, in order."""
    flags: list[bool] = []
    for component in components:
        if not isinstance(component, Mapping):
            continue
        if component.get("type") == "group" and not component.get("path"):
            flags.extend(_hidden_flags(component.get("components") or [], data))
        elif (component.get("conditional") or {}).get("hide"):
            flags.append(is_hidden(component, data))
    return tuple(flags)


_SCHEMAS: OrderedDict[tuple[str, tuple[bool, ...]], Schema] = OrderedDict()
_SCHEMAS_KEPT = 256


_CONTENT: OrderedDict[int, tuple[list[Any], str]] = OrderedDict()


def _content_of(components: list[Any]) -> str:
    """The canonical text of a form's components, written once per components list object: forms come
    from the process versions' cache and are shared, never changed (the list is kept alive beside its text
    so its id is not reused)."""
    found = _CONTENT.get(id(components))
    if found is not None and found[0] is components:
        return found[1]
    text = json.dumps(components, sort_keys=True, default=str)
    _CONTENT[id(components)] = (components, text)
    while len(_CONTENT) > _SCHEMAS_KEPT:
        _CONTENT.popitem(last=False)
    return text


def _schema_for(components: list[Any], data: Mapping[str, Any]) -> Schema:
    """The form's schema, built once per form content and per set of hidden fields, then reused."""
    key = (_content_of(components), _hidden_flags(components, data))
    found = _SCHEMAS.get(key)
    if found is None:
        found = _SCHEMAS[key] = _schema(components, data)
        while len(_SCHEMAS) > _SCHEMAS_KEPT:
            _SCHEMAS.popitem(last=False)
    return found


def check_submission(form: Mapping[str, Any] | None, data: Mapping[str, Any], task_name: str) -> dict[str, Any]:
    """The submitted data, checked against the task's form; `Invalid` names every bad or unknown field."""
    private = _private_keys(data)
    errors: dict[str, list[str]] = {name: ["Keys starting with '_' are reserved."] for name in private}
    cleaned: dict[str, Any] = dict(data)
    if form is not None and not errors:
        try:
            components = form.get("components")
            cleaned = _schema_for(components if isinstance(components, list) else [], data).load(dict(data))
        except ValidationError as exc:
            errors = _flatten(exc.messages)
    if errors:
        problems = [f"{name}: {' '.join(msgs)}" for name, msgs in sorted(errors.items())]
        raise Invalid(f"the data for '{task_name}' was refused: {'; '.join(problems)}", problems, fields=errors)
    return cleaned
