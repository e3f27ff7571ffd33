"""Runaway diagrams: endless loops, memory bombs and runaway recursion are stopped within each engine
step, named by element, and leave the web app, the worker and other instances healthy."""

from __future__ import annotations

import dataclasses
import gc
import uuid
from collections.abc import Iterator
from xml.sax.saxutils import escape

import pytest
from flask import Flask
from sqlalchemy import select

from service import limits
from service.config import Settings
from service.store.tables import Incident, ProcessInstance
from service.usecases import instances, models
from service.usecases.context import Context
from tests.api.conftest import Api, problem_of
from tests.conftest import ADMIN, deploy_sample
from tests.integration.diagrams import running_worker, wait_until
from tests.unit.diagrams import definitions, linear, process
from workflows.sandbox import check_expression

STEP_MB = 128
RUNAWAYS = {
    "spin": "while True:\n    pass",
    "grow": "x = []\nwhile True:\n    x.append([0] * 99999)",
    "double": "x = [0] * 100000\nwhile True:\n    x.extend(x)",
    "hoard": "x = []\nwhile True:\n    try:\n        x.append([1] * 99999)\n    except Exception:\n        pass",
    "recurse": "def f(n):\n    return f(n + 1) + 1\ny = f(0)",
}


@pytest.fixture(autouse=True)
def step_bounds() -> Iterator[None]:
    """A small memory allowance so the bombs are stopped quickly; the defaults afterwards."""
    limits.configure(Settings(step_memory_mb=STEP_MB, step_time_s=10))
    yield
    limits.configure(Settings())


def _diagram(key: str, script: str, timer: bool = False) -> bytes:
    steps = [("intermediateCatchEvent", "wait", '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT0.3S"'
              "</bpmn:timeDuration></bpmn:timerEventDefinition>")] if timer else []
    steps.append(("scriptTask", f"{key}_task", f"<bpmn:script>{escape(script)}</bpmn:script>"))
    return definitions(process(linear(steps), process_id=key))


def _deploy(ctx: Context, key: str, script: str, timer: bool = False) -> None:
    models.deploy(ctx, ADMIN, _diagram(key, script, timer), {}, f"{key}.bpmn")


@pytest.mark.parametrize("key", sorted(RUNAWAYS))
def test_a_runaway_script_is_a_422_naming_its_element(app: Flask, ctx: Context, key: str) -> None:
    _deploy(ctx, key, RUNAWAYS[key])
    director = Api(app, "giamdoc")
    before = limits.resident_bytes()
    body = problem_of(director.post("/api/v1/instances", json={"model_key": key, "data": {}}), 422)
    assert body["element_id"] == f"{key}_task", body
    gc.collect()  # a stopped step's objects may still sit in cycles with the answered error's traceback
    assert limits.resident_bytes() - before < 2 * (STEP_MB << 20)  # released, not kept
    deploy_sample(ctx)
    healthy = director.post("/api/v1/instances", json={"model_key": "intake_review", "data": {}})
    assert healthy.status_code == 201 and app.test_client().get("/healthz").status_code == 200
    with ctx.uow(write=False) as uow:  # nothing of the failed step was stored
        stored = list(uow.session.execute(select(ProcessInstance)).scalars())
    assert len(stored) == 1


def test_deeply_nested_expressions_are_refused_not_crashing() -> None:
    for depth in (1_000, 10_000, 100_000):
        assert check_expression("(" * depth + "1" + ")" * depth) is not None
        assert check_expression("[" * depth + "]" * depth) is not None


def test_the_worker_turns_a_runaway_step_into_an_incident_and_goes_on(ctx: Context) -> None:
    _deploy(ctx, "bomb", RUNAWAYS["grow"], timer=True)
    _deploy(ctx, "calm", "done = True", timer=True)
    bomb = instances.start_instance(ctx, ADMIN, "bomb", {})
    calm = instances.start_instance(ctx, ADMIN, "calm", {})
    seen: list[str] = []
    # the worker takes its bounds from its settings: the same small allowance as the fixture's
    bounded = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, step_memory_mb=STEP_MB,
                                                                    step_time_s=10))
    with running_worker(bounded, lambda outcome: seen.append(outcome.kind)) as worker:
        assert wait_until(lambda: _status(ctx, calm.id) == "completed" and _incident(ctx, bomb.id) is not None, 20)
        late = instances.start_instance(ctx, ADMIN, "calm", {})  # the worker still works after the bomb
        assert wait_until(lambda: _status(ctx, late.id) == "completed", 10)
        assert not worker.stopping
    element, error = _incident(ctx, bomb.id) or ("", "")
    assert element == "bomb_task", (element, error)
    # stopped by its memory bound, or on a machine too busy for it to grow that far in time, by its time bound
    assert ("MB of memory" in error or "ran longer than" in error) and _status(ctx, bomb.id) == "running"
    assert "incident" in seen and "fired" in seen


def _status(ctx: Context, instance_id: uuid.UUID) -> str:
    with ctx.uow(write=False) as uow:
        return str(uow.session.get_one(ProcessInstance, instance_id).status)


def _incident(ctx: Context, instance_id: uuid.UUID) -> tuple[str, str] | None:
    with ctx.uow(write=False) as uow:
        row = uow.session.execute(select(Incident).where(Incident.instance_id == instance_id)).scalars().first()
        return (str(row.element_id), str(row.error)) if row else None
