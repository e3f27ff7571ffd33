"""Issue 16, point 2: the engine's own work is bounded, not only diagram code.

A huge multi-instance cardinality, timers beyond any sane horizon, cycles without end and recursive
call activities are refused at upload when they are written out, and stopped before the engine acts
on them when computed; a step that creates too many tasks is stopped; in the worker, a step over a
bound becomes an incident naming the element and the bound that is never retried automatically.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from xml.sax.saxutils import escape

import pytest
from flask import Flask
from sqlalchemy import select

from service import limits
from service.config import Settings
from service.store.tables import Incident, ProcessInstance
from service.usecases import clock, instances, models, timers
from service.usecases.context import Context
from service.usecases.errors import Invalid
from tests.api.conftest import Api, problem_of
from tests.conftest import ADMIN
from tests.unit.diagrams import definitions, linear, process
from workflows import budget
from workflows.budget import StepBudgetExceeded
from workflows.engine import Instance
from workflows.errors import ModelError
from workflows.models import parse_model


@pytest.fixture(autouse=True)
def default_bounds() -> Iterator[None]:
    limits.configure(Settings())
    yield
    limits.configure(Settings())


def _multi(cardinality: str, element: str = "each", sequential: bool = False) -> str:
    flag = ' isSequential="true"' if sequential else ""
    return (f"<bpmn:multiInstanceLoopCharacteristics{flag}><bpmn:loopCardinality>{escape(cardinality)}"
            "</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics><bpmn:script>x = 1</bpmn:script>")


def _mi_diagram(key: str, cardinality: str, timer: str | None = None) -> bytes:
    steps = []
    if timer is not None:
        steps.append(("intermediateCatchEvent", "wait", "<bpmn:timerEventDefinition><bpmn:timeDuration>"
                      f"{escape(timer)}</bpmn:timeDuration></bpmn:timerEventDefinition>"))
    steps.append(("scriptTask", "each", _multi(cardinality)))
    return definitions(process(linear(steps), process_id=key))


def _timer_diagram(key: str, tag: str, expression: str) -> bytes:
    inner = (f"<bpmn:timerEventDefinition><bpmn:{tag}>{escape(expression)}</bpmn:{tag}>"
             "</bpmn:timerEventDefinition>")
    return definitions(process(linear([("intermediateCatchEvent", "wait", inner)]), process_id=key))


def _refusal(bpmn: bytes) -> ModelError:
    started = time.process_time()
    with pytest.raises(ModelError) as caught:
        parse_model(bpmn)
    assert time.process_time() - started < 2
    return caught.value


def test_p02_huge_cardinality_refused_at_upload() -> None:
    error = _refusal(_mi_diagram("huge", "1000000000"))
    assert [p.element_id for p in error.problems] == ["each"], error
    assert "loopCardinality 1000000000" in str(error) and "1000" in str(error)
    parse_model(_mi_diagram("fine", "3"))  # a small cardinality is fine


@pytest.mark.parametrize(("tag", "expression", "said"), [
    ("timeDuration", '"P99999999Y"', "10 years"),
    ("timeDuration", '"P3700D"', "10 years"),
    ("timeCycle", '"R999999999/PT0S"', "the limit is 1000"),
    ("timeCycle", '"R/PT0S"', "without end"),
    ("timeCycle", '"R/PT1S"', "without end"),
    ("timeCycle", '"R5/PT0S"', "shortest period"),
    ("timeCycle", '"R3/P99999999Y"', "10 years"),
])
def test_p02_endless_cycles_and_far_timers_refused_at_upload(tag: str, expression: str, said: str) -> None:
    error = _refusal(_timer_diagram("timed", tag, expression))
    assert [p.element_id for p in error.problems] == ["wait"], error
    assert said in str(error), error


@pytest.mark.parametrize(("tag", "expression"), [
    ("timeDuration", '"P30D"'), ("timeDuration", '"PT1H"'), ("timeCycle", '"R3/P1D"'), ("timeCycle", '"R10/PT5M"'),
])
def test_p02_sane_timers_still_deploy(tag: str, expression: str) -> None:
    parse_model(_timer_diagram("timed", tag, expression))


def test_p02_recursive_call_activity_refused_at_upload() -> None:
    top = process(linear([("callActivity", "call_sub", "")]).replace(
        '<bpmn:callActivity id="call_sub"', '<bpmn:callActivity id="call_sub" calledElement="sub"'), "top")
    sub = process(linear([("callActivity", "call_self", "")], prefix="s_").replace(
        '<bpmn:callActivity id="call_self"', '<bpmn:callActivity id="call_self" calledElement="sub"'),
        "sub", executable=False)
    error = _refusal(definitions(top, sub))
    assert [p.element_id for p in error.problems] == ["call_self"], error
    assert "recursion" in str(error)


def test_p02_refused_at_deploy_as_invalid(ctx: Context) -> None:
    with pytest.raises(Invalid) as caught:
        models.deploy(ctx, ADMIN, _mi_diagram("huge", "10**9"), {}, "huge.bpmn")
    assert "loopCardinality" in str(caught.value.problems) or "loopCardinality" in str(caught.value)


def test_p02_computed_cardinality_is_checked_before_the_engine_expands_it(app: Flask, ctx: Context) -> None:
    models.deploy(ctx, ADMIN, _mi_diagram("computed", "n"), {}, "computed.bpmn")
    director = Api(app, "giamdoc")
    started = time.process_time()
    body = problem_of(director.post("/api/v1/instances", json={"model_key": "computed", "data": {"n": 10**9}}), 422)
    assert time.process_time() - started < 5
    assert body["element_id"] == "each" and "loopCardinality" in body["detail"], body
    assert _instances(ctx) == 0
    ok = director.post("/api/v1/instances", json={"model_key": "computed", "data": {"n": 5}})
    assert ok.status_code == 201, ok.get_data(as_text=True)


def test_p02_computed_timer_beyond_the_horizon_is_refused(app: Flask, ctx: Context) -> None:
    models.deploy(ctx, ADMIN, _timer_diagram("later", "timeDuration", "wait_for"), {}, "later.bpmn")
    director = Api(app, "giamdoc")
    started = time.process_time()
    body = problem_of(director.post("/api/v1/instances", json={"model_key": "later",
                                                               "data": {"wait_for": "P99999999Y"}}), 422)
    assert time.process_time() - started < 5
    assert body["element_id"] == "wait" and "10 years" in body["detail"], body


def test_p02_collection_over_the_bound_is_refused_before_the_engine_expands_it(app: Flask, ctx: Context) -> None:
    inner = ("<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>items</bpmn:loopDataInputRef>"
             '<bpmn:inputDataItem id="item" name="item" /></bpmn:multiInstanceLoopCharacteristics>')
    bpmn = definitions(process(linear([("task", "each_item", inner)]), process_id="listed"))
    models.deploy(ctx, ADMIN, bpmn, {}, "listed.bpmn")
    director = Api(app, "giamdoc")
    body = problem_of(director.post("/api/v1/instances", json={"model_key": "listed", "data": {"items": [0] * 5000}}),
                      422)
    assert body["element_id"] == "each_item" and "5000 items" in body["detail"], body
    assert _instances(ctx) == 0
    ok = director.post("/api/v1/instances", json={"model_key": "listed", "data": {"items": [1, 2, 3]}})
    assert ok.status_code == 201, ok.get_data(as_text=True)


def test_p02_time_bound_covers_engine_work_without_any_script() -> None:
    model = parse_model(definitions(process(linear([("task", "plain_task", "")]), process_id="plain")))
    with budget.step_budget(0, 1e-9), pytest.raises(StepBudgetExceeded) as caught:  # the deadline has passed
        Instance.start(model, {})
    assert "longer than" in str(caught.value)


def test_p02_tasks_created_by_one_step_are_bounded(app: Flask, ctx: Context) -> None:
    limits.configure(Settings(step_max_tasks=300))
    models.deploy(ctx, ADMIN, _mi_diagram("wide", "n"), {}, "wide.bpmn")
    director = Api(app, "giamdoc")
    body = problem_of(director.post("/api/v1/instances", json={"model_key": "wide", "data": {"n": 900}}), 422)
    assert body["element_id"] == "each" and "the limit is 300" in body["detail"], body
    assert _instances(ctx) == 0


class _TwoHoursLater(datetime):
    """The engine's clock, moved on by the test."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _TwoHoursLater:
        return cls.fromtimestamp(time.time() + 7200, tz)


