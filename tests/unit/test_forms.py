"""Form checking: a field the form hides (form-js `conditional.hide`) is not required."""

from __future__ import annotations

from typing import Any

import pytest

from service.usecases.errors import Invalid
from service.usecases.forms import check_submission, is_hidden

FORM = {"components": [
    {"type": "select", "key": "disposition", "validate": {"required": True},
     "values": [{"label": "tiếp tục", "value": "proceed"}, {"label": "không có cơ sở", "value": "unfounded"}]},
    {"type": "textarea", "key": "unfounded_reason", "validate": {"required": True, "maxLength": 20},
     "conditional": {"hide": '=disposition != "unfounded"'}},
]}


def test_hidden_field_is_optional_and_shown_field_is_required() -> None:
    assert check_submission(FORM, {"disposition": "proceed"}, "t") == {"disposition": "proceed"}
    with pytest.raises(Invalid) as refused:
        check_submission(FORM, {"disposition": "unfounded"}, "t")
    assert refused.value.problems == ["unfounded_reason: Missing data for required field."]
    with pytest.raises(Invalid, match="unfounded_reason"):
        check_submission(FORM, {"disposition": "unfounded", "unfounded_reason": "x" * 21}, "t")


@pytest.mark.parametrize(("condition", "data", "hidden"), [
    ('=disposition = "proceed"', {"disposition": "proceed"}, True),
    ('=disposition = "proceed"', {}, False),
    ("=count > 2 and flag", {"count": 3, "flag": True}, True),
    ("=amount = null", {}, True),
    ("=some feel(construct", {"x": 1}, False),
    ("=__import__('os')", {}, False),
])
def test_feel_conditions(condition: str, data: dict[str, object], hidden: bool) -> None:
    assert is_hidden({"conditional": {"hide": condition}}, data) is hidden


def test_a_form_schema_is_built_once_per_content_and_per_hidden_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.usecases import forms

    built: list[int] = []
    real = forms._schema

    def counting(components: Any, data: Any) -> Any:
        built.append(1)
        return real(components, data)

    monkeypatch.setattr(forms, "_schema", counting)
    monkeypatch.setattr(forms, "_SCHEMAS", type(forms._SCHEMAS)())
    for _ in range(3):
        check_submission(FORM, {"disposition": "proceed"}, "t")
    assert len(built) == 1
    with pytest.raises(Invalid):  # the reason is shown now, so required: another schema
        check_submission(FORM, {"disposition": "unfounded"}, "t")
    assert len(built) == 2
    changed = {"components": [*FORM["components"][:1], {**FORM["components"][1], "validate": {"maxLength": 5}}]}
    with pytest.raises(Invalid, match="unfounded_reason"):  # same keys, other rules: not the cached schema
        check_submission(changed, {"disposition": "unfounded", "unfounded_reason": "x" * 6}, "t")
    assert len(built) == 3
