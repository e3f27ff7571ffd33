"""Parsing and validating bundles (`parse_model`), the parsed-model cache and the bundle hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.unit import diagrams
from workflows import models
from workflows.engine import Instance
from workflows.errors import ModelError
from workflows.models import ModelCache, bundle_hash, parse_model

INTAKE = Path(__file__).resolve().parents[2] / "bpmn" / "intake_review.bpmn"
FORM = b'{"components": []}'
_XML = etree.parse(str(INTAKE))
_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
       "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FORM_OF = {str(task.get("id")): str(prop.get("value"))
           for task in _XML.iterfind(".//bpmn:userTask", _NS)
           for prop in task.iterfind(".//spiffworkflow:property[@name='formKey']", _NS)}
"""The form each user task of intake_review names, read straight from the XML."""
FORMS = {name: FORM for name in FORM_OF.values()}
LANES = tuple(str(lane.get("name")) for lane in _XML.iterfind(".//bpmn:lane", _NS))


def refused(bpmn: bytes, resources: dict[str, bytes] | None = None, **kwargs: Any) -> ModelError:
    with pytest.raises(ModelError) as caught:
        parse_model(bpmn, resources, **kwargs)
    return caught.value


def test_intake_review_parses_with_its_forms() -> None:
    assert len(FORM_OF) == 3 and LANES == ("reception", "office")
    model = parse_model(INTAKE.read_bytes(), FORMS, file_name="intake_review.bpmn", known_lanes=LANES)
    assert model.key == "intake_review"
    assert model.lanes == LANES
    assert set(model.human_tasks) == {"register_petition", "classify_petition", "notify_petitioner"}
    assert model.human_tasks["classify_petition"].lane == "office"
    assert {k: v.form_key for k, v in model.human_tasks.items()} == FORM_OF
    assert set(model.forms) == set(FORMS)
    assert model.sha256 == bundle_hash(INTAKE.read_bytes(), FORMS)


def test_intake_review_runs_its_script_under_the_sandbox() -> None:
    model = parse_model(INTAKE.read_bytes(), FORMS)
    instance, _ = Instance.start(model, {})
    [register] = instance.ready_tasks()
    instance.complete_task(register.id, {"field": "land", "urgency": "high"})
    [classify] = instance.ready_tasks()
    instance.complete_task(classify.id, {})
    [notify] = instance.ready_tasks()
    assert notify.element_id == "notify_petitioner"
    assert notify.data["summary"] == "land / high"
    assert notify.data["classified"] is True


def test_a_missing_form_is_named_with_its_task() -> None:
    missing = FORM_OF["classify_petition"]
    forms = {k: v for k, v in FORMS.items() if k != missing}
    error = refused(INTAKE.read_bytes(), forms, file_name="intake_review.bpmn")
    [problem] = error.problems
    assert problem.element_id == "classify_petition"
    assert missing in problem.message
    assert "element classify_petition" in str(error)


def test_a_form_that_is_not_json_is_refused_by_name() -> None:
    error = refused(INTAKE.read_bytes(), {**FORMS, FORM_OF["notify_petitioner"]: b"{not json"})
    assert any(p.file_name == FORM_OF["notify_petitioner"] and "JSON" in p.message for p in error.problems)


def test_an_unknown_lane_is_refused_when_lanes_are_known() -> None:
    error = refused(INTAKE.read_bytes(), FORMS, known_lanes=["reception", "director"])
    assert "'office'" in str(error)
    assert "'reception'" not in str(error).split("known lanes")[0]
    parse_model(INTAKE.read_bytes(), FORMS)  # no known_lanes: any lane goes


def test_two_executable_processes_are_refused() -> None:
    bpmn = diagrams.definitions(diagrams.process(diagrams.linear([("task", "work", "")]), "first"),
                                diagrams.process(diagrams.linear([("task", "more", "")], "b_"), "second"))
    assert "exactly one executable top-level process, found 2" in str(refused(bpmn))


def test_a_non_executable_second_process_is_fine() -> None:
    bpmn = diagrams.definitions(diagrams.process(diagrams.linear([("task", "work", "")]), "first"),
                                diagrams.process(diagrams.linear([("task", "more", "")], "b_"), "notes",
                                                 executable=False))
    assert parse_model(bpmn).key == "first"


def test_schema_invalid_bpmn_reports_a_line() -> None:
    bpmn = diagrams.definitions(diagrams.process(
        '<bpmn:startEvent id="start"><bpmn:bogus /></bpmn:startEvent>\n'))
    error = refused(bpmn, file_name="broken.bpmn")
    [problem] = error.problems
    bogus_line = next(n for n, text in enumerate(bpmn.decode().splitlines(), 1) if "bogus" in text)
    assert problem.line == bogus_line
    assert problem.file_name == "broken.bpmn"
    assert f"line {problem.line}" in str(error)


def test_a_document_that_is_not_bpmn_is_refused() -> None:
    assert "not a BPMN 2.0 document" in str(refused(b"<html><body/></html>"))


def test_a_script_that_does_not_compile_is_named() -> None:
    error = refused(diagrams.script_diagram("x = = 1", task_id="broken_script"))
    assert error.problems[0].element_id == "broken_script"
    assert "syntax error" in str(error)


class CountingParse:
    def __init__(self) -> None:
        self.calls = 0
        self.real = models.parse_model

    def __call__(self, *args: Any, **kwargs: Any) -> models.ProcessModel:
        self.calls += 1
        return self.real(*args, **kwargs)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> CountingParse:
    counter = CountingParse()
    monkeypatch.setattr(models, "parse_model", counter)
    return counter


def test_the_cache_parses_a_bundle_once(parses: CountingParse) -> None:
    cache = ModelCache()
    first = cache.get_or_parse(INTAKE.read_bytes(), FORMS)
    second = cache.get_or_parse(bytes(INTAKE.read_bytes()), dict(FORMS))
    assert second is first
    assert parses.calls == 1
    other = cache.get_or_parse(INTAKE.read_bytes(), {**FORMS, "extra.form.json": FORM})
    assert other is not first
    assert parses.calls == 2


def test_the_cache_drops_the_least_recently_used(parses: CountingParse) -> None:
    cache = ModelCache(capacity=2)
    bundles = [diagrams.script_diagram(f"x = {n}") for n in range(3)]
    a = cache.get_or_parse(bundles[0])
    cache.get_or_parse(bundles[1])
    assert cache.get_or_parse(bundles[0]) is a  # a is now the most recent
    cache.get_or_parse(bundles[2])  # evicts bundles[1]
    assert parses.calls == 3
    assert cache.get_or_parse(bundles[0]) is a
    assert parses.calls == 3
    cache.get_or_parse(bundles[1])
    assert parses.calls == 4


def test_the_cache_does_not_keep_refused_bundles(parses: CountingParse) -> None:
    cache = ModelCache()
    for _ in range(2):
        with pytest.raises(ModelError):
            cache.get_or_parse(diagrams.script_diagram("import os"))
    assert parses.calls == 2


def test_bundle_hash_follows_every_byte_of_the_bundle() -> None:
    bpmn = INTAKE.read_bytes()
    base = bundle_hash(bpmn, FORMS)
    assert bundle_hash(bpmn, dict(reversed(list(FORMS.items())))) == base
    one = FORM_OF["classify_petition"]
    changed = {**FORMS, one: b'{"components": [{"key": "x"}]}'}
    assert bundle_hash(bpmn, changed) != base
    renamed = {("other.form.json" if k == one else k): v for k, v in FORMS.items()}
    assert bundle_hash(bpmn, renamed) != base
    assert bundle_hash(bpmn + b" ", FORMS) != base
    assert bundle_hash(bpmn, {}) != base
    assert len(base) == 64 and int(base, 16) >= 0