def test_p02_worker_step_over_a_bound_is_an_incident_never_retried(
        ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    models.deploy(ctx, ADMIN, _mi_diagram("later_huge", "n", timer='"PT1H"'), {}, "later_huge.bpmn")
    inst = instances.start_instance(ctx, ADMIN, "later_huge", {"n": 10**9})
    monkeypatch.setattr("SpiffWorkflow.bpmn.specs.event_definitions.timer.datetime", _TwoHoursLater)
    now = clock.now() + timedelta(hours=2)
    outcome = timers.fire_next_due(ctx, now)
    assert outcome is not None and outcome.kind == "incident", outcome
    with ctx.uow(write=False) as uow:
        row = uow.session.execute(select(Incident).where(Incident.instance_id == inst.id)).scalar_one()
        assert row.element_id == "each" and "loopCardinality" in row.error and "1000" in row.error
        assert row.next_retry_at is None and row.attempts == 1, (row.next_retry_at, row.attempts)
    later = now + timedelta(days=30)
    assert timers.fire_next_due(ctx, later) is None  # never picked up again by the worker
    assert timers.retry_next_incident(ctx, later) is None
    with ctx.uow(write=False) as uow:
        assert uow.session.get_one(Incident, row.id).attempts == 1
        assert uow.session.get_one(ProcessInstance, inst.id).status == "running"


def _instances(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return len(list(uow.session.execute(select(ProcessInstance.id)).scalars()))

