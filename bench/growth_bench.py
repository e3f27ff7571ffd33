"""Section 5: the cost of a task completion when the petition already has 10, 50 and 200 completed tasks.

The history grows the way it does in practice: the director returns the draft again and again.
Beside each service figure, the raw engine's stateless step (restore, complete, save) at the same size.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from . import databases, engine_bench, journey
from .service_journey import complete, ready_tasks, submit
from .settings import scaled
from .stats import summary

SIZES = (10, 50, 200)


def _loop(ready: dict[str, tuple[uuid.UUID, str]]) -> tuple[tuple[uuid.UUID, str], dict[str, Any]]:
    if "draft_answer" in ready:
        return ready["draft_answer"], journey.BEFORE_MESSAGE[3][1]
    return ready["review_draft"], journey.RETURN[1]


def _start(ctx: Any) -> dict[str, tuple[uuid.UUID, str]]:
    _, instance_id = submit(ctx)
    ready = ready_tasks(ctx, instance_id)
    for element, data in journey.BEFORE_MESSAGE[:3]:
        ready = complete(ctx, *ready[element], data)
    return ready


def _grow(ctx: Any, completed: int) -> dict[str, tuple[uuid.UUID, str]]:
    """A petition with `completed` tasks done: three, then drafts returned again and again."""
    ready = _start(ctx)
    for _ in range(completed - 3):
        (task_id, lane), data = _loop(ready)
        ready = complete(ctx, task_id, lane, data)
    return ready


def service_at(kind: str, petitions: int, timed: int) -> dict[int, Any]:
    """Milliseconds per completion (`tasks.complete`) at each history size, on a fresh database.

    Each petition grows through the sizes in turn; at each, the next `timed` completions are timed
    (they are part of its history from then on).
    """
    samples: dict[int, list[float]] = {size: [] for size in SIZES}
    with databases.database(kind, "growth") as url:
        ctx = databases.deployment(url)
        _grow(ctx, 5)  # parse and warm
        for _ in range(petitions):
            ready, done = _start(ctx), 3
            for size in SIZES:
                while done < size:
                    (task_id, lane), data = _loop(ready)
                    ready, done = complete(ctx, task_id, lane, data), done + 1
                for _ in range(timed):
                    (task_id, lane), data = _loop(ready)
                    began = time.perf_counter()
                    ready, done = complete(ctx, task_id, lane, data), done + 1
                    samples[size].append((time.perf_counter() - began) * 1000)
        ctx.db.dispose()
    return {size: summary(found) for size, found in samples.items()}


def run(kinds: list[str]) -> dict[str, Any]:
    """Service figures per database kind and the raw engine's, with the ratio of 200 to 10."""
    petitions, timed = scaled(2, 1), 4
    result: dict[str, Any] = {"sizes": list(SIZES), "engine": {}, "service": {}}
    for size in SIZES:
        result["engine"][size] = engine_bench.stateless_step_at(size, scaled(30, 10))
    engine = result["engine"]
    result["engine_ratio_200_to_10"] = round(engine[200]["step_ms"]["median"] / engine[10]["step_ms"]["median"], 2)
    for kind in kinds:
        figures = service_at(kind, petitions, timed)
        result["service"][kind] = {"ms": figures,
                                   "ratio_200_to_10": round(figures[200]["median"] / figures[10]["median"], 2)}
    return result
