"""Form checking: a field the form hides (form-js `conditional.hide`) is not required."""

from __future__ import annotations

from typing import Any

import pytest

from service.usecases.errors import Invalid
from service.usecases.form_description import describe_form, options
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


CONFERENCE = {"components": [
    {"type": "datetime", "key": "held_on", "subtype": "date", "validate": {"required": True}},
    {"type": "dynamiclist", "path": "outcomes", "label": "Kết quả từng kiến nghị", "components": [
        {"type": "textfield", "key": "petition_id", "validate": {"required": True, "maxLength": 64}},
        {"type": "select", "key": "outcome", "label": "Kết quả", "validate": {"required": True},
         "values": [{"label": "Đã trả lời / answered", "value": "answered"},
                    {"label": "Không thành / failed", "value": "failed"}]}]},
    {"type": "taglist", "key": "agenda", "valuesKey": "candidates"},
]}


def test_a_dynamic_list_named_by_its_path_is_checked_entry_by_entry() -> None:
    good = {"held_on": "2026-09-15", "outcomes": [{"petition_id": "p1", "outcome": "failed"}]}
    assert check_submission(CONFERENCE, good, "t") == good
    with pytest.raises(Invalid) as refused:
        check_submission(CONFERENCE, {"held_on": "2026-09-15", "outcomes": [{"petition_id": "p1", "outcome": "x"},
                                                                            {"outcome": "answered", "extra": 1}]}, "t")
    assert refused.value.fields == {"outcomes.0.outcome": ["Must be one of: answered, failed."],
                                    "outcomes.1.extra": ["Unknown field."],
                                    "outcomes.1.petition_id": ["Missing data for required field."]}


def test_the_description_names_every_value_a_client_must_send() -> None:
    described = describe_form(CONFERENCE, {"candidates": ["a", "b"]})
    assert [(f["name"], f["type"], f["required"], f["multiple"]) for f in described] == [
        ("held_on", "datetime", True, False), ("outcomes", "dynamiclist", False, True),
        ("agenda", "taglist", False, True)]
    inner = described[1]["components"]
    assert [f["name"] for f in inner] == ["petition_id", "outcome"] and inner[0]["max_length"] == 64
    assert inner[1]["options"] == [{"value": "answered", "label": "Đã trả lời / answered"},
                                   {"value": "failed", "label": "Không thành / failed"}]
    assert described[2]["options"] == [{"value": "a", "label": "a"}, {"value": "b", "label": "b"}]
    assert [c["value"] for c in options(CONFERENCE, "outcomes.outcome")] == ["answered", "failed"]
    [reason] = [f for f in describe_form(FORM, {}) if f["name"] == "unfounded_reason"]
    assert reason["hidden"] and not reason["required"] and reason["hide_when"] == '=disposition != "unfounded"'
    [reason] = [f for f in describe_form(FORM, {"disposition": "unfounded"}) if f["name"] == "unfounded_reason"]
    assert reason["required"] and not reason["hidden"] and reason["max_length"] == 20
    assert options(CONFERENCE, "outcomes.nothing") == [] and options(None, "outcomes.outcome") == []
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
