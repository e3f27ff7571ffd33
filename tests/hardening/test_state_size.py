"""Issue 16, point 7: what one step saves is bounded in bytes, and scripts cannot amplify their output.

`big = "y" * 100000; rows = [big] * 3000` stored a 286 MB state and took a web worker from 171 to
695 MB. The script's repetition is refused while it runs, results holding more text than a step
may save are refused when the script ends, and the serialized state is checked against
`PETITIONFLOW_MAX_STATE_BYTES` before it is stored: 422 on the API, an incident in the worker,
nothing saved either way.
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
from tests.api.conftest import Api, problem_of
from tests.conftest import ADMIN
from tests.unit.diagrams import definitions, linear, process


@pytest.fixture(autouse=True)
def default_bounds() -> Iterator[None]:
    limits.configure(Settings())
    yield
    limits.configure(Settings())


def _deploy(ctx: Context, key: str, script: str, timer: bool = False, then_wait: bool = False) -> None:
    steps = [("intermediateCatchEvent", "wait", '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"'
              "</bpmn:timeDuration></bpmn:timerEventDefinition>")] if timer else []
    steps.append(("scriptTask", "amplify", f"<bpmn:script>{escape(script)}</bpmn:script>"))
    if then_wait:
        steps.append(("userTask", "look", ""))
    models.deploy(ctx, ADMIN, definitions(process(linear(steps), process_id=key, lane="office")), {}, f"{key}.bpmn")


def _stored(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return len(list(uow.session.execute(select(ProcessInstance.id)).scalars()))


def _refused(app: Flask, ctx: Context, key: str) -> dict[str, object]:
    before = limits.resident_bytes()
    started = time.process_time()
    body = problem_of(Api(app, "giamdoc").post("/api/v1/instances", json={"model_key": key, "data": {}}), 422)
    assert time.process_time() - started < 5
    assert limits.resident_bytes() - before < 64 << 20, "the step must be stopped before it grows the worker"
    assert _stored(ctx) == 0
    return body


def test_p07_list_multiplication_of_long_text_refused_while_the_script_runs(app: Flask, ctx: Context) -> None:
    _deploy(ctx, "amplified", 'big = "y" * 100000\nrows = [big] * 3000')
    body = _refused(app, ctx, "amplified")
    assert body["element_id"] == "amplify" and "characters of text" in str(body["detail"]), body


def test_p07_text_repeated_by_a_comprehension_refused_when_the_script_ends(app: Flask, ctx: Context) -> None:
    _deploy(ctx, "looped", 'big = "y" * 100000\nrows = [big for i in range(999)]')
    body = _refused(app, ctx, "looped")
    assert body["element_id"] == "amplify" and "characters of text" in str(body["detail"]), body


def test_p07_a_list_grown_in_place_is_counted_too(app: Flask, ctx: Context) -> None:
    _deploy(ctx, "grown", 'big = "y" * 100000\nrows.extend([big for i in range(999)])')
    body = problem_of(Api(app, "giamdoc").post("/api/v1/instances", json={"model_key": "grown",
                                                                          "data": {"rows": []}}), 422)
    assert "characters of text" in str(body["detail"]), body


SCRIPT = 'remark = "z" * 90000\nanswer = "w" * 90000'
START = {"note": "y" * 200_000}


def test_p07_state_over_the_limit_is_a_422_and_nothing_is_saved(app: Flask, ctx: Context) -> None:
    limits.configure(Settings(max_state_bytes=300_000))
    # the script adds 180 KB (under its own check) to the 200 KB it was started with: over 300 KB
    _deploy(ctx, "copied", SCRIPT, then_wait=True)
    body = problem_of(Api(app, "giamdoc").post("/api/v1/instances", json={"model_key": "copied", "data": START}), 422)
    assert "MB of process state" in str(body["detail"]) and "PETITIONFLOW_MAX_STATE_BYTES" in str(body["detail"])
    assert _stored(ctx) == 0
    limits.configure(Settings())
    assert Api(app, "giamdoc").post("/api/v1/instances", json={"model_key": "copied", "data": START}).status_code == 201


class _TwoHoursLater(datetime):
    """The engine's clock, moved on by the test."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _TwoHoursLater:
        return cls.fromtimestamp(time.time() + 7200, tz)


def test_p07_worker_step_over_the_state_limit_is_an_incident(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    limits.configure(Settings(max_state_bytes=300_000))
    _deploy(ctx, "copied_later", SCRIPT, timer=True, then_wait=True)
    inst = instances.start_instance(ctx, ADMIN, "copied_later", START)
    with ctx.uow(write=False) as uow:
        state_before = uow.session.get_one(ProcessInstance, inst.id).state
    monkeypatch.setattr("SpiffWorkflow.bpmn.specs.event_definitions.timer.datetime", _TwoHoursLater)
    now = clock.now() + timedelta(hours=2)
    outcome = timers.fire_next_due(ctx, now)
    assert outcome is not None and outcome.kind == "incident", outcome
    with ctx.uow(write=False) as uow:
        row = uow.session.execute(select(Incident).where(Incident.instance_id == inst.id)).scalar_one()
        assert "MB of process state" in row.error and row.next_retry_at is None
        assert uow.session.get_one(ProcessInstance, inst.id).state == state_before  # nothing of the step saved
