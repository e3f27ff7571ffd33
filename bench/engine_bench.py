"""Section 1: the petition journey through `workflows/` alone, in memory and stateless (restore, act, save).

Also the raw engine's stateless cost per step for a petition with a long history (section 5's baseline).
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from service.pack import read_bundle
from workflows.engine import Instance
from workflows.models import ProcessModel, parse_model

from . import journey
from .settings import BPMN, scaled
from .stats import summary


@cache
def petition_model() -> ProcessModel:
    """The parsed petition diagram with its forms and decision tables, as the service deploys it."""
    bundle = read_bundle(BPMN / "petition.bpmn")
    return parse_model(bundle.bpmn, bundle.resources, file_name=bundle.file_name)


def _task_id(instance: Instance, element: str) -> str:
    return next(t.id for t in instance.ready_tasks() if t.element_id == element)


def in_memory_journey() -> None:
    """One instance start to finish, never saved."""
    pid = journey.new_id()
    instance, _ = Instance.start(petition_model(), journey.start_data(pid))
    for element, data in journey.BEFORE_MESSAGE:
        instance.complete_task(_task_id(instance, element), data)
    instance.deliver_message(journey.MESSAGE, *journey.outcome(pid))
    for element, data in journey.AFTER_MESSAGE:
        instance.complete_task(_task_id(instance, element), data)
    assert instance.snapshot().completed


def stateless_journey(step_ms: list[float]) -> int:
    """One instance start to finish, restored from text and saved to text around every step.

    Appends the milliseconds of each task completion (restore, complete, save) to `step_ms`;
    returns the bytes of the final state.
    """
    model = petition_model()
    pid = journey.new_id()
    instance, _ = Instance.start(model, journey.start_data(pid))
    state = instance.save()
    for index, (element, data) in enumerate(journey.STEPS):
        if index == len(journey.BEFORE_MESSAGE):
            instance = Instance.restore(model, state)
            instance.deliver_message(journey.MESSAGE, *journey.outcome(pid))
            state = instance.save()
        began = time.perf_counter()
        instance = Instance.restore(model, state)
        instance.complete_task(_task_id(instance, element), data)
        state = instance.save()
        step_ms.append((time.perf_counter() - began) * 1000)
    assert Instance.restore(model, state).snapshot().completed
    return len(state.encode())


def run() -> dict[str, Any]:
    """Instances per second and milliseconds per step, in memory and stateless."""
    count = scaled(300, 20)
    for _ in range(5):
        in_memory_journey()
        stateless_journey([])
    began = time.perf_counter()
    for _ in range(count):
        in_memory_journey()
    memory_s = time.perf_counter() - began
    steps: list[float] = []
    began = time.perf_counter()
    size = 0
    for _ in range(count):
        size = stateless_journey(steps)
    stateless_s = time.perf_counter() - began
    return {
        "instances": count, "tasks_per_instance": journey.TASKS_PER_JOURNEY,
        "in_memory": {"instances_per_s": round(count / memory_s, 1),
                      "ms_per_instance": round(memory_s * 1000 / count, 3)},
        "stateless": {"instances_per_s": round(count / stateless_s, 1),
                      "ms_per_instance": round(stateless_s * 1000 / count, 3), "step_ms": summary(steps)},
        "final_state_bytes": size,
    }


def loop_step(instance: Instance) -> tuple[str, dict[str, Any]]:
    """The next step of the redrafting loop: draft the answer, or return the draft."""
    ready = {t.element_id for t in instance.ready_tasks()}
    return journey.BEFORE_MESSAGE[3] if "draft_answer" in ready else journey.RETURN


def grown(completed: int) -> tuple[Instance, str]:
    """A petition whose drafts were returned until it has `completed` finished user tasks; (instance, state)."""
    instance, _ = Instance.start(petition_model(), journey.start_data(journey.new_id()))
    for element, data in journey.BEFORE_MESSAGE[:3]:
        instance.complete_task(_task_id(instance, element), data)
    for _ in range(completed - 3):
        element, data = loop_step(instance)
        instance.complete_task(_task_id(instance, element), data)
    return instance, instance.save()


def stateless_step_at(completed: int, repeats: int) -> dict[str, Any]:
    """Restore, complete the next task of the loop, save: milliseconds with `completed` tasks in the history.

    Every sample starts from the same saved state, so the history stays at its size.
    """
    model = petition_model()
    base, state = grown(completed)
    element, data = loop_step(base)
    samples: list[float] = []
    for index in range(repeats + 2):
        began = time.perf_counter()
        instance = Instance.restore(model, state)
        instance.complete_task(_task_id(instance, element), data)
        instance.save()
        if index >= 2:
            samples.append((time.perf_counter() - began) * 1000)
    return {"step_ms": summary(samples), "state_bytes": len(state.encode())}
