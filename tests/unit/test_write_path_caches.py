"""What a completion keeps from one call to the next (issue 17) stays true to what it was made from: a
form shaped by a plan follows the plan's text, a form's schema follows the form's content, a document
template follows its file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from service.documents import templates
from service.domain import petition_hooks
from service.plan_format import parse_plan, plan_as_json
from service.usecases import forms
from service.usecases.errors import Invalid

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


def _plan_text(name: str) -> str:
    path = next((BPMN / "plans").glob(f"{name}_*.toml"))
    return json.dumps(plan_as_json(parse_plan(path.read_bytes(), path.name)))


def _unit_choices(form: dict[str, Any]) -> list[str]:
    return [v["value"] for c in form["components"] if c.get("key") == "assigned_unit" for v in c["values"]]


def test_a_form_shaped_by_a_plan_is_made_once_per_plan_text_and_follows_a_changed_plan() -> None:
    form = json.loads((BPMN / "forms" / "petition_assign_unit.form.json").read_text(encoding="utf-8"))
    drawn = json.dumps(form, sort_keys=True)
    sonla, quangtri = _plan_text("000"), _plan_text("004")
    first = petition_hooks._for_plan(form, sonla)
    assert petition_hooks._for_plan(form, sonla) is first  # made once, shared
    other = petition_hooks._for_plan(form, quangtri)
    assert _unit_choices(other) != _unit_choices(first)
    # a plan loaded again with one unit fewer is another text: the form follows it
    plan = json.loads(sonla)
    plan["units"] = [u for u in plan["units"] if u["code"] != _unit_choices(first)[0]]
    changed = petition_hooks._for_plan(form, json.dumps(plan))
    assert _unit_choices(changed) == [u for u in _unit_choices(first) if u != _unit_choices(first)[0]]
    assert petition_hooks._for_plan(form, None)["components"] == form["components"]  # no plan: as drawn
    assert json.dumps(form, sort_keys=True) == drawn  # the drawn form itself is never changed


def _components(key: str) -> list[dict[str, Any]]:
    return [{"type": "textfield", "key": key, "label": key, "validate": {"required": True}}]


def test_a_form_schema_follows_the_content_even_when_a_new_form_takes_the_old_one_s_place() -> None:
    for round_ in range(50):  # ids of freed lists are reused: each round's form must be checked as it is
        key = f"field_{round_}"
        components = _components(key)
        assert forms.check_submission({"components": components}, {key: "x"}, "t") == {key: "x"}
        with pytest.raises(Invalid):
            forms.check_submission({"components": components}, {f"field_{round_ + 1}": "x"}, "t")
        del components


def test_a_template_is_read_again_when_its_file_changes(tmp_path: Path) -> None:
    shutil.copy(BPMN / "documents" / "receipt.toml", tmp_path / "receipt.toml")
    before = templates.load("receipt", tmp_path)
    assert templates.load("receipt", tmp_path) is before  # parsed once
    text = (tmp_path / "receipt.toml").read_text(encoding="utf-8")
    (tmp_path / "receipt.toml").write_text(text.replace('summary = "', 'summary = "Bản sửa: ', 1), encoding="utf-8")
    after = templates.load("receipt", tmp_path)
    assert after.version != before.version and after.summary.startswith("Bản sửa: ")


def test_only_the_written_reply_prints_the_reply_s_text() -> None:
    printing = [kind for kind in templates.KINDS if templates.load(kind).uses("reply_text")]
    assert printing == ["written_reply"]
    assert templates.load("receipt").uses("petition_code")
