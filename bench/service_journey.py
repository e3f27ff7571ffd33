"""Driving the petition journey through the use-case layer, as the API does, in this process."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from service.domain import petitions
from service.store.tables import HumanTask
from service.usecases import instances, tasks
from service.usecases.context import Actor, Context

from . import journey

AGENCY = "demo"


def staff(lane: str) -> Actor:
    """The demo account working `lane`, as an actor."""
    return Actor(journey.LANE_USERS[lane], AGENCY, frozenset({journey.LANE_ROLES[lane]}))


SYSTEM = Actor.system_actor(AGENCY)


@dataclass
class Timings:
    """Milliseconds of each task completion, and what a hook measured around each."""

    completion_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)


def ready_tasks(ctx: Context, instance_id: uuid.UUID) -> dict[str, tuple[uuid.UUID, str]]:
    """The instance's ready tasks: element -> (task id, lane)."""
    with ctx.uow(write=False) as uow:
        rows = uow.session.execute(select(HumanTask.element_id, HumanTask.id, HumanTask.candidate_role).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "ready")).all()
    return {element: (task_id, role or "") for element, task_id, role in rows}


def submit(ctx: Context) -> tuple[uuid.UUID, uuid.UUID]:
    """Receive a petition as reception staff: (petition id, instance id)."""
    info = petitions.submit(ctx, staff("reception"), dict(journey.SUBMISSION))
    assert info.instance_id is not None
    return info.id, info.instance_id


def complete(ctx: Context, task_id: uuid.UUID, lane: str, data: dict[str, Any]) -> dict[str, tuple[uuid.UUID, str]]:
    """Complete a task as the staff of its lane (`tasks.complete`, the API's use case); the tasks it opened."""
    done = tasks.complete(ctx, staff(lane), task_id, data)
    return {t.element_id: (t.id, t.lane or "") for t in done.next_tasks}


def run_journey(ctx: Context, around: Callable[[Callable[[], Any]], Any] | None = None) -> uuid.UUID:
    """One petition from submission to publication; `around` wraps each task completion (for timing).

    Returns the instance id.
    """
    petition_id, instance_id = submit(ctx)
    ready = ready_tasks(ctx, instance_id)
    for index, (element, data) in enumerate(journey.STEPS):
        if index == len(journey.BEFORE_MESSAGE):
            payload, correlations = journey.outcome(str(petition_id))
            info = instances.deliver_message(ctx, SYSTEM, instance_id, journey.MESSAGE, payload, correlations)
            ready = {t.element_id: (t.id, t.lane or "") for t in info.open_tasks}
        task_id, lane = ready[element]

        def step(task_id: uuid.UUID = task_id, lane: str = lane, data: dict[str, Any] = data) -> Any:
            return complete(ctx, task_id, lane, data)

        ready = around(step) if around else step()
    return instance_id


def timed_journeys(ctx: Context, count: int, counter: Any | None = None) -> Timings:
    """`count` journeys, timing every completion (and counting its SQL when a counter is given)."""
    timings = Timings()

    def around(step: Callable[[], Any]) -> Any:
        if counter is not None:
            with counter.counting():
                began = time.perf_counter()
                result = step()
                timings.completion_ms.append((time.perf_counter() - began) * 1000)
            timings.statements.append(counter.count)
            return result
        began = time.perf_counter()
        result = step()
        timings.completion_ms.append((time.perf_counter() - began) * 1000)
        return result

    for _ in range(count):
        run_journey(ctx, around)
    return timings
